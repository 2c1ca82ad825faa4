/**
 * What the PersistentVolume controller and the external provisioners say about a claim, read from
 * their events' exact wording.
 *
 * - PersistentVolume controller (pkg/controller/volume/persistentvolume/pv_controller.go, from
 *   memory), reporting `persistentvolume-controller` through the core/v1 recorder:
 *   Normal `ExternalProvisioning`, `Waiting for a volume to be created either by the external
 *   provisioner '<name>' or manually by the system administrator. If volume creation is delayed,
 *   please verify that your external provisioner is running and correctly registered.` (before
 *   Kubernetes 1.27: `waiting for a volume to be created, either by external provisioner "<name>"
 *   or manually created by system administrator`); Normal `WaitForFirstConsumer`, `waiting for first
 *   consumer to be created before binding`, or `WaitForPodScheduled`, `waiting for pod <name> to be
 *   scheduled` (emitEventForUnboundDelayBindingClaim); Normal `FailedBinding`, `no persistent volumes
 *   available for this claim and no storage class is set`; Warning `ProvisioningFailed` with the
 *   class lookup's error, `storageclass.storage.k8s.io "<name>" not found` (findProvisionablePlugin).
 * - external-provisioner (sig-storage-lib-external-provisioner controller/controller.go,
 *   provisionClaimOperation, from memory), reporting `<provisioner>_<controller pod>_<uuid>`:
 *   Normal `Provisioning`, `External provisioner is provisioning volume for claim "<ns>/<name>"`;
 *   Warning `ProvisioningFailed`, `failed to provision volume with StorageClass "<class>": <error>`,
 *   where the CSI driver's error is a gRPC status, `rpc error: code = <Code> desc = <message>`;
 *   Normal `ProvisioningSucceeded`, `Successfully provisioned volume pvc-<uid>`.
 * - the EBS CSI driver's CreateVolume (aws-ebs-csi-driver pkg/driver/controller.go and
 *   pkg/cloud/cloud.go, from memory): `Could not create volume "pvc-<uid>": could not create volume
 *   in EC2: <AWS SDK for Go v2 error>`, e.g. `operation error EC2: CreateVolume, get identity: get
 *   credentials: failed to refresh cached credentials, failed to retrieve credentials, operation
 *   error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 403, RequestID: <id>, api
 *   error AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity` (the controller's
 *   IRSA role cannot be assumed), `... api error UnauthorizedOperation: You are not authorized to
 *   perform this operation. ...` (the role lacks ec2:CreateVolume); parameters it does not know:
 *   `rpc error: code = InvalidArgument desc = Invalid parameter key <key> for CreateVolume`.
 */

export type ProvisioningFailureKind =
  /** The controller has no AWS credentials: its IRSA / Pod Identity role cannot be assumed. */
  | 'credentials'
  /** The controller's role is refused the call (ec2:CreateVolume, kms:CreateGrant ...). */
  | 'not-authorized'
  /** The StorageClass's parameters are refused (unknown key, invalid value). */
  | 'invalid-parameters'
  /** A KMS key that cannot be used for the volume. */
  | 'kms'
  /** An EBS limit or a lack of capacity in the zone. */
  | 'capacity'
  /** The call did not answer in time (the controller cannot reach the AWS endpoint, or it is slow). */
  | 'timeout'
  /** The StorageClass the claim names does not exist (from the PersistentVolume controller). */
  | 'class-not-found'
  | 'other';

export interface ProvisioningFailure {
  kind: ProvisioningFailureKind;
  /** The class the provisioner names in `failed to provision volume with StorageClass "<class>"`. */
  storageClass?: string;
  /** The gRPC code of the driver's answer: InvalidArgument, Internal, DeadlineExceeded ... */
  grpcCode?: string;
  /** The AWS error code the driver passed on (AccessDenied, UnauthorizedOperation ...). */
  awsCode?: string;
}

const CLASS = /failed to provision volume with StorageClass "([^"]*)"/;
const GRPC = /rpc error: code = (\w+) desc = /;
const AWS_CODE = /api error (\w+):/;
const CLASS_NOT_FOUND = /^storageclass\.storage\.k8s\.io "([^"]+)" not found$/;

/** Patterns by kind, in the order they are tried (credentials before the 403s they also contain). */
const KINDS: [ProvisioningFailureKind, RegExp][] = [
  ['credentials', /AssumeRoleWithWebIdentity|InvalidIdentityToken|WebIdentityErr|NoCredentialProviders|failed to refresh cached credentials|no EC2 IMDS role found|169\.254\.170\.23|get credentials:/],
  ['kms', /\bKMS\b|InvalidKMSKey|KMS key|kms:/i],
  ['not-authorized', /UnauthorizedOperation|AccessDenied|not authorized to perform/],
  ['invalid-parameters', /code = InvalidArgument|InvalidParameter(Value|Combination)?\b|Invalid parameter/],
  ['capacity', /InsufficientVolumeCapacity|VolumeLimitExceeded|MaxIOPSLimitExceeded|ResourceLimitExceeded|code = ResourceExhausted/],
  ['timeout', /code = DeadlineExceeded|context deadline exceeded|i\/o timeout/],
];

/** The kind of a ProvisioningFailed message. */
export function classifyProvisioningFailure(message: string): ProvisioningFailure {
  const notFound = CLASS_NOT_FOUND.exec(message.trim());
  if (notFound) return { kind: 'class-not-found', storageClass: notFound[1]! };
  const storageClass = CLASS.exec(message)?.[1];
  const grpcCode = GRPC.exec(message)?.[1];
  const awsCode = AWS_CODE.exec(message)?.[1];
  const kind = KINDS.find(([, pattern]) => pattern.test(message))?.[0] ?? 'other';
  return { kind, ...(storageClass !== undefined ? { storageClass } : {}), ...(grpcCode ? { grpcCode } : {}), ...(awsCode ? { awsCode } : {}) };
}

/** Reasons of the Normal events that say provisioning was asked for or started. */
export const PROVISIONING_STARTED_REASONS: ReadonlySet<string> = new Set(['ExternalProvisioning', 'Provisioning']);

/** The provisioner an ExternalProvisioning event says the claim waits for, in either wording. */
export function awaitedProvisioner(message: string): string | undefined {
  return /external provisioner '([^']+)'/.exec(message)?.[1] ?? /external provisioner "([^"]+)"/.exec(message)?.[1];
}
