import { describe, expect, it } from 'vitest';
import type { KubeEvent } from '../snapshot/types.js';
import { buildScaledCluster } from '../../mocks/scenario-builder/scale.js';
import { hiddenClassCount, layoutCount } from '../../test/support/hidden-classes.js';
import { describeEvent, eventsBySubject, minutesSinceLastSeen, normalizeEvent, subjectKey, type EventsV1Event } from './kubernetes-events.js';

/*
 * The shapes below are as the API server serves them. The scheduler records through
 * events.k8s.io/v1 (from memory of pkg/scheduler/scheduler.go: profile recorders come from
 * events.NewEventBroadcasterAdapter, and schedule_one.go's handleSchedulingFailure calls
 * `fwk.EventRecorder().Eventf(pod, nil, v1.EventTypeWarning, "FailedScheduling", "Scheduling", msg)`),
 * so its events read through core/v1 carry eventTime, series, reportingComponent, `source: {}`, null
 * lastTimestamp/firstTimestamp and no count (from memory of pkg/apis/core/v1 and
 * pkg/apis/events/v1 conversion: deprecatedCount 0 is omitted). The kubelet still records through
 * core/v1 (tools/record): firstTimestamp/lastTimestamp/count, source {component, host}, eventTime null.
 */

// The scheduler's FailedScheduling, first occurrence, read through GET /api/v1/events (nulls as the API server sends them).
const schedulerFirst = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'cart-7d9f8b6c5-x2x9q.187a3c1f2e4d5b6a', namespace: 'shop', uid: 'c3c3c3c3-1111-4000-8000-000000000001', resourceVersion: '101', creationTimestamp: '2026-11-20T03:01:07Z' },
  involvedObject: { kind: 'Pod', namespace: 'shop', name: 'cart-7d9f8b6c5-x2x9q', uid: 'a1a1a1a1-2222-4000-8000-000000000001', apiVersion: 'v1', resourceVersion: '99' },
  reason: 'FailedScheduling',
  message: '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
  source: {},
  firstTimestamp: null,
  lastTimestamp: null,
  type: 'Warning',
  eventTime: '2026-11-20T03:01:07.412345Z',
  action: 'Scheduling',
  reportingComponent: 'default-scheduler',
  reportingInstance: 'default-scheduler-ip-10-0-1-10.eu-west-1.compute.internal',
} as unknown as KubeEvent;

// The same event after the scheduler saw it 14 times: eventTime stays the first, series carries the rest.
const schedulerRepeated = {
  ...schedulerFirst,
  series: { count: 14, lastObservedTime: '2026-11-20T03:04:59.000001Z' },
  count: 0,
} as unknown as KubeEvent;

// The kubelet's event through the old recorder.
const kubeletEvent: KubeEvent = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'cart-7d9f8b6c5-abcde.187a3c1f2e000000', namespace: 'shop', creationTimestamp: '2026-11-20T02:50:00Z' },
  involvedObject: { kind: 'Pod', namespace: 'shop', name: 'cart-7d9f8b6c5-abcde', apiVersion: 'v1', fieldPath: 'spec.containers{cart}' },
  reason: 'BackOff',
  message: 'Back-off restarting failed container cart in pod cart-7d9f8b6c5-abcde_shop(a1a1a1a1-2222-4000-8000-000000000002)\n',
  source: { component: 'kubelet', host: 'ip-10-0-1-20.eu-west-1.compute.internal' },
  firstTimestamp: '2026-11-20T02:50:00Z',
  lastTimestamp: '2026-11-20T03:04:00Z',
  count: 57,
  type: 'Warning',
  reportingComponent: '',
  reportingInstance: '',
};

// The scheduler's event read through GET /apis/events.k8s.io/v1/events.
const eventsV1: EventsV1Event = {
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'cart-7d9f8b6c5-x2x9q.187a3c1f2e4d5b6a', namespace: 'shop', creationTimestamp: '2026-11-20T03:01:07Z' },
  regarding: { kind: 'Pod', namespace: 'shop', name: 'cart-7d9f8b6c5-x2x9q', apiVersion: 'v1' },
  reason: 'FailedScheduling',
  note: '0/3 nodes are available: 3 Insufficient cpu.',
  type: 'Warning',
  eventTime: '2026-11-20T03:01:07.412345Z',
  series: { count: 3, lastObservedTime: '2026-11-20T03:03:00.5Z' },
  action: 'Scheduling',
  reportingController: 'default-scheduler',
  reportingInstance: 'default-scheduler-ip-10-0-1-10',
};

// An old-recorder event read through events.k8s.io/v1: its counters move to deprecated* fields.
const eventsV1FromOldRecorder: EventsV1Event = {
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'x.1', namespace: 'shop' },
  regarding: { kind: 'Pod', namespace: 'shop', name: 'cart-7d9f8b6c5-abcde' },
  reason: 'BackOff',
  note: 'Back-off restarting failed container',
  type: 'Warning',
  eventTime: null as unknown as string,
  deprecatedSource: { component: 'kubelet', host: 'ip-10-0-1-20.eu-west-1.compute.internal' },
  deprecatedFirstTimestamp: '2026-11-20T02:50:00Z',
  deprecatedLastTimestamp: '2026-11-20T03:04:00Z',
  deprecatedCount: 57,
  reportingController: '',
};

describe('normalizeEvent', () => {
  it('reads a scheduler event served through core/v1: eventTime for both times, count 1, the reporting component instead of the empty source', () => {
    expect(normalizeEvent(schedulerFirst)).toEqual({
      namespace: 'shop',
      name: 'cart-7d9f8b6c5-x2x9q.187a3c1f2e4d5b6a',
      regarding: { kind: 'Pod', namespace: 'shop', name: 'cart-7d9f8b6c5-x2x9q', uid: 'a1a1a1a1-2222-4000-8000-000000000001' },
      reason: 'FailedScheduling',
      message: '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
      type: 'Warning',
      reportingController: 'default-scheduler',
      reportingInstance: 'default-scheduler-ip-10-0-1-10.eu-west-1.compute.internal',
      count: 1,
      firstSeen: '2026-11-20T03:01:07.412Z',
      lastSeen: '2026-11-20T03:01:07.412Z',
      lastSeenMs: Date.parse('2026-11-20T03:01:07.412Z'),
    });
  });

  it('takes the count and last time of a repeated event from series, not from count 0 and the first eventTime', () => {
    const e = normalizeEvent(schedulerRepeated);
    expect(e.count).toBe(14);
    expect(e.firstSeen).toBe('2026-11-20T03:01:07.412Z');
    expect(e.lastSeen).toBe('2026-11-20T03:04:59.000Z');
  });

  it('reads an old-recorder core/v1 event: first/last timestamps, count, source over the empty reporting fields', () => {
    const e = normalizeEvent(kubeletEvent);
    expect(e).toMatchObject({
      regarding: { kind: 'Pod', namespace: 'shop', name: 'cart-7d9f8b6c5-abcde' },
      count: 57,
      firstSeen: '2026-11-20T02:50:00.000Z',
      lastSeen: '2026-11-20T03:04:00.000Z',
      reportingController: 'kubelet',
      reportingInstance: 'ip-10-0-1-20.eu-west-1.compute.internal',
    });
    expect(e.message).toBe('Back-off restarting failed container cart in pod cart-7d9f8b6c5-abcde_shop(a1a1a1a1-2222-4000-8000-000000000002)');
  });

  it('reads events.k8s.io/v1: regarding, note, reportingController and series', () => {
    expect(normalizeEvent(eventsV1)).toMatchObject({
      regarding: { kind: 'Pod', namespace: 'shop', name: 'cart-7d9f8b6c5-x2x9q' },
      message: '0/3 nodes are available: 3 Insufficient cpu.',
      reportingController: 'default-scheduler',
      count: 3,
      firstSeen: '2026-11-20T03:01:07.412Z',
      lastSeen: '2026-11-20T03:03:00.500Z',
    });
  });

  it('reads an old-recorder event through events.k8s.io/v1 from its deprecated fields', () => {
    expect(normalizeEvent(eventsV1FromOldRecorder)).toMatchObject({
      reportingController: 'kubelet',
      reportingInstance: 'ip-10-0-1-20.eu-west-1.compute.internal',
      count: 57,
      firstSeen: '2026-11-20T02:50:00.000Z',
      lastSeen: '2026-11-20T03:04:00.000Z',
    });
  });

  it('falls back to the creation time when an event carries no time of its own, and says unknown when it has none', () => {
    const bare = { metadata: { name: 'e', namespace: 'shop', creationTimestamp: '2026-11-20T03:00:00Z' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'shop' }, reason: 'X' } as KubeEvent;
    expect(normalizeEvent(bare)).toMatchObject({ count: 1, lastSeen: '2026-11-20T03:00:00.000Z', type: 'Normal', message: '' });
    const timeless = normalizeEvent({ metadata: {}, involvedObject: {}, reason: 'X' } as KubeEvent);
    expect(timeless.lastSeen).toBeUndefined();
    expect(minutesSinceLastSeen(timeless, new Date('2026-11-20T03:05:00Z'))).toBe(Number.POSITIVE_INFINITY);
    expect(describeEvent(timeless)).toBe('X (x1, last unknown): ');
  });
});

describe('eventsBySubject', () => {
  it('groups both shapes by the object they are about, newest first, whatever precision their times have', () => {
    // 03:04:59.000001 (MicroTime) is later than 03:03:00.5 and than 03:01:07.412345: as strings, "59.000001Z" vs "00.5Z" would not tell.
    const index = eventsBySubject([eventsV1, schedulerRepeated, kubeletEvent, schedulerFirst]);
    const pending = index.get(subjectKey('Pod', 'shop', 'cart-7d9f8b6c5-x2x9q'))!;
    expect(pending.map((e) => e.lastSeen)).toEqual(['2026-11-20T03:04:59.000Z', '2026-11-20T03:03:00.500Z', '2026-11-20T03:01:07.412Z']);
    expect(index.get(subjectKey('Pod', 'shop', 'cart-7d9f8b6c5-abcde'))).toHaveLength(1);
    expect(index.size).toBe(2);
  });

  it('measures minutes since the last occurrence', () => {
    expect(minutesSinceLastSeen(normalizeEvent(schedulerRepeated), new Date('2026-11-20T03:09:59Z'))).toBe(5);
  });

  it('describes an event on one evidence line', () => {
    expect(describeEvent(normalizeEvent(schedulerRepeated))).toBe(
      'FailedScheduling from default-scheduler (x14, last 2026-11-20T03:04:59.000Z): 0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    );
  });
});

describe('normalised events share their hidden classes', () => {
  // Several checks normalise every Warning event of a run (5,100 at 5,000 nodes). Built by spreading
  // optional parts, each normalised event had a hidden class of its own (Node 20) and normalising
  // cost about 12 µs an event; built key by key in a fixed order, events of one layout share one.
  it('as many hidden classes as layouts, for the events and what they are about', () => {
    const fromTheWire = JSON.parse(JSON.stringify(buildScaledCluster(100, { workload: {} }).kubernetes.warningEvents)) as KubeEvent[];
    const events = fromTheWire.map(normalizeEvent);
    expect(events.length).toBeGreaterThan(60);
    expect(hiddenClassCount(events)).toBeLessThanOrEqual(layoutCount(events));
    const subjects = events.map((e) => e.regarding);
    expect(hiddenClassCount(subjects)).toBeLessThanOrEqual(layoutCount(subjects));
  });
});
