/**
 * One event, whichever API served it: checks read `KubernetesEvent`, never the raw fields.
 *
 * Kubernetes has two Event APIs over one storage, and the fields a check needs sit in different
 * places depending on which recorder wrote the event and which API it is read through:
 *
 * - core/v1 written by the old recorder (client-go tools/record: kubelet, most controllers):
 *   `involvedObject`, `message`, `source {component, host}`, `firstTimestamp`/`lastTimestamp`,
 *   `count` (1, 2, ...); `eventTime` null; `reportingComponent` often "".
 * - written through events.k8s.io/v1 (client-go tools/events: the scheduler since 1.19, the
 *   cluster-autoscaler and Karpenter on recent versions) and read through core/v1, as eks-doctor
 *   reads them: `eventTime` set (MicroTime, "2026-11-20T03:05:00.123456Z"), `firstTimestamp` and
 *   `lastTimestamp` null, `count` 0 or absent, `source` {} and `reportingComponent`/
 *   `reportingInstance` set instead; a repeated event carries `series {count, lastObservedTime}`
 *   and keeps its first `eventTime` (from memory of pkg/apis/core/v1/conversion.go's Event
 *   conversion and staging/src/k8s.io/client-go/tools/events/event_broadcaster.go, whose
 *   isomorphic-event path sets `series.count` to 2 on the first repeat and increments it after:
 *   series.count is the number of occurrences, not of repeats).
 * - events.k8s.io/v1 itself: `regarding`, `note`, `reportingController`, `deprecatedSource`,
 *   `deprecatedFirstTimestamp`/`deprecatedLastTimestamp`/`deprecatedCount` for old-recorder events.
 *
 * Timestamps come in two precisions (Time "...:05Z" and MicroTime "...:05.123456Z"), which do not
 * compare as strings ("05.5Z" < "05Z"), so `firstSeen`/`lastSeen` are re-spelled by Date#toISOString:
 * compare them as strings, or use `lastSeenMs`.
 */
import type * as Kube from '@kubernetes/client-node';
import type { K8s, KubeEvent } from '../snapshot/types.js';

/** An event as events.k8s.io/v1 serves it. */
export type EventsV1Event = K8s<Kube.EventsV1Event>;

/** What an event is about (`involvedObject` in core/v1, `regarding` in events.k8s.io/v1). */
export interface EventSubject {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
}

export interface KubernetesEvent {
  /** The event object's own namespace (where `kubectl get events -n` finds it). */
  namespace?: string;
  /** The event object's name, for `kubectl get event NAME`. */
  name?: string;
  regarding: EventSubject;
  reason: string;
  /** `message` (core/v1) or `note` (events.k8s.io/v1), trimmed. */
  message: string;
  /** 'Normal' or 'Warning'. */
  type: string;
  /** The component that reported it: default-scheduler, kubelet, cluster-autoscaler, karpenter ... */
  reportingController?: string;
  /** Which instance of it: the scheduler's pod name, the kubelet's node name. */
  reportingInstance?: string;
  /** How many times it happened (at least 1). */
  count: number;
  /** ISO-8601 with milliseconds, or undefined when the event carries no time at all. */
  firstSeen?: string;
  lastSeen?: string;
  /** lastSeen as epoch milliseconds (NaN when unknown), for windows and sorting. */
  lastSeenMs: number;
}

/** A value that may arrive as null from the API server (JSON null) as well as absent. */
type Maybe<T> = T | null | undefined;

/** Empty strings mean "not set" in both APIs (`reportingComponent: ""`, `source.host: ""`). */
function text(value: Maybe<string>, fallback: Maybe<string>): string | undefined {
  return value || fallback || undefined;
}

function isoTime(...values: Maybe<string>[]): string | undefined {
  for (const value of values) {
    if (!value) continue;
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  return undefined;
}

/** A count of 0 means "not counted" (events.k8s.io events read through core/v1), never "did not happen". */
function occurrences(...values: Maybe<number>[]): number {
  for (const value of values) if (typeof value === 'number' && value > 0) return value;
  return 1;
}

function isEventsV1(event: KubeEvent | EventsV1Event): event is EventsV1Event {
  return 'regarding' in event || 'note' in event || 'reportingController' in event || event.apiVersion === 'events.k8s.io/v1';
}

/**
 * An events.k8s.io/v1 event in core/v1's field names, as the API server itself converts between the
 * two (from memory of pkg/apis/events/v1/conversion.go): one reader then serves both shapes.
 */
function asCoreV1(event: EventsV1Event): KubeEvent {
  const { regarding, note, reportingController, deprecatedSource, deprecatedFirstTimestamp, deprecatedLastTimestamp, deprecatedCount, ...same } = event;
  return {
    ...same,
    metadata: event.metadata ?? {},
    involvedObject: regarding ?? {},
    ...(note !== undefined ? { message: note } : {}),
    ...(reportingController !== undefined ? { reportingComponent: reportingController } : {}),
    ...(deprecatedSource !== undefined ? { source: deprecatedSource } : {}),
    ...(deprecatedFirstTimestamp !== undefined ? { firstTimestamp: deprecatedFirstTimestamp } : {}),
    ...(deprecatedLastTimestamp !== undefined ? { lastTimestamp: deprecatedLastTimestamp } : {}),
    ...(deprecatedCount !== undefined ? { count: deprecatedCount } : {}),
  };
}

/**
 * One normalised event from either API's shape. Built by adding keys to a new object in a fixed
 * order (the order the report's JSON shows them), never by spreading: the checks normalise every
 * Warning event of a run (5,100 at 5,000 nodes), and objects made by spreads each get a hidden
 * class of their own, which made this function about ten times slower (docs/performance.md).
 */
export function normalizeEvent(raw: KubeEvent | EventsV1Event): KubernetesEvent {
  const event = isEventsV1(raw) ? asCoreV1(raw) : raw;
  const created = event.metadata?.creationTimestamp;
  const first = isoTime(event.firstTimestamp, event.eventTime, created);
  const last = isoTime(event.series?.lastObservedTime, event.lastTimestamp, event.eventTime, event.firstTimestamp, created);
  const subject = (event.involvedObject as Maybe<EventSubject>) ?? {};
  const reportingController = text(event.reportingComponent, event.source?.component);
  const reportingInstance = text(event.reportingInstance, event.source?.host);
  const regarding: EventSubject = {};
  if (subject.kind) regarding.kind = subject.kind;
  if (subject.namespace) regarding.namespace = subject.namespace;
  if (subject.name) regarding.name = subject.name;
  if (subject.uid) regarding.uid = subject.uid;
  const normalized: Partial<KubernetesEvent> = {};
  if (event.metadata?.namespace) normalized.namespace = event.metadata.namespace;
  if (event.metadata?.name) normalized.name = event.metadata.name;
  normalized.regarding = regarding;
  normalized.reason = event.reason ?? '';
  normalized.message = (event.message ?? '').trim();
  normalized.type = event.type ?? 'Normal';
  if (reportingController) normalized.reportingController = reportingController;
  if (reportingInstance) normalized.reportingInstance = reportingInstance;
  normalized.count = occurrences(event.series?.count, event.count);
  if (first) normalized.firstSeen = first;
  if (last) normalized.lastSeen = last;
  normalized.lastSeenMs = last ? Date.parse(last) : Number.NaN;
  return normalized as KubernetesEvent;
}

/** Minutes between the event's last occurrence and `now`; Infinity when the event carries no time. */
export function minutesSinceLastSeen(event: KubernetesEvent, now: Date): number {
  return Number.isNaN(event.lastSeenMs) ? Number.POSITIVE_INFINITY : (now.getTime() - event.lastSeenMs) / 60_000;
}

/** The key events about one object are indexed by: `Kind/namespace/name` (namespace empty when cluster-scoped). */
export function subjectKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/**
 * Normalised events grouped by the object they are about, each list newest first: the checks
 * look up "the events of this pod" once per pod, not by scanning every event.
 */
export function eventsBySubject(events: readonly (KubeEvent | EventsV1Event)[]): Map<string, KubernetesEvent[]> {
  const bySubject = new Map<string, KubernetesEvent[]>();
  for (const raw of events) {
    const event = normalizeEvent(raw);
    const { kind, namespace, name } = event.regarding;
    if (!kind || !name) continue;
    const key = subjectKey(kind, namespace, name);
    const list = bySubject.get(key);
    if (list) list.push(event);
    else bySubject.set(key, [event]);
  }
  for (const list of bySubject.values()) list.sort(newestFirst);
  return bySubject;
}

/** Sort comparator: the most recent occurrence first; events without a time last. */
export function newestFirst(a: KubernetesEvent, b: KubernetesEvent): number {
  const x = Number.isNaN(a.lastSeenMs) ? -Infinity : a.lastSeenMs;
  const y = Number.isNaN(b.lastSeenMs) ? -Infinity : b.lastSeenMs;
  return y - x;
}

/** One evidence line: `FailedScheduling from default-scheduler (x12, last 2026-11-20T03:05:00.000Z): 0/5 nodes ...`. */
export function describeEvent(event: KubernetesEvent): string {
  const from = event.reportingController ? ` from ${event.reportingController}` : '';
  return `${event.reason}${from} (x${event.count}, last ${event.lastSeen ?? 'unknown'}): ${event.message}`;
}
