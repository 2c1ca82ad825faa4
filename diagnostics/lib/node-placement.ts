/**
 * Where the cluster's capacity lives in the VPC: which instances, node groups, Auto Scaling groups
 * and Fargate profiles use which subnets and security groups. The network checks use this to say
 * which nodes a subnet, route or rule affects, and to scope the symptoms their causes explain.
 */
import { instanceIdFromProviderId } from '../../src/domain/provider-id.js';
import { partFailure } from '../../src/engine/diagnostic.js';
import { couldNotRead } from '../../src/engine/failure-text.js';
import type { ResourceRef } from '../../src/engine/finding.js';
import { resource, uniqueRefs } from '../../src/engine/resources.js';
import { memoised } from '../../src/engine/snapshot-memo.js';
import type { Ec2Instance, KubeNode, Snapshot } from '../../src/snapshot/types.js';
import { tagValue } from './cluster-instances.js';
import { subnetById } from './route-tables.js';


/** Instances that hold or will hold a node: pending or running (stopped and terminated ones hold no address). */
export function liveInstances(snapshot: Snapshot): Ec2Instance[] {
  return [...placementIndex(snapshot).live];
}

interface PlacementIndex {
  live: Ec2Instance[];
  liveBySubnet: Map<string, Ec2Instance[]>;
  /** Node by the last segment of its providerID; the first Node wins, as a linear search would find it. */
  nodeByInstanceId: Map<string, KubeNode>;
  nodegroupsBySubnet: Map<string, string[]>;
  autoScalingGroupsBySubnet: Map<string, string[]>;
  fargateProfilesBySubnet: Map<string, string[]>;
  /** Auto Scaling groups a managed node group owns. */
  managedGroupNames: Set<string>;
}

/** Who uses which subnet, built once per run (src/engine/snapshot-memo.ts): a subnet loop then costs its own instances, not the cluster's. */
function placementIndex(snapshot: Snapshot): PlacementIndex {
  return memoised(snapshot, 'node-placement', () => {
    const live = (snapshot.aws.reservations ?? []).flatMap((r) => r.Instances ?? []).filter((i) => i.State?.Name === 'running' || i.State?.Name === 'pending');
    const liveBySubnet = new Map<string, Ec2Instance[]>();
    for (const i of live) if (i.SubnetId !== undefined) append(liveBySubnet, i.SubnetId, i);
    const nodeByInstanceId = new Map<string, KubeNode>();
    for (const n of snapshot.kubernetes.nodes ?? []) {
      const id = instanceIdFromProviderId(n.spec?.providerID);
      if (id !== undefined && !nodeByInstanceId.has(id)) nodeByInstanceId.set(id, n);
    }
    const nodegroupsBySubnet = new Map<string, string[]>();
    for (const ng of snapshot.aws.nodegroups ?? []) if (ng.nodegroupName) for (const s of new Set(ng.subnets ?? [])) append(nodegroupsBySubnet, s, ng.nodegroupName);
    const autoScalingGroupsBySubnet = new Map<string, string[]>();
    for (const a of snapshot.aws.autoScalingGroups ?? []) {
      if (a.AutoScalingGroupName) for (const s of new Set((a.VPCZoneIdentifier ?? '').split(',').map((x) => x.trim()))) append(autoScalingGroupsBySubnet, s, a.AutoScalingGroupName);
    }
    const fargateProfilesBySubnet = new Map<string, string[]>();
    for (const fp of snapshot.aws.fargateProfiles ?? []) if (fp.fargateProfileName) for (const s of new Set(fp.subnets ?? [])) append(fargateProfilesBySubnet, s, fp.fargateProfileName);
    const managedGroupNames = new Set((snapshot.aws.nodegroups ?? []).flatMap((ng) => (ng.resources?.autoScalingGroups ?? []).flatMap((x) => (x.name !== undefined ? [x.name] : []))));
    return { live, liveBySubnet, nodeByInstanceId, nodegroupsBySubnet, autoScalingGroupsBySubnet, fargateProfilesBySubnet, managedGroupNames };
  });
}

function append<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Whether a managed node group owns this Auto Scaling group (it is then named through the node group). */
export function isManagedNodegroupGroup(snapshot: Snapshot, autoScalingGroupName: string): boolean {
  return placementIndex(snapshot).managedGroupNames.has(autoScalingGroupName);
}

// One definition, kept where the instance index lives; re-exported for this module's importers.
export { tagValue };

/** The security groups on an instance's primary network interface (what its traffic carries). */
export function instanceSecurityGroups(instance: Ec2Instance): string[] {
  const primary = (instance.NetworkInterfaces ?? []).find((n) => n.Attachment?.DeviceIndex === 0);
  const groups = primary?.Groups ?? instance.SecurityGroups ?? [];
  return groups.flatMap((g) => (g.GroupId ? [g.GroupId] : []));
}

/** The Node whose providerID names this instance. */
export function nodeForInstance(snapshot: Snapshot, instanceId: string): KubeNode | undefined {
  return placementIndex(snapshot).nodeByInstanceId.get(instanceId);
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
export function capacityInSubnet(snapshot: Snapshot, subnetId: string): { instances: Ec2Instance[]; nodegroups: string[]; autoScalingGroups: string[]; fargateProfiles: string[] } {
  const index = placementIndex(snapshot);
  return {
    instances: [...(index.liveBySubnet.get(subnetId) ?? [])],
    nodegroups: [...(index.nodegroupsBySubnet.get(subnetId) ?? [])],
    autoScalingGroups: [...(index.autoScalingGroupsBySubnet.get(subnetId) ?? [])],
    fargateProfiles: [...(index.fargateProfilesBySubnet.get(subnetId) ?? [])],
  };
}

/** Live instances by ID; the last of a repeated ID wins, as `new Map(entries)` does. */
function liveById(snapshot: Snapshot): Map<string | undefined, Ec2Instance> {
  return memoised(snapshot, 'node-placement/live-by-id', () => new Map(placementIndex(snapshot).live.map((i) => [i.InstanceId, i])));
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
  const live = instanceIds.size > 0 ? liveById(snapshot) : new Map<string | undefined, Ec2Instance>();
  const nodeByInstance = placementIndex(snapshot).nodeByInstanceId;
  for (const id of instanceIds) {
    refs.push(resource.instance(id));
    const node = nodeByInstance.get(id);
    if (node?.metadata?.name) refs.push(resource.node(node.metadata.name));
    if (o.groupsOfInstances === false) continue;
    const instance = live.get(id);
    const asg = tagValue(instance?.Tags, 'aws:autoscaling:groupName');
    if (asg) asgs.add(asg);
    const ng = tagValue(instance?.Tags, 'eks:nodegroup-name');
    if (ng) nodegroups.add(ng);
  }
  for (const name of nodegroups) {
    refs.push(resource.nodegroup(name));
    const arn = (snapshot.aws.nodegroups ?? []).find((n) => n.nodegroupName === name)?.nodegroupArn;
    if (arn) refs.push(resource.nodegroup(arn, name));
    for (const a of (snapshot.aws.nodegroups ?? []).find((n) => n.nodegroupName === name)?.resources?.autoScalingGroups ?? []) if (a.name) asgs.add(a.name);
  }
  for (const name of asgs) refs.push(resource.autoScalingGroup(name));
  for (const s of o.subnetIds ?? []) refs.push(resource.subnet(s));
  for (const g of o.securityGroupIds ?? []) refs.push(resource.securityGroup(g));
  for (const p of o.pods ?? []) refs.push(resource.pod(p));
  refs.push(...(o.extra ?? []));
  return uniqueRefs(refs);
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
  return tagValue(subnetById(snapshot, subnetId)?.Tags, 'Name');
}

/** 'subnet-0abc (shop-prod-private-eu-west-1a, eu-west-1a, 10.0.0.0/19)' for evidence lines. */
export function describeSubnet(snapshot: Snapshot, subnetId: string): string {
  const s = subnetById(snapshot, subnetId);
  if (!s) return subnetId;
  const name = tagValue(s.Tags, 'Name');
  return `${subnetId} (${[name, s.AvailabilityZone, s.CidrBlock].filter(Boolean).join(', ')})`;
}

/** What launches into a subnet, as one line of evidence. */
export function describeCapacity(snapshot: Snapshot, subnetId: string): string | undefined {
  const c = capacityInSubnet(snapshot, subnetId);
  const parts = [
    ...c.nodegroups.map((n) => `node group ${n}`),
    ...c.autoScalingGroups.filter((a) => !isManagedNodegroupGroup(snapshot, a)).map((a) => `Auto Scaling group ${a}`),
    ...c.fargateProfiles.map((f) => `Fargate profile ${f}`),
  ];
  const instancesFailure = partFailure(snapshot, 'aws.reservations');
  // Without the instances, how many run there is unknown, not zero.
  const running = instancesFailure
    ? `its live instances are unknown (${couldNotRead('aws.reservations', instancesFailure)})`
    : c.instances.length > 0
      ? `${c.instances.length} live instance(s): ${c.instances.map((i) => i.InstanceId).join(', ')}`
      : 'no live instances';
  if (parts.length === 0 && c.instances.length === 0) return undefined;
  return `Used by ${parts.length > 0 ? parts.join(', ') : 'instances outside any group'}; ${running}.`;
}
