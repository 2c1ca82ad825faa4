/**
 * The snapshot: everything the checks read about one cluster, as one JSON document.
 *
 * AWS data keeps the shapes the AWS SDK v3 returns, normalised only as docs/snapshot.md says:
 * timestamps are ISO-8601 strings, IAM policy documents are decoded JSON objects, `$metadata` is
 * dropped, launch-template user data is removed, CloudTrail events are cut to who/what/when/where.
 * Kubernetes objects keep the API's shape minus `metadata.managedFields` (kept as manager,
 * operation and time on the objects whose changes are shown), `status.images` and container `env` values.
 *
 * Every part is optional: absent means "not collected" (the checks that need it are skipped);
 * a part whose collection failed is absent and has an entry in `errors`.
 */
import type * as AutoScaling from '@aws-sdk/client-auto-scaling';
import type * as CloudWatch from '@aws-sdk/client-cloudwatch';
import type * as EC2 from '@aws-sdk/client-ec2';
import type * as ECR from '@aws-sdk/client-ecr';
import type * as EKS from '@aws-sdk/client-eks';
import type * as IAM from '@aws-sdk/client-iam';
import type * as ServiceQuotas from '@aws-sdk/client-service-quotas';
import type * as Kube from '@kubernetes/client-node';
import type { NodeClaim, NodeClass, NodePool } from './node-provisioning-types.js';

export const SNAPSHOT_KIND = 'eks-doctor.snapshot';
export const SNAPSHOT_SCHEMA_VERSION = 1;

/** A value as it looks after JSON serialisation: Dates become ISO strings, methods disappear. */
export type Serialized<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Serialized<U>[]
    : T extends object
      ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: Serialized<T[K]> }
      : T;

/** An IAM policy document, decoded from the URL-encoded JSON string that IAM returns. */
export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement[] | PolicyStatement;
}
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | Record<string, string | string[]>;
  NotPrincipal?: '*' | Record<string, string | string[]>;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export type IamRole = Omit<Serialized<IAM.Role>, 'AssumeRolePolicyDocument'> & {
  AssumeRolePolicyDocument?: PolicyDocument;
};
export type IamInstanceProfile = Omit<Serialized<IAM.InstanceProfile>, 'Roles'> & { Roles: IamRole[] };

/** ListAttachedRolePolicies for one role, with the role's name added so the list can be joined to it. */
export interface AttachedRolePolicies {
  RoleName: string;
  AttachedPolicies: Serialized<IAM.AttachedPolicy>[];
}

/** GetOpenIDConnectProvider, with the provider's ARN added (the response does not carry it). */
export interface OidcProvider {
  Arn: string;
  Url?: string;
  ClientIDList?: string[];
  ThumbprintList?: string[];
}

/**
 * ecr:GetRepositoryPolicy for one repository of another account's registry, asked in its own region:
 * exactly one of the policy (decoded, as IAM policies are), `noPolicy`
 * (RepositoryPolicyNotFoundException: the repository has none, so no other account may pull), the
 * call's failure (AccessDeniedException is the usual answer across accounts: the other account's
 * policy must grant ecr:GetRepositoryPolicy to the caller), or why it was not asked (`notRead`).
 */
export interface EcrRepositoryPolicy {
  registryId: string;
  repositoryName: string;
  /** The registry's region, from the image's host (<account>.dkr.ecr.<region>.amazonaws.com). */
  region: string;
  policyText?: PolicyDocument;
  noPolicy?: true;
  failure?: Pick<CollectionError, 'call' | 'kind' | 'code' | 'message'>;
  notRead?: string;
}

/** DescribeVpcAttribute for the two DNS attributes of one VPC. */
export interface VpcDnsAttributes {
  VpcId: string;
  EnableDnsSupport?: boolean;
  EnableDnsHostnames?: boolean;
}

/** GetManagedPrefixListEntries for one prefix list, with its ID added. */
export interface PrefixListEntries {
  PrefixListId: string;
  Entries: Serialized<EC2.PrefixListEntry>[];
}

/** ListAssociatedAccessPolicies for one access entry. */
export interface AccessEntryPolicies {
  principalArn: string;
  associatedAccessPolicies: Serialized<EKS.AssociatedAccessPolicy>[];
}

/**
 * cloudwatch:GetMetricData .MetricDataResults[] for one quota's usage metric (its UsageMetric:
 * AWS/Usage ResourceCount with the quota's dimensions), with the quota's code added: the query's
 * Id is eks-doctor's own and means nothing to a reader.
 */
export type QuotaUsage = Serialized<CloudWatch.MetricDataResult> & { QuotaCode: string };

/** How a launch template's user data bootstraps the node. */
export type BootstrapKind =
  /** AL2023: a NodeConfig (node.eks.aws/v1alpha1) for nodeadm. */
  | 'nodeadm'
  /** AL2: a shell script calling /etc/eks/bootstrap.sh. */
  | 'bootstrap-sh'
  /** Bottlerocket: TOML with settings.kubernetes.*. */
  | 'bottlerocket'
  /** Windows: PowerShell calling Start-EKSBootstrap.ps1. */
  | 'windows'
  /** Something else (a script that does not call a known bootstrap, cloud-config only). */
  | 'custom'
  /** No user data at all. */
  | 'none';

/** A part of the user data that could not be read, and where. */
export interface UserDataProblem {
  kind: 'base64' | 'gzip' | 'mime' | 'nodeconfig' | 'toml';
  /** Where in the user data: 'MIME part 2 (application/node.eks.aws)', 'the whole user data'. */
  where: string;
  /** What is wrong, in eks-doctor's words (never a quote of the user data). */
  message: string;
}

/** A node taint the user data registers the node with. */
export interface UserDataTaint {
  key: string;
  value?: string;
  effect: string;
}

/**
 * The facts eks-doctor keeps about one launch-template version's user data (docs/snapshot.md).
 * Values come from the bootstrap configuration the node will effectively run (nodeadm merges its
 * NodeConfig documents in order; bootstrap.sh takes its last call), never free text of the user data.
 */
export interface LaunchTemplateUserData {
  LaunchTemplateId: string;
  LaunchTemplateName?: string;
  VersionNumber: number;
  bootstrap: BootstrapKind;
  /** The leaf parts in order: MIME type (or the detected type of a plain document) and what it is. */
  parts: { contentType: string; kind: BootstrapKind | 'shell' | 'cloud-config' | 'other' }[];
  /** Whether the user data was gzip-compressed (whole or a part). */
  gzip?: boolean;
  clusterName?: string;
  apiServerEndpoint?: string;
  /** 'sha256:<hex>' of the cluster CA certificate (DER) the user data names; never the CA. */
  caFingerprint?: string;
  /** The service CIDR (NodeConfig spec.cluster.cidr, bootstrap.sh --service-ipv4-cidr). */
  serviceCidr?: string;
  /** The cluster DNS IPs the kubelet is given. */
  clusterDns?: string[];
  /** The max-pods the kubelet is given, when the user data sets one. */
  maxPods?: number;
  /** bootstrap.sh --use-max-pods false: the kubelet gets no max-pods from the AMI's table. */
  useMaxPods?: boolean;
  /** Kubelet flags set: each flag's name, with its value only for flags known to hold no secret. */
  kubeletFlags?: { name: string; value?: string }[];
  nodeLabels?: Record<string, string>;
  taints?: UserDataTaint[];
  /** What could not be read; the facts above come from the rest. */
  problems?: UserDataProblem[];
}

/** A resource that was asked for by ID and answered "does not exist" (NoSuchEntity, InvalidGroup.NotFound, ...). */
export interface NotFoundResource {
  resourceType:
    | 'iam-role'
    | 'iam-instance-profile'
    | 'iam-oidc-provider'
    | 'ec2-instance'
    | 'ec2-security-group'
    | 'ec2-subnet'
    | 'ec2-launch-template'
    | 'ec2-image'
    | 'ec2-prefix-list'
    | 'ec2-dhcp-options'
    | 'autoscaling-group';
  id: string;
  call: string;
}

/**
 * One CloudTrail event as LookupEvents returns it, cut to what the change history shows: the call,
 * when, the resources it named, and from the `CloudTrailEvent` JSON string (decoded) only who made
 * it, from where, and whether it failed. Request and response parameters are never kept.
 */
export interface CloudTrailEventSummary {
  EventId?: string;
  EventName?: string;
  EventTime?: string;
  EventSource?: string;
  Resources?: { ResourceType?: string; ResourceName?: string }[];
  CloudTrailEvent?: {
    userIdentity?: { type?: string; arn?: string; invokedBy?: string };
    /** An address, or the AWS service that made the call on the caller's behalf (eks.amazonaws.com). */
    sourceIPAddress?: string;
    /** Set when the call failed: it changed nothing. */
    errorCode?: string;
  };
}

/** cloudtrail:LookupEvents for one resource name (the only lookup attribute of the call), write events only. */
export interface CloudTrailLookup {
  resourceName: string;
  /** Where it was looked up: the cluster's region, us-east-1 for IAM resources (IAM and STS record there only). */
  region: string;
  startTime: string;
  endTime: string;
  events: CloudTrailEventSummary[];
  /** The run's CloudTrail request budget ran out before every page (or any) was read. */
  budgetExhausted?: true;
}

/** eks:DescribeUpdate .update of one of the updates eks:ListUpdates lists for the cluster, a node group or an add-on. */
export type EksUpdate = Serialized<EKS.Update> & { nodegroupName?: string; addonName?: string };

export interface AwsData {
  /** sts:GetCallerIdentity */
  callerIdentity?: { Account?: string; Arn?: string; UserId?: string };
  /** eks:DescribeCluster .cluster */
  cluster?: Serialized<EKS.Cluster>;
  /** eks:DescribeClusterVersions .clusterVersions (support dates) */
  clusterVersions?: Serialized<EKS.ClusterVersionInformation>[];
  /** eks:ListNodegroups + eks:DescribeNodegroup .nodegroup */
  nodegroups?: Serialized<EKS.Nodegroup>[];
  /** eks:ListFargateProfiles + eks:DescribeFargateProfile .fargateProfile */
  fargateProfiles?: Serialized<EKS.FargateProfile>[];
  /** eks:ListAddons + eks:DescribeAddon .addon */
  addons?: Serialized<EKS.Addon>[];
  /** eks:DescribeAddonVersions .addons, for the cluster's Kubernetes version */
  addonVersions?: Serialized<EKS.AddonInfo>[];
  /** eks:ListAccessEntries + eks:DescribeAccessEntry .accessEntry */
  accessEntries?: Serialized<EKS.AccessEntry>[];
  /** eks:ListAssociatedAccessPolicies per access entry */
  accessEntryPolicies?: AccessEntryPolicies[];
  /** eks:ListPodIdentityAssociations + eks:DescribePodIdentityAssociation .association */
  podIdentityAssociations?: Serialized<EKS.PodIdentityAssociation>[];
  /** eks:ListInsights .insights */
  insights?: Serialized<EKS.InsightSummary>[];
  /**
   * eks:ListUpdates + eks:DescribeUpdate for the cluster and the node groups and add-ons root
   * causes name: collected by the enrichment pass after diagnosis (src/enrich), not for a check.
   */
  eksUpdates?: EksUpdate[];
  /** autoscaling:DescribeAutoScalingGroups .AutoScalingGroups (the cluster's groups only) */
  autoScalingGroups?: Serialized<AutoScaling.AutoScalingGroup>[];
  /**
   * autoscaling:DescribeScalingActivities .Activities: the 50 most recent of each group in trouble
   * (fewer InService instances than desired, an instance not InService and Healthy, suspended
   * processes, or a managed node group reporting health issues; src/collect/aws/activity-groups.ts).
   * A healthy group's activities are not collected: checks read activities only for groups in trouble.
   */
  scalingActivities?: Serialized<AutoScaling.Activity>[];
  /** ec2:DescribeInstances .Reservations (the cluster's instances only) */
  reservations?: Serialized<EC2.Reservation>[];
  /** ec2:DescribeLaunchTemplateVersions .LaunchTemplateVersions, UserData removed */
  launchTemplateVersions?: Serialized<EC2.LaunchTemplateVersion>[];
  /**
   * What each collected launch-template version's UserData (ec2:DescribeLaunchTemplateVersions
   * .LaunchTemplateData.UserData) configures, decoded in memory at collection: only these derived
   * facts are kept, never the user data itself (docs/snapshot.md#user-data-facts).
   */
  launchTemplateUserData?: LaunchTemplateUserData[];
  /**
   * ec2:DescribeImages .Images for the AMIs the cluster's instances and launch templates name, each
   * cut to IMAGE_FIELDS (src/snapshot/sanitize.ts): which OS family a group boots.
   */
  images?: Serialized<EC2.Image>[];
  /** ec2:DescribeInstanceTypes .InstanceTypes (types in use) */
  instanceTypes?: Serialized<EC2.InstanceTypeInfo>[];
  /** ec2:DescribeVpcs .Vpcs (the cluster's VPC) */
  vpcs?: Serialized<EC2.Vpc>[];
  /** ec2:DescribeVpcAttribute enableDnsSupport / enableDnsHostnames */
  vpcDnsAttributes?: VpcDnsAttributes[];
  /** ec2:DescribeSubnets .Subnets (every subnet of the cluster's VPC) */
  subnets?: Serialized<EC2.Subnet>[];
  /** ec2:DescribeRouteTables .RouteTables (the cluster's VPC) */
  routeTables?: Serialized<EC2.RouteTable>[];
  /** ec2:DescribeSecurityGroups .SecurityGroups (the cluster's VPC) */
  securityGroups?: Serialized<EC2.SecurityGroup>[];
  /** ec2:DescribeManagedPrefixLists .PrefixLists (those referenced by rules) */
  prefixLists?: Serialized<EC2.ManagedPrefixList>[];
  /** ec2:GetManagedPrefixListEntries */
  prefixListEntries?: PrefixListEntries[];
  /** ec2:DescribeNatGateways .NatGateways (the cluster's VPC) */
  natGateways?: Serialized<EC2.NatGateway>[];
  /** ec2:DescribeInternetGateways .InternetGateways (attached to the cluster's VPC) */
  internetGateways?: Serialized<EC2.InternetGateway>[];
  /** ec2:DescribeVpcEndpoints .VpcEndpoints (the cluster's VPC) */
  vpcEndpoints?: Serialized<EC2.VpcEndpoint>[];
  /** ec2:DescribeNetworkAcls .NetworkAcls (the cluster's VPC; every entry, the final `*` rules 32767 included as EC2 returns them) */
  networkAcls?: Serialized<EC2.NetworkAcl>[];
  /** ec2:DescribeDhcpOptions .DhcpOptions (the option set the cluster's VPC names in DhcpOptionsId; none when it is 'default') */
  dhcpOptions?: Serialized<EC2.DhcpOptions>[];
  /**
   * ec2:DescribeNetworkInterfaces .NetworkInterfaces filtered by the cluster's VPC and the description
   * 'Amazon EKS <cluster>': the cross-account interfaces through which the control plane reaches the
   * VPC (the API server's private endpoint, kubelet and webhook calls).
   */
  controlPlaneInterfaces?: Serialized<EC2.NetworkInterface>[];
  /**
   * servicequotas:GetServiceQuota .Quota: EC2's running-instance vCPU quotas, On-Demand and Spot, of
   * the Standard class and of the classes the cluster's groups launch (src/domain/ec2-vcpu-quotas.ts).
   * A quota with no applied value (NoSuchResourceException) is absent; its default is in defaultServiceQuotas.
   */
  serviceQuotas?: Serialized<ServiceQuotas.ServiceQuota>[];
  /** servicequotas:GetAWSDefaultServiceQuota .Quota for the same quotas GetServiceQuota did not give (no applied value, or the call failed) */
  defaultServiceQuotas?: Serialized<ServiceQuotas.ServiceQuota>[];
  /** cloudwatch:GetMetricData for each quota's usage metric over the hour before the snapshot, newest first */
  quotaUsage?: QuotaUsage[];
  /** iam:GetRole for node roles, IRSA and Pod Identity roles; policy documents decoded */
  iamRoles?: IamRole[];
  /** iam:ListAttachedRolePolicies for the same roles */
  iamAttachedRolePolicies?: AttachedRolePolicies[];
  /** iam:GetInstanceProfile for the instance profiles of the cluster's instances and launch templates */
  iamInstanceProfiles?: IamInstanceProfile[];
  /** iam:ListOpenIDConnectProviders + iam:GetOpenIDConnectProvider */
  iamOidcProviders?: OidcProvider[];
  /**
   * ecr:DescribePullThroughCacheRules .pullThroughCacheRules in the cluster's region: read only when
   * containers wait on a public registry's rate limit (src/domain/image-pull-errors.ts), [] otherwise.
   */
  ecrPullThroughCacheRules?: Serialized<ECR.PullThroughCacheRule>[];
  /**
   * ecr:GetRepositoryPolicy for the repositories of other accounts' registries that refuse the
   * cluster's pulls with 403 (at most ECR_POLICY_READS_CAP, the rest recorded as not read); [] when none does.
   */
  ecrRepositoryPolicies?: EcrRepositoryPolicy[];
  /**
   * cloudtrail:LookupEvents by ResourceName for the AWS resources root causes name, over the change
   * window: collected by the enrichment pass after diagnosis (src/enrich), not for a check.
   */
  cloudTrailLookups?: CloudTrailLookup[];
  /** Resources asked for by ID that do not exist. Collected alongside the parts that asked. */
  notFound?: NotFoundResource[];
}

export type K8s<T> = Serialized<T>;

/** How the Kubernetes API server was (or was not) reached. */
export interface ApiServerAccess {
  /** 'eks-token': DescribeCluster endpoint + in-process EKS token; 'kubeconfig'; 'in-cluster' service account. */
  method: 'eks-token' | 'kubeconfig' | 'in-cluster' | 'none';
  server?: string;
  context?: string;
  reachable: boolean;
  /** Why it could not be reached. */
  failure?: {
    kind: 'unreachable' | 'timeout' | 'tls' | 'unauthorized' | 'forbidden' | 'not-configured' | 'other';
    message: string;
    httpStatus?: number;
  };
}

export interface KubernetesData {
  apiServer?: ApiServerAccess;
  /** GET /version */
  version?: K8s<Kube.VersionInfo>;
  /** GET /api/v1/nodes (status.images removed) */
  nodes?: K8s<Kube.V1Node>[];
  /** GET /api/v1/namespaces/kube-system/configmaps/aws-auth; null when it does not exist. managedFields kept as manager/operation/time */
  awsAuth?: K8s<Kube.V1ConfigMap> | null;
  /** GET /api/v1/namespaces/kube-system/pods, each projected to POD_FIELDS (src/snapshot/sanitize.ts) */
  kubeSystemPods?: K8s<Kube.V1Pod>[];
  /** GET /api/v1/pods?fieldSelector=status.phase!=Running,status.phase!=Succeeded, each projected by sanitizeProblemPod (POD_FIELDS and where the pod may run) */
  problemPods?: K8s<Kube.V1Pod>[];
  /** GET /apis/apps/v1/namespaces/kube-system/daemonsets (managedFields kept as manager/operation/time) */
  daemonSets?: K8s<Kube.V1DaemonSet>[];
  /** GET /apis/apps/v1/namespaces/kube-system/deployments (managedFields kept as manager/operation/time) */
  deployments?: K8s<Kube.V1Deployment>[];
  /** GET /api/v1/services, type LoadBalancer only */
  loadBalancerServices?: K8s<Kube.V1Service>[];
  /** GET /api/v1/events?fieldSelector=type=Warning */
  warningEvents?: K8s<Kube.CoreV1Event>[];
  /** GET /api/v1/serviceaccounts (those with IAM annotations, and kube-system's) */
  serviceAccounts?: K8s<Kube.V1ServiceAccount>[];
  /** GET /apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations (managedFields kept as manager/operation/time) */
  validatingWebhooks?: K8s<Kube.V1ValidatingWebhookConfiguration>[];
  /** GET /apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations (managedFields kept as manager/operation/time) */
  mutatingWebhooks?: K8s<Kube.V1MutatingWebhookConfiguration>[];
  /** The Services that admission webhooks call (their targetPorts must be open from the control plane) */
  webhookServices?: K8s<Kube.V1Service>[];
  /** GET /apis .groups: the API groups the server serves (Karpenter's and Auto Mode's are read only when listed here) */
  apiGroups?: K8s<Kube.V1APIGroup>[];
  /**
   * What Pending pods wait for, each from the cluster-wide list: GET /api/v1/persistentvolumeclaims,
   * /api/v1/persistentvolumes, /apis/storage.k8s.io/v1/storageclasses and /apis/storage.k8s.io/v1/csidrivers.
   */
  persistentVolumeClaims?: K8s<Kube.V1PersistentVolumeClaim>[];
  persistentVolumes?: K8s<Kube.V1PersistentVolume>[];
  storageClasses?: K8s<Kube.V1StorageClass>[];
  csiDrivers?: K8s<Kube.V1CSIDriver>[];
  /**
   * The owners between a pod and its workload, projected to their ownership (sanitizeOwner):
   * GET /apis/apps/v1/replicasets (pod -> ReplicaSet -> Deployment) and /apis/batch/v1/jobs (pod -> Job -> CronJob).
   */
  replicaSets?: K8s<Kube.V1ReplicaSet>[];
  jobs?: K8s<Kube.V1Job>[];
  /**
   * The cluster-autoscaler: `clusterAutoscalers` from GET /apis/apps/v1/deployments, those running its
   * image (any namespace); `clusterAutoscalerStatus` from GET /api/v1/namespaces/NS/configmaps/NAME for
   * each, its `--status-config-map-name` (default cluster-autoscaler-status) in its `--namespace`
   * (default kube-system); `scalingEvents` from GET /api/v1/events?fieldSelector=reason=R for
   * TriggeredScaleUp, NotTriggerScaleUp (cluster-autoscaler) and Nominated (Karpenter), Normal events.
   */
  clusterAutoscalers?: K8s<Kube.V1Deployment>[];
  clusterAutoscalerStatus?: K8s<Kube.V1ConfigMap>[];
  scalingEvents?: K8s<Kube.CoreV1Event>[];
  /**
   * GET /api/v1/events?fieldSelector=involvedObject.kind=PersistentVolumeClaim,type=Normal: what the
   * PersistentVolume controller and the provisioners say about claims while they wait
   * (ExternalProvisioning, Provisioning, WaitForFirstConsumer, WaitForPodScheduled, FailedBinding);
   * their Warnings (ProvisioningFailed) are in warningEvents.
   */
  claimEvents?: K8s<Kube.CoreV1Event>[];
  /**
   * Karpenter and EKS Auto Mode, each [] when discovery does not list its group: GET
   * /apis/karpenter.sh/v1/nodepools and /apis/karpenter.sh/v1/nodeclaims (those not Ready: launching,
   * or failing to), /apis/karpenter.k8s.aws/v1/ec2nodeclasses, /apis/eks.amazonaws.com/v1/nodeclasses.
   */
  nodePools?: NodePool[];
  nodeClaims?: NodeClaim[];
  ec2NodeClasses?: NodeClass[];
  autoModeNodeClasses?: NodeClass[];
  /**
   * GET /apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices?labelSelector=kubernetes.io/service-name={name}
   * for each webhook Service: whether the API server has a ready address to call.
   */
  webhookEndpointSlices?: K8s<Kube.V1EndpointSlice>[];
  /**
   * GET /apis/apps/v1/namespaces/{namespace}/deployments for each webhook Service's namespace, only
   * the Deployments whose pod template the Service selects (the webhook's server)
   */
  webhookDeployments?: K8s<Kube.V1Deployment>[];
  /**
   * GET /api/v1/namespaces/{namespace}/pods/{name} for the pods recent Warning BackOff events
   * ("Back-off restarting failed container ...") name, newest first, at most 50; each projected to
   * POD_FIELDS. Crash-looping pods are Running, so the list of pods not running does not hold them.
   */
  crashLoopPods?: K8s<Kube.V1Pod>[];
  /** GET /apis/crd.k8s.amazonaws.com/v1alpha1/eniconfigs (VPC CNI custom networking); null when the API does not serve the resource (the CRD is not installed) */
  eniConfigs?: EniConfig[] | null;
  /** GET /apis/vpcresources.k8s.aws/v1beta1/securitygrouppolicies (security groups for pods); null when the API does not serve the resource */
  securityGroupPolicies?: SecurityGroupPolicy[] | null;
}

/** An ENIConfig (crd.k8s.amazonaws.com/v1alpha1), as the API returns it: the subnet and security groups of a node's pod interfaces. */
export interface EniConfig {
  apiVersion?: string;
  kind?: string;
  metadata?: K8s<Kube.V1ObjectMeta>;
  spec?: { subnet?: string; securityGroups?: string[] };
}

/** A SecurityGroupPolicy (vpcresources.k8s.aws/v1beta1): the security groups of the pods it selects. */
export interface SecurityGroupPolicy {
  apiVersion?: string;
  kind?: string;
  metadata?: K8s<Kube.V1ObjectMeta>;
  spec?: { podSelector?: K8s<Kube.V1LabelSelector>; serviceAccountSelector?: K8s<Kube.V1LabelSelector>; securityGroups?: { groupIds?: string[] } };
}

/**
 * The elements of the snapshot's lists, named once for collectors, checks, mocks and tests. Each is
 * the SDK's or the Kubernetes API's shape as the snapshot holds it (Serialized), so `Subnet` here
 * is one entry of `aws.subnets`, not the SDK class with Date fields.
 */
export type AwsListPart = { [P in keyof AwsData]-?: NonNullable<AwsData[P]> extends unknown[] ? P : never }[keyof AwsData];
export type KubernetesListPart = { [P in keyof KubernetesData]-?: NonNullable<KubernetesData[P]> extends unknown[] ? P : never }[keyof KubernetesData];
/** One element of a list-valued AWS part: `AwsElement<'subnets'>` is one subnet. */
export type AwsElement<P extends AwsListPart> = NonNullable<AwsData[P]>[number];
/** One element of a list-valued Kubernetes part: `KubernetesElement<'nodes'>` is one Node. */
export type KubernetesElement<P extends KubernetesListPart> = NonNullable<KubernetesData[P]>[number];

export type Nodegroup = AwsElement<'nodegroups'>;
export type Addon = AwsElement<'addons'>;
export type AccessEntry = AwsElement<'accessEntries'>;
export type PodIdentityAssociation = AwsElement<'podIdentityAssociations'>;
export type Insight = AwsElement<'insights'>;
export type FargateProfile = AwsElement<'fargateProfiles'>;
export type AutoScalingGroup = AwsElement<'autoScalingGroups'>;
export type ScalingActivity = AwsElement<'scalingActivities'>;
export type Reservation = AwsElement<'reservations'>;
/** One EC2 instance of `aws.reservations[].Instances`. */
export type Ec2Instance = NonNullable<Reservation['Instances']>[number];
export type LaunchTemplateVersion = AwsElement<'launchTemplateVersions'>;
/** The facts kept about one launch-template version's user data. */
export type UserDataFacts = AwsElement<'launchTemplateUserData'>;
export type InstanceTypeInfo = AwsElement<'instanceTypes'>;
export type Ec2Image = AwsElement<'images'>;
export type Subnet = AwsElement<'subnets'>;
export type RouteTable = AwsElement<'routeTables'>;
export type Route = NonNullable<RouteTable['Routes']>[number];
export type SecurityGroup = AwsElement<'securityGroups'>;
/** One rule of a security group (IpPermissions or IpPermissionsEgress). */
export type IpPermission = NonNullable<SecurityGroup['IpPermissions']>[number];
export type VpcEndpoint = AwsElement<'vpcEndpoints'>;
export type NetworkAcl = AwsElement<'networkAcls'>;
/** One rule of a network ACL (either direction). */
export type NetworkAclEntry = NonNullable<NetworkAcl['Entries']>[number];
export type DhcpOptions = AwsElement<'dhcpOptions'>;
export type NetworkInterface = AwsElement<'controlPlaneInterfaces'>;
/** One quota of `aws.serviceQuotas` or `aws.defaultServiceQuotas`. */
export type ServiceQuota = AwsElement<'serviceQuotas'>;

export type KubeNode = KubernetesElement<'nodes'>;
/** A pod as the snapshot holds it: kube-system's and the problem pods, both projected to POD_FIELDS. */
export type KubePod = KubernetesElement<'kubeSystemPods'>;
export type KubeEvent = KubernetesElement<'warningEvents'>;
export type KubeService = KubernetesElement<'loadBalancerServices'>;
export type KubeServiceAccount = KubernetesElement<'serviceAccounts'>;
export type KubeDaemonSet = KubernetesElement<'daemonSets'>;
export type KubeDeployment = KubernetesElement<'deployments'>;
export type KubeConfigMap = NonNullable<KubernetesData['awsAuth']>;
export type KubePersistentVolumeClaim = KubernetesElement<'persistentVolumeClaims'>;
export type KubePersistentVolume = KubernetesElement<'persistentVolumes'>;
export type KubeStorageClass = KubernetesElement<'storageClasses'>;
export type { NodeClaim, NodeClass, NodePool, ProvisionerCondition } from './node-provisioning-types.js';
export type KubeEndpointSlice = KubernetesElement<'webhookEndpointSlices'>;
/** One webhook of a ValidatingWebhookConfiguration. */
export type ValidatingWebhook = NonNullable<KubernetesElement<'validatingWebhooks'>['webhooks']>[number];

export type AwsPart = `aws.${Exclude<keyof AwsData, 'notFound'>}`;
export type KubernetesPart = `kubernetes.${keyof KubernetesData}`;
export type SnapshotPart = AwsPart | KubernetesPart;

export type FailureKind =
  | 'denied'
  | 'throttled'
  | 'timeout'
  | 'unreachable'
  | 'tls'
  | 'unauthorized'
  | 'not-found'
  | 'invalid-response'
  | 'server-error'
  | 'other';

/** One API call that failed, and the snapshot part it cost. */
export interface CollectionError {
  part: SnapshotPart;
  /** 'ec2:DescribeSubnets' or 'GET /api/v1/nodes' */
  call: string;
  kind: FailureKind;
  /** The error code as the API spelled it: 'UnauthorizedOperation', 'ThrottlingException', 'ETIMEDOUT', 'HTTP 403' */
  code: string;
  message: string;
  /** For 'denied': the IAM action (or Kubernetes verb and resource) to grant. */
  permission?: string;
  httpStatus?: number;
  /**
   * The call was never made: another failed first (GET /version, or no way to reach the API
   * server), which `message` names. A skipped call is not a call that timed out.
   */
  notAttempted?: true;
}

export interface ExpectedFinding {
  id: string;
  severity: 'critical' | 'warning' | 'info';
}

export interface SnapshotMeta {
  /** What this snapshot shows; required for scenarios. */
  description?: string;
  /** Scenario name, when the snapshot was generated from the scenario library. */
  scenario?: string;
  /** Named faults applied to the baseline. */
  faults?: string[];
  /** Root-cause finding ids a scenario is expected to produce first (used by tests). */
  expectedRootCauses?: string[];
  /** Findings that explain no symptom (a cause with nothing to show yet, a corroborating warning) a scenario is expected to produce (used by tests). */
  expectedFindings?: ExpectedFinding[];
  /** Whether account IDs, IPs, hostnames were replaced by placeholders. */
  redacted?: boolean;
  /** eks-doctor version that wrote the snapshot. */
  collectedBy?: string;
}

export interface Snapshot {
  kind: typeof SNAPSHOT_KIND;
  schemaVersion: typeof SNAPSHOT_SCHEMA_VERSION;
  /** When the data was collected; every age and grace period is measured against this. */
  capturedAt: string;
  cluster: { name: string; region: string };
  meta?: SnapshotMeta;
  aws: AwsData;
  kubernetes: KubernetesData;
  errors: CollectionError[];
}

export function partValue(snapshot: Snapshot, part: SnapshotPart): unknown {
  const [section, key] = part.split('.') as ['aws' | 'kubernetes', string];
  return (snapshot[section] as Record<string, unknown>)[key];
}
