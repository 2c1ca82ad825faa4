import { expect, it } from 'vitest';
import { describeDiagnostic, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { MANAGED_ASG, MANAGED_NODEGROUP } from '../mocks/scenario-builder/baseline.js';
import { applySchedulingFaults, checkoutPending, recorderEvent, failedSchedulingMessage } from '../mocks/faults/scheduling.js';
import { faults as symptomFaults } from '../mocks/faults/symptoms.js';
import type { KubeNode, Snapshot } from '../src/snapshot/types.js';
import unschedulablePods from './unschedulable-pods.js';

const withFaults = (...names: string[]): Snapshot => mutate((s) => applySchedulingFaults(s, ...names));

describeDiagnostic(unschedulablePods, {
  healthy: [
    { name: 'baseline: nothing Pending', snapshot: mutate(() => {}) },
    { name: 'Karpenter only, nothing Pending', snapshot: withFaults('karpenter-only') },
    { name: 'Auto Mode, nothing Pending', snapshot: withFaults('auto-mode-enabled') },
    {
      name: 'a scale-up triggered two minutes ago: info, never warning',
      snapshot: withFaults('checkout-pending-scale-up-triggered'),
      allowInfo: ['unschedulable-pods/scale-up-in-progress'],
    },
    {
      name: 'Karpenter nominated a NodeClaim for them: info',
      snapshot: mutate((s) => {
        const pods = checkoutPending(s, 2);
        // From memory of Karpenter pkg/controllers/provisioning/scheduling/events.go: NominatePodEvent, "Pod should schedule on: nodeclaim/NAME".
        s.kubernetes.scalingEvents = pods.map((pod) => recorderEvent(s, { pod, reason: 'Nominated', type: 'Normal', note: 'Pod should schedule on: nodeclaim/default-x7k2p', controller: 'karpenter', instance: 'karpenter-6d8f7c9b5-abcde', minutesAgo: 1 }));
      }),
      allowInfo: ['unschedulable-pods/scale-up-in-progress'],
    },
  ],
  broken: [
    {
      name: 'four Pending pods of one Deployment are one finding, named by the Deployment through its ReplicaSet',
      snapshot: withFaults('checkout-pending-general-at-max'),
      expect: [{ id: 'unschedulable-pods/unschedulable', resource: 'shop/checkout', severity: 'warning', mentions: '4 pods of Deployment shop/checkout' }],
    },
    {
      name: 'a scale-up triggered long ago no longer counts: the pods are unschedulable',
      snapshot: mutate((s) => {
        const pods = checkoutPending(s, 1);
        s.kubernetes.scalingEvents = pods.map((pod) => recorderEvent(s, { pod, reason: 'TriggeredScaleUp', type: 'Normal', note: 'pod triggered scale-up: [{eks-general 3->4 (max: 6)}]', controller: 'cluster-autoscaler', instance: 'ca', minutesAgo: 45 }));
      }),
      expect: [{ id: 'unschedulable-pods/unschedulable', resource: 'shop/checkout', mentions: '1 pod of Deployment shop/checkout' }],
    },
    {
      name: "without the ReplicaSets, the Deployment is still known from the ReplicaSet's name and the pods' pod-template-hash",
      snapshot: mutate((s) => {
        checkoutPending(s, 2);
        delete s.kubernetes.replicaSets;
      }),
      expect: [{ id: 'unschedulable-pods/unschedulable', resource: 'shop/checkout', mentions: 'Deployment shop/checkout' }],
    },
    {
      name: 'without the ReplicaSets and without the hash label, the pods are grouped under their ReplicaSet, not a guessed Deployment',
      snapshot: mutate((s) => {
        checkoutPending(s, 2);
        delete s.kubernetes.replicaSets;
        for (const pod of s.kubernetes.problemPods ?? []) delete pod.metadata?.labels?.['pod-template-hash'];
      }),
      expect: [{ id: 'unschedulable-pods/unschedulable', resource: 'shop/checkout-5f7d9c8b6d', mentions: 'ReplicaSet shop/checkout-5f7d9c8b6d' }],
    },
    {
      name: 'pods held by a not-ready taint name the NotReady nodes, so the NotReady causes can explain them',
      snapshot: mutate((s) => {
        const node = s.kubernetes.nodes![0]!;
        node.spec = { ...node.spec, taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] };
        checkoutPending(s, 1, `0/${s.kubernetes.nodes!.length} nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, ${s.kubernetes.nodes!.length - 1} node(s) didn't match Pod's node affinity/selector. preemption: 0/${s.kubernetes.nodes!.length} nodes are available: ${s.kubernetes.nodes!.length} Preemption is not helpful for scheduling.`);
      }),
      expect: [{ id: 'unschedulable-pods/unschedulable', resource: 'ip-10-0-1-10.eu-west-1.compute.internal', mentions: 'taints' }],
    },
    {
      name: 'pods held by a disk-pressure taint name that node too, for node-conditions\' pressure finding',
      snapshot: mutate((s) => {
        symptomFaults.find((f) => f.name === 'general-node-disk-pressure')!.apply(s);
        const pressured = (n: KubeNode) => (n.spec?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/disk-pressure');
        checkoutPending(s, 1, failedSchedulingMessage(s, { taintOf: (n) => (pressured(n) ? { key: 'node.kubernetes.io/disk-pressure' } : undefined) }));
      }),
      expect: [{ id: 'unschedulable-pods/unschedulable', resource: 'ip-10-0-65-12.eu-west-1.compute.internal', mentions: 'taints' }],
    },
  ],
});

it('pods lacking room name the groups and NodePools whose nodes they accept, so what keeps those from growing explains them; pods held by a taint name none', () => {
  const [full] = runDiagnostic(unschedulablePods, withFaults('checkout-pending-general-full'));
  expect(full!.resources).toEqual([
    { type: 'k8s:Deployment', id: 'shop/checkout' },
    { type: 'aws:autoscaling:group', id: MANAGED_ASG },
    { type: 'aws:eks:nodegroup', id: MANAGED_NODEGROUP },
  ]);
  expect(full!.evidence).toContain(`A node with room could come from: Auto Scaling group ${MANAGED_ASG} (node group ${MANAGED_NODEGROUP})`);
  const [tainted] = runDiagnostic(unschedulablePods, withFaults('general-tainted-checkout-pending'));
  expect(tainted!.resources).toEqual([{ type: 'k8s:Deployment', id: 'shop/checkout' }]);
  const [karpenter] = runDiagnostic(unschedulablePods, withFaults('karpenter-only', 'checkout-pending-for-karpenter'));
  expect(karpenter!.resources.map((r) => r.id)).toEqual(['shop/checkout', 'default']);
});
