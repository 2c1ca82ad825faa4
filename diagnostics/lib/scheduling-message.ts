/**
 * The scheduler's "why not" message, parsed: the PodScheduled=False condition's message and the
 * FailedScheduling event's note are the same text, FitError.Error() (from memory of
 * pkg/scheduler/framework/types.go):
 *
 *   "0/%v nodes are available" + ":"
 *   then either the PreFilter plugin's message  " <msg>."
 *   or the Filter reasons, each "count reason", counted over nodes, sorted as strings, joined by ", ", then "."
 *   then the PostFilter (preemption) message     " preemption: 0/%v nodes are available: ... ."
 *
 * e.g. `0/5 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had
 * untolerated taint {node.kubernetes.io/not-ready: }, 3 Insufficient cpu. preemption: 0/5 nodes are
 * available: 5 No preemption victims found for incoming pod.`
 *
 * A node is counted under the reasons of the first Filter plugin that rejected it, and one plugin
 * may give several (NodeResourcesFit: "Insufficient cpu" and "Insufficient memory" for one node),
 * so the counts may add up to more than the nodes.
 */

/** What kind of obstacle a reason names. */
export type ObstacleKind =
  | 'insufficient' // NodeResourcesFit: "Insufficient cpu", "Too many pods"
  | 'taint' // TaintToleration: "node(s) had untolerated taint {key: value}"
  | 'node-affinity' // NodeAffinity: "node(s) didn't match Pod's node affinity/selector"
  | 'pod-affinity' // InterPodAffinity: "node(s) didn't match pod affinity rules" / "... anti-affinity rules"
  | 'topology-spread' // PodTopologySpread: "node(s) didn't match pod topology spread constraints"
  | 'unschedulable-node' // NodeUnschedulable: "node(s) were unschedulable" (cordoned)
  | 'volume-node-affinity' // VolumeBinding: "node(s) had volume node affinity conflict"
  | 'volume-zone' // VolumeZone: "node(s) had no available volume zone"
  | 'volume-bind' // VolumeBinding: "node(s) didn't find available persistent volumes to bind", "did not have enough free storage"
  | 'unbound-claims' // VolumeBinding PreFilter: "pod has unbound immediate PersistentVolumeClaims"
  | 'claim-not-found' // VolumeBinding PreFilter: `persistentvolumeclaim "data" not found`
  | 'volume-limit' // NodeVolumeLimits: "node(s) exceed max volume count"
  | 'ports' // NodePorts: "node(s) didn't have free ports for the requested pod ports"
  | 'other';

export interface Obstacle {
  kind: ObstacleKind;
  /** How many nodes gave this reason; undefined for a PreFilter message (it applies to every node). */
  nodes?: number;
  /** The reason as the scheduler wrote it. */
  reason: string;
  /** For 'insufficient': the resource (cpu, memory, pods, ephemeral-storage, nvidia.com/gpu). */
  resource?: string;
  /** For 'taint': the taint's key and value (value '' when it has none). */
  taint?: { key: string; value: string };
}

export interface SchedulingFailure {
  /** N of "0/N nodes are available"; 0 when the cluster has no node the scheduler considers. */
  totalNodes: number;
  obstacles: Obstacle[];
  /** The preemption part, when the scheduler tried it ("5 No preemption victims found for incoming pod."). */
  preemption?: string;
}

const HEAD = /^0\/(\d+) nodes are available(?::\s*(.*?))?\.?$/s;

/** The reasons' kinds by the scheduler's exact wording (plugins' ErrReason constants). */
const KIND_BY_TEXT: [RegExp, ObstacleKind][] = [
  [/^Insufficient (.+)$/, 'insufficient'],
  [/^Too many pods$/, 'insufficient'],
  [/^node\(s\) had untolerated taint \{(.*)\}$/, 'taint'],
  [/^node\(s\) had taint \{(.*)\}, that the pod didn't tolerate$/, 'taint'],
  [/^node\(s\) didn't match Pod's node affinity\/selector$/, 'node-affinity'],
  [/^node\(s\) didn't match pod (anti-)?affinity rules$/, 'pod-affinity'],
  [/^node\(s\) didn't satisfy existing pods anti-affinity rules$/, 'pod-affinity'],
  [/^node\(s\) didn't match pod topology spread constraints/, 'topology-spread'],
  [/^node\(s\) were unschedulable$/, 'unschedulable-node'],
  [/^node\(s\) had volume node affinity conflict$/, 'volume-node-affinity'],
  [/^node\(s\) had no available volume zone$/, 'volume-zone'],
  [/^node\(s\) didn't find available persistent volumes to bind$/, 'volume-bind'],
  [/^node\(s\) did not have enough free storage$/, 'volume-bind'],
  [/^node\(s\) unavailable due to one or more pvc\(s\) bound to non-existent pv\(s\)$/, 'volume-bind'],
  [/^pod has unbound immediate PersistentVolumeClaims$/, 'unbound-claims'],
  [/^persistentvolumeclaim "[^"]+" not found$/, 'claim-not-found'],
  [/^node\(s\) exceed max volume count$/, 'volume-limit'],
  [/^node\(s\) didn't have free ports for the requested pod ports$/, 'ports'],
];

function obstacle(reason: string, nodes?: number): Obstacle {
  for (const [pattern, kind] of KIND_BY_TEXT) {
    const m = pattern.exec(reason);
    if (!m) continue;
    const base: Obstacle = { kind, reason, ...(nodes !== undefined ? { nodes } : {}) };
    if (kind === 'insufficient') return { ...base, resource: m[1] ?? 'pods' };
    if (kind === 'taint') {
      // "{key: value}"; a taint without value prints "{key: }".
      const [key, ...value] = (m[1] ?? '').split(': ');
      return { ...base, taint: { key: key ?? '', value: value.join(': ').trim() } };
    }
    return base;
  }
  return { kind: 'other', reason, ...(nodes !== undefined ? { nodes } : {}) };
}

/**
 * Splits "a, b, c" at the separators between reasons, not inside a taint's braces (a value may hold
 * ", " in theory) or inside a reason with its own commas ("Insufficient cpu" never has one).
 */
function splitReasons(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '{') depth++;
    if (ch === '}') depth = Math.max(0, depth - 1);
    if (depth === 0 && text.startsWith(', ', i) && /^\d+ /.test(text.slice(i + 2))) {
      parts.push(current);
      current = '';
      i++;
      continue;
    }
    current += ch;
  }
  if (current !== '') parts.push(current);
  return parts;
}

/** The message parsed, or undefined when it is not the scheduler's "0/N nodes are available" form. */
export function parseSchedulingFailure(message: string | undefined): SchedulingFailure | undefined {
  if (!message) return undefined;
  const text = message.trim();
  const split = text.indexOf(' preemption: ');
  const head = split >= 0 ? text.slice(0, split) : text;
  const preemption = split >= 0 ? text.slice(split + ' preemption: '.length).trim() : undefined;
  const m = HEAD.exec(head);
  if (!m) return undefined;
  const totalNodes = Number(m[1]);
  const body = (m[2] ?? '').trim().replace(/\.$/, '');
  const obstacles: Obstacle[] = [];
  if (body !== '') {
    const counted = /^\d+ /.test(body);
    if (counted) {
      for (const part of splitReasons(body)) {
        const c = /^(\d+) (.*)$/s.exec(part.trim());
        if (c) obstacles.push(obstacle(c[2]!.trim(), Number(c[1])));
      }
    } else {
      // A PreFilter plugin's message: it stands for every node.
      obstacles.push(obstacle(body));
    }
  }
  return { totalNodes, obstacles, ...(preemption ? { preemption } : {}) };
}

/** Whether the failure is, for some nodes, a lack of room (more capacity could help). */
export function lacksCapacity(failure: SchedulingFailure): boolean {
  return failure.obstacles.some((o) => o.kind === 'insufficient') || failure.totalNodes === 0;
}

/** The resources named Insufficient, in order: ['cpu', 'memory']. */
export function insufficientResources(failure: SchedulingFailure): string[] {
  return [...new Set(failure.obstacles.filter((o) => o.kind === 'insufficient').map((o) => o.resource ?? 'pods'))];
}
