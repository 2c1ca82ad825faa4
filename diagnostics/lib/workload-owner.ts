/**
 * Which workload a pod belongs to, and findings grouped by workload: one finding per Deployment,
 * StatefulSet, DaemonSet, Job or CronJob and reason, never one per pod.
 *
 * A pod's workload is found the way the controllers themselves record it, through
 * `metadata.ownerReferences` entries with `controller: true` (at most one per object; from memory of
 * staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/controller_ref.go, GetControllerOf): a pod's
 * controller is a ReplicaSet, StatefulSet, DaemonSet, Job (or a Node, for static pods' mirrors);
 * a ReplicaSet's is a Deployment, a Job's a CronJob. The second hop reads the ReplicaSets and Jobs
 * that were collected: when one was not (a denied list), the pod stays grouped under the
 * ReplicaSet or Job itself rather than under a Deployment guessed from a name.
 *
 * An object passed in by reference only (kind and name, no ownerReferences: what an event names)
 * is looked up among the collected owners, so a ReplicaSet's FailedCreate groups under its Deployment.
 *
 * Usage:
 * ```ts
 * const workloadOf = workloadResolver({ ReplicaSet: snapshot.kubernetes.replicaSets, Job: snapshot.kubernetes.jobs });
 * const groups = groupByWorkload(pendingPods, (pod) => ({ workload: workloadOf(pod), reason: 'Unschedulable' }));
 * for (const g of groups) evidence.push(...cappedLines(g.members.map(describePod), 5, 'pods'));
 * ```
 */
import type { ResourceRef } from '../../src/engine/finding.js';

/** A Kubernetes object as far as ownership goes. */
export interface OwnedObject {
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; uid?: string; controller?: boolean; apiVersion?: string }[];
  };
}

/** A workload, or a pod with no controller (a bare pod is its own workload). */
export interface WorkloadRef {
  kind: string;
  /** Absent for cluster-scoped owners (a static pod's Node). */
  namespace?: string;
  name: string;
}

/** The owner reference with `controller: true`, if any. Other owners (garbage-collection only) do not manage the object. */
export function controllerOf(object: OwnedObject): { kind: string; name: string; uid?: string } | undefined {
  return object.metadata?.ownerReferences?.find((o) => o.controller === true);
}

/** Owners that live in no namespace; every other owner lives in its dependent's namespace (owner references cannot cross namespaces). */
const CLUSTER_SCOPED_OWNERS = new Set(['Node']);

/** How many hops to follow: pod -> ReplicaSet -> Deployment is two; a third covers operators that own Deployments. */
const MAX_HOPS = 3;

function key(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/**
 * A function from a pod (or any namespaced object) to its top-level workload. `owners` are the
 * owner objects collected, by kind (`{ ReplicaSet: replicaSets, Job: jobs }`): items of a List
 * response carry no `kind` of their own.
 */
export function workloadResolver(owners: Readonly<Record<string, readonly OwnedObject[] | undefined>>): (object: OwnedObject) => WorkloadRef {
  const byKey = new Map<string, OwnedObject>();
  for (const [kind, objects] of Object.entries(owners)) {
    for (const o of objects ?? []) {
      const name = o.metadata?.name;
      if (name) byKey.set(key(kind, o.metadata?.namespace, name), o);
    }
  }
  return (object) => {
    const namespace = object.metadata?.namespace;
    let current: WorkloadRef = { kind: object.kind ?? 'Pod', ...(namespace ? { namespace } : {}), name: object.metadata?.name ?? '' };
    // An object known only by reference (an event's involvedObject: a ReplicaSet's FailedCreate) is followed through its collected copy.
    let currentObject: OwnedObject | undefined = object.metadata?.ownerReferences ? object : (byKey.get(key(current.kind, current.namespace, current.name)) ?? object);
    for (let hop = 0; hop < MAX_HOPS && currentObject; hop++) {
      const owner = controllerOf(currentObject);
      if (!owner) break;
      const ownerNamespace = CLUSTER_SCOPED_OWNERS.has(owner.kind) ? undefined : current.namespace;
      const next: WorkloadRef = { kind: owner.kind, ...(ownerNamespace ? { namespace: ownerNamespace } : {}), name: owner.name };
      const nextObject = byKey.get(key(next.kind, next.namespace, next.name));
      const deployment = nextObject ? undefined : deploymentNamedByHash(currentObject, next, owners);
      if (deployment) {
        current = deployment;
        break;
      }
      // A ReplicaSet recreated under the same name is another object: follow only the one the reference names.
      if (nextObject && owner.uid && nextObject.metadata?.uid && owner.uid !== nextObject.metadata.uid) {
        current = next;
        break;
      }
      current = next;
      currentObject = nextObject;
    }
    return current;
  };
}

/**
 * When the ReplicaSets could not be read at all, a pod's Deployment is still known for certain from the
 * pod alone: the Deployment controller names each ReplicaSet `<deployment>-<pod-template-hash>` and
 * labels its pods with that hash (pkg/controller/deployment/sync.go, getNewReplicaSet; from memory).
 * Without that exact pair the ReplicaSet stays the workload. With the list read, a ReplicaSet missing
 * from it is not guessed at: it may be a bare one.
 */
function deploymentNamedByHash(pod: OwnedObject, owner: WorkloadRef, owners: Readonly<Record<string, readonly OwnedObject[] | undefined>>): WorkloadRef | undefined {
  if (owner.kind !== 'ReplicaSet' || owners.ReplicaSet !== undefined) return undefined;
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  if (!hash || !owner.name.endsWith(`-${hash}`) || owner.name.length <= hash.length + 1) return undefined;
  return { kind: 'Deployment', ...(owner.namespace ? { namespace: owner.namespace } : {}), name: owner.name.slice(0, -(hash.length + 1)) };
}

/** `Deployment shop/cart`, `Node ip-10-0-1-5.ec2.internal`. */
export function describeWorkload(workload: WorkloadRef): string {
  return `${workload.kind} ${workload.namespace ? `${workload.namespace}/` : ''}${workload.name}`;
}

/** The workload as a finding resource, spelled as src/engine/resources.ts spells Kubernetes objects ('k8s:<Kind>', '<ns>/<name>'). */
export function workloadResource(workload: WorkloadRef): ResourceRef {
  return { type: `k8s:${workload.kind}`, id: workload.namespace ? `${workload.namespace}/${workload.name}` : workload.name };
}

/** `kubectl describe deployment -n shop cart`: where an engineer looks next. */
export function describeWorkloadCommand(workload: WorkloadRef): string {
  return `kubectl describe ${workload.kind.toLowerCase()}${workload.namespace ? ` -n ${workload.namespace}` : ''} ${workload.name}`;
}

export interface WorkloadGroup<T> {
  workload: WorkloadRef;
  reason: string;
  members: T[];
}

/**
 * Items grouped by workload and reason, in the order each group was first met (stable, so findings
 * come out in the snapshot's order). `keyOf` returning undefined leaves the item out.
 */
export function groupByWorkload<T>(items: Iterable<T>, keyOf: (item: T) => { workload: WorkloadRef; reason: string } | undefined): WorkloadGroup<T>[] {
  const groups = new Map<string, WorkloadGroup<T>>();
  for (const item of items) {
    const k = keyOf(item);
    if (!k) continue;
    const id = `${key(k.workload.kind, k.workload.namespace, k.workload.name)}|${k.reason}`;
    const group = groups.get(id);
    if (group) group.members.push(item);
    else groups.set(id, { workload: k.workload, reason: k.reason, members: [item] });
  }
  return [...groups.values()];
}

/** The first `max` lines, then `... and N more <noun>` when lines were left out: evidence stays readable at 5,000 pods. */
export function cappedLines(lines: readonly string[], max: number, noun = ''): string[] {
  if (lines.length <= max) return [...lines];
  return [...lines.slice(0, max), `... and ${lines.length - max} more${noun ? ` ${noun}` : ''}`];
}
