/**
 * The cluster's EC2 capacity, indexed: which instances and Auto Scaling groups belong to the
 * cluster, which node group and instance profile each instance has, and which Kubernetes Node
 * each instance registered as.
 *
 * Checks that reason about nodes (node registration, aws-auth, node IAM role, subnets, security
 * groups) import this instead of re-deriving the joins, so every check agrees on what "the
 * cluster's instances" and "the Node of this instance" mean, and names resources the same way.
 *
 * Membership rules (the collector may over-collect; these decide):
 * - an Auto Scaling group is the cluster's when a managed node group lists it
 *   (`nodegroups[].resources.autoScalingGroups`) or it carries `kubernetes.io/cluster/<name>`,
 *   `k8s.io/cluster/<name>`, `k8s.io/cluster-autoscaler/<name>` or `eks:cluster-name=<name>`;
 * - an instance is the cluster's when it is in one of those groups, carries one of the cluster tags
 *   above or `eks:eks-cluster-name=<name>` / `aws:eks:cluster-name=<name>`, carries Karpenter's
 *   `karpenter.sh/nodepool` (and no other cluster's name), or a Node of the cluster names it.
 *
 * Matching: a Node is an instance's when its `spec.providerID` (`aws:///<az>/<instance-id>`) names
 * the instance; a Node without an EC2 provider ID matches by private DNS name (node name,
 * InternalDNS or Hostname address against the instance's PrivateDnsName), else by its InternalIP
 * against one instance's PrivateIpAddress that no other Node's provider ID claims.
 */
import { instanceIdFromProviderId } from '../../src/domain/provider-id.js';
import type { ResourceRef } from '../../src/engine/finding.js';
import { resource } from '../../src/engine/resources.js';
import { memoised } from '../../src/engine/snapshot-memo.js';
import type { AutoScalingGroup, Ec2Instance, KubeNode, Nodegroup, Snapshot } from '../../src/snapshot/types.js';



/**
 * Where a Node's machine comes from. Only `ec2` and `karpenter` Nodes are backed by an EC2
 * instance the cluster owner manages; the others are never expected among the collected instances.
 */
export type NodeOrigin = 'fargate' | 'hybrid' | 'auto-mode' | 'karpenter' | 'ec2' | 'unknown';

const COMPUTE_TYPE_LABEL = 'eks.amazonaws.com/compute-type';
const KARPENTER_NODEPOOL = 'karpenter.sh/nodepool';
/** Karpenter before v1 labelled nodes with the provisioner instead of the node pool. */
const KARPENTER_PROVISIONER = 'karpenter.sh/provisioner-name';

export function nodeOrigin(node: KubeNode): NodeOrigin {
  const labels = node.metadata?.labels ?? {};
  const providerId = node.spec?.providerID ?? '';
  const computeType = labels[COMPUTE_TYPE_LABEL];
  if (computeType === 'fargate' || (node.metadata?.name?.startsWith('fargate-') === true && !instanceIdFromProviderId(providerId))) return 'fargate';
  if (computeType === 'hybrid' || providerId.startsWith('eks-hybrid://')) return 'hybrid';
  if (computeType === 'auto') return 'auto-mode';
  if (labels[KARPENTER_NODEPOOL] || labels[KARPENTER_PROVISIONER]) return 'karpenter';
  if (instanceIdFromProviderId(providerId)) return 'ec2';
  return 'unknown';
}

/** The DNS names a Node is known by: its name and its InternalDNS and Hostname addresses, lower-cased. */
export function nodeDnsNames(node: KubeNode): string[] {
  const names = new Set<string>();
  if (node.metadata?.name) names.add(node.metadata.name.toLowerCase());
  for (const a of node.status?.addresses ?? []) {
    if ((a.type === 'InternalDNS' || a.type === 'Hostname') && a.address) names.add(a.address.toLowerCase());
  }
  return [...names];
}

function nodeInternalIps(node: KubeNode): string[] {
  return (node.status?.addresses ?? []).flatMap((a) => (a.type === 'InternalIP' && a.address ? [a.address] : []));
}

/** The status of the Node's Ready condition: 'True', 'False', 'Unknown', or undefined when it has none. */
export function nodeReadyStatus(node: KubeNode): string | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
}

export function tagValue(tags: { Key?: string; Value?: string }[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

/** The Name tag, for a human-readable label next to an opaque ID. */
export function instanceName(instance: Ec2Instance): string | undefined {
  return tagValue(instance.Tags, 'Name') || undefined;
}

/** Whether the tags say "this belongs to cluster <name>" in one of the conventions EKS, eksctl, Terraform and Karpenter use. */
function taggedForCluster(tags: { Key?: string; Value?: string }[] | undefined, clusterName: string): boolean {
  for (const t of tags ?? []) {
    if (t.Key === `kubernetes.io/cluster/${clusterName}` || t.Key === `k8s.io/cluster/${clusterName}` || t.Key === `k8s.io/cluster-autoscaler/${clusterName}`) return true;
    if ((t.Key === 'eks:cluster-name' || t.Key === 'eks:eks-cluster-name' || t.Key === 'aws:eks:cluster-name') && t.Value === clusterName) return true;
  }
  return false;
}

function taggedForOtherCluster(tags: { Key?: string; Value?: string }[] | undefined, clusterName: string): boolean {
  return (tags ?? []).some(
    (t) =>
      ((t.Key === 'eks:cluster-name' || t.Key === 'eks:eks-cluster-name' || t.Key === 'aws:eks:cluster-name') && t.Value !== undefined && t.Value !== clusterName) ||
      (t.Key?.startsWith('kubernetes.io/cluster/') === true && t.Key !== `kubernetes.io/cluster/${clusterName}`),
  );
}

/** The instance's Auto Scaling lifecycle state in its group ('InService', 'Pending', 'Terminating:Wait', ...). */
export function lifecycleState(group: AutoScalingGroup, instanceId: string): string | undefined {
  return group.Instances?.find((i) => i.InstanceId === instanceId)?.LifecycleState;
}

/** The launch template a group launches from, directly or through a mixed instances policy. */
export function groupLaunchTemplate(group: AutoScalingGroup): { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string } | undefined {
  return group.LaunchTemplate ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
}

export class ClusterInstances {
  /** Every collected instance, by ID, whether or not it belongs to the cluster. */
  readonly byId = new Map<string, Ec2Instance>();
  /** The cluster's instances, in collection order. */
  readonly instances: Ec2Instance[] = [];
  /** The cluster's Auto Scaling groups, by name. */
  readonly groups = new Map<string, AutoScalingGroup>();
  /** Managed node groups, by name. */
  readonly nodegroups = new Map<string, Nodegroup>();
  /** The Nodes, by name. */
  readonly nodes = new Map<string, KubeNode>();

  private readonly nodegroupOfGroupName = new Map<string, string>();
  private readonly groupOfInstanceId = new Map<string, string>();
  private readonly nodeOfInstanceId = new Map<string, KubeNode>();
  private readonly instanceIdOfNodeName = new Map<string, string>();
  private readonly rolesOfProfileArn = new Map<string, string[]>();

  constructor(private readonly snapshot: Snapshot) {
    const clusterName = snapshot.cluster.name;
    const aws = snapshot.aws;

    for (const ng of aws.nodegroups ?? []) {
      if (!ng.nodegroupName) continue;
      this.nodegroups.set(ng.nodegroupName, ng);
      for (const g of ng.resources?.autoScalingGroups ?? []) if (g.name) this.nodegroupOfGroupName.set(g.name, ng.nodegroupName);
    }
    for (const g of aws.autoScalingGroups ?? []) {
      const name = g.AutoScalingGroupName;
      if (!name) continue;
      const nodegroupTag = tagValue(g.Tags, 'eks:nodegroup-name');
      if (nodegroupTag && tagValue(g.Tags, 'eks:cluster-name') === clusterName && !this.nodegroupOfGroupName.has(name)) this.nodegroupOfGroupName.set(name, nodegroupTag);
      if (this.nodegroupOfGroupName.has(name) || taggedForCluster(g.Tags, clusterName)) {
        this.groups.set(name, g);
        for (const i of g.Instances ?? []) if (i.InstanceId) this.groupOfInstanceId.set(i.InstanceId, name);
      }
    }

    for (const node of snapshot.kubernetes.nodes ?? []) if (node.metadata?.name) this.nodes.set(node.metadata.name, node);
    const claimedByNode = new Set<string>();
    for (const node of this.nodes.values()) {
      const id = instanceIdFromProviderId(node.spec?.providerID);
      if (id) claimedByNode.add(id);
    }

    const byDns = new Map<string, Ec2Instance>();
    const byPrivateIp = new Map<string, Ec2Instance | 'ambiguous'>();
    for (const reservation of aws.reservations ?? []) {
      for (const instance of reservation.Instances ?? []) {
        const id = instance.InstanceId;
        if (!id) continue;
        this.byId.set(id, instance);
        const groupTag = tagValue(instance.Tags, 'aws:autoscaling:groupName');
        if (groupTag && this.groups.has(groupTag) && !this.groupOfInstanceId.has(id)) this.groupOfInstanceId.set(id, groupTag);
        const belongs =
          this.groupOfInstanceId.has(id) ||
          taggedForCluster(instance.Tags, clusterName) ||
          (tagValue(instance.Tags, KARPENTER_NODEPOOL) !== undefined && !taggedForOtherCluster(instance.Tags, clusterName)) ||
          claimedByNode.has(id);
        if (!belongs) continue;
        this.instances.push(instance);
        if (instance.PrivateDnsName) byDns.set(instance.PrivateDnsName.toLowerCase(), instance);
        if (instance.PrivateIpAddress && !claimedByNode.has(id)) byPrivateIp.set(instance.PrivateIpAddress, byPrivateIp.has(instance.PrivateIpAddress) ? 'ambiguous' : instance);
      }
    }

    for (const node of this.nodes.values()) {
      const origin = nodeOrigin(node);
      if (origin === 'fargate' || origin === 'hybrid') continue;
      const fromProvider = instanceIdFromProviderId(node.spec?.providerID);
      let instanceId = fromProvider;
      // A Node without an EC2 provider ID (not yet set by the cloud provider, or a custom kubelet
      // setup) can still be told apart by its DNS name. A Node whose provider ID names another
      // instance is that instance's, even when a new instance has reused its IP address.
      if (!instanceId) instanceId = nodeDnsNames(node).map((n) => byDns.get(n)?.InstanceId).find((x) => x !== undefined);
      // Last, its InternalIP: only an instance no provider ID claims, and only when one has it.
      if (!instanceId && !fromProvider) instanceId = nodeInternalIps(node).map((ip) => byPrivateIp.get(ip)).find((x): x is Ec2Instance => x !== undefined && x !== 'ambiguous')?.InstanceId;
      if (!instanceId) continue;
      this.instanceIdOfNodeName.set(node.metadata!.name!, instanceId);
      if (!this.nodeOfInstanceId.has(instanceId)) this.nodeOfInstanceId.set(instanceId, node);
    }

    for (const profile of aws.iamInstanceProfiles ?? []) {
      if (profile.Arn) this.rolesOfProfileArn.set(profile.Arn, (profile.Roles ?? []).map((r) => r.Arn).filter((a): a is string => a !== undefined));
    }
  }

  /** True when EC2 instances were collected without error: an instance missing from them does not exist (or was terminated over an hour ago). */
  get instanceListComplete(): boolean {
    return this.snapshot.aws.reservations !== undefined && !this.snapshot.errors.some((e) => e.part === 'aws.reservations');
  }

  /** The Node the instance registered as, if any. */
  nodeOf(instanceId: string): KubeNode | undefined {
    return this.nodeOfInstanceId.get(instanceId);
  }

  /** The instance ID behind a Node: from its provider ID, or matched by DNS name. */
  instanceIdOf(node: KubeNode): string | undefined {
    return node.metadata?.name ? this.instanceIdOfNodeName.get(node.metadata.name) : undefined;
  }

  /** The cluster Auto Scaling group the instance belongs to, by name (from the group's instance list or the instance's aws:autoscaling:groupName tag). */
  groupNameOf(instanceId: string): string | undefined {
    return this.groupOfInstanceId.get(instanceId);
  }

  /** The managed node group behind an Auto Scaling group, by name. */
  nodegroupOfGroup(groupName: string): string | undefined {
    return this.nodegroupOfGroupName.get(groupName);
  }

  /** The managed node group the instance belongs to, by name: through its group, or its eks:nodegroup-name tag. */
  nodegroupOf(instanceId: string): string | undefined {
    const group = this.groupNameOf(instanceId);
    const viaGroup = group ? this.nodegroupOfGroup(group) : undefined;
    if (viaGroup) return viaGroup;
    const instance = this.byId.get(instanceId);
    return instance && tagValue(instance.Tags, 'eks:cluster-name') === this.snapshot.cluster.name ? tagValue(instance.Tags, 'eks:nodegroup-name') : undefined;
  }

  /** The instance profile ARN the instance runs with. */
  instanceProfileArnOf(instanceId: string): string | undefined {
    return this.byId.get(instanceId)?.IamInstanceProfile?.Arn;
  }

  /** The IAM role ARNs in the instance's profile, when the profile was collected (iam:GetInstanceProfile). */
  roleArnsOf(instanceId: string): string[] {
    const profile = this.instanceProfileArnOf(instanceId);
    return profile ? (this.rolesOfProfileArn.get(profile) ?? []) : [];
  }

  /** The role ARNs in a collected instance profile, by the profile's ARN. */
  roleArnsOfProfile(profileArn: string): string[] {
    return this.rolesOfProfileArn.get(profileArn) ?? [];
  }

  /**
   * Every resource a finding about this instance should name, so that any cause check can scope to
   * it: the instance, its Auto Scaling group and node group (by name), its instance profile and
   * the profile's roles (ARNs), its subnet and security groups.
   */
  resourcesOf(instanceId: string): ResourceRef[] {
    const instance = this.byId.get(instanceId);
    const refs: ResourceRef[] = [resource.instance(instanceId, instance ? instanceName(instance) : undefined)];
    const group = this.groupNameOf(instanceId);
    if (group) refs.push(resource.autoScalingGroup(group));
    const nodegroup = this.nodegroupOf(instanceId);
    if (nodegroup) refs.push(resource.nodegroup(nodegroup));
    const profile = this.instanceProfileArnOf(instanceId);
    if (profile) refs.push(resource.instanceProfile(profile));
    for (const role of this.roleArnsOf(instanceId)) refs.push(resource.role(role));
    if (instance?.SubnetId) refs.push(resource.subnet(instance.SubnetId));
    for (const sg of securityGroupIdsOf(instance)) refs.push(resource.securityGroup(sg));
    return refs;
  }
}

/** The security groups on the instance: its own list, and those of its network interfaces. */
function securityGroupIdsOf(instance: Ec2Instance | undefined): string[] {
  const ids = new Set<string>();
  for (const g of instance?.SecurityGroups ?? []) if (g.GroupId) ids.add(g.GroupId);
  for (const eni of instance?.NetworkInterfaces ?? []) for (const g of eni.Groups ?? []) if (g.GroupId) ids.add(g.GroupId);
  return [...ids];
}

/** Indexes the snapshot's instances, groups and Nodes (see the module comment for the rules); built once per run (node-registration and node-bootstrap share it). */
export function clusterInstances(snapshot: Snapshot): ClusterInstances {
  return memoised(snapshot, 'cluster-instances', () => new ClusterInstances(snapshot));
}
