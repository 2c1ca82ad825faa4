import { expect, it } from 'vitest';
import { describeDiagnostic, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { applySchedulingFaults, checkoutPending } from '../mocks/faults/scheduling.js';
import { KARPENTER_ROLE_ARN, MANAGED_ASG } from '../mocks/scenario-builder/baseline.js';
import { statusConfigMap, statusGroupsOf } from '../mocks/scenario-builder/scheduling.js';
import { faults as nodeRegistrationFaults } from '../mocks/faults/node-registration.js';
import type { Snapshot } from '../src/snapshot/types.js';
import schedulingCapacity from './scheduling-capacity.js';

const withFaults = (...names: string[]): Snapshot => mutate((s) => applySchedulingFaults(s, ...names));

describeDiagnostic(schedulingCapacity, {
  healthy: [
    ...[[], ['checkout-pending-no-autoscaler-none'], ['karpenter-only'], ['auto-mode-enabled']].map((names) => ({ name: `nothing Pending (${names.join(', ') || 'baseline'})`, snapshot: withFaults(...names) })),
    { name: 'scale-up triggered two minutes ago: no cause to report', snapshot: withFaults('checkout-pending-scale-up-triggered') },
    { name: 'Pending for Karpenter, whose NodePool can grow and whose node class is ready', snapshot: withFaults('karpenter-only', 'checkout-pending-for-karpenter') },
    {
      name: 'InsufficientCapacityError events with nothing Pending: Karpenter found capacity elsewhere',
      snapshot: mutate((s) => {
        applySchedulingFaults(s, 'karpenter-only', 'karpenter-insufficient-capacity');
        s.kubernetes.problemPods = [];
      }),
    },
    { name: 'Pending pods the autoscaler discovers, not backing off: it is its turn to act', snapshot: mutate((s) => void checkoutPending(s, 2)) },
    {
      name: "a group already asked to grow whose launches fail (the vCPU quota): its shortfall explains the pods, not the autoscaler's discovery",
      snapshot: mutate((s) => {
        nodeRegistrationFaults.find((f) => f.name === 'batch-launches-vcpu-quota')!.apply(s);
        applySchedulingFaults(s, 'checkout-pending-batch-full');
      }),
    },
  ],
  broken: [
    {
      name: "Karpenter's NodePool at its limits.cpu: the pool is full, named with its limits",
      snapshot: withFaults('karpenter-only', 'karpenter-nodepool-at-limits'),
      expect: [{ id: 'scheduling-capacity/capacity-at-maximum', resource: 'default', canExplain: ['pod-unschedulable'], mentions: 'limits reached: cpu 100 of 100' }],
    },
    {
      name: "a NodeClaim that fails to launch (Launched=False, UnauthorizedOperation on iam:PassRole): Karpenter's reason and message",
      snapshot: withFaults('karpenter-only', 'karpenter-nodeclaim-launch-unauthorized'),
      expect: [{ id: 'scheduling-capacity/node-claim-launch-failed', resource: 'default-w4k9t', canExplain: ['pod-unschedulable'], mentions: 'is not authorized to perform: iam:PassRole' }],
    },
    {
      name: "Karpenter's NodeClaims deleted after InsufficientCapacityError: the events outlive them and name the NodePool",
      snapshot: withFaults('karpenter-only', 'karpenter-insufficient-capacity'),
      expect: [{ id: 'scheduling-capacity/node-claim-capacity-unavailable', resource: 'default', severity: 'warning', canExplain: ['pod-unschedulable'], mentions: 'InsufficientInstanceCapacity' }],
    },
    {
      name: 'a NodeClaim refused on an EC2 quota: the ec2-launch-quota symptom quota-headroom explains',
      snapshot: withFaults('karpenter-only', 'karpenter-spot-quota-exhausted'),
      expect: [{ id: 'scheduling-capacity/node-claim-launch-quota', resource: 'default', canExplain: ['pod-unschedulable'], mentions: 'MaxSpotInstanceCountExceeded' }],
    },
    {
      name: 'the only group the pods may use is at its maximum',
      snapshot: withFaults('checkout-pending-general-at-max'),
      expect: [{ id: 'scheduling-capacity/capacity-at-maximum', resource: MANAGED_ASG, canExplain: ['pod-unschedulable'], mentions: 'maximum' }],
    },
    {
      name: 'no cluster-autoscaler anywhere',
      snapshot: withFaults('checkout-pending-no-autoscaler'),
      expect: [{ id: 'scheduling-capacity/no-autoscaler', resource: MANAGED_ASG }],
    },
    {
      name: 'the cluster-autoscaler scaled to zero',
      snapshot: withFaults('checkout-pending-autoscaler-scaled-to-zero'),
      expect: [{ id: 'scheduling-capacity/autoscaler-not-running', resource: 'kube-system/cluster-autoscaler', mentions: 'scaled to 0' }],
    },
    {
      name: 'the group lost the auto-discovery tag',
      snapshot: withFaults('checkout-pending-general-not-discovered'),
      expect: [{ id: 'scheduling-capacity/autoscaler-cannot-discover', resource: MANAGED_ASG, mentions: 'k8s.io/cluster-autoscaler/enabled' }],
    },
    {
      name: 'the status ConfigMap reports the group in Backoff',
      snapshot: mutate((s) => {
        checkoutPending(s, 2);
        // From memory of cluster-autoscaler clusterstate/api/types.go: scaleUp.status Backoff with backoffInfo {errorCode, errorMessage}.
        s.kubernetes.clusterAutoscalerStatus = [statusConfigMap(s.capturedAt, statusGroupsOf(s).map((g) => ({ ...g, scaleUp: 'Backoff' as const, backoff: { errorCode: 'InsufficientInstanceCapacity', errorMessage: 'We currently do not have sufficient m6i.xlarge capacity in the Availability Zone you requested (eu-west-1a).' } })))];
      }),
      expect: [{ id: 'scheduling-capacity/scale-up-backoff', resource: MANAGED_ASG, mentions: 'InsufficientInstanceCapacity' }],
    },
    {
      name: 'a Karpenter node class that matches no subnet',
      snapshot: withFaults('karpenter-only', 'karpenter-nodeclass-subnets-not-ready', 'checkout-pending-for-karpenter'),
      expect: [{ id: 'scheduling-capacity/node-class-not-ready', resource: 'shop/checkout', mentions: 'SubnetsReady' }],
    },
    {
      name: 'Karpenter NodeClaims that fail to launch',
      snapshot: mutate((s) => {
        applySchedulingFaults(s, 'checkout-pending-for-karpenter');
        // From memory of Karpenter pkg/controllers/nodeclaim/lifecycle/launch.go: Launched=False, reason LaunchFailed, the CreateFleet error as message.
        s.kubernetes.nodeClaims = [
          {
            apiVersion: 'karpenter.sh/v1',
            kind: 'NodeClaim',
            metadata: { name: 'default-x7k2p', creationTimestamp: '2026-11-20T02:40:00Z', labels: { 'karpenter.sh/nodepool': 'default' } },
            spec: { nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' } },
            status: { conditions: [{ type: 'Launched', status: 'False', reason: 'LaunchFailed', message: 'creating instance, with fleet error(s), UnauthorizedOperation: You are not authorized to perform this operation.', lastTransitionTime: '2026-11-20T02:40:05Z' }, { type: 'Ready', status: 'Unknown', reason: 'AwaitingReconciliation', lastTransitionTime: '2026-11-20T02:40:00Z' }] },
          },
        ];
      }),
      expect: [{ id: 'scheduling-capacity/node-claim-launch-failed', resource: 'shop/checkout', mentions: 'UnauthorizedOperation' }],
    },
    {
      name: 'pods whose nodeSelector matches no group or NodePool',
      snapshot: mutate((s) => {
        const pods = checkoutPending(s, 1);
        pods[0]!.spec!.nodeSelector = { 'node.example.com/pool': 'gpu' };
      }),
      expect: [{ id: 'scheduling-capacity/no-capacity-fits', resource: 'shop/checkout' }],
    },
  ],
});

it("a NodeClaim denied iam:PassRole points at the Karpenter controller's role, with IAM's own simulation of the call", () => {
  const findings = runDiagnostic(schedulingCapacity, withFaults('karpenter-only', 'karpenter-nodeclaim-launch-unauthorized'));
  expect(findings[0]!.fix.commands[0]).toBe(`aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::111122223333:role/KarpenterControllerRole-shop-prod --action-names iam:PassRole --resource-arns ${KARPENTER_ROLE_ARN}`);
  expect(findings[0]!.fix.summary).toContain('KarpenterControllerRole-shop-prod');
});
