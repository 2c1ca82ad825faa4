/**
 * Generated clusters for the benchmark: the healthy baseline grown to a given node count. The
 * managed node group takes the bulk (Auto Scaling groups of 50, more private subnets past 400 nodes
 * per Availability Zone), alongside the self-managed batch group's 2 nodes and the Karpenter node;
 * kube-system DaemonSet pods, CoreDNS replicas, aws-auth mappings, security groups and warning events
 * grow with it (see buildBaseline). Every size stays healthy: the checks find nothing above info.
 */
import type { Snapshot } from '../../src/snapshot/types.js';
import { buildBaseline } from './baseline.js';
import { buildWorkload, type WorkloadOptions } from './workload.js';

/** The sizes `npm run bench` measures. */
export const BENCH_SIZES = [100, 1000, 5000, 20000] as const;

/** Nodes outside the managed node group: two batch nodes and the Karpenter node (the Fargate node is extra). */
const OTHER_EC2_NODES = 3;

export interface ScaleOptions {
  /**
   * Application pods (workload.ts): ten per node, a tenth of them Pending as no node can fit them,
   * with their ReplicaSets, Deployments and FailedScheduling events. The cluster is then no longer
   * healthy: the Pending pods are what "Pods that cannot be scheduled" reports.
   */
  workload?: WorkloadOptions;
}

export function buildScaledCluster(nodes: number, options: ScaleOptions = {}): Snapshot {
  if (!Number.isInteger(nodes) || nodes < OTHER_EC2_NODES + 1) throw new Error(`a scaled cluster needs at least ${OTHER_EC2_NODES + 1} nodes, not ${nodes}`);
  const snapshot = buildBaseline({ managedNodes: nodes - OTHER_EC2_NODES, batchNodes: 2 });
  snapshot.meta = { ...snapshot.meta, description: `Healthy baseline grown to ${nodes} EC2 nodes (plus one Fargate node), for the benchmark.`, scenario: `scale-${nodes}`, faults: [] };
  if (options.workload) {
    const workload = buildWorkload(snapshot, options.workload);
    const k = snapshot.kubernetes;
    // The generated objects are the API's shapes; the snapshot's element types are the SDK's models of them.
    k.problemPods = [...(k.problemPods ?? []), ...(workload.pendingPods as NonNullable<typeof k.problemPods>)];
    k.warningEvents = [...(k.warningEvents ?? []), ...(workload.failedSchedulingEvents as NonNullable<typeof k.warningEvents>)];
    // The pods' owners, which the scheduling reads list cluster-wide (ReplicaSets -> Deployments).
    k.replicaSets = [...(k.replicaSets ?? []), ...(workload.replicaSets as NonNullable<typeof k.replicaSets>)];
    const pending = workload.pendingPods.length;
    snapshot.meta = {
      ...snapshot.meta,
      description: `Baseline grown to ${nodes} EC2 nodes (plus one Fargate node) with ${(pending + workload.runningPods).toLocaleString('en')} workload pods, ${pending.toLocaleString('en')} of them Pending, for the benchmark.`,
      scenario: `scale-${nodes}-workload`,
    };
  }
  return snapshot;
}
