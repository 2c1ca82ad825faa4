/**
 * Karpenter's and EKS Auto Mode's objects as the scheduling checks read them: conditions, NodeClaims
 * launching or failing to, NodePools at their limits, node classes not ready, and the zones each
 * can launch in. Condition types and reasons from memory of Karpenter's pkg/apis/v1
 * (nodeclaim_status.go: Launched, Registered, Initialized, Ready; nodepool_status.go) and
 * karpenter-provider-aws's pkg/apis/v1/ec2nodeclass_status.go (SubnetsReady, SecurityGroupsReady,
 * InstanceProfileReady, AMIsReady, Ready).
 */
import type { NodeClaim, NodeClass, NodePool, ProvisionerCondition, Snapshot } from '../../src/snapshot/types.js';

export function condition(object: { status?: { conditions?: ProvisionerCondition[] } }, type: string): ProvisionerCondition | undefined {
  return object.status?.conditions?.find((c) => c.type === type);
}

/** NodeClaims created within `graceMinutes` that have not failed to launch: capacity on its way. */
export function launchingNodeClaims(snapshot: Snapshot, now: Date, graceMinutes: number): NodeClaim[] {
  return (snapshot.kubernetes.nodeClaims ?? []).filter((c) => {
    if (condition(c, 'Ready')?.status === 'True') return false;
    if (condition(c, 'Launched')?.status === 'False') return false;
    const created = Date.parse(c.metadata?.creationTimestamp ?? '');
    return Number.isFinite(created) && (now.getTime() - created) / 60_000 <= graceMinutes;
  });
}

/** NodeClaims whose launch failed (Launched=False), with the reason Karpenter gave. */
export function failedNodeClaims(snapshot: Snapshot): { claim: NodeClaim; launched: ProvisionerCondition }[] {
  return (snapshot.kubernetes.nodeClaims ?? []).flatMap((claim) => {
    const launched = condition(claim, 'Launched');
    return launched?.status === 'False' ? [{ claim, launched }] : [];
  });
}

/** Parses a Kubernetes quantity ("1000", "400Gi", "500m", "7936Mi") into a number of base units. */
export function quantity(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(text.trim());
  if (!m) return undefined;
  const value = Number(m[1]);
  const factor: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };
  const f = factor[m[2]!];
  return f === undefined || !Number.isFinite(value) ? undefined : value * f;
}

/** The limits a NodePool has reached: resources whose current use is at or above its limit. */
export function limitsReached(pool: NodePool): { resource: string; limit: string; used: string }[] {
  const limits = pool.spec?.limits ?? {};
  const used = pool.status?.resources ?? {};
  return Object.entries(limits).flatMap(([name, limit]) => {
    const l = quantity(limit);
    const u = quantity(used[name]);
    return l !== undefined && u !== undefined && u >= l ? [{ resource: name, limit, used: used[name]! }] : [];
  });
}

/** The readiness conditions of a node class that are not True. */
export function nodeClassProblems(nodeClass: NodeClass): ProvisionerCondition[] {
  return (nodeClass.status?.conditions ?? []).filter((c) => c.type !== 'Ready' && c.status !== 'True');
}

/** The node class a NodePool launches with (Karpenter's EC2NodeClass or Auto Mode's NodeClass), if collected. */
export function nodeClassOf(snapshot: Snapshot, pool: NodePool): NodeClass | undefined {
  const ref = pool.spec?.template?.spec?.nodeClassRef;
  const list = ref?.group === 'eks.amazonaws.com' ? snapshot.kubernetes.autoModeNodeClasses : snapshot.kubernetes.ec2NodeClasses;
  return list?.find((c) => c.metadata?.name === ref?.name);
}

/** The zones a NodePool can launch in: its node class's subnets' zones, narrowed by a zone requirement. */
export function nodePoolZones(snapshot: Snapshot, pool: NodePool): string[] {
  const classZones = [...new Set((nodeClassOf(snapshot, pool)?.status?.subnets ?? []).map((s) => s.zone).filter((z): z is string => z !== undefined))];
  const requirement = (pool.spec?.template?.spec?.requirements ?? []).find((r) => r.key === 'topology.kubernetes.io/zone');
  if (!requirement) return classZones;
  if (requirement.operator === 'In') return classZones.filter((z) => requirement.values?.includes(z));
  if (requirement.operator === 'NotIn') return classZones.filter((z) => !requirement.values?.includes(z));
  return classZones;
}

/** Whether the snapshot's discovery lists this API group. */
export function serves(snapshot: Snapshot, group: string): boolean {
  return (snapshot.kubernetes.apiGroups ?? []).some((g) => g.name === group);
}
