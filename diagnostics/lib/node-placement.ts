/**
 * Where the cluster's capacity lives in the VPC: which instances, node groups, Auto Scaling groups
 * and Fargate profiles use which subnets and security groups. The network checks use this to say
 * which nodes a subnet, route or rule affects, and to scope the symptoms their causes explain.
 */
import type { ResourceRef } from '../../src/engine/finding.js';
import { resource } from '../../src/engine/resources.js';
import type { AwsData, KubernetesData, Snapshot } from '../../src/snapshot/types.js';
import { tagValue } from './cluster-instances.js';

type Item<T> = NonNullable<T> extends (infer U)[] ? U : never;
export type Instance = Item<Item<AwsData['reservations']>['Instances']>;
export type KubeNode = Item<KubernetesData['nodes']>;

/**
 * The canonical resource builders (src/engine/resources.ts), with Kubernetes objects taken as one
 * 'namespace/name' string because that is how these checks carry them around.
 */
export const ref = {
  ...resource,
  pod: (namespaceAndName: string): ResourceRef => ({ type: 'k8s:Pod', id: namespaceAndName }),
  service: (namespaceAndName: string): ResourceRef => ({ type: 'k8s:Service', id: namespaceAndName }),
  deployment: (namespaceAndName: string): ResourceRef => ({ type: 'k8s:Deployment', id: namespaceAndName }),
  daemonSet: (namespaceAndName: string): ResourceRef => ({ type: 'k8s:DaemonSet', id: namespaceAndName }),
};

/** Instances that hold or will hold a node: pending or running (stopped and terminated ones hold no address). */
export function liveInstances(snapshot: Snapshot): Instance[] {
  return (snapshot.aws.reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => i.State?.Name === 'running' || i.State?.Name === 'pending');
}

// One definition, kept where the instance index lives; re-exported for this module's importers.
export { tagValue };

/** The security groups on an instance's primary network interface (what its traffic carries). */
export function instanceSecurityGroups(instance: Instance): string[] {
  const primary = (instance.NetworkInterfaces ?? []).find((n) => n.Attachment?.DeviceIndex === 0);
  const groups = primary?.Groups ?? instance.SecurityGroups ?? [];
  return groups.flatMap((g) => (g.GroupId ? [g.GroupId] : []));
}

export function nodeForInstance(snapshot: Snapshot, instanceId: string): KubeNode | undefined {
  return (snapshot.kubernetes.nodes ?? []).find((n) => n.spec?.providerID?.endsWith(`/${instanceId}`));
}

export function instanceIdOfNode(node: KubeNode): string | undefined {
  return node.spec?.providerID?.match(/\/(i-[0-9a-f]+)$/)?.[1];
}

/** Subnets that nodes use or will use: live instances', managed node groups', Auto Scaling groups' and Fargate profiles'. */
export function nodeSubnetIds(snapshot: Snapshot): string[] {
  const ids = new Set<string>();
  for (const i of liveInstances(snapshot)) if (i.SubnetId) ids.add(i.SubnetId);
  for (const ng of snapshot.aws.nodegroups ?? []) for (const s of ng.subnets ?? []) ids.add(s);
  for (const asg of snapshot.aws.autoScalingGroups ?? []) for (const s of (asg.VPCZoneIdentifier ?? '').split(',')) if (s.trim()) ids.add(s.trim());
  for (const fp of snapshot.aws.fargateProfiles ?? []) for (const s of fp.subnets ?? []) ids.add(s);
  return [...ids].sort();
}

export function clusterSubnetIds(snapshot: Snapshot): string[] {
  return [...(snapshot.aws.cluster?.resourcesVpcConfig?.subnetIds ?? [])];
}

/** What in the cluster launches capacity into a subnet, by name. */
export function capacityInSubnet(snapshot: Snapshot, subnetId: string): { instances: Instance[]; nodegroups: string[]; autoScalingGroups: string[]; fargateProfiles: string[] } {
  return {
    instances: liveInstances(snapshot).filter((i) => i.SubnetId === subnetId),
    nodegroups: (snapshot.aws.nodegroups ?? []).filter((ng) => ng.subnets?.includes(subnetId)).flatMap((ng) => (ng.nodegroupName ? [ng.nodegroupName] : [])),
    autoScalingGroups: (snapshot.aws.autoScalingGroups ?? [])
      .filter((a) => (a.VPCZoneIdentifier ?? '').split(',').map((s) => s.trim()).includes(subnetId))
      .flatMap((a) => (a.AutoScalingGroupName ? [a.AutoScalingGroupName] : [])),
    fargateProfiles: (snapshot.aws.fargateProfiles ?? []).filter((fp) => fp.subnets?.includes(subnetId)).flatMap((fp) => (fp.fargateProfileName ? [fp.fargateProfileName] : [])),
  };
}

/**
 * Every name a symptom about these instances, node groups or groups may carry: the instances, their
 * Nodes, the node groups (by name and by ARN: both spellings are in use) and the Auto Scaling groups.
 * Used only for `canExplain` scopes, which are matched by type and id and never shown.
 */
export function scopeRefs(snapshot: Snapshot, o: { instanceIds?: string[]; nodegroups?: string[]; autoScalingGroups?: string[]; subnetIds?: string[]; securityGroupIds?: string[]; pods?: string[]; extra?: ResourceRef[]; groupsOfInstances?: boolean }): ResourceRef[] {
  const refs: ResourceRef[] = [];
  const instanceIds = new Set(o.instanceIds ?? []);
  const nodegroups = new Set(o.nodegroups ?? []);
  const asgs = new Set(o.autoScalingGroups ?? []);
  // Indexed once per call: a scope can name every instance of a 5,000-node cluster.
  const live = instanceIds.size > 0 ? new Map(liveInstances(snapshot).map((i) => [i.InstanceId, i])) : new Map<string | undefined, Instance>();
  const nodeByInstance = new Map<string, KubeNode>();
  if (instanceIds.size > 0) {
    for (const n of snapshot.kubernetes.nodes ?? []) {
      const id = n.spec?.providerID?.split('/').pop();
      if (id && instanceIds.has(id) && !nodeByInstance.has(id)) nodeByInstance.set(id, n);
    }
  }
  for (const id of instanceIds) {
    refs.push(ref.instance(id));
    const node = nodeByInstance.get(id);
    if (node?.metadata?.name) refs.push(ref.node(node.metadata.name));
    if (o.groupsOfInstances === false) continue;
    const instance = live.get(id);
    const asg = tagValue(instance?.Tags, 'aws:autoscaling:groupName');
    if (asg) asgs.add(asg);
    const ng = tagValue(instance?.Tags, 'eks:nodegroup-name');
    if (ng) nodegroups.add(ng);
  }
  for (const name of nodegroups) {
    refs.push(ref.nodegroup(name));
    const arn = (snapshot.aws.nodegroups ?? []).find((n) => n.nodegroupName === name)?.nodegroupArn;
    if (arn) refs.push({ type: 'aws:eks:nodegroup', id: arn, name });
    for (const a of (snapshot.aws.nodegroups ?? []).find((n) => n.nodegroupName === name)?.resources?.autoScalingGroups ?? []) if (a.name) asgs.add(a.name);
  }
  for (const name of asgs) refs.push(ref.autoScalingGroup(name));
  for (const s of o.subnetIds ?? []) refs.push(ref.subnet(s));
  for (const g of o.securityGroupIds ?? []) refs.push(ref.securityGroup(g));
  for (const p of o.pods ?? []) refs.push(ref.pod(p));
  refs.push(...(o.extra ?? []));
  const seen = new Set<string>();
  return refs.filter((r) => {
    const key = `${r.type}|${r.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The instances (and their Nodes) in these subnets, the subnets themselves, and the node groups and
 * Auto Scaling groups that launch only into them. A group that also uses healthy subnets is left
 * out: its symptoms are linked through the subnet or instance they name, so a broken subnet does not
 * claim a group's unrelated trouble.
 */
export function scopeForSubnets(snapshot: Snapshot, subnetIds: string[], extra: ResourceRef[] = []): ResourceRef[] {
  const affected = new Set(subnetIds);
  const instanceIds: string[] = [];
  const nodegroups = new Set<string>();
  const asgs = new Set<string>();
  for (const s of subnetIds) {
    const c = capacityInSubnet(snapshot, s);
    instanceIds.push(...c.instances.flatMap((i) => (i.InstanceId ? [i.InstanceId] : [])));
    for (const n of c.nodegroups) if (((snapshot.aws.nodegroups ?? []).find((g) => g.nodegroupName === n)?.subnets ?? []).every((x) => affected.has(x))) nodegroups.add(n);
    for (const a of c.autoScalingGroups) {
      const zones = ((snapshot.aws.autoScalingGroups ?? []).find((g) => g.AutoScalingGroupName === a)?.VPCZoneIdentifier ?? '').split(',').map((x) => x.trim()).filter(Boolean);
      if (zones.every((x) => affected.has(x))) asgs.add(a);
    }
  }
  return scopeRefs(snapshot, { instanceIds, nodegroups: [...nodegroups], autoScalingGroups: [...asgs], subnetIds, extra, groupsOfInstances: false });
}

export function subnetName(snapshot: Snapshot, subnetId: string): string | undefined {
  return tagValue((snapshot.aws.subnets ?? []).find((s) => s.SubnetId === subnetId)?.Tags, 'Name');
}

/** 'subnet-0abc (shop-prod-private-eu-west-1a, eu-west-1a, 10.0.0.0/19)' for evidence lines. */
export function describeSubnet(snapshot: Snapshot, subnetId: string): string {
  const s = (snapshot.aws.subnets ?? []).find((x) => x.SubnetId === subnetId);
  if (!s) return subnetId;
  const name = tagValue(s.Tags, 'Name');
  return `${subnetId} (${[name, s.AvailabilityZone, s.CidrBlock].filter(Boolean).join(', ')})`;
}

/** What launches into a subnet, as one line of evidence. */
export function describeCapacity(snapshot: Snapshot, subnetId: string): string | undefined {
  const c = capacityInSubnet(snapshot, subnetId);
  const parts = [
    ...c.nodegroups.map((n) => `node group ${n}`),
    ...c.autoScalingGroups.filter((a) => !(snapshot.aws.nodegroups ?? []).some((ng) => ng.resources?.autoScalingGroups?.some((x) => x.name === a))).map((a) => `Auto Scaling group ${a}`),
    ...c.fargateProfiles.map((f) => `Fargate profile ${f}`),
  ];
  const running = c.instances.length > 0 ? `${c.instances.length} live instance(s): ${c.instances.map((i) => i.InstanceId).join(', ')}` : 'no live instances';
  if (parts.length === 0 && c.instances.length === 0) return undefined;
  return `Used by ${parts.length > 0 ? parts.join(', ') : 'instances outside any group'}; ${running}.`;
}
