/**
 * The pods the scheduler could not place, read once per run and shared by the scheduling checks:
 * each with its workload, the scheduler's reasons parsed, its scheduling events, and what the
 * autoscalers said about it (TriggeredScaleUp / NotTriggerScaleUp from the cluster-autoscaler,
 * Nominated and FailedScheduling from Karpenter, FailedScheduling from fargate-scheduler).
 *
 * A pod is unschedulable when its PodScheduled condition is False with reason Unschedulable (from
 * memory of pkg/scheduler/schedule_one.go, handleSchedulingFailure -> updatePod, which writes
 * reason v1.PodReasonUnschedulable and the FitError's text as message) and it has no node.
 */
import { memoised } from '../../src/engine/snapshot-memo.js';
import type { KubePod, Snapshot } from '../../src/snapshot/types.js';
import { describeEvent, eventsBySubject, minutesSinceLastSeen, subjectKey, type KubernetesEvent } from './events.js';
import { launchingNodeClaims } from './node-provisioners.js';
import { parseSchedulingFailure, type SchedulingFailure } from './scheduling-message.js';
import { workloadResolver, type WorkloadRef } from './workload-owner.js';

export interface UnschedulablePod {
  pod: KubePod;
  namespace: string;
  name: string;
  workload: WorkloadRef;
  /** The scheduler's message (condition, else the newest FailedScheduling event from a scheduler). */
  message: string;
  /** Parsed, when it is the scheduler's "0/N nodes are available" form. */
  failure?: SchedulingFailure;
  /** When the pod became unschedulable (the condition's lastTransitionTime). */
  since?: string;
  /** This pod's events, newest first: FailedScheduling (any reporter), TriggeredScaleUp, NotTriggerScaleUp, Nominated. */
  events: KubernetesEvent[];
  /** Set when fargate-scheduler is the one refusing it: a Fargate profile selected the pod. */
  fargate: boolean;
}

const SCHEDULING_REASONS = new Set(['FailedScheduling', 'TriggeredScaleUp', 'NotTriggerScaleUp', 'Nominated']);

export function isUnschedulable(pod: KubePod): boolean {
  if (pod.spec?.nodeName) return false;
  if (pod.status?.phase && pod.status.phase !== 'Pending') return false;
  if (pod.metadata?.deletionTimestamp) return false;
  return (pod.status?.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
}

/** Every unschedulable pod of the snapshot's problem pods (memoised for the run). */
export function unschedulablePods(snapshot: Snapshot): UnschedulablePod[] {
  return memoised(snapshot, 'unschedulable-pods', () => {
    const events = eventsBySubject([...(snapshot.kubernetes.warningEvents ?? []), ...(snapshot.kubernetes.scalingEvents ?? [])]);
    const workloadOf = workloadResolver({ ReplicaSet: snapshot.kubernetes.replicaSets, Job: snapshot.kubernetes.jobs });
    // The pods of one workload carry the same scheduler message (the bench's 5,000 Pending pods at
    // 5,000 nodes carry one text), often twice (condition and event): each text is parsed once, and
    // the pods share the parsed value, which nothing edits.
    const parsed = new Map<string, SchedulingFailure | undefined>();
    const parse = (text: string | undefined): SchedulingFailure | undefined => {
      if (!text) return undefined;
      if (parsed.has(text)) return parsed.get(text);
      const failure = parseSchedulingFailure(text);
      parsed.set(text, failure);
      return failure;
    };
    const out: UnschedulablePod[] = [];
    for (const pod of snapshot.kubernetes.problemPods ?? []) {
      if (!isUnschedulable(pod)) continue;
      const namespace = pod.metadata?.namespace ?? 'default';
      const name = pod.metadata?.name ?? '';
      const own = (events.get(subjectKey('Pod', namespace, name)) ?? []).filter((e) => SCHEDULING_REASONS.has(e.reason));
      const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
      const schedulerEvent = own.find((e) => e.reason === 'FailedScheduling' && parse(e.message));
      const message = condition?.message?.trim() || schedulerEvent?.message || own.find((e) => e.reason === 'FailedScheduling')?.message || '';
      const failure = parse(message) ?? parse(schedulerEvent?.message);
      out.push({
        pod,
        namespace,
        name,
        workload: workloadOf(pod),
        message,
        ...(failure ? { failure } : {}),
        ...(condition?.lastTransitionTime ? { since: condition.lastTransitionTime } : {}),
        events: own,
        fargate: own.some((e) => e.reportingController === 'fargate-scheduler'),
      });
    }
    return out;
  });
}

/** A pod's newest event of this reason, if any. */
export function latestEvent(pod: UnschedulablePod, reason: string, reporter?: string): KubernetesEvent | undefined {
  return pod.events.find((e) => e.reason === reason && (reporter === undefined || e.reportingController === reporter));
}

/**
 * How long after the cluster-autoscaler triggered a scale-up (or Karpenter nominated a NodeClaim)
 * Pending pods count as waiting for it: a node takes two to five minutes to launch and join.
 */
export const SCALE_UP_GRACE_MINUTES = 10;

/** What says capacity is on its way for these pods, or undefined: a recent TriggeredScaleUp or Nominated event, or a NodeClaim launching. */
export function scaleUpUnderWay(snapshot: Snapshot, pods: UnschedulablePod[], now: Date): string | undefined {
  for (const pod of pods) {
    const triggered = latestEvent(pod, 'TriggeredScaleUp');
    if (triggered && minutesSinceLastSeen(triggered, now) <= SCALE_UP_GRACE_MINUTES) return `The cluster-autoscaler triggered a scale-up for pod ${pod.name}: ${describeEvent(triggered)}`;
    const nominated = latestEvent(pod, 'Nominated');
    if (nominated && minutesSinceLastSeen(nominated, now) <= SCALE_UP_GRACE_MINUTES) return `Karpenter nominated capacity for pod ${pod.name}: ${describeEvent(nominated)}`;
  }
  // A NodeClaim launching serves whichever pods Karpenter batched into it; Fargate pods wait for no node.
  const launching = launchingNodeClaims(snapshot, now, SCALE_UP_GRACE_MINUTES);
  if (launching.length > 0 && pods.some((p) => p.failure && !p.fargate)) {
    return `Karpenter NodeClaim ${launching.map((c) => c.metadata?.name).join(', ')} is launching (created in the last ${SCALE_UP_GRACE_MINUTES} minutes).`;
  }
  return undefined;
}
