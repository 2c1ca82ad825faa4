import { describe, expect, it } from 'vitest';
import { describeDiagnostic, mutate, runDiagnostic, type BrokenCase, type ExpectedFinding } from '../test/support/diagnostic-tester.js';
import { faults, podsCrashLooping } from '../mocks/faults/pod-start.js';
import { faults as iamFaults } from '../mocks/faults/iam.js';
import { warningEvent } from '../mocks/faults/symptoms.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { MAX_CRASH_LOOP_PODS } from '../src/domain/kubelet-back-off.js';
import crashLoops from './crash-loops.js';

function withFaults(...names: string[]): Snapshot {
  return mutate((s) => names.forEach((n) => [...faults, ...iamFaults].find((f) => f.name === n)!.apply(s)));
}

/** A broken case of one fault: one crash-looping finding, as `expected` says. */
function faultCase(name: string, fault: string, expected: Omit<ExpectedFinding, 'id'>): BrokenCase {
  return { name, snapshot: withFaults(fault), expect: [{ id: 'crash-loops/crash-looping', ...expected }] };
}

describeDiagnostic(crashLoops, {
  healthy: [
    { name: 'baseline: nothing backs off', snapshot: mutate((s) => void (s.kubernetes.crashLoopPods = [])) },
    {
      name: 'a pod named by a BackOff event that runs again now',
      snapshot: mutate((s) => {
        podsCrashLooping(s, { namespace: 'shop', app: 'cart', serviceAccount: 'default', count: 1, exitCode: 137, reason: 'OOMKilled' });
        const status = s.kubernetes.crashLoopPods![0]!.status!.containerStatuses![0]!;
        status.state = { running: { startedAt: s.capturedAt } };
        status.ready = true;
      }),
    },
    {
      name: 'a container that restarted many times but runs now (restarts alone are history)',
      snapshot: mutate((s) => {
        podsCrashLooping(s, { namespace: 'shop', app: 'cart', serviceAccount: 'default', count: 1, exitCode: 1, reason: 'Error' });
        const status = s.kubernetes.crashLoopPods![0]!.status!.containerStatuses![0]!;
        status.restartCount = 212;
        status.state = { running: { startedAt: s.capturedAt } };
      }),
    },
  ],
  broken: [
    faultCase('OOMKilled: grouped under the Deployment (through its ReplicaSet), with restarts and exit code', 'cart-oom-killed', { resource: 'shop/cart', severity: 'warning', mentions: 'OOMKilled' }),
    faultCase('exits with an error: the ServiceAccount named for IRSA / Pod Identity causes', 'billing-api-crash-loop-no-credentials', { resource: 'billing/billing-api', mentions: 'exit code 1' }),
    {
      name: 'without the ReplicaSets, the Deployment is still known from the pod-template-hash',
      snapshot: mutate((s) => {
        faults.find((f) => f.name === 'cart-oom-killed')!.apply(s);
        delete s.kubernetes.replicaSets;
      }),
      expect: [{ id: 'crash-loops/crash-looping', resource: 'shop/cart', mentions: 'OOMKilled' }],
    },
    {
      name: 'an init container in CrashLoopBackOff (the pod stays Pending)',
      snapshot: mutate((s) => {
        podsCrashLooping(s, { namespace: 'shop', app: 'cart', serviceAccount: 'default', count: 1, exitCode: 2, reason: 'Error' });
        const pod = s.kubernetes.crashLoopPods![0]!;
        pod.status!.phase = 'Pending';
        pod.status!.initContainerStatuses = pod.status!.containerStatuses!.map((c) => ({ ...c, name: 'migrate' }));
        pod.status!.containerStatuses = [{ name: 'cart', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }];
      }),
      expect: [{ id: 'crash-loops/crash-looping', resource: 'shop/cart', mentions: 'exit code 2' }],
    },
    {
      name: 'kube-system: critical',
      snapshot: mutate((s) => podsCrashLooping(s, { namespace: 'kube-system', app: 'metrics-server', serviceAccount: 'metrics-server', count: 1, exitCode: 1, reason: 'Error' })),
      expect: [{ id: 'crash-loops/crash-looping', resource: 'kube-system/metrics-server', severity: 'critical' }],
    },
  ],
});

describe('crash-loops', () => {
  it('evidence: each container with its restarts, last termination and exit code', () => {
    const [f] = runDiagnostic(crashLoops, withFaults('cart-oom-killed'));
    expect(f!.title).toBe('Deployment shop/cart keeps crashing: OOMKilled (3 containers, up to 11 restarts)');
    expect(f!.evidence[0]).toBe('shop/cart-7c9f8d6b5c-x4k2m container cart: CrashLoopBackOff, 9 restarts, last terminated OOMKilled (exit code 137)');
    expect(f!.evidence).toContain('Runs as ServiceAccount shop/default.');
    expect(f!.fix.commands[0]).toBe('kubectl logs -n shop cart-7c9f8d6b5c-x4k2m -c cart --previous --tail=50');
    expect(f!.resources).toContainEqual({ type: 'k8s:ServiceAccount', id: 'shop/default' });
  });

  it('OOMKilled and exiting containers of one Deployment are two findings (two different fixes)', () => {
    const s = withFaults('cart-oom-killed');
    const pod = s.kubernetes.crashLoopPods![2]!;
    pod.status!.containerStatuses![0]!.lastState = { terminated: { reason: 'Error', exitCode: 1, startedAt: s.capturedAt, finishedAt: s.capturedAt } };
    expect(runDiagnostic(crashLoops, s).map((f) => f.title)).toEqual([
      'Deployment shop/cart keeps crashing: OOMKilled (2 containers, up to 10 restarts)',
      'Deployment shop/cart keeps crashing (1 container, up to 11 restarts)',
    ]);
  });

  it(`says how many pods the BackOff events name beyond the ${MAX_CRASH_LOOP_PODS} read`, () => {
    const s = withFaults('cart-oom-killed');
    for (let i = 0; i < MAX_CRASH_LOOP_PODS; i++) {
      const name = `worker-5b7c9d8f6e-q${i}`;
      s.kubernetes.warningEvents!.push(
        warningEvent(s, { involved: { kind: 'Pod', namespace: 'batch', name }, reason: 'BackOff', message: `Back-off restarting failed container worker in pod ${name}_batch(5f5f5f5f-0000-4000-8000-00000000${String(i).padStart(4, '0')})`, source: { component: 'kubelet' } }),
      );
    }
    const [f] = runDiagnostic(crashLoops, s);
    expect(f!.evidence).toContain(`BackOff events name 3 more crash-looping pod(s) that were not read (at most ${MAX_CRASH_LOOP_PODS} are, the most recent first).`);
  });
});
