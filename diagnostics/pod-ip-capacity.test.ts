import { buildBaseline } from '../mocks/scenario-builder/baseline.js';
import { faults, podsWithoutIp } from '../mocks/faults/network.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { describeDiagnostic, failedPart, mutate } from '../test/support/diagnostic-tester.js';
import podIpCapacity from './pod-ip-capacity.js';

const fault = (name: string) => faults.find((f) => f.name === name)!.apply;
const karpenterNode = (s: Snapshot) => s.kubernetes.nodes!.find((n) => n.metadata!.labels!['karpenter.sh/nodepool'])!;
const KARPENTER_NODE = karpenterNode(buildBaseline()).metadata!.name!;
const setMaxPods = (s: Snapshot, pods: string) => {
  const n = karpenterNode(s);
  n.status!.capacity = { ...n.status!.capacity, pods };
  n.status!.allocatable = { ...n.status!.allocatable, pods };
};
const prefixDelegationEnvSet = (s: Snapshot) => {
  s.kubernetes.daemonSets!.find((d) => d.metadata!.name === 'aws-node')!.spec!.template.spec!.containers[0]!.env = [{ name: 'ENABLE_PREFIX_DELEGATION' }, { name: 'WARM_PREFIX_TARGET' }];
};

const prefixDelegationEnv = (s: Snapshot, value: string) => {
  s.kubernetes.daemonSets!.find((d) => d.metadata!.name === 'aws-node')!.spec!.template.spec!.containers[0]!.env = [{ name: 'ENABLE_PREFIX_DELEGATION', value }];
};

describeDiagnostic(podIpCapacity, {
  healthy: [
    { name: 'baseline: every node at the ENI max-pods', snapshot: buildBaseline() },
    {
      name: 'max-pods 110 with ENABLE_PREFIX_DELEGATION set on aws-node (prefix delegation on)',
      snapshot: mutate((s) => {
        prefixDelegationEnvSet(s);
        setMaxPods(s, '110');
      }),
    },
    {
      name: 'ENABLE_PREFIX_DELEGATION set but its value unknown, max-pods at the ENI limit',
      snapshot: mutate(prefixDelegationEnvSet),
    },
    {
      name: 'max-pods 110 with ENABLE_PREFIX_DELEGATION=true (the value kept in the snapshot)',
      snapshot: mutate((s) => {
        prefixDelegationEnv(s, 'true');
        setMaxPods(s, '110');
      }),
    },
  ],
  broken: [
    {
      name: 'max-pods above what the ENIs address, prefix delegation off, pods waiting for an IP',
      snapshot: mutate(fault('max-pods-above-eni-capacity')),
      expect: [{ id: 'pod-ip-capacity/max-pods-exceeds-ip-capacity', resource: KARPENTER_NODE, severity: 'critical', mentions: 'prefix delegation is off', canExplain: ['pod-without-ip'] }],
    },
    {
      name: 'max-pods 110 with ENABLE_PREFIX_DELEGATION=false: off, not unknown',
      snapshot: mutate((s) => {
        prefixDelegationEnv(s, 'false');
        setMaxPods(s, '110');
      }),
      expect: [{ id: 'pod-ip-capacity/max-pods-exceeds-ip-capacity', resource: KARPENTER_NODE, severity: 'warning', mentions: 'prefix delegation is off' }],
    },
    {
      name: 'max-pods above what the ENIs address, no pod failing yet',
      snapshot: mutate((s) => setMaxPods(s, '110')),
      expect: [{ id: 'pod-ip-capacity/max-pods-exceeds-ip-capacity', resource: KARPENTER_NODE, severity: 'warning' }],
    },
    {
      name: 'prefix delegation on and the subnet has no free /28',
      snapshot: mutate((s) => {
        prefixDelegationEnvSet(s);
        setMaxPods(s, '110');
        podsWithoutIp(s, KARPENTER_NODE, 1, 'Failed to create pod sandbox: plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container: InsufficientCidrBlocks: There are not enough free cidr blocks in the specified subnet to satisfy the request.');
      }),
      expect: [{ id: 'pod-ip-capacity/no-free-prefix', resource: KARPENTER_NODE, canExplain: ['pod-without-ip'] }],
    },
  ],
  errors: [
    failedPart('nodes could not be read', { part: 'kubernetes.nodes', call: 'GET /api/v1/nodes', kind: 'denied', code: 'HTTP 403', message: 'forbidden', permission: 'list nodes' }, 'nodes'),
  ],
});
