/**
 * PersistentVolumeClaims that do not bind, for the pods that wait on them: one `claim-unbound`
 * symptom per workload (the pods' StatefulSet, usually) and reason, never one per claim, with what
 * the PersistentVolume controller and the provisioner said; and the causes that hold them up,
 * each naming the real object: no default StorageClass, a StorageClass that does not exist, a
 * provisioner that is not installed (the EBS CSI driver, which CSI migration makes provision
 * `kubernetes.io/aws-ebs` classes too) or whose controller does not run.
 *
 * A provisioner that fails (ProvisioningFailed) is classified from its message; when its controller
 * cannot get or use AWS credentials, the symptom names the controller, its add-on, service account
 * and role, so irsa-pod-identity's and addon-health's findings about them explain it.
 *
 * Not faults: a WaitForFirstConsumer claim whose pod the scheduler has not placed yet (its pod is
 * the scheduling checks' business), and provisioning asked for in the last few minutes (info).
 */
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import type { ResourceRef } from '../src/engine/finding.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import { unseenParts } from '../src/engine/run-checks.js';
import { managedPolicyArn } from '../src/domain/eks-constants.js';
import { parseIamArn, roleNameOf } from '../src/domain/iam-arn.js';
import type { KubeDeployment, KubeStorageClass, Snapshot, SnapshotPart } from '../src/snapshot/types.js';
import { DOCS } from './lib/docs-links.js';
import { describeEvent, minutesSinceLastSeen, type KubernetesEvent } from './lib/events.js';
import { awaitedProvisioner, classifyProvisioningFailure, PROVISIONING_STARTED_REASONS, type ProvisioningFailure, type ProvisioningFailureKind } from './lib/provisioning-errors.js';
import { claimClassName, DEFAULT_CLASS_ANNOTATION, effectiveProvisioner, KNOWN_PROVISIONERS, NO_PROVISIONER, SELECTED_NODE_ANNOTATION, storageIndex, type PodClaim, type StorageIndex } from './lib/volume-claims.js';
import { cappedLines, describeWorkload, describeWorkloadCommand, groupByWorkload, workloadResolver, workloadResource, type WorkloadRef } from './lib/workload-owner.js';
import { rolesForServiceAccount } from './lib/workload-identity.js';

/**
 * How long a claim may wait for its provisioner before it is reported: the EBS CSI driver creates
 * a volume in seconds, and the external-provisioner retries a failed call within a minute or two.
 */
export const PROVISIONING_GRACE_MINUTES = 5;

const QUOTED = 5;

/** The EKS-managed IAM policy each known CSI driver's controller role needs. */
const DRIVER_POLICY: Readonly<Record<string, string>> = {
  'ebs.csi.aws.com': 'service-role/AmazonEBSCSIDriverPolicy',
  'efs.csi.aws.com': 'service-role/AmazonEFSCSIDriverPolicy',
};

type Code = 'no-default-storage-class' | 'storage-class-not-found' | 'provisioner-not-installed' | 'provisioner-not-running' | 'claim-pending' | 'provisioning-in-progress';

/** Why one waiting claim is not bound. */
type Reason =
  | { kind: 'no-default' }
  | { kind: 'class-not-found'; className: string }
  | { kind: 'no-class'; className: string; provisioner?: string }
  | { kind: 'not-installed'; className: string; provisioner: string; storageClass: KubeStorageClass }
  | { kind: 'not-running'; className: string; provisioner: string; storageClass: KubeStorageClass; deployment: KubeDeployment }
  | { kind: 'failed'; className: string; provisioner: string; storageClass: KubeStorageClass; event: KubernetesEvent; failure: ProvisioningFailure }
  | { kind: 'stalled'; className: string; provisioner: string; storageClass: KubeStorageClass; minutes: number }
  | { kind: 'in-progress'; className: string; provisioner: string; storageClass: KubeStorageClass };

interface Judged {
  claim: PodClaim;
  workload: WorkloadRef;
  reason: Reason;
  /** The event that says most about it, newest first. */
  event?: KubernetesEvent;
}

export default defineDiagnostic<Code>({
  id: 'claim-unbound',
  title: 'PersistentVolumeClaims of Pending pods bind',
  description: 'For each PersistentVolumeClaim a Pending pod waits on, finds why it is not bound: no StorageClass named and no default one, a StorageClass that does not exist, a provisioner that is not installed or whose controller is not running (the EBS CSI driver also provisions kubernetes.io/aws-ebs classes, through CSI migration), or ProvisioningFailed events, classified (credentials, permissions, parameters, KMS, capacity, timeouts). Grouped by workload; WaitForFirstConsumer claims whose pod is not placed yet, and provisioning started in the last few minutes, are not faults.',
  docs: [DOCS.k8sPersistentVolumes, DOCS.k8sStorageClasses, DOCS.ebsCsi],
  needs: ['kubernetes.problemPods', 'kubernetes.persistentVolumeClaims'],
  uses: [
    'kubernetes.storageClasses',
    'kubernetes.csiDrivers',
    'kubernetes.claimEvents',
    'kubernetes.warningEvents',
    'kubernetes.replicaSets',
    'kubernetes.jobs',
    'kubernetes.deployments',
    'kubernetes.serviceAccounts',
    'aws.addons',
    'aws.cluster',
    'aws.podIdentityAssociations',
    'aws.iamAttachedRolePolicies',
  ],
  codes: {
    'no-default-storage-class': {
      severity: 'critical',
      title: 'Claims name no StorageClass and the cluster has no default',
      description:
        'Claims without storageClassName get the default StorageClass; with none marked storageclass.kubernetes.io/is-default-class: "true", nothing provisions them ("no persistent volumes available for this claim and no storage class is set"). Amazon EKS no longer marks gp2 as the default on clusters created at 1.30 and later.',
      explains: ['claim-unbound'],
    },
    'storage-class-not-found': {
      severity: 'critical',
      title: 'Claims name a StorageClass that does not exist',
      description: 'The PersistentVolume controller cannot provision a claim whose StorageClass is missing (ProvisioningFailed `storageclass.storage.k8s.io "<name>" not found`); it retries until the class is created.',
      explains: ['claim-unbound'],
    },
    'provisioner-not-installed': {
      severity: 'critical',
      title: 'The provisioner of a StorageClass is not installed',
      description:
        'The StorageClass names a provisioner nothing runs: for ebs.csi.aws.com (and kubernetes.io/aws-ebs, which CSI migration hands to it since Kubernetes 1.23) no CSIDriver object, no aws-ebs-csi-driver add-on and no ebs-csi-controller; the claims only get ExternalProvisioning events ("Waiting for a volume to be created either by the external provisioner ...").',
      explains: ['claim-unbound'],
    },
    'provisioner-not-running': {
      severity: 'critical',
      title: 'The CSI driver\'s controller is not running',
      description:
        'The driver is installed, but its controller Deployment (whose csi-provisioner sidecar creates the volumes) has no available replica: claims wait. A symptom of the add-on too, so what stops the controller (its IAM role, a crash) is ranked above it.',
      symptom: 'addon-unhealthy',
      explains: ['claim-unbound'],
    },
    'claim-pending': {
      severity: 'warning',
      title: 'PersistentVolumeClaims of a workload stay Pending',
      description:
        'Claims that Pending pods mount are not bound, with what the PersistentVolume controller and the provisioner said (a ProvisioningFailed message classified, or nothing for minutes); the pods cannot start until they bind.',
      symptom: 'claim-unbound',
      explains: ['pod-unschedulable'],
    },
    'provisioning-in-progress': {
      severity: 'info',
      title: 'Volumes are being provisioned for Pending pods',
      description: `Claims were handed to their provisioner less than ${PROVISIONING_GRACE_MINUTES} minutes ago and no failure is reported: the volume is on its way.`,
    },
  },
  check({ snapshot, now }) {
    const index = storageIndex(snapshot);
    const judge = judgement(snapshot, index, now);
    const workloadOf = workloadResolver({ ReplicaSet: snapshot.kubernetes.replicaSets, Job: snapshot.kubernetes.jobs });
    const judged: Judged[] = index.waitingClaims.flatMap((claim) => {
      const reason = judge(claim);
      return reason ? [{ claim, workload: workloadOf(claim.pods[0]!), reason, ...eventOf(claim, reason) }] : [];
    });
    const findings: NewFinding<Code>[] = [...causeFindings(snapshot, index, judged)];
    for (const group of groupByWorkload(judged, (j) => ({ workload: j.workload, reason: reasonKey(j.reason) }))) {
      findings.push(group.members[0]!.reason.kind === 'in-progress' ? inProgress(group.members) : pendingSymptom(snapshot, group.members, now));
    }
    return findings;
  },
});

function reasonKey(r: Reason): string {
  const parts = [r.kind, 'className' in r ? r.className : '', 'provisioner' in r ? (r.provisioner ?? '') : '', r.kind === 'failed' ? r.failure.kind : ''];
  return parts.filter((p) => p !== '').join(':');
}

function eventOf(claim: PodClaim, reason: Reason): { event?: KubernetesEvent } {
  if (reason.kind === 'failed') return { event: reason.event };
  const wanted = reason.kind === 'no-default' || reason.kind === 'no-class' ? ['FailedBinding'] : reason.kind === 'class-not-found' ? ['ProvisioningFailed'] : [...PROVISIONING_STARTED_REASONS];
  const event = claim.events.find((e) => wanted.includes(e.reason));
  return event ? { event } : {};
}

/** Parts without which a conclusion is not drawn (their absence would look like the fault). */
const CLASS_PARTS: SnapshotPart[] = ['kubernetes.storageClasses'];

function minutesSince(iso: string | undefined, now: Date): number {
  const ms = Date.parse(iso ?? '');
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : (now.getTime() - ms) / 60_000;
}

/** A function from a waiting claim to why it is not bound, or undefined when it is not a fault (yet), or when what would say so was not read. */
function judgement(snapshot: Snapshot, index: StorageIndex, now: Date): (claim: PodClaim) => Reason | undefined {
  const classesUnseen = unseenParts(snapshot, CLASS_PARTS).length > 0;
  return (pc) => {
    const claim = pc.claim;
    if (!claim || claim.status?.phase !== 'Pending' || claim.metadata?.deletionTimestamp) return undefined;
    const className = claimClassName(claim);
    if (className === undefined) {
      // With a default class, the controller gives it to the claim at its next sync.
      return !classesUnseen && index.defaults.length === 0 ? { kind: 'no-default' } : undefined;
    }
    if (className === '') return { kind: 'no-class', className };
    const storageClass = index.classes.get(className);
    if (!storageClass) return classesUnseen ? undefined : { kind: 'class-not-found', className };
    // Binding waits for the scheduler to pick a node for the pod; until then the pod's own findings say why.
    if (storageClass.volumeBindingMode === 'WaitForFirstConsumer' && !claim.metadata?.annotations?.[SELECTED_NODE_ANNOTATION]) return undefined;
    const provisioner = effectiveProvisioner(storageClass.provisioner);
    if (provisioner === NO_PROVISIONER) return { kind: 'no-class', className, provisioner };
    const base = { className, provisioner, storageClass };
    const failedEvent = pc.events.find((e) => e.reason === 'ProvisioningFailed');
    const fromProvisioner = pc.events.some((e) => e.reportingController?.startsWith(`${provisioner}_`));
    const waited = minutesSince(pc.events.filter((e) => PROVISIONING_STARTED_REASONS.has(e.reason)).map((e) => e.firstSeen).sort()[0] ?? claim.metadata?.creationTimestamp, now);
    const state = provisionerState(snapshot, index, provisioner, fromProvisioner, waited);
    if (state === 'not-installed') return { kind: 'not-installed', ...base };
    if (typeof state === 'object') return { kind: 'not-running', ...base, deployment: state };
    if (failedEvent) return { kind: 'failed', ...base, event: failedEvent, failure: classifyProvisioningFailure(failedEvent.message) };
    if (waited <= PROVISIONING_GRACE_MINUTES) return { kind: 'in-progress', ...base };
    // "Nothing answers" is said of an installed provisioner only: without the data that shows it installed, nothing is said.
    return state === 'installed' ? { kind: 'stalled', ...base, minutes: Math.round(waited) } : undefined;
  };
}

function autoModeBlockStorage(snapshot: Snapshot): boolean {
  return snapshot.aws.cluster?.storageConfig?.blockStorage?.enabled === true;
}

function controllerDeployment(snapshot: Snapshot, provisioner: string): KubeDeployment | undefined {
  const name = KNOWN_PROVISIONERS[provisioner]?.controller;
  return name ? snapshot.kubernetes.deployments?.find((d) => d.metadata?.namespace === 'kube-system' && d.metadata?.name === name) : undefined;
}

/**
 * Whether anything will act on the provisioner's claims: a known driver is installed when its CSIDriver
 * object, its add-on or its controller exists (Auto Mode's when the cluster enables block storage);
 * an unknown one when it has a CSIDriver object, or has said anything about the claim. An installed
 * driver's controller with no available replica is returned. 'unknown' when the parts that would show
 * it installed were not read, or an unknown provisioner's claim has not waited long.
 */
function provisionerState(snapshot: Snapshot, index: StorageIndex, provisioner: string, spoke: boolean, waited: number): 'installed' | 'not-installed' | 'unknown' | KubeDeployment {
  const known = KNOWN_PROVISIONERS[provisioner];
  const hasDriver = index.csiDrivers.has(provisioner);
  const unseen = (parts: SnapshotPart[]) => unseenParts(snapshot, parts).length > 0;
  if (known?.autoMode) {
    if (autoModeBlockStorage(snapshot) || hasDriver) return 'installed';
    return unseen(['aws.cluster', 'kubernetes.csiDrivers']) ? 'unknown' : 'not-installed';
  }
  if (known) {
    const deployment = controllerDeployment(snapshot, provisioner);
    if (deployment && (deployment.status?.availableReplicas ?? 0) === 0) return deployment;
    // Without the Deployments, whether its controller runs is not known: a claim it leaves waiting is not called stalled.
    if (known.controller && !deployment && unseen(['kubernetes.deployments'])) return 'unknown';
    if (hasDriver || deployment || (snapshot.aws.addons ?? []).some((a) => a.addonName === known.addon)) return 'installed';
    return unseen(['kubernetes.csiDrivers', 'aws.addons', 'kubernetes.deployments']) ? 'unknown' : 'not-installed';
  }
  if (hasDriver || spoke) return 'installed';
  if (unseen(['kubernetes.csiDrivers'])) return 'unknown';
  return waited > PROVISIONING_GRACE_MINUTES ? 'not-installed' : 'unknown';
}

// ---- causes -------------------------------------------------------------------------------------

function claimRef(c: PodClaim): ResourceRef {
  return resource.persistentVolumeClaim(c.namespace, c.name);
}

function claimLines(judged: Judged[]): string[] {
  return cappedLines(
    judged.map((j) => {
      const c = j.claim.claim;
      const size = c?.spec?.resources?.requests?.storage;
      return `PersistentVolumeClaim ${j.claim.namespace}/${j.claim.name} (${describeWorkload(j.workload)}): Pending since ${c?.metadata?.creationTimestamp ?? '?'}${size ? `, ${size}` : ''}, mounted by pod ${j.claim.pods.map((p) => p.metadata?.name).join(', ')}`;
    }),
    QUOTED,
    'claims',
  );
}

function scope(judged: Judged[]): { symptom: 'claim-unbound'; resources: ResourceRef[] }[] {
  return [{ symptom: 'claim-unbound', resources: uniqueRefs(judged.map((j) => claimRef(j.claim))) }];
}

function classList(index: StorageIndex): string {
  const classes = [...index.classes.values()];
  return classes.length === 0 ? 'none' : classes.map((c) => `${c.metadata?.name} (${c.provisioner}, ${c.volumeBindingMode ?? 'Immediate'}${c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] ? `, ${DEFAULT_CLASS_ANNOTATION}=${c.metadata.annotations[DEFAULT_CLASS_ANNOTATION]}` : ''})`).join('; ');
}

function firstEvent(judged: Judged[]): string[] {
  const event = judged.map((j) => j.event).find((e) => e !== undefined);
  return event ? [`Event on PersistentVolumeClaim ${event.regarding.namespace}/${event.regarding.name}: ${describeEvent(event)}`] : [];
}

/** Kubernetes minor version of the cluster, when known: 28 for "1.28". */
function minorVersion(snapshot: Snapshot): number | undefined {
  const m = /^1\.(\d+)/.exec(snapshot.aws.cluster?.version ?? snapshot.kubernetes.version?.gitVersion?.replace(/^v/, '') ?? '');
  return m ? Number(m[1]) : undefined;
}

function causeFindings(snapshot: Snapshot, index: StorageIndex, judged: Judged[]): NewFinding<Code>[] {
  const by = <K extends Reason['kind']>(kind: K, key: (r: Extract<Reason, { kind: K }>) => string): Map<string, Judged[]> => {
    const out = new Map<string, Judged[]>();
    for (const j of judged) if (j.reason.kind === kind) out.set(key(j.reason as Extract<Reason, { kind: K }>), [...(out.get(key(j.reason as Extract<Reason, { kind: K }>)) ?? []), j]);
    return out;
  };
  return [
    ...[...by('no-default', () => '').values()].map((js) => noDefault(snapshot, index, js)),
    ...[...by('class-not-found', (r) => r.className).entries()].map(([name, js]) => classNotFound(index, name, js)),
    ...[...by('not-installed', (r) => r.provisioner).entries()].map(([provisioner, js]) => notInstalled(snapshot, index, provisioner, js)),
    ...[...by('not-running', (r) => r.provisioner).entries()].map(([provisioner, js]) => notRunning(snapshot, provisioner, js)),
  ];
}

/** The class to make the default: a CSI EBS one if there is one, else the first. */
function defaultCandidate(snapshot: Snapshot, index: StorageIndex): KubeStorageClass | undefined {
  const classes = [...index.classes.values()];
  const preferred = autoModeBlockStorage(snapshot) ? 'ebs.csi.eks.amazonaws.com' : 'ebs.csi.aws.com';
  return classes.find((c) => c.provisioner === preferred) ?? classes.find((c) => effectiveProvisioner(c.provisioner) === preferred) ?? classes[0];
}

function noDefault(snapshot: Snapshot, index: StorageIndex, judged: Judged[]): NewFinding<Code> {
  const candidate = defaultCandidate(snapshot, index);
  const minor = minorVersion(snapshot);
  const retroactive = minor === undefined || minor >= 28;
  const name = candidate?.metadata?.name;
  return {
    code: 'no-default-storage-class',
    keyResource: 'default-storage-class',
    title: `No default StorageClass: ${judged.length} claim${judged.length === 1 ? '' : 's'} that name${judged.length === 1 ? 's' : ''} no class stay${judged.length === 1 ? 's' : ''} Pending`,
    rootCause: `The claims set no storageClassName, and no StorageClass is annotated ${DEFAULT_CLASS_ANNOTATION}: "true", so the PersistentVolume controller has nothing to provision them with ("no persistent volumes available for this claim and no storage class is set"). Amazon EKS does not mark gp2 as the default on clusters created at Kubernetes 1.30 and later.${retroactive ? ' Once a class is the default, the controller gives it to these claims (Kubernetes 1.28 and later).' : ' On this Kubernetes version, claims created without a class keep none: recreate them after setting the default.'}`,
    evidence: [...claimLines(judged), `StorageClasses: ${classList(index)}.`, ...firstEvent(judged)],
    resources: uniqueRefs([...judged.map((j) => claimRef(j.claim)), ...judged.map((j) => workloadResource(j.workload))]),
    canExplain: scope(judged),
    fix: {
      summary: name ? `Make ${name} the default StorageClass (or set storageClassName in the workloads' claims).` : 'Create a StorageClass (gp3 with the EBS CSI driver) and make it the default.',
      commands: [
        ...(name ? [`kubectl patch storageclass ${name} -p '{"metadata":{"annotations":{"${DEFAULT_CLASS_ANNOTATION}":"true"}}}'`] : []),
        'kubectl get storageclass',
        ...judged.slice(0, 1).map((j) => `kubectl describe pvc -n ${j.claim.namespace} ${j.claim.name}`),
      ],
      docs: [DOCS.k8sDefaultStorageClass, DOCS.ebsCsi],
    },
  };
}

function classNotFound(index: StorageIndex, name: string, judged: Judged[]): NewFinding<Code> {
  const similar = [...index.classes.keys()].find((n) => n.toLowerCase() === name.toLowerCase()) ?? [...index.classes.values()].find((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true')?.metadata?.name ?? [...index.classes.keys()][0];
  return {
    code: 'storage-class-not-found',
    keyResource: name,
    title: `StorageClass ${name} does not exist: ${judged.length} claim${judged.length === 1 ? '' : 's'} that name it stay${judged.length === 1 ? 's' : ''} Pending`,
    rootCause: `The claims ask for StorageClass "${name}", which the cluster does not have: the PersistentVolume controller reports ProvisioningFailed (storageclass.storage.k8s.io "${name}" not found) and retries until it exists. A claim's storageClassName cannot be changed (nor a StatefulSet's volumeClaimTemplates), so the usual fix is to create the class.`,
    evidence: [...claimLines(judged), `StorageClasses that exist: ${classList(index)}.`, ...firstEvent(judged)],
    resources: uniqueRefs([resource.storageClass(name), ...judged.map((j) => claimRef(j.claim)), ...judged.map((j) => workloadResource(j.workload))]),
    canExplain: scope(judged),
    fix: {
      summary: `Create StorageClass ${name}${similar ? ` (for example from ${similar}: same provisioner and parameters, metadata.name ${name})` : ''}; the controller then provisions the claims at its next retry.`,
      commands: ['kubectl get storageclass', ...(similar ? [`kubectl get storageclass ${similar} -o yaml   # copy, set metadata.name: ${name}, drop uid/resourceVersion/creationTimestamp, kubectl apply -f`] : [])],
      docs: [DOCS.k8sStorageClasses],
    },
  };
}

function notInstalled(snapshot: Snapshot, index: StorageIndex, provisioner: string, judged: Judged[]): NewFinding<Code> {
  const known = KNOWN_PROVISIONERS[provisioner];
  const classes = [...new Set(judged.map((j) => ('className' in j.reason ? j.reason.className : '')))].filter((c) => c !== '');
  const migrated = judged.some((j) => 'storageClass' in j.reason && j.reason.storageClass.provisioner !== provisioner) ? judged.map((j) => ('storageClass' in j.reason ? j.reason.storageClass.provisioner : '')).find((p) => p !== provisioner) : undefined;
  const cluster = snapshot.cluster.name;
  const region = snapshot.cluster.region;
  const partition = parseIamArn(snapshot.aws.cluster?.arn ?? '')?.partition ?? 'aws';
  const autoMode = autoModeBlockStorage(snapshot) || snapshot.aws.cluster?.computeConfig?.enabled === true;
  const what = known ? `${known.title} (${provisioner})` : `provisioner ${provisioner}`;
  const evidence = known?.autoMode
    ? [`The cluster's storageConfig.blockStorage is ${snapshot.aws.cluster?.storageConfig?.blockStorage?.enabled === false ? 'disabled' : 'not enabled'}, and no CSIDriver object is named ${provisioner}.`]
    : known
      ? [`No CSIDriver object is named ${provisioner}.`, `No EKS add-on ${known.addon} is installed.`, `No Deployment kube-system/${known.controller}.`]
      : [`No CSIDriver object is named ${provisioner}, and nothing has reported on the claims since they were handed to it (${Math.round(Math.max(...judged.map((j) => minutesSince(j.claim.claim?.metadata?.creationTimestamp, new Date(snapshot.capturedAt)))))} minutes).`];
  const commands: string[] = [];
  if (known?.addon) {
    const policy = DRIVER_POLICY[provisioner];
    // A role made for the controller's service account already (IRSA annotation, Pod Identity) is used as it is.
    const existing = known.serviceAccount ? rolesForServiceAccount(snapshot, 'kube-system', known.serviceAccount)[0]?.roleArn : undefined;
    const roleName = `AmazonEKS_${known.addon.replace(/^aws-/, '').replace(/-driver$/, '').replace(/-/g, '_').toUpperCase()}_DriverRole`;
    if (autoMode && provisioner === 'ebs.csi.aws.com') commands.push(`kubectl get storageclass -o custom-columns=NAME:.metadata.name,PROVISIONER:.provisioner   # EKS Auto Mode provisions ebs.csi.eks.amazonaws.com: use a class with that provisioner`);
    if (policy && !existing) commands.push(`eksctl create iamserviceaccount --name ${known.serviceAccount} --namespace kube-system --cluster ${cluster} --role-name ${roleName} --role-only --attach-policy-arn ${managedPolicyArn(policy, partition)} --approve --region ${region}`);
    commands.push(`aws eks create-addon --cluster-name ${cluster} --addon-name ${known.addon} --service-account-role-arn ${existing ?? `arn:${partition}:iam::${snapshot.aws.cluster?.arn?.split(':')[4] ?? '<account-id>'}:role/${roleName}`} --region ${region}`);
  } else if (known?.autoMode) {
    commands.push(`aws eks describe-cluster --name ${cluster} --region ${region} --query cluster.storageConfig`);
  } else {
    commands.push(`kubectl get csidrivers`, ...classes.map((c) => `kubectl get storageclass ${c} -o jsonpath='{.provisioner}{"\\n"}'`));
  }
  return {
    code: 'provisioner-not-installed',
    keyResource: provisioner,
    title: `${known ? known.title.charAt(0).toUpperCase() + known.title.slice(1) : `Provisioner ${provisioner}`} is not installed: claims of StorageClass ${classes.join(', ')} wait for ${provisioner}`,
    rootCause: `StorageClass ${classes.join(', ')} ${classes.length === 1 ? 'has' : 'have'} its volumes created by ${what}${migrated ? ` (${migrated} is an in-tree name that CSI migration hands to ${provisioner} since Kubernetes 1.23)` : ''}, which the cluster does not run: the PersistentVolume controller hands the claims to it ("Waiting for a volume to be created either by the external provisioner '${provisioner}' ...") and nothing answers.${autoMode && provisioner === 'ebs.csi.aws.com' ? ' This cluster runs EKS Auto Mode, whose block storage provisioner is ebs.csi.eks.amazonaws.com: a StorageClass with that provisioner needs no add-on.' : ''}`,
    evidence: [...claimLines(judged), ...evidence, ...firstEvent(judged)],
    resources: uniqueRefs([...classes.map((c) => resource.storageClass(c)), ...(known?.addon ? [resource.addon(known.addon)] : []), ...judged.map((j) => claimRef(j.claim)), ...judged.map((j) => workloadResource(j.workload))]),
    canExplain: scope(judged),
    fix: {
      summary: known?.addon
        ? `Install the ${known.addon} add-on with an IAM role for its controller (IRSA or Pod Identity); the Pending claims are then provisioned.`
        : known?.autoMode
          ? 'Enable EKS Auto Mode block storage on the cluster, or use a StorageClass whose provisioner is installed.'
          : `Install the driver that provides ${provisioner}, or point the StorageClass at one that is installed (its provisioner cannot be changed: create a new class).`,
      commands,
      docs: [known?.autoMode ? DOCS.automode : DOCS.ebsCsi, DOCS.k8sStorageClasses],
    },
  };
}

function notRunning(snapshot: Snapshot, provisioner: string, judged: Judged[]): NewFinding<Code> {
  const first = judged[0]!.reason as Extract<Reason, { kind: 'not-running' }>;
  const d = first.deployment;
  const name = d.metadata?.name ?? '';
  const conditions = (d.status?.conditions ?? []).map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`);
  return {
    code: 'provisioner-not-running',
    keyResource: `kube-system/${name}`,
    title: `The ${provisioner} controller (kube-system/${name}) has no available replica: ${judged.length} claim${judged.length === 1 ? '' : 's'} wait${judged.length === 1 ? 's' : ''}`,
    rootCause: `${provisioner} is installed, but Deployment kube-system/${name}, whose csi-provisioner sidecar creates the volumes, ${d.spec?.replicas === 0 ? 'is scaled to 0 replicas' : `has none of its ${d.spec?.replicas ?? 1} replicas available`}: the claims handed to it wait.`,
    evidence: [...claimLines(judged), `Deployment kube-system/${name}: ${d.status?.availableReplicas ?? 0} of ${d.spec?.replicas ?? 0} replicas available.`, ...conditions, ...firstEvent(judged)],
    // The add-on and the controller's service account: what irsa-pod-identity's and addon-health's findings name.
    resources: uniqueRefs([resource.deployment('kube-system', name), ...controllerRefs(snapshot, provisioner).refs, ...judged.map((j) => claimRef(j.claim)), ...judged.map((j) => workloadResource(j.workload))]),
    canExplain: scope(judged),
    fix: {
      summary: d.spec?.replicas === 0 ? `Scale kube-system/${name} back up.` : `Find why its pods do not run (their events and logs) and fix that.`,
      commands: [...(d.spec?.replicas === 0 ? [`kubectl scale deployment -n kube-system ${name} --replicas=2`] : []), `kubectl describe deployment -n kube-system ${name}`, `kubectl get pods -n kube-system -l app=${name} -o wide`],
      docs: [DOCS.ebsCsi],
    },
  };
}

// ---- the symptom ---------------------------------------------------------------------------------

const FAILURE_PHRASE: Record<ProvisioningFailureKind, string> = {
  credentials: 'its controller cannot get AWS credentials (its IAM role cannot be assumed)',
  'not-authorized': 'its controller\'s IAM role is not allowed to create the volume',
  'invalid-parameters': 'it refuses the StorageClass\'s parameters',
  kms: 'the KMS key for the volume cannot be used',
  capacity: 'an EBS limit or the zone\'s capacity refuses the volume',
  timeout: 'its calls to AWS time out',
  'class-not-found': 'the StorageClass does not exist',
  other: 'it fails to create the volume',
};

function phrase(r: Reason, minutes?: number): string {
  switch (r.kind) {
    case 'no-default':
      return 'they name no StorageClass and the cluster has no default';
    case 'class-not-found':
      return `StorageClass ${r.className} does not exist`;
    case 'no-class':
      return r.provisioner ? `StorageClass ${r.className} provisions nothing (${r.provisioner}) and no PersistentVolume matches` : 'they ask for no StorageClass (storageClassName: "") and no PersistentVolume matches';
    case 'not-installed':
      return `${r.provisioner} is not installed`;
    case 'not-running':
      return `the ${r.provisioner} controller is not running`;
    case 'failed':
      return `${r.provisioner} fails: ${FAILURE_PHRASE[r.failure.kind]}`;
    case 'stalled':
      return `nothing has created the volume in ${minutes ?? r.minutes} minutes`;
    case 'in-progress':
      return `${r.provisioner} is creating the volume`;
  }
}

/** The controller, its add-on, service account and roles: what a credentials or permissions cause names. */
function controllerRefs(snapshot: Snapshot, provisioner: string): { refs: ResourceRef[]; roles: string[] } {
  const known = KNOWN_PROVISIONERS[provisioner];
  if (!known?.serviceAccount || !known.controller) return { refs: [], roles: [] };
  const roles = rolesForServiceAccount(snapshot, 'kube-system', known.serviceAccount).map((r) => r.roleArn);
  return {
    refs: [...(known.addon ? [resource.addon(known.addon)] : []), resource.deployment('kube-system', known.controller), resource.serviceAccount('kube-system', known.serviceAccount), ...roles.map((r) => resource.role(r))],
    roles,
  };
}

function rolePolicies(snapshot: Snapshot, roleArn: string): string | undefined {
  const name = roleNameOf(roleArn);
  const attached = snapshot.aws.iamAttachedRolePolicies?.find((a) => a.RoleName === name);
  return attached ? (attached.AttachedPolicies ?? []).map((p) => p.PolicyName).join(', ') || 'none' : undefined;
}

/**
 * `kubectl logs` of the controller's container that says most (csi-provisioner, else the first), only
 * when a pod of it in the snapshot has that container's log (running, or terminated once).
 */
function controllerLogs(snapshot: Snapshot, provisioner: string): string[] {
  const controller = KNOWN_PROVISIONERS[provisioner]?.controller;
  if (!controller) return [];
  const statuses = (snapshot.kubernetes.kubeSystemPods ?? []).filter((p) => p.metadata?.name?.startsWith(`${controller}-`)).flatMap((p) => p.status?.containerStatuses ?? []);
  const logged = statuses.filter((c) => c.state?.running || c.state?.terminated || c.lastState?.terminated);
  const container = logged.find((c) => c.name === 'csi-provisioner') ?? logged[0];
  return container ? [`kubectl logs -n kube-system deployment/${controller} -c ${container.name} --tail=50`] : [];
}

function failedFix(snapshot: Snapshot, r: Extract<Reason, { kind: 'failed' }>, roles: string[]): { summary: string; commands: string[] } {
  const known = KNOWN_PROVISIONERS[r.provisioner];
  const controller = known?.controller;
  const logs = controllerLogs(snapshot, r.provisioner);
  const role = roles[0] ? roleNameOf(roles[0]) : undefined;
  const partition = parseIamArn(roles[0] ?? snapshot.aws.cluster?.arn ?? '')?.partition ?? 'aws';
  switch (r.failure.kind) {
    case 'credentials':
      return {
        summary: `Fix the IAM role of kube-system/${known?.serviceAccount ?? 'the controller\'s service account'} (its trust policy, the cluster's OIDC provider, or its Pod Identity association: the causes ranked above say which), then restart the controller.`,
        commands: [...(role ? [`aws iam get-role --role-name ${role} --query Role.AssumeRolePolicyDocument`] : []), ...(known?.serviceAccount ? [`kubectl get serviceaccount -n kube-system ${known.serviceAccount} -o yaml`] : []), ...(controller ? [`kubectl rollout restart -n kube-system deployment/${controller}`] : []), ...logs],
      };
    case 'not-authorized': {
      const policy = DRIVER_POLICY[r.provisioner];
      return {
        summary: `Give the controller's role the permissions the driver needs${policy ? ` (the managed policy ${policy.split('/').pop()})` : ''}, and the KMS key policy access if the class encrypts with a customer key.`,
        commands: [...(role ? [`aws iam list-attached-role-policies --role-name ${role}`, ...(policy ? [`aws iam attach-role-policy --role-name ${role} --policy-arn ${managedPolicyArn(policy, partition)}`] : [])] : []), ...logs],
      };
    }
    case 'invalid-parameters':
      return { summary: `Correct StorageClass ${r.className}'s parameters (a class cannot be edited: create a corrected one and use it for new claims).`, commands: [`kubectl get storageclass ${r.className} -o jsonpath='{.parameters}{"\\n"}'`, ...logs] };
    case 'kms': {
      const key = r.storageClass.parameters?.kmsKeyId;
      return { summary: 'Let the controller\'s role use the key (kms:CreateGrant, Decrypt, GenerateDataKeyWithoutPlaintext in the key policy or the role\'s policy), and check the key is enabled.', commands: [...(key ? [`aws kms describe-key --key-id ${key} --region ${snapshot.cluster.region}`] : []), ...logs] };
    }
    case 'capacity':
      return { summary: 'Raise the EBS quota the error names, or use another volume type or zone.', commands: [`aws service-quotas list-service-quotas --service-code ebs --region ${snapshot.cluster.region}`, ...logs] };
    case 'timeout':
      return { summary: 'Check that the controller reaches the AWS API (a route or the ec2 VPC endpoint from its subnets), then read its logs.', commands: logs };
    default:
      return { summary: 'Read the provisioner\'s message and logs for what it needs.', commands: logs };
  }
}

function pendingSymptom(snapshot: Snapshot, judged: Judged[], now: Date): NewFinding<Code> {
  const first = judged[0]!;
  const r = first.reason;
  const workload = first.workload;
  const named = describeWorkload(workload);
  const count = `${judged.length} PersistentVolumeClaim${judged.length === 1 ? '' : 's'}`;
  const credentialIssue = r.kind === 'failed' && (r.failure.kind === 'credentials' || r.failure.kind === 'not-authorized' || r.failure.kind === 'kms');
  const controller = credentialIssue ? controllerRefs(snapshot, r.provisioner) : { refs: [], roles: [] };
  const rolesLines = controller.roles.map((arn) => `Controller role ${arn}: attached policies ${rolePolicies(snapshot, arn) ?? 'not read'}.`);
  const why: string =
    r.kind === 'failed'
      ? `The provisioner ${r.provisioner} tried and failed${r.failure.grpcCode ? ` (${r.failure.grpcCode}${r.failure.awsCode ? `, ${r.failure.awsCode}` : ''})` : ''}: ${FAILURE_PHRASE[r.failure.kind]}.`
      : r.kind === 'stalled'
        ? `The claims were handed to ${r.provisioner} ${r.minutes} minutes ago and it has neither created a volume nor reported an error: its controller may not be watching this class (a provisioner name it does not serve), or it is stuck.`
        : r.kind === 'no-class'
          ? 'Only a PersistentVolume created beforehand (matching size, access modes and class) can bind these claims, and none is Available.'
          : `The claims are not bound: ${phrase(r)}.`;
  const awaited = judged.map((j) => j.claim.events.find((e) => e.reason === 'ExternalProvisioning')).find((e) => e !== undefined);
  const waitingFor = awaited ? awaitedProvisioner(awaited.message) : undefined;
  const pods = [...new Set(judged.flatMap((j) => j.claim.pods.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)))];
  const fix =
    r.kind === 'failed'
      ? failedFix(snapshot, r, controller.roles)
      : r.kind === 'stalled'
        ? { summary: `Check that ${r.provisioner}'s controller runs and serves that name, and read its logs.`, commands: ['kubectl get csidrivers', ...controllerLogs(snapshot, r.provisioner)] }
        : { summary: 'Fix the cause eks-doctor ranks above this finding; the claims bind and the pods start.', commands: [] as string[] };
  return {
    code: 'claim-pending',
    keyResource: `${workloadResource(workload).id}:${reasonKey(r)}`,
    title: `${count} of ${named} ${judged.length === 1 ? 'is' : 'are'} Pending: ${phrase(r)}`,
    rootCause: why,
    evidence: [
      ...claimLines(judged),
      ...('storageClass' in r ? [`StorageClass ${r.className}: provisioner ${r.storageClass.provisioner}${r.provisioner !== r.storageClass.provisioner ? ` (provisioned by ${r.provisioner})` : ''}, volumeBindingMode ${r.storageClass.volumeBindingMode ?? 'Immediate'}.`] : []),
      ...(first.event ? [`${describeEvent(first.event)}`] : []),
      ...(waitingFor && r.kind === 'stalled' ? [`The PersistentVolume controller waits for '${waitingFor}' since ${awaited?.firstSeen ?? '?'} (${Math.round(minutesSinceLastSeen(awaited!, now))} minutes since it last said so).`] : []),
      ...rolesLines,
      ...cappedLines(pods.map((p) => `Pod ${p} waits for them.`), QUOTED, 'pods'),
    ],
    resources: uniqueRefs([workloadResource(workload), ...judged.map((j) => claimRef(j.claim)), ...('className' in r && r.className ? [resource.storageClass(r.className)] : []), ...controller.refs]),
    canExplain: [{ symptom: 'pod-unschedulable', resources: [workloadResource(workload)] }],
    fix: {
      summary: fix.summary,
      commands: [...fix.commands, `kubectl describe pvc -n ${first.claim.namespace} ${first.claim.name}`, describeWorkloadCommand(workload)],
      docs: [DOCS.k8sPersistentVolumes, ...(r.kind === 'failed' && KNOWN_PROVISIONERS[r.provisioner]?.addon === 'aws-ebs-csi-driver' ? [DOCS.ebsCsi] : [])],
    },
  };
}

function inProgress(judged: Judged[]): NewFinding<Code> {
  const first = judged[0]!;
  const r = first.reason as Extract<Reason, { kind: 'in-progress' }>;
  return {
    code: 'provisioning-in-progress',
    keyResource: `${workloadResource(first.workload).id}:${r.className}`,
    title: `${judged.length} PersistentVolumeClaim${judged.length === 1 ? '' : 's'} of ${describeWorkload(first.workload)} ${judged.length === 1 ? 'is' : 'are'} being provisioned by ${r.provisioner}`,
    rootCause: `The claims were handed to ${r.provisioner} less than ${PROVISIONING_GRACE_MINUTES} minutes ago and it has reported no failure: the volumes are on their way.`,
    evidence: [...claimLines(judged), ...(first.event ? [describeEvent(first.event)] : [])],
    resources: uniqueRefs([workloadResource(first.workload), ...judged.map((j) => claimRef(j.claim))]),
    fix: { summary: `Nothing to do yet; if the claims are still Pending in a few minutes, read the claim's events.`, commands: [`kubectl describe pvc -n ${first.claim.namespace} ${first.claim.name}`], docs: [DOCS.k8sPersistentVolumes] },
  };
}
