/**
 * Faults behind Pending pods: capacity nobody will add, claims that do not bind, taints nothing
 * tolerates, volumes in zones no node can launch in; and the healthy variants (a scale-up in
 * progress, Karpenter only, EKS Auto Mode). Objects and messages as the scheduler, the
 * cluster-autoscaler, Karpenter and the API server write them; diagnostics/*-test files cite the sources.
 */
import type { Snapshot } from '../../src/snapshot/types.js';
import { servedApiGroups } from '../k8s-mock/resources.js';
import { iamArn } from '../scenario-builder/baseline.js';
import { defineFaults } from '../scenario-builder/fault.js';
import { karpenterNodePool } from '../scenario-builder/scheduling.js';

export const AUTO_MODE_NODE_ROLE_ARN = iamArn('role/AmazonEKSAutoNodeRole');

/** The subnets and zones the baseline's Karpenter EC2NodeClass resolved. */
function baselineZones(s: Snapshot): string[] {
  return [...new Set((s.kubernetes.ec2NodeClasses?.[0]?.status?.subnets ?? []).map((x) => x.zone ?? ''))].filter((z) => z !== '');
}

/** EKS Auto Mode on, its built-in NodePools and NodeClass served; no self-managed Karpenter and no cluster-autoscaler. */
export function enableAutoMode(s: Snapshot): void {
  const zones = baselineZones(s);
  const subnets = s.kubernetes.ec2NodeClasses?.[0]?.status?.subnets ?? [];
  s.aws.cluster!.computeConfig = { enabled: true, nodePools: ['general-purpose', 'system'], nodeRoleArn: AUTO_MODE_NODE_ROLE_ARN };
  s.kubernetes.apiGroups = servedApiGroups(['karpenter.sh', 'eks.amazonaws.com']);
  const autoModeClass = { group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'default' };
  s.kubernetes.nodePools = [
    karpenterNodePool({ name: 'general-purpose', zones, nodeClass: autoModeClass, limits: {}, resources: { cpu: '0', memory: '0', nodes: '0', pods: '0' } }),
    karpenterNodePool({ name: 'system', zones, nodeClass: autoModeClass, limits: {}, resources: { cpu: '0', memory: '0', nodes: '0', pods: '0' }, taints: [{ key: 'CriticalAddonsOnly', effect: 'NoSchedule' }] }),
  ];
  for (const pool of s.kubernetes.nodePools) delete pool.spec!.limits;
  s.kubernetes.ec2NodeClasses = [];
  s.kubernetes.autoModeNodeClasses = [
    {
      apiVersion: 'eks.amazonaws.com/v1',
      kind: 'NodeClass',
      metadata: { name: 'default', uid: '5e5e5e5e-0000-4000-8000-000000000001', generation: 1, creationTimestamp: '2025-06-01T12:00:00Z', labels: { 'app.kubernetes.io/managed-by': 'eks' } },
      spec: { role: 'AmazonEKSAutoNodeRole', subnetSelectorTerms: subnets.map((x) => ({ id: x.id })), securityGroupSelectorTerms: [{ id: 'sg-0c1a2b3c4d5e6f701' }] },
      status: {
        subnets,
        securityGroups: [{ id: 'sg-0c1a2b3c4d5e6f701' }],
        instanceProfile: 'eks-eu-west-1-shop-prod-1234567890123456789',
        conditions: ['SubnetsReady', 'SecurityGroupsReady', 'InstanceProfileReady', 'Ready'].map((type) => ({ type, status: 'True', reason: type, message: '', lastTransitionTime: '2025-06-01T12:00:05Z', observedGeneration: 1 })),
      },
    },
  ];
  s.kubernetes.deployments = (s.kubernetes.deployments ?? []).filter((d) => d.metadata?.name !== 'cluster-autoscaler');
  s.kubernetes.clusterAutoscalers = [];
  s.kubernetes.clusterAutoscalerStatus = [];
}

export const faults = defineFaults([
  {
    name: 'auto-mode-enabled',
    description: 'EKS Auto Mode is on: its general-purpose and system NodePools and default NodeClass are served; no cluster-autoscaler, no self-managed Karpenter.',
    apply: enableAutoMode,
  },
]);
