/**
 * The kubelet's Warning events about a container it keeps restarting, and the pods they name.
 *
 * A crash-looping pod is Running (phase Running, a container waiting in CrashLoopBackOff), so no
 * field selector finds it among thousands of healthy pods. What does find it is the kubelet's event
 * each time it declines to restart the container yet: reason `BackOff` (events.BackOffStartContainer,
 * pkg/kubelet/events/event.go), message `Back-off restarting failed container <container> in pod
 * <name>_<namespace>(<uid>)` (pkg/kubelet/kuberuntime/kuberuntime_manager.go, doBackOff, which
 * formats the pod with format.Pod; older kubelets wrote the first four words only; from memory).
 * The same reason also covers image pulls ("Back-off pulling image ..."), so the message decides.
 *
 * The collector reads the pods these events name, each by name and at most MAX_CRASH_LOOP_PODS, so
 * the requests grow with the event list's pages and never with the number of pods; the check
 * counts the same events to say how many it did not read.
 */
import type { KubeEvent } from '../snapshot/types.js';
import { minutesSinceLastSeen, normalizeEvent, type EventsV1Event } from './kubernetes-events.js';

export const BACK_OFF_REASON = 'BackOff';
export const RESTART_BACK_OFF_MESSAGE = 'Back-off restarting failed container';

/** Pods read by name (one GET each): enough to show every crashing workload's reasons, bounded however many pods crash. */
export const MAX_CRASH_LOOP_PODS = 50;
/**
 * A BackOff event last seen longer ago than this is history. While the container keeps crashing the
 * kubelet repeats the event at every sync it declines to restart (the back-off caps at five
 * minutes), so a live crash loop always has a recent one.
 */
export const CRASH_LOOP_EVENT_MINUTES = 30;

export interface PodName {
  namespace: string;
  name: string;
}

/** Every pod a recent restart back-off event names, most recently seen first, each once. */
export function podsBackingOff(events: readonly (KubeEvent | EventsV1Event)[], now: Date): PodName[] {
  const latest = new Map<string, PodName & { at: number }>();
  for (const raw of events) {
    const event = normalizeEvent(raw);
    const { kind, namespace, name } = event.regarding;
    if (event.reason !== BACK_OFF_REASON || kind !== 'Pod' || !namespace || !name || !event.message.startsWith(RESTART_BACK_OFF_MESSAGE)) continue;
    if (minutesSinceLastSeen(event, now) > CRASH_LOOP_EVENT_MINUTES) continue;
    const key = `${namespace}/${name}`;
    if ((latest.get(key)?.at ?? -Infinity) < event.lastSeenMs) latest.set(key, { namespace, name, at: event.lastSeenMs });
  }
  return [...latest.values()].sort((a, b) => b.at - a.at).map(({ namespace, name }) => ({ namespace, name }));
}
