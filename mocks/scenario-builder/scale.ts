/**
 * Generated clusters for the benchmark: the healthy baseline grown to a given node count. The
 * managed node group takes the bulk (Auto Scaling groups of 50, more private subnets past 400 nodes
 * per Availability Zone), alongside the self-managed batch group's 2 nodes and the Karpenter node;
 * kube-system DaemonSet pods, CoreDNS replicas, aws-auth mappings, security groups and warning events
 * grow with it (see buildBaseline). Every size stays healthy: the checks find nothing above info.
 */
import type { Snapshot } from '../../src/snapshot/types.js';
import { buildBaseline } from './baseline.js';

/** The sizes `npm run bench` measures. */
export const BENCH_SIZES = [100, 1000, 5000, 20000] as const;

/** Nodes outside the managed node group: two batch nodes and the Karpenter node (the Fargate node is extra). */
const OTHER_EC2_NODES = 3;

export function buildScaledCluster(nodes: number): Snapshot {
  if (!Number.isInteger(nodes) || nodes < OTHER_EC2_NODES + 1) throw new Error(`a scaled cluster needs at least ${OTHER_EC2_NODES + 1} nodes, not ${nodes}`);
  const snapshot = buildBaseline({ managedNodes: nodes - OTHER_EC2_NODES, batchNodes: 2 });
  snapshot.meta = { ...snapshot.meta, description: `Healthy baseline grown to ${nodes} EC2 nodes (plus one Fargate node), for the benchmark.`, scenario: `scale-${nodes}`, faults: [] };
  return snapshot;
}
