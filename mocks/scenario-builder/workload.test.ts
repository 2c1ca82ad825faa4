/**
 * The benchmark's workload (mocks/scenario-builder/workload.ts) as the Kubernetes API would serve
 * it: ten pods per node in Deployments of 50, a tenth Pending, each Pending pod owned by its
 * ReplicaSet (owned in turn by its Deployment), marked PodScheduled=False/Unschedulable with the
 * scheduler's message, and with one FailedScheduling event about it.
 */
import { describe, expect, it } from 'vitest';
import { buildScaledCluster } from './scale.js';
import { buildWorkload } from './workload.js';

type Obj = {
  metadata: { name: string; namespace: string; uid: string; labels: Record<string, string>; ownerReferences?: { kind: string; name: string; uid: string; controller: boolean; blockOwnerDeletion: boolean }[] };
  spec: { replicas?: number; containers?: { resources: { requests: Record<string, string> } }[] };
  status: { phase?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
};
type Event = { involvedObject: { kind: string; namespace: string; name: string; uid: string }; reason: string; message: string; type: string; reportingComponent: string; series: { count: number }; count?: number; lastTimestamp: null; firstTimestamp: null; eventTime: string };

describe('the benchmark workload at 100 nodes', () => {
  const snapshot = buildScaledCluster(100);
  const workload = buildWorkload(snapshot);
  const pods = workload.pendingPods as Obj[];
  const events = workload.failedSchedulingEvents as Event[];
  const replicaSets = new Map((workload.replicaSets as Obj[]).map((r) => [r.metadata.uid, r]));
  const deployments = new Map((workload.deployments as Obj[]).map((d) => [d.metadata.uid, d]));

  it('has ten pods per EC2 node, a tenth of them Pending', () => {
    expect(pods.length + workload.runningPods).toBe(1000);
    expect(pods.length).toBe(100);
    expect((workload.deployments as Obj[]).reduce((sum, d) => sum + d.spec.replicas!, 0)).toBe(1000);
  });

  it('each Pending pod is controlled by its ReplicaSet, itself controlled by its Deployment, in the same namespace', () => {
    for (const pod of pods) {
      const [owner] = pod.metadata.ownerReferences!;
      expect(owner).toMatchObject({ kind: 'ReplicaSet', controller: true, blockOwnerDeletion: true });
      const replicaSet = replicaSets.get(owner!.uid)!;
      expect(replicaSet.metadata.name).toBe(owner!.name);
      expect(replicaSet.metadata.namespace).toBe(pod.metadata.namespace);
      expect(pod.metadata.name.startsWith(`${replicaSet.metadata.name}-`)).toBe(true);
      expect(pod.metadata.labels['pod-template-hash']).toBe(replicaSet.metadata.labels['pod-template-hash']);
      const deployment = deployments.get(replicaSet.metadata.ownerReferences![0]!.uid)!;
      expect(`${deployment.metadata.name}-${pod.metadata.labels['pod-template-hash']}`).toBe(replicaSet.metadata.name);
    }
  });

  it('Pending pods are unschedulable with the scheduler\'s message, counting every node', () => {
    for (const pod of pods) {
      expect(pod.status.phase).toBe('Pending');
      const [condition] = pod.status.conditions!;
      expect(condition).toMatchObject({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' });
      // 100 EC2 nodes too small for the request, and the Fargate node's taint (pkg/scheduler/framework/types.go, FitError.Error).
      expect(condition!.message).toMatch(
        /^0\/101 nodes are available: 1 node\(s\) had untolerated taint \{eks\.amazonaws\.com\/compute-type: fargate\}, 100 Insufficient (cpu|memory)\. preemption: 0\/101 nodes are available: 1 Preemption is not helpful for scheduling, 100 No preemption victims found for incoming pod\.$/,
      );
    }
    const requests = new Set(pods.map((p) => Object.keys(p.spec.containers![0]!.resources.requests).join()));
    expect(requests).toEqual(new Set(['cpu,memory']));
  });

  it('each Pending pod has one FailedScheduling event from the scheduler, in the events.k8s.io shape read through core/v1', () => {
    const byPod = new Map(events.map((e) => [e.involvedObject.uid, e]));
    expect(byPod.size).toBe(pods.length);
    for (const pod of pods) {
      const event = byPod.get(pod.metadata.uid)!;
      expect(event).toMatchObject({ reason: 'FailedScheduling', type: 'Warning', reportingComponent: 'default-scheduler', firstTimestamp: null, lastTimestamp: null });
      expect(event.involvedObject).toMatchObject({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name });
      expect(event.message).toBe(pod.status.conditions![0]!.message);
      expect(event.count).toBeUndefined();
      expect(event.series.count).toBeGreaterThan(1);
    }
  });

  it('buildScaledCluster with a workload serves the Pending pods and their events; without one it stays as it was', () => {
    const withWorkload = buildScaledCluster(100, { workload: {} });
    expect(withWorkload.kubernetes.problemPods).toHaveLength(100);
    expect(withWorkload.kubernetes.warningEvents!.filter((e) => e.reason === 'FailedScheduling')).toHaveLength(100);
    // Every pod's owner is there to resolve: the Pending pods' ReplicaSets among the workload's 20.
    const owners = new Set(withWorkload.kubernetes.replicaSets!.map((r) => r.metadata!.uid));
    expect(withWorkload.kubernetes.problemPods!.every((p) => owners.has(p.metadata!.ownerReferences![0]!.uid!))).toBe(true);
    expect(snapshot.kubernetes.problemPods).toEqual([]);
  });
});
