import { describe, expect, it } from 'vitest';
import { describeDiagnostic, failedPart, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { PRIVATE_SUBNETS } from '../mocks/scenario-builder/baseline.js';
import { faults, instanceIdOf, minutesBefore, nodeName, nodegroupNodes, podsWithoutIp, warningEvent } from '../mocks/faults/symptoms.js';
import type { Snapshot } from '../src/snapshot/types.js';
import podsWithoutIpCheck from './pods-without-ip.js';

function withFaults(...names: string[]): Snapshot {
  return mutate((s) => names.forEach((n) => faults.find((f) => f.name === n)!.apply(s)));
}

const baseline = mutate(() => {});
const nodeB = nodegroupNodes(baseline).find((n) => n.metadata?.labels?.['topology.kubernetes.io/zone'] === 'eu-west-1b')!;
const nodeA = nodegroupNodes(baseline)[0]!;

describeDiagnostic(podsWithoutIpCheck, {
  healthy: [
    { name: 'baseline: no sandbox failures', snapshot: baseline },
    {
      name: 'a pod that failed once but is Running now',
      snapshot: mutate((s) => {
        podsWithoutIp(s, nodeName(nodeA), 'shop', 'cart', 1);
        s.kubernetes.problemPods = [];
      }),
    },
    {
      name: 'without the pods list, an event older than an hour is history',
      snapshot: mutate((s) => {
        podsWithoutIp(s, nodeName(nodeA), 'shop', 'cart', 1);
        delete s.kubernetes.problemPods;
        s.kubernetes.warningEvents![0]!.lastTimestamp = minutesBefore(s, 90);
      }),
    },
  ],
  broken: [
    {
      name: 'four pods on one node get no IP: one finding for the node, naming its subnet',
      snapshot: withFaults('general-pods-without-ip-in-subnet-b'),
      expect: [{ id: 'pods-without-ip/pods-without-ip', resource: PRIVATE_SUBNETS[1], mentions: '4 pods' }],
    },
    {
      name: 'pods on two nodes: one finding per node',
      snapshot: mutate((s) => {
        podsWithoutIp(s, nodeName(nodeA), 'shop', 'cart', 2);
        podsWithoutIp(s, nodeName(nodeB), 'shop', 'checkout', 1);
      }),
      expect: [
        { id: 'pods-without-ip/pods-without-ip', resource: nodeName(nodeA) },
        { id: 'pods-without-ip/pods-without-ip', resource: nodeName(nodeB) },
      ],
    },
    {
      name: 'ipamd unreachable: says the CNI is not running on the node',
      snapshot: mutate((s) => {
        podsWithoutIp(s, nodeName(nodeA), 'shop', 'cart', 1);
        s.kubernetes.warningEvents![0]!.message =
          'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "9f1e": plugin type="aws-cni" name="aws-cni" failed (add): add cmd: Error received from AddNetwork gRPC call: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:50051: connect: connection refused"';
      }),
      expect: [{ id: 'pods-without-ip/pods-without-ip', resource: nodeName(nodeA), mentions: 'ipamd' }],
    },
    {
      name: 'without the pods list, a recent event still counts',
      snapshot: mutate((s) => {
        podsWithoutIp(s, nodeName(nodeA), 'shop', 'cart', 1);
        delete s.kubernetes.problemPods;
      }),
      expect: [{ id: 'pods-without-ip/pods-without-ip', resource: 'shop/cart-6d4f8b7c9d-k2x7q' }],
    },
  ],
  errors: [
    failedPart('events could not be listed', { part: 'kubernetes.warningEvents', call: 'GET /api/v1/events', kind: 'denied', code: 'HTTP 403', message: 'events is forbidden', permission: 'list events', httpStatus: 403 }, 'GET /api/v1/events'),
  ],
});

describe('pods-without-ip details', () => {
  it('names the node, its instance, subnet, group and every pod, so subnet and CNI causes can explain it', () => {
    const [f] = runDiagnostic(podsWithoutIpCheck, withFaults('general-pods-without-ip-in-subnet-b', 'subnet-b-exhausted'));
    expect(f!.symptom).toBe('pod-without-ip');
    expect(f!.resources.slice(0, 5).map((r) => r.id)).toEqual([nodeName(nodeB), instanceIdOf(nodeB), PRIVATE_SUBNETS[1], 'eks-general-8ec9a1b2-3c4d-5e6f-7a8b-9c0d1e2f3a4b', 'general']);
    expect(f!.resources.filter((r) => r.type === 'k8s:Pod')).toHaveLength(4);
    expect(f!.evidence).toContain(`Subnet ${PRIVATE_SUBNETS[1]} (eu-west-1b) has 0 free addresses.`);
    expect(f!.rootCause).toContain('no address to give');
  });

  it('ignores events about other objects and other reasons', () => {
    const snapshot = mutate((s) => {
      s.kubernetes.warningEvents = [
        warningEvent(s, { involved: { kind: 'Pod', namespace: 'shop', name: 'web-1' }, reason: 'BackOff', message: 'Back-off restarting failed container', source: { component: 'kubelet', host: nodeName(nodeA) } }),
        warningEvent(s, { involved: { kind: 'Node', name: nodeName(nodeA) }, reason: 'FailedCreatePodSandBox', message: 'x', source: { component: 'kubelet' } }),
      ];
    });
    expect(runDiagnostic(podsWithoutIpCheck, snapshot)).toEqual([]);
  });
});
