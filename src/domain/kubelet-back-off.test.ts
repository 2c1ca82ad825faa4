import { describe, expect, it } from 'vitest';
import type { KubeEvent } from '../snapshot/types.js';
import type { EventsV1Event } from './kubernetes-events.js';
import { CRASH_LOOP_EVENT_MINUTES, podsBackingOff } from './kubelet-back-off.js';

const now = new Date('2026-11-20T03:12:00Z');
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();

/** The kubelet's event as core/v1 serves it (old recorder: lastTimestamp and count set). */
function backOff(name: string, minutesAgo: number, message = `Back-off restarting failed container app in pod ${name}_shop(0b1c2d3e-0000-4000-8000-000000000001)`): KubeEvent {
  return {
    metadata: { name: `${name}.1879f2c3a4b5c6d7`, namespace: 'shop' },
    involvedObject: { kind: 'Pod', namespace: 'shop', name, fieldPath: 'spec.containers{app}' },
    reason: 'BackOff',
    message,
    type: 'Warning',
    source: { component: 'kubelet', host: 'ip-10-0-1-17.eu-west-1.compute.internal' },
    firstTimestamp: ago(minutesAgo + 20),
    lastTimestamp: ago(minutesAgo),
    count: 40,
  };
}

describe('podsBackingOff (which pods the collector reads by name)', () => {
  it('the recent restart back-offs only, most recent first, each pod once', () => {
    const names = podsBackingOff([backOff('a', 5), backOff('b', 1), backOff('a', 2), backOff('old', CRASH_LOOP_EVENT_MINUTES + 15)], now);
    expect(names).toEqual([
      { namespace: 'shop', name: 'b' },
      { namespace: 'shop', name: 'a' },
    ]);
  });

  it('not the image pull back-offs, which share the reason BackOff', () => {
    expect(podsBackingOff([backOff('pull', 1, 'Back-off pulling image "redis:7.4.1"')], now)).toEqual([]);
  });

  it('the form older kubelets wrote, without the container and pod names', () => {
    expect(podsBackingOff([backOff('legacy', 1, 'Back-off restarting failed container')], now)).toEqual([{ namespace: 'shop', name: 'legacy' }]);
  });

  it('an event written through events.k8s.io/v1: its series time counts', () => {
    const event: EventsV1Event = {
      metadata: { name: 'c.1879f2c3a4b5c6d7', namespace: 'shop' },
      regarding: { kind: 'Pod', namespace: 'shop', name: 'c' },
      reason: 'BackOff',
      note: 'Back-off restarting failed container app in pod c_shop(0b1c2d3e-0000-4000-8000-000000000002)',
      type: 'Warning',
      eventTime: ago(90),
      series: { count: 30, lastObservedTime: ago(3) },
      reportingController: 'kubelet',
      reportingInstance: 'ip-10-0-1-17.eu-west-1.compute.internal',
      action: 'BackOff',
    };
    expect(podsBackingOff([event], now)).toEqual([{ namespace: 'shop', name: 'c' }]);
  });

  it('many pods: every one is returned for the check to count; the collector reads the first 50', () => {
    const events = Array.from({ length: 400 }, (_, i) => backOff(`p${i}`, i % 20));
    const names = podsBackingOff(events, now);
    expect(names).toHaveLength(400);
    expect(names[0]!.name).toBe('p0');
  });
});
