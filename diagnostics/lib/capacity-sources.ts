/**
 * What could add a node for a Pending pod: each Auto Scaling group of the cluster and each
 * Karpenter / Auto Mode NodePool, with the labels and taints its nodes get, the zones it can launch
 * in and whether it can still grow. A pod can go to a source when its nodeSelector and required
 * node affinity match the source's labels and it tolerates the source's taints: the
 * cluster-autoscaler's and Karpenter's own simulation, simplified to what decides most cases.
 */
import { instanceIdFromProviderId } from '../../src/domain/provider-id.js';
import type { ResourceRef } from '../../src/engine/finding.js';
import { resource } from '../../src/engine/resources.js';
import { memoised } from '../../src/engine/snapshot-memo.js';
import type { AutoScalingGroup, KubeNode, KubePod, NodePool, Snapshot } from '../../src/snapshot/types.js';
import { tagValue } from './cluster-instances.js';
import { instancesById } from './symptom-resources.js';
import { limitsReached, nodePoolZones } from './node-provisioners.js';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface CapacitySource {
  kind: 'auto-scaling-group' | 'node-pool';
  name: string;
  group?: AutoScalingGroup;
  /** The managed node group, when the group is one's. */
  nodegroup?: string;
  pool?: NodePool;
  /** Labels its nodes carry (from a node of it, else from its template). */
  labels: Record<string, string>;
  /** Label keys it may set to any value a pod asks for (a NodePool's unconstrained well-known labels). */
  openLabels: Set<string>;
  taints: Taint[];
  zones: string[];
  /** Why it cannot grow: at its maximum size, or its limits reached; undefined when it can. */
  full?: string;
}

/** EKS spells taint effects NO_SCHEDULE; Kubernetes NoSchedule. */
export const EKS_EFFECT: Record<string, string> = { NO_SCHEDULE: 'NoSchedule', NO_EXECUTE: 'NoExecute', PREFER_NO_SCHEDULE: 'PreferNoSchedule' };

/** Labels Karpenter sets from instance facts, so an unconstrained NodePool satisfies any value. */
const KARPENTER_WELL_KNOWN = ['topology.kubernetes.io/zone', 'kubernetes.io/arch', 'node.kubernetes.io/instance-type', 'karpenter.sh/capacity-type', 'kubernetes.io/os', 'karpenter.k8s.aws/instance-category', 'karpenter.k8s.aws/instance-family', 'karpenter.k8s.aws/instance-generation', 'karpenter.k8s.aws/instance-size'];

/** Node-template tags the cluster-autoscaler reads for a group scaled to zero (from memory of cloudprovider/aws/aws_manager.go). */
const TEMPLATE_LABEL = 'k8s.io/cluster-autoscaler/node-template/label/';
const TEMPLATE_TAINT = 'k8s.io/cluster-autoscaler/node-template/taint/';

function nodesByGroup(snapshot: Snapshot): Map<string, KubeNode[]> {
  const instances = instancesById(snapshot);
  const byGroup = new Map<string, KubeNode[]>();
  for (const node of snapshot.kubernetes.nodes ?? []) {
    const id = instanceIdFromProviderId(node.spec?.providerID);
    const group = id ? tagValue(instances.get(id)?.Tags, 'aws:autoscaling:groupName') : undefined;
    if (!group) continue;
    const nodes = byGroup.get(group);
    if (nodes) nodes.push(node);
    else byGroup.set(group, [node]);
  }
  return byGroup;
}

function groupSource(snapshot: Snapshot, group: AutoScalingGroup, nodes: KubeNode[]): CapacitySource {
  const name = group.AutoScalingGroupName ?? '';
  const nodegroupName = tagValue(group.Tags, 'eks:nodegroup-name');
  const nodegroup = nodegroupName ? snapshot.aws.nodegroups?.find((g) => g.nodegroupName === nodegroupName) : undefined;
  const node = nodes[0];
  const labels: Record<string, string> = node?.metadata?.labels ? { ...node.metadata.labels } : { ...(nodegroup?.labels ?? {}), ...(nodegroupName ? { 'eks.amazonaws.com/nodegroup': nodegroupName } : {}) };
  const taints: Taint[] = node ? (node.spec?.taints ?? []).filter((t) => !t.key.startsWith('node.kubernetes.io/')).map((t) => ({ key: t.key, ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect })) : (nodegroup?.taints ?? []).map((t) => ({ key: t.key ?? '', ...(t.value !== undefined ? { value: t.value } : {}), effect: EKS_EFFECT[t.effect ?? ''] ?? t.effect ?? '' }));
  if (!node) {
    for (const tag of group.Tags ?? []) {
      if (tag.Key?.startsWith(TEMPLATE_LABEL)) labels[tag.Key.slice(TEMPLATE_LABEL.length)] = tag.Value ?? '';
      if (tag.Key?.startsWith(TEMPLATE_TAINT)) {
        const [value, effect] = (tag.Value ?? '').split(':');
        taints.push({ key: tag.Key.slice(TEMPLATE_TAINT.length), ...(value ? { value } : {}), effect: effect ?? 'NoSchedule' });
      }
    }
  }
  const subnetZones = new Map((snapshot.aws.subnets ?? []).map((s) => [s.SubnetId ?? '', s.AvailabilityZone ?? '']));
  const zones = group.VPCZoneIdentifier ? [...new Set(group.VPCZoneIdentifier.split(',').map((id) => subnetZones.get(id.trim()) ?? '').filter((z) => z !== ''))] : (group.AvailabilityZones ?? []);
  const desired = group.DesiredCapacity ?? 0;
  const max = group.MaxSize ?? 0;
  return {
    kind: 'auto-scaling-group',
    name,
    group,
    ...(nodegroupName ? { nodegroup: nodegroupName } : {}),
    labels,
    openLabels: new Set(),
    taints,
    zones,
    ...(desired >= max ? { full: `desired capacity ${desired} = maximum ${max}` } : {}),
  };
}

function poolSource(snapshot: Snapshot, pool: NodePool): CapacitySource {
  const labels: Record<string, string> = { ...(pool.spec?.template?.metadata?.labels ?? {}), 'karpenter.sh/nodepool': pool.metadata?.name ?? '' };
  const requirements = pool.spec?.template?.spec?.requirements ?? [];
  const open = new Set(KARPENTER_WELL_KNOWN.filter((key) => !requirements.some((r) => r.key === key)));
  // A requirement with one allowed value is a label every node of the pool carries; with several, any of them.
  for (const r of requirements) {
    if (r.operator === 'In' && r.values?.length === 1) labels[r.key] = r.values[0]!;
    else if (r.operator === 'In' || r.operator === 'Exists') open.add(r.key);
  }
  const reached = limitsReached(pool);
  return {
    kind: 'node-pool',
    name: pool.metadata?.name ?? '',
    pool,
    labels,
    openLabels: open,
    taints: (pool.spec?.template?.spec?.taints ?? []).map((t) => ({ key: t.key, ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect })),
    zones: nodePoolZones(snapshot, pool),
    ...(reached.length > 0 ? { full: `limits reached: ${reached.map((r) => `${r.resource} ${r.used} of ${r.limit}`).join(', ')}` } : {}),
  };
}

/** Every Auto Scaling group of the cluster (Karpenter launches no groups) and every NodePool. */
export function capacitySources(snapshot: Snapshot): CapacitySource[] {
  // Built once per run (unschedulable-pods, scheduling-capacity and volume-zones each read them); nothing edits them.
  return memoised(snapshot, 'capacity-sources', () => {
    const byGroup = nodesByGroup(snapshot);
    return [
      ...(snapshot.aws.autoScalingGroups ?? []).map((g) => groupSource(snapshot, g, byGroup.get(g.AutoScalingGroupName ?? '') ?? [])),
      ...(snapshot.kubernetes.nodePools ?? []).map((p) => poolSource(snapshot, p)),
    ];
  });
}

/** The sources as finding resources: a NodePool, or an Auto Scaling group with its managed node group. */
export function capacitySourceRefs(sources: readonly CapacitySource[]): ResourceRef[] {
  return sources.flatMap((s) => (s.kind === 'node-pool' ? [resource.nodePool(s.name)] : [resource.autoScalingGroup(s.name), ...(s.nodegroup ? [resource.nodegroup(s.nodegroup)] : [])]));
}

type NodeSelectorTerm = { matchExpressions?: { key: string; operator: string; values?: string[] }[] };

/** Labels a node (or the nodes a source makes) carries, and the keys it may set to any value asked for. */
export type NodeLabels = Pick<CapacitySource, 'labels' | 'openLabels'>;

function labelMatches(source: NodeLabels, key: string, op: string, values: string[] = []): boolean {
  const has = key in source.labels;
  const value = source.labels[key];
  const open = source.openLabels.has(key);
  switch (op) {
    case 'In':
      return (has && values.includes(value!)) || (!has && open);
    case 'NotIn':
      return !has || !values.includes(value!) || open;
    case 'Exists':
      return has || open;
    case 'DoesNotExist':
      return !has;
    default:
      return true; // Gt/Lt: not judged here
  }
}

/** Toleration matching as v1helper.TolerationsTolerateTaint does it (from memory of pkg/apis/core/v1/helper/helpers.go, ToleratesTaint). */
export function tolerates(pod: KubePod, taint: Taint): boolean {
  if (taint.effect === 'PreferNoSchedule') return true;
  return (pod.spec?.tolerations ?? []).some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

/** Whether nodes with these labels match the pod's nodeSelector and required node affinity (the NodeAffinity filter, simplified as above). */
export function selectsNodes(pod: KubePod, nodes: NodeLabels): boolean {
  for (const [key, value] of Object.entries(pod.spec?.nodeSelector ?? {})) if (!labelMatches(nodes, key, 'In', [value])) return false;
  const terms = (pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) as NodeSelectorTerm[];
  return terms.length === 0 || terms.some((term) => (term.matchExpressions ?? []).every((e) => labelMatches(nodes, e.key, e.operator, e.values)));
}

/** Whether the source's nodes would match the pod's nodeSelector and required node affinity, with every taint tolerated. */
export function sourceFits(pod: KubePod, source: CapacitySource): boolean {
  return selectsNodes(pod, source) && source.taints.every((t) => tolerates(pod, t));
}
