/**
 * Faults on the identity and software side: node roles missing policies, the VPC CNI without
 * permissions, IRSA broken by a deleted OIDC provider, add-ons left behind by an upgrade, nodes
 * whose kubelet is too old, a cluster version past standard support. Each fault also puts in the
 * symptoms the cluster would show (pods crash-looping with the error they log, Nodes NotReady with
 * the condition the kubelet reports), so the symptom checks have something real to report.
 */
import type { KubeNode, KubePod, PolicyDocument, Snapshot } from '../../src/snapshot/types.js';
import { BASELINE, BATCH_ASG, BATCH_PROFILE_NAME, BATCH_ROLE_NAME, EBS_CSI_ROLE_ARN, KARPENTER_ROLE_ARN, KARPENTER_ROLE_NAME, MANAGED_ASG, NODE_ROLE_NAME, iamArn } from '../scenario-builder/baseline.js';
import { defineFaults } from '../scenario-builder/fault.js';
import { cniImagePullFails, instancesOfGroup, nodegroupIssue } from './network.js';
import { launchUnjoinedInstance, minutesBeforeCapture } from './node-registration.js';
import { addonDegraded, asgNodes, setKubeletSilent } from './symptoms.js';
import { kubeletBackingOff } from './pod-start.js';


export const VPC_CNI_ROLE_NAME = 'shop-prod-vpc-cni';
export const VPC_CNI_ROLE_ARN = iamArn(`role/${VPC_CNI_ROLE_NAME}`);
const ISSUER_HOST = `oidc.eks.${BASELINE.region}.amazonaws.com/id/${BASELINE.oidcId}`;

export const CNI_NOT_INITIALIZED =
  'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';


/**
 * A new member of a managed node group's Auto Scaling group, launched `minutes` ago, that never
 * became a Node: a copy of the group's first instance under a new ID and address.
 */
function launchUnjoinedMember(snapshot: Snapshot, groupName: string, instanceId: string, privateIp: string, minutes: number): string {
  const firstId = snapshot.aws.autoScalingGroups!.find((g) => g.AutoScalingGroupName === groupName)!.Instances![0]!.InstanceId!;
  return launchUnjoinedInstance(snapshot, firstId, { instanceId, privateIp, launchTime: minutesBeforeCapture(snapshot, minutes) }).InstanceId!;
}

/** A new member of node group general that never joined, and the NodeCreationFailure EKS reports for it. */
function generalMemberNeverJoined(snapshot: Snapshot, instanceId: string, privateIp: string, minutes: number): void {
  launchUnjoinedMember(snapshot, MANAGED_ASG, instanceId, privateIp, minutes);
  nodegroupIssue(snapshot, 'NodeCreationFailure', 'Instances failed to join the kubernetes cluster', [instanceId]);
}

function detachPolicy(snapshot: Snapshot, roleName: string, policyName: string): void {
  const entry = snapshot.aws.iamAttachedRolePolicies?.find((a) => a.RoleName === roleName);
  if (!entry) throw new Error(`no attached policies for ${roleName} in the snapshot`);
  entry.AttachedPolicies = entry.AttachedPolicies.filter((p) => p.PolicyName !== policyName);
}

const isFargate = (node: KubeNode) => node.metadata?.labels?.['eks.amazonaws.com/compute-type'] === 'fargate';

/**
 * The pods of a kube-system DaemonSet crash-loop on every EC2 node with `message` in their last
 * termination; the DaemonSet counts none ready.
 */
export function daemonSetCrashLooping(snapshot: Snapshot, name: string, message: string, since: string): void {
  const pods = (snapshot.kubernetes.kubeSystemPods ?? []).filter((p) => p.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet' && o.name === name));
  for (const pod of pods) crashLoop(pod, message, since);
  const ds = snapshot.kubernetes.daemonSets?.find((d) => d.metadata?.namespace === 'kube-system' && d.metadata?.name === name);
  if (!ds?.status) throw new Error(`no DaemonSet kube-system/${name} in the snapshot`);
  ds.status.numberReady = 0;
  ds.status.numberAvailable = 0;
  ds.status.numberUnavailable = ds.status.desiredNumberScheduled;
}

function crashLoop(pod: KubePod, message: string, since: string): void {
  const container = pod.spec?.containers?.[0]?.name ?? 'aws-node';
  pod.status!.conditions = [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${container}]`, lastTransitionTime: since }];
  pod.status!.containerStatuses = (pod.status!.containerStatuses ?? []).map((c, i) =>
    i === 0
      ? {
          ...c,
          ready: false,
          started: false,
          restartCount: 9,
          state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${c.name} pod=${pod.metadata!.name}` } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', message, startedAt: since, finishedAt: since } },
        }
      : c,
  );
}

/** Every EC2 Node NotReady because the CNI never initialised (Fargate nodes do not run aws-node). */
export function nodesCniNotInitialized(snapshot: Snapshot, since: string): void {
  for (const node of snapshot.kubernetes.nodes ?? []) {
    if (isFargate(node)) continue;
    node.status!.conditions = (node.status!.conditions ?? []).map((c) =>
      c.type === 'Ready' ? { ...c, status: 'False', reason: 'KubeletNotReady', message: CNI_NOT_INITIALIZED, lastTransitionTime: since } : c,
    );
    node.spec!.taints = [...(node.spec!.taints ?? []), { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }];
  }
}

/** An IRSA trust policy for a cluster's OIDC provider (this one's by default) and one service account subject, as the EKS user guide writes it. */
function irsaTrust(subject: string, issuerHost = ISSUER_HOST, audience = 'sts.amazonaws.com'): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { Federated: iamArn(`oidc-provider/${issuerHost}`) },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${issuerHost}:aud`]: audience, [`${issuerHost}:sub`]: subject } },
    }],
  };
}

/** aws-node gets its own IRSA role, as AWS recommends: the CNI policy moves from the node roles to it. */
function vpcCniOnIrsa(snapshot: Snapshot): void {
  const template = snapshot.aws.iamRoles!.find((r) => r.RoleName === 'shop-prod-ebs-csi')!;
  snapshot.aws.iamRoles!.push({
    ...structuredClone(template),
    RoleName: VPC_CNI_ROLE_NAME,
    Arn: VPC_CNI_ROLE_ARN,
    RoleId: 'AROASHOPPRODVPCCNI0001',
    AssumeRolePolicyDocument: irsaTrust('system:serviceaccount:kube-system:aws-node'),
  });
  snapshot.aws.iamAttachedRolePolicies!.push({ RoleName: VPC_CNI_ROLE_NAME, AttachedPolicies: [{ PolicyName: 'AmazonEKS_CNI_Policy', PolicyArn: 'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy' }] });
  for (const role of [NODE_ROLE_NAME, BATCH_ROLE_NAME, KARPENTER_ROLE_NAME]) detachPolicy(snapshot, role, 'AmazonEKS_CNI_Policy');
  snapshot.aws.addons!.find((a) => a.addonName === 'vpc-cni')!.serviceAccountRoleArn = VPC_CNI_ROLE_ARN;
  const sa = snapshot.kubernetes.serviceAccounts!.find((s) => s.metadata?.namespace === 'kube-system' && s.metadata?.name === 'aws-node')!;
  sa.metadata!.annotations = { ...(sa.metadata!.annotations ?? {}), 'eks.amazonaws.com/role-arn': VPC_CNI_ROLE_ARN };
}

/** The pods of a kube-system Deployment crash-loop with `message`; the Deployment has none available. */
function deploymentCrashLooping(snapshot: Snapshot, name: string, message: string, since: string): void {
  const deployment = snapshot.kubernetes.deployments?.find((d) => d.metadata?.namespace === 'kube-system' && d.metadata?.name === name);
  if (!deployment?.status) throw new Error(`no Deployment kube-system/${name} in the snapshot`);
  const replicas = deployment.spec?.replicas ?? 0;
  const at = since.replace('.000Z', 'Z');
  deployment.status = {
    ...deployment.status,
    readyReplicas: 0,
    availableReplicas: 0,
    unavailableReplicas: replicas,
    conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastTransitionTime: at, lastUpdateTime: at }],
  };
  // Its pods, by its own selector (the EBS CSI controller's is app: ebs-csi-controller, not a k8s-app label).
  const selector = Object.entries(deployment.spec?.selector?.matchLabels ?? {});
  const pods = (snapshot.kubernetes.kubeSystemPods ?? []).filter((p) => selector.length > 0 && selector.every(([k, v]) => p.metadata?.labels?.[k] === v));
  // The kubelet's BackOff events name the pods, so a collection reads them (crash-loops).
  for (const pod of pods) {
    crashLoop(pod, message, since);
    kubeletBackingOff(snapshot, pod);
  }
}

/** Replaces the minor version in a version string or image tag: v1.35.2-eks-3a1b2c4 -> v1.33.2-eks-3a1b2c4. */
function withMinor(text: string, from: string, to: string): string {
  return text.replace(`v${from}.`, `v${to}.`);
}

/**
 * The whole cluster on an older minor version, consistently: control plane, API server, node
 * group, every kubelet, kube-proxy (add-on, image tags) and the add-on versions EKS offers for it.
 */
function clusterOnVersion(snapshot: Snapshot, version: string, kubeProxyVersion: string): void {
  const from = snapshot.aws.cluster!.version!;
  const info = snapshot.aws.clusterVersions!.find((v) => v.clusterVersion === version);
  if (!info) throw new Error(`DescribeClusterVersions in the baseline does not list ${version}`);
  snapshot.aws.cluster!.version = version;
  snapshot.aws.cluster!.platformVersion = info.defaultPlatformVersion!;
  const apiVersion = snapshot.kubernetes.version;
  if (apiVersion) {
    apiVersion.minor = version.split('.')[1]!;
    apiVersion.gitVersion = withMinor(apiVersion.gitVersion!, from, version);
  }
  for (const nodegroup of snapshot.aws.nodegroups ?? []) {
    nodegroup.version = version;
    nodegroup.releaseVersion = nodegroup.releaseVersion!.replace(`${from}.`, `${version}.`);
  }
  // Every kubelet on the cluster's minor (the self-managed group was one behind; it moves with it).
  for (const node of snapshot.kubernetes.nodes ?? []) {
    const info = node.status!.nodeInfo!;
    info.kubeletVersion = info.kubeletVersion.replace(/^v1\.\d+\./, `v${version}.`);
  }
  const kubeProxy = snapshot.aws.addons!.find((a) => a.addonName === 'kube-proxy')!;
  const kubeProxyFrom = kubeProxy.addonVersion!;
  kubeProxy.addonVersion = kubeProxyVersion;
  const ds = snapshot.kubernetes.daemonSets!.find((d) => d.metadata?.name === 'kube-proxy')!;
  const pods = (snapshot.kubernetes.kubeSystemPods ?? []).filter((p) => p.metadata?.name?.startsWith('kube-proxy-'));
  for (const c of [...ds.spec!.template.spec!.containers, ...pods.flatMap((p) => [...p.spec!.containers, ...(p.status?.containerStatuses ?? [])])]) {
    c.image = c.image!.replace(kubeProxyFrom, kubeProxyVersion);
  }
  for (const addon of snapshot.aws.addonVersions ?? []) {
    for (const v of addon.addonVersions ?? []) {
      for (const c of v.compatibilities ?? []) c.clusterVersion = version;
      if (addon.addonName === 'kube-proxy') v.addonVersion = v.addonVersion!.replace(`v${from}.`, `v${version}.`);
    }
  }
  const kubeProxyOffered = snapshot.aws.addonVersions!.find((a) => a.addonName === 'kube-proxy')!.addonVersions!;
  kubeProxyOffered[0]!.addonVersion = kubeProxyVersion;
  // The upgrade insights look one minor ahead.
  const next = `1.${Number(version.split('.')[1]) + 1}`;
  for (const insight of snapshot.aws.insights ?? []) {
    insight.kubernetesVersion = next;
    insight.name = insight.name!.replace(/v1\.\d+$/, `v${next}`);
    insight.description = insight.description!.replace(/v1\.\d+\./, `v${next}.`);
  }
}

const EBS_HEALTH_CHECK_FAILED = (credentialError: string) =>
  `main.go:78] "Health check failed" err="rpc error: code = FailedPrecondition desc = Failed health check (verify network connection and IAM credentials): dry-run EC2 API call failed: operation error EC2: DescribeAvailabilityZones, get identity: get credentials: failed to refresh cached credentials, ${credentialError}"`;

const IRSA_DENIED = 'failed to retrieve credentials, operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 403, api error AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity';
const POD_IDENTITY_DENIED =
  'failed to load credentials, operation error ecs container credentials: GetCredentials, https response error StatusCode: 400, api error AccessDeniedException: Unauthorized Exception! EKS does not have permissions to assume the associated role.';

/** The EBS CSI controller cannot get AWS credentials: its health check fails, its pods crash-loop, and EKS reports the add-on DEGRADED. */
function ebsCsiControllerFails(snapshot: Snapshot, credentialError: string, since: string): void {
  deploymentCrashLooping(snapshot, 'ebs-csi-controller', EBS_HEALTH_CHECK_FAILED(credentialError), since);
  addonDegraded(snapshot, 'aws-ebs-csi-driver');
}

/** The EBS CSI driver moved from IRSA to an EKS Pod Identity association with `roleArn`, as the add-on does it. */
function ebsCsiOnPodIdentity(snapshot: Snapshot, roleArn: string, since: string): void {
  const associationId = 'a-0ebscsi0assoc0001';
  const associationArn = `arn:aws:eks:${BASELINE.region}:${BASELINE.account}:podidentityassociation/${BASELINE.clusterName}/${associationId}`;
  snapshot.aws.podIdentityAssociations!.push({
    clusterName: BASELINE.clusterName,
    namespace: 'kube-system',
    serviceAccount: 'ebs-csi-controller-sa',
    roleArn,
    associationArn,
    associationId,
    createdAt: since,
    modifiedAt: since,
    tags: {},
  });
  const addon = snapshot.aws.addons!.find((a) => a.addonName === 'aws-ebs-csi-driver')!;
  delete addon.serviceAccountRoleArn;
  addon.podIdentityAssociations = [associationArn];
  addon.modifiedAt = since;
  const sa = snapshot.kubernetes.serviceAccounts!.find((s) => s.metadata?.namespace === 'kube-system' && s.metadata?.name === 'ebs-csi-controller-sa')!;
  delete sa.metadata!.annotations;
}

export const faults = defineFaults([
  {
    name: 'node-roles-cni-policy-detached',
    description:
      'AmazonEKS_CNI_Policy was detached from every node role while aws-node has no role of its own; after the nodes were replaced at 02:40, ipamd gets UnauthorizedOperation, aws-node crash-loops everywhere and every EC2 Node is NotReady with "cni plugin not initialized".',
    apply(snapshot) {
      for (const role of [NODE_ROLE_NAME, BATCH_ROLE_NAME, KARPENTER_ROLE_NAME]) detachPolicy(snapshot, role, 'AmazonEKS_CNI_Policy');
      const since = minutesBeforeCapture(snapshot, 32);
      daemonSetCrashLooping(
        snapshot,
        'aws-node',
        'level=error msg="Failed to call ec2:DescribeNetworkInterfaces" error="UnauthorizedOperation: You are not authorized to perform this operation. status code: 403"; ipamd init failed',
        since,
      );
      nodesCniNotInitialized(snapshot, since);
    },
  },
  {
    name: 'vpc-cni-irsa-oidc-provider-deleted',
    description:
      "The VPC CNI runs on its own IRSA role (shop-prod-vpc-cni), and the cluster's IAM OIDC provider was deleted in an IAM clean-up: aws-node fails with InvalidIdentityToken, crash-loops on every node, and the EC2 Nodes go NotReady.",
    apply(snapshot) {
      vpcCniOnIrsa(snapshot);
      // ListOpenIDConnectProviders simply no longer lists it (nothing asks for it by ARN, so no NoSuchEntity).
      snapshot.aws.iamOidcProviders = [];
      const since = minutesBeforeCapture(snapshot, 18);
      daemonSetCrashLooping(
        snapshot,
        'aws-node',
        `WebIdentityErr: failed to retrieve credentials caused by: InvalidIdentityToken: No OpenIDConnect provider found in your account for https://${ISSUER_HOST} status code: 400`,
        since,
      );
      nodesCniNotInitialized(snapshot, since);
    },
  },
  {
    name: 'vpc-cni-addon-version-incompatible',
    description:
      'The control plane was upgraded to 1.35 but the managed vpc-cni add-on was left at v1.16.0-eksbuild.1, which EKS does not support on 1.35: aws-node crash-loops on every node.',
    apply(snapshot) {
      addonLeftAt(snapshot, { addon: 'vpc-cni', daemonSet: 'aws-node', version: 'v1.16.0-eksbuild.1', minutesAgo: 50 }, 'panic: failed to list *v1.Node: the server could not find the requested resource (get nodes.v1alpha1.crd.k8s.amazonaws.com)');
    },
  },
  {
    name: 'kube-proxy-left-at-1-31',
    description:
      'The managed kube-proxy add-on was left at v1.31 through four control plane upgrades: on 1.35 it no longer finds the APIs it lists, crash-loops on every node, and Services stop routing.',
    apply(snapshot) {
      addonLeftAt(snapshot, { addon: 'kube-proxy', daemonSet: 'kube-proxy', version: 'v1.31.10-eksbuild.2', minutesAgo: 14 }, 'E1120 02:58:11.412 reflector.go:158] "Unhandled Error" err="failed to list *v1.EndpointSlice: the server could not find the requested resource"');
    },
  },
  {
    name: 'general-node-role-worker-policy-detached',
    description:
      "AmazonEKSWorkerNodePolicy was detached from the node role of managed node group general; a new instance launched 40 minutes ago never registered (the kubelet cannot describe its instance) and the node group reports NodeCreationFailure.",
    apply(snapshot) {
      detachPolicy(snapshot, NODE_ROLE_NAME, 'AmazonEKSWorkerNodePolicy');
      generalMemberNeverJoined(snapshot, 'i-0a5ee00000000a0c1', '10.0.1.77', 40);
    },
  },
  {
    name: 'ebs-csi-irsa-trust-subject-mismatch',
    description:
      "The trust policy of shop-prod-ebs-csi, the EBS CSI driver's IRSA role, was rewritten in an IAM clean-up with the subject system:serviceaccount:kube-system:ebs-csi-controller (without -sa): the controller's AWS health check fails with AccessDenied on sts:AssumeRoleWithWebIdentity, its pods crash-loop, and EKS reports the aws-ebs-csi-driver add-on DEGRADED.",
    apply(snapshot) {
      const role = snapshot.aws.iamRoles!.find((r) => r.RoleName === 'shop-prod-ebs-csi')!;
      role.AssumeRolePolicyDocument = irsaTrust('system:serviceaccount:kube-system:ebs-csi-controller');
      ebsCsiControllerFails(snapshot, IRSA_DENIED, minutesBeforeCapture(snapshot, 55));
    },
  },
  {
    name: 'batch-kubelet-left-at-1-31',
    description:
      "The self-managed batch group's launch template still pins the Kubernetes 1.31 AMI through four control plane upgrades: its kubelets (v1.31.7) are four minor versions behind the 1.35 API server, stopped posting node status, and both batch Nodes are NotReady; EKS's upgrade insight for kubelet skew is in ERROR.",
    apply(snapshot) {
      for (const node of asgNodes(snapshot, BATCH_ASG)) {
        node.status!.nodeInfo!.kubeletVersion = 'v1.31.7-eks-1c2d3e4';
        setKubeletSilent(snapshot, node, 35);
      }
      const insight = snapshot.aws.insights!.find((i) => i.name === 'Kubelet version skew')!;
      insight.insightStatus = { status: 'ERROR', reason: 'Node kubelet versions are more than 3 minor versions behind the control plane version after the upgrade.' };
      insight.lastTransitionTime = minutesBeforeCapture(snapshot, 35);
    },
  },
  {
    name: 'cluster-left-on-1-33',
    description:
      'The cluster (control plane, node groups, kubelets and add-ons, all consistent) was never upgraded past Kubernetes 1.33, whose standard support ended on 2026-07-29: it now runs in extended support, billed per cluster hour, until EKS upgrades it automatically on 2027-07-29.',
    apply(snapshot) {
      clusterOnVersion(snapshot, '1.33', 'v1.33.8-eksbuild.2');
    },
  },
  {
    name: 'ebs-csi-pod-identity-role-keeps-irsa-trust',
    description:
      "The EBS CSI driver was moved from IRSA to EKS Pod Identity (association for kube-system/ebs-csi-controller-sa, IRSA annotation removed), but its role shop-prod-ebs-csi still trusts only the cluster's OIDC provider: the Pod Identity agent cannot assume it, the controller's AWS health check fails, its pods crash-loop, and EKS reports the aws-ebs-csi-driver add-on DEGRADED.",
    apply(snapshot) {
      const since = minutesBeforeCapture(snapshot, 26);
      ebsCsiOnPodIdentity(snapshot, EBS_CSI_ROLE_ARN, since);
      ebsCsiControllerFails(snapshot, POD_IDENTITY_DENIED, since);
    },
  },
  {
    name: 'gpu-node-role-deleted-access-entry-left',
    description:
      'The gpu node group was retired in October and its node role shop-prod-gpu-node deleted, but its EC2_LINUX access entry was left behind: it grants nothing now, and would not follow a re-created role of the same name.',
    apply(snapshot) {
      const entries = snapshot.aws.accessEntries!;
      const template = entries.find((e) => e.type === 'EC2_LINUX')!;
      const principalArn = iamArn('role/shop-prod-gpu-node');
      entries.push({
        ...structuredClone(template),
        principalArn,
        accessEntryArn: `arn:aws:eks:${BASELINE.region}:${BASELINE.account}:access-entry/${BASELINE.clusterName}/role/${BASELINE.account}/shop-prod-gpu-node/64c9a1b2-0018-0000-0000-000000000000`,
        createdAt: '2025-09-12T08:30:00.000Z',
        modifiedAt: '2025-09-12T08:30:00.000Z',
      });
      snapshot.aws.notFound = [...(snapshot.aws.notFound ?? []), { resourceType: 'iam-role', id: principalArn, call: 'iam:GetRole' }];
    },
  },
  {
    name: 'vpc-cni-irsa-trusts-old-cluster',
    description:
      "The VPC CNI runs on its own IRSA role (shop-prod-vpc-cni), whose trust policy was copied from the cluster this one replaced and still names that cluster's OIDC provider: aws-node gets AccessDenied from sts:AssumeRoleWithWebIdentity, crash-loops on every node, and the EC2 Nodes go NotReady.",
    apply(snapshot) {
      vpcCniOnIrsa(snapshot);
      const oldIssuer = `oidc.eks.${BASELINE.region}.amazonaws.com/id/0B1D2C3E4F5A69788796A5B4C3D2E1AA`;
      const role = snapshot.aws.iamRoles!.find((r) => r.RoleName === VPC_CNI_ROLE_NAME)!;
      role.AssumeRolePolicyDocument = irsaTrust('system:serviceaccount:kube-system:aws-node', oldIssuer);
      const since = minutesBeforeCapture(snapshot, 21);
      daemonSetCrashLooping(
        snapshot,
        'aws-node',
        'WebIdentityErr: failed to retrieve credentials caused by: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity status code: 403',
        since,
      );
      nodesCniNotInitialized(snapshot, since);
    },
  },
  {
    name: 'general-node-role-trusts-eks-not-ec2',
    description:
      "The trust policy of shop-prod-node-role was overwritten with the cluster role's (eks.amazonaws.com instead of ec2.amazonaws.com): an instance the managed node group general launched 30 minutes ago gets no credentials and never registers, and the node group reports NodeCreationFailure.",
    apply(snapshot) {
      const role = snapshot.aws.iamRoles!.find((r) => r.RoleName === NODE_ROLE_NAME)!;
      role.AssumeRolePolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
      generalMemberNeverJoined(snapshot, 'i-0a5ee00000000a0c2', '10.0.33.78', 30);
    },
  },
  {
    name: 'pod-identity-agent-removed',
    description:
      'The eks-pod-identity-agent add-on was deleted in a clean-up of "unused" add-ons, while billing/billing-api still gets its AWS credentials through a Pod Identity association: its pods get none.',
    apply(snapshot) {
      const name = 'eks-pod-identity-agent';
      snapshot.aws.addons = snapshot.aws.addons!.filter((a) => a.addonName !== name);
      // DescribeAddonVersions is asked only about installed add-ons.
      snapshot.aws.addonVersions = snapshot.aws.addonVersions!.filter((a) => a.addonName !== name);
      snapshot.kubernetes.daemonSets = snapshot.kubernetes.daemonSets!.filter((d) => d.metadata?.name !== name);
      snapshot.kubernetes.kubeSystemPods = snapshot.kubernetes.kubeSystemPods!.filter((p) => !p.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet' && o.name === name));
      snapshot.kubernetes.serviceAccounts = snapshot.kubernetes.serviceAccounts!.filter((s) => !(s.metadata?.namespace === 'kube-system' && s.metadata?.name === name));
    },
  },
  {
    name: 'cluster-left-on-1-34',
    description:
      'The cluster (control plane, node groups, kubelets and add-ons, all consistent) runs Kubernetes 1.34, whose standard support ends on 2026-12-02, twelve days after this snapshot.',
    apply(snapshot) {
      clusterOnVersion(snapshot, '1.34', 'v1.34.4-eksbuild.2');
    },
  },
  {
    name: 'general-node-role-ecr-policy-detached',
    description:
      'AmazonEC2ContainerRegistryReadOnly was detached from shop-prod-node-role, the role of managed node group general: a node that replaced one 20 minutes ago registered, but its kubelet cannot pull the aws-node image from Amazon ECR, so it stays NotReady and the node group reports NodeCreationFailure.',
    apply(snapshot) {
      detachPolicy(snapshot, NODE_ROLE_NAME, 'AmazonEC2ContainerRegistryReadOnly');
      const replaced = instancesOfGroup(snapshot, MANAGED_ASG)[0]!;
      const registry = `602401143452.dkr.ecr.${BASELINE.region}.amazonaws.com`;
      cniImagePullFails(snapshot, replaced, registry, `failed to pull and unpack image: failed to resolve reference: unexpected status from HEAD request to https://${registry}/v2/amazon-k8s-cni/manifests/v1.21.1-eksbuild.1: 401 Unauthorized`);
      nodegroupIssue(snapshot, 'NodeCreationFailure', 'Unhealthy nodes in the kubernetes cluster', [replaced.InstanceId!]);
    },
  },
  {
    name: 'ebs-csi-irsa-role-deleted',
    description:
      "The EBS CSI driver's IRSA role shop-prod-ebs-csi was deleted by an IAM clean-up script that took it for unused: the controller's AWS health check fails (sts:AssumeRoleWithWebIdentity is denied for a role that does not exist), its pods crash-loop, and EKS reports the aws-ebs-csi-driver add-on DEGRADED.",
    apply(snapshot) {
      snapshot.aws.iamRoles = snapshot.aws.iamRoles!.filter((r) => r.Arn !== EBS_CSI_ROLE_ARN);
      snapshot.aws.iamAttachedRolePolicies = snapshot.aws.iamAttachedRolePolicies!.filter((a) => a.RoleName !== 'shop-prod-ebs-csi');
      snapshot.aws.notFound = [...(snapshot.aws.notFound ?? []), { resourceType: 'iam-role', id: EBS_CSI_ROLE_ARN, call: 'iam:GetRole' }];
      ebsCsiControllerFails(snapshot, IRSA_DENIED, minutesBeforeCapture(snapshot, 70));
    },
  },
  {
    name: 'karpenter-access-entry-type-ec2',
    description:
      "The Karpenter node role's access entry was re-created 90 minutes ago with type EC2 (the type for EKS Auto Mode) instead of EC2_LINUX, on a cluster without Auto Mode: the Karpenter node's kubelet is refused since and its Node went NotReady (status Unknown), and the instance Karpenter launched 25 minutes ago never registered.",
    apply(snapshot) {
      const entry = snapshot.aws.accessEntries!.find((e) => e.principalArn === KARPENTER_ROLE_ARN)!;
      entry.type = 'EC2';
      entry.kubernetesGroups = [];
      entry.createdAt = minutesBeforeCapture(snapshot, 90);
      entry.modifiedAt = entry.createdAt;
      const karpenterInstance = snapshot.aws.reservations!.flatMap((r) => r.Instances ?? []).find((i) => i.Tags?.some((t) => t.Key === 'karpenter.sh/nodepool'))!;
      const karpenterNode = snapshot.kubernetes.nodes!.find((n) => n.spec?.providerID?.endsWith(`/${karpenterInstance.InstanceId!}`))!;
      setKubeletSilent(snapshot, karpenterNode, 88);
      launchUnjoinedInstance(snapshot, karpenterInstance.InstanceId!, { instanceId: 'i-0c0ffee0c0ffee002', privateIp: '10.0.91.44', launchTime: minutesBeforeCapture(snapshot, 25) });
    },
  },
  {
    name: 'ebs-csi-irsa-trust-wrong-audience',
    description:
      "The trust policy of shop-prod-ebs-csi was written from an example for the AWS China regions: its :aud condition expects sts.amazonaws.com.cn, while EKS gives pods tokens for sts.amazonaws.com. The controller's AssumeRoleWithWebIdentity is denied, its pods crash-loop, and EKS reports the aws-ebs-csi-driver add-on DEGRADED.",
    apply(snapshot) {
      const role = snapshot.aws.iamRoles!.find((r) => r.Arn === EBS_CSI_ROLE_ARN)!;
      role.AssumeRolePolicyDocument = irsaTrust('system:serviceaccount:kube-system:ebs-csi-controller-sa', ISSUER_HOST, 'sts.amazonaws.com.cn');
      ebsCsiControllerFails(snapshot, IRSA_DENIED, minutesBeforeCapture(snapshot, 44));
    },
  },
  {
    name: 'ebs-csi-pod-identity-role-misspelt',
    description:
      'The EBS CSI driver was moved to EKS Pod Identity, and its association names shop-prod-ebs-csi-driver, a role that does not exist (the role is shop-prod-ebs-csi): the controller gets no credentials, crash-loops, and EKS reports the aws-ebs-csi-driver add-on DEGRADED.',
    apply(snapshot) {
      const missing = iamArn('role/shop-prod-ebs-csi-driver');
      const since = minutesBeforeCapture(snapshot, 33);
      ebsCsiOnPodIdentity(snapshot, missing, since);
      // Nothing names shop-prod-ebs-csi any more, so a collection does not read it.
      snapshot.aws.iamRoles = snapshot.aws.iamRoles!.filter((r) => r.Arn !== EBS_CSI_ROLE_ARN);
      snapshot.aws.iamAttachedRolePolicies = snapshot.aws.iamAttachedRolePolicies!.filter((a) => a.RoleName !== 'shop-prod-ebs-csi');
      snapshot.aws.notFound = [...(snapshot.aws.notFound ?? []), { resourceType: 'iam-role', id: missing, call: 'iam:GetRole' }];
      ebsCsiControllerFails(snapshot, POD_IDENTITY_DENIED, since);
    },
  },
  {
    name: 'batch-profile-role-removed',
    description:
      "During an IAM clean-up the role was removed from shop-prod-batch-profile, the instance profile of the self-managed batch group: a batch instance launched 25 minutes later has no AWS credentials at all, its kubelet cannot authenticate, and it never registered as a Node. (The batch Nodes already running still hold cached credentials.)",
    apply(snapshot) {
      const profile = snapshot.aws.iamInstanceProfiles!.find((p) => p.InstanceProfileName === BATCH_PROFILE_NAME)!;
      profile.Roles = [];
      // Nothing the collector follows names the role any more (only aws-auth does), so IAM is not asked about it.
      snapshot.aws.iamRoles = snapshot.aws.iamRoles!.filter((r) => r.RoleName !== BATCH_ROLE_NAME);
      snapshot.aws.iamAttachedRolePolicies = snapshot.aws.iamAttachedRolePolicies!.filter((a) => a.RoleName !== BATCH_ROLE_NAME);
      const group = snapshot.aws.autoScalingGroups!.find((g) => g.AutoScalingGroupName === BATCH_ASG)!;
      const template = snapshot.aws.reservations!.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === group.Instances![0]!.InstanceId)!;
      const privateIp = template.PrivateIpAddress!.replace(/\.\d+$/, '.201');
      launchUnjoinedMember(snapshot, BATCH_ASG, 'i-0a5ee00000000b0c3', privateIp, 25);
    },
  },
]);

/**
 * A managed add-on left at `version` through control-plane upgrades: the add-on, its DaemonSet's image and
 * every one of its pods' images say so, and the pods crash-loop `minutesAgo` with what the old binary logs.
 */
function addonLeftAt(snapshot: Snapshot, left: { addon: string; daemonSet: string; version: string; minutesAgo: number }, crashMessage: string): void {
  const { addon, daemonSet, version } = left;
  snapshot.aws.addons!.find((a) => a.addonName === addon)!.addonVersion = version;
  const retag = (container: { image?: string }) => {
    container.image = `${container.image!.split(':')[0]}:${version}`;
  };
  retag(snapshot.kubernetes.daemonSets!.find((d) => d.metadata?.name === daemonSet)!.spec!.template.spec!.containers[0]!);
  for (const pod of snapshot.kubernetes.kubeSystemPods ?? []) if (pod.metadata?.name?.startsWith(`${daemonSet}-`)) retag(pod.spec!.containers[0]!);
  daemonSetCrashLooping(snapshot, daemonSet, crashMessage, minutesBeforeCapture(snapshot, left.minutesAgo));
}
