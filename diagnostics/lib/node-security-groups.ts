/**
 * Which security groups the cluster's nodes carry, grouped into sets that share the same groups:
 * from live instances' primary interfaces, and for node groups and Auto Scaling groups with no live
 * instance, from their launch template (or, for a managed node group without one, the cluster
 * security group EKS attaches). Notes where a launch template replaced the cluster security group.
 */
import { memoised } from '../../src/engine/snapshot-memo.js';
import type { Ec2Instance, Snapshot } from '../../src/snapshot/types.js';
import { instanceSecurityGroups, liveInstances, tagValue } from './node-placement.js';
import type { Peer } from './security-group-rules.js';
import { subnetById } from './route-tables.js';
import { uniqueAppender } from './unique-lists.js';

export interface NodeGroupSet {
  /** Sorted security group IDs. */
  groupIds: string[];
  /** Live instances carrying exactly these groups. */
  instances: Ec2Instance[];
  /** Managed node groups and Auto Scaling groups that launch (or will launch) nodes with these groups. */
  nodegroups: string[];
  autoScalingGroups: string[];
  /** Set when the cluster security group is not among the groups, saying where the groups come from. */
  replacedClusterGroupNote?: string;
}

type LaunchTemplateRef = { id?: string; name?: string; version?: string };

function launchTemplateGroups(snapshot: Snapshot, lt: LaunchTemplateRef): { groupIds: string[]; label: string } | undefined {
  const versions = (snapshot.aws.launchTemplateVersions ?? []).filter((v) => (lt.id && v.LaunchTemplateId === lt.id) || (lt.name && v.LaunchTemplateName === lt.name));
  if (versions.length === 0) return undefined;
  const wanted = lt.version && /^\d+$/.test(lt.version) ? versions.find((v) => String(v.VersionNumber) === lt.version) : undefined;
  const version = wanted ?? versions.find((v) => v.DefaultVersion) ?? versions[0]!;
  const data = version.LaunchTemplateData;
  const groupIds = [...(data?.SecurityGroupIds ?? []), ...(data?.NetworkInterfaces ?? []).filter((n) => (n.DeviceIndex ?? 0) === 0).flatMap((n) => n.Groups ?? [])];
  return { groupIds: [...new Set(groupIds)].sort(), label: `launch template ${version.LaunchTemplateId} (${version.LaunchTemplateName}, version ${version.VersionNumber})` };
}

/** The sets, built once per run (src/engine/snapshot-memo.ts); callers get their own array of shared sets. */
export function nodeSecurityGroupSets(snapshot: Snapshot): NodeGroupSet[] {
  return [...memoised(snapshot, 'node-security-groups/sets', () => buildNodeSecurityGroupSets(snapshot))];
}

function buildNodeSecurityGroupSets(snapshot: Snapshot): NodeGroupSet[] {
  const clusterGroup = snapshot.aws.cluster?.resourcesVpcConfig?.clusterSecurityGroupId;
  const sets = new Map<string, NodeGroupSet>();
  const setFor = (groupIds: string[]) => {
    const key = groupIds.join(',');
    let set = sets.get(key);
    if (!set) sets.set(key, (set = { groupIds, instances: [], nodegroups: [], autoScalingGroups: [] }));
    return set;
  };
  const addUnique = uniqueAppender();
  for (const instance of liveInstances(snapshot)) {
    const groups = [...new Set(instanceSecurityGroups(instance))].sort();
    if (groups.length === 0) continue;
    const set = setFor(groups);
    set.instances.push(instance);
    const ng = tagValue(instance.Tags, 'eks:nodegroup-name');
    const asg = tagValue(instance.Tags, 'aws:autoscaling:groupName');
    addUnique(set.nodegroups, ng);
    addUnique(set.autoScalingGroups, asg);
  }
  const covered = (name: string) => [...sets.values()].some((s) => s.nodegroups.includes(name) || s.autoScalingGroups.includes(name));
  for (const ng of snapshot.aws.nodegroups ?? []) {
    if (!ng.nodegroupName || covered(ng.nodegroupName)) continue;
    const lt = ng.launchTemplate ? launchTemplateGroups(snapshot, ng.launchTemplate) : undefined;
    // Without launch-template groups, EKS attaches the cluster security group (plus remote-access groups).
    const groups = lt && lt.groupIds.length > 0 ? lt.groupIds : [...new Set([clusterGroup, ...(ng.remoteAccess?.sourceSecurityGroups ?? [])].filter((g): g is string => !!g))].sort();
    if (groups.length === 0) continue;
    setFor(groups).nodegroups.push(ng.nodegroupName);
  }
  for (const asg of snapshot.aws.autoScalingGroups ?? []) {
    const name = asg.AutoScalingGroupName;
    if (!name || covered(name) || tagValue(asg.Tags, 'eks:nodegroup-name')) continue;
    const ltRef = asg.LaunchTemplate ?? asg.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
    const lt = ltRef ? launchTemplateGroups(snapshot, { id: ltRef.LaunchTemplateId, name: ltRef.LaunchTemplateName, version: ltRef.Version }) : undefined;
    if (!lt || lt.groupIds.length === 0) continue;
    setFor(lt.groupIds).autoScalingGroups.push(name);
  }
  for (const set of sets.values()) {
    if (!clusterGroup || set.groupIds.includes(clusterGroup)) continue;
    const sources = [
      ...set.nodegroups.map((n) => (snapshot.aws.nodegroups ?? []).find((g) => g.nodegroupName === n)?.launchTemplate).filter((x) => !!x).map((lt) => launchTemplateGroups(snapshot, lt!)?.label),
      ...set.autoScalingGroups.map((a) => {
        const g = (snapshot.aws.autoScalingGroups ?? []).find((x) => x.AutoScalingGroupName === a);
        const l = g?.LaunchTemplate ?? g?.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
        return l ? launchTemplateGroups(snapshot, { id: l.LaunchTemplateId, name: l.LaunchTemplateName, version: l.Version })?.label : undefined;
      }),
    ].filter((x): x is string => !!x);
    set.replacedClusterGroupNote = `These nodes do not carry the cluster security group ${clusterGroup}${sources.length > 0 ? `: ${[...new Set(sources)].join(' and ')} names its own security groups, which replace it` : ''}, so only the rules of ${set.groupIds.join(', ')} let them talk to the control plane.`;
  }
  return [...sets.values()];
}

/**
 * The nodes of a set as a peer: their groups and each instance's address (or, before any instance
 * exists, their subnets' ranges). Built once per set and run: security-groups asks it for every
 * pair of sets, protocol and webhook, and each build wrote a /32 for every node of the set.
 */
export function nodePeer(snapshot: Snapshot, set: NodeGroupSet): Peer {
  const peers = memoised(snapshot, 'node-security-groups/peers', () => new Map<NodeGroupSet, Peer>());
  let peer = peers.get(set);
  if (!peer) peers.set(set, (peer = buildNodePeer(snapshot, set)));
  return peer;
}

function buildNodePeer(snapshot: Snapshot, set: NodeGroupSet): Peer {
  const ips = set.instances.flatMap((i) => (i.PrivateIpAddress ? [`${i.PrivateIpAddress}/32`] : []));
  if (ips.length > 0) return { groupIds: set.groupIds, cidrs: ips };
  const cidrs = setSubnetIds(snapshot, set).flatMap((id) => subnetById(snapshot, id)?.CidrBlock ?? []);
  return { groupIds: set.groupIds, cidrs: [...new Set(cidrs)] };
}

/** Subnets the set's nodes are in or will launch into. */
export function setSubnetIds(snapshot: Snapshot, set: NodeGroupSet): string[] {
  return [
    ...new Set([
      ...set.instances.flatMap((i) => (i.SubnetId ? [i.SubnetId] : [])),
      ...set.nodegroups.flatMap((n) => (snapshot.aws.nodegroups ?? []).find((g) => g.nodegroupName === n)?.subnets ?? []),
      ...set.autoScalingGroups.flatMap((a) => ((snapshot.aws.autoScalingGroups ?? []).find((g) => g.AutoScalingGroupName === a)?.VPCZoneIdentifier ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
    ]),
  ];
}
