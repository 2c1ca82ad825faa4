/**
 * Pods the scheduler cannot place: one finding per workload (Deployment, StatefulSet, DaemonSet,
 * Job, CronJob, or a bare pod) and reason, never one per pod, with the scheduler's own account
 * parsed ("3 nodes: Insufficient cpu; 1 node: untolerated taint {dedicated: gpu}") and what the
 * autoscalers said about the pods. Each is a `pod-unschedulable` symptom naming the workload; for
 * the node lifecycle controller's taints the Nodes carrying them; and for pods lacking room the
 * Auto Scaling groups, node groups and NodePools whose nodes they accept: so capacity, volume, taint,
 * NotReady, launch-failure and quota causes can explain it.
 *
 * A workload whose pods the cluster-autoscaler triggered a scale-up for, or Karpenter nominated a
 * NodeClaim for, within SCALE_UP_GRACE_MINUTES is a cluster at work, not a sick one: `info`.
 */
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import type { ResourceRef } from '../src/engine/finding.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import { memoised } from '../src/engine/snapshot-memo.js';
import type { KubeNode, Snapshot } from '../src/snapshot/types.js';
import { DOCS } from './lib/docs-links.js';
import { describeEvent } from './lib/events.js';
import { latestEvent, scaleUpUnderWay, unschedulablePods, type UnschedulablePod } from './lib/pending-pods.js';
import { lacksCapacity, type Obstacle, type ObstacleKind, type SchedulingFailure } from './lib/scheduling-message.js';
import { capacitySourceRefs, capacitySources, sourceFits, type CapacitySource } from './lib/capacity-sources.js';
import { cappedLines, describeWorkload, describeWorkloadCommand, groupByWorkload, workloadResource } from './lib/workload-owner.js';

const QUOTED_PODS = 5;

/**
 * Taints the node lifecycle controller sets from a Node's conditions (from memory of
 * pkg/apis/core/well_known_taints.go and pkg/controller/nodelifecycle, TaintNodesByCondition):
 * NotReady and unreachable nodes, and nodes under memory, disk or PID pressure. node-conditions'
 * findings on those nodes explain the pods held by them.
 */
const NODE_CONDITION_TAINTS = new Set(['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable', 'node.kubernetes.io/memory-pressure', 'node.kubernetes.io/disk-pressure', 'node.kubernetes.io/pid-pressure']);

type Code = 'unschedulable' | 'scale-up-in-progress';

export default defineDiagnostic<Code>({
  id: 'unschedulable-pods',
  title: 'Pods can be scheduled',
  description:
    'Finds Pending pods the scheduler cannot place (PodScheduled=False, reason Unschedulable), grouped by workload and reason, with the scheduler\'s message parsed into its per-node reasons and what the cluster-autoscaler, Karpenter or Fargate said about them. A scale-up triggered for them in the last few minutes is reported as info.',
  docs: [DOCS.k8sScheduler, DOCS.eksAutoscaling],
  needs: ['kubernetes.problemPods'],
  // The groups and NodePools are read to name those that could run pods lacking room, so the causes that keep them from growing (launch failures, quotas, node group health) link here.
  uses: ['kubernetes.warningEvents', 'kubernetes.scalingEvents', 'kubernetes.replicaSets', 'kubernetes.jobs', 'kubernetes.nodes', 'kubernetes.nodeClaims', 'kubernetes.nodePools', 'aws.autoScalingGroups', 'aws.nodegroups', 'aws.reservations'],
  codes: {
    unschedulable: {
      severity: 'warning',
      title: 'Pods cannot be scheduled',
      description:
        'Pods of a workload stay Pending because no node passes the scheduler\'s filters (not enough free CPU or memory, taints, affinity, volumes) and nothing is adding a node that would.',
      symptom: 'pod-unschedulable',
    },
    'scale-up-in-progress': {
      severity: 'info',
      title: 'Pending pods are waiting for a node being added',
      description: 'Pods are Pending, and the cluster-autoscaler triggered a scale-up or Karpenter nominated a NodeClaim for them a few minutes ago: capacity is on its way.',
    },
  },
  check({ snapshot, now }) {
    const groups = groupByWorkload(unschedulablePods(snapshot), (p) => ({ workload: p.workload, reason: reasonKey(p) }));
    const sources = groups.length > 0 ? capacitySources(snapshot) : [];
    return groups.map((g) => finding(snapshot, g.members, g.reason, scaleUpUnderWay(snapshot, g.members, now), sources));
  },
});

/** What the pods wait for, as the grouping key: the kinds of obstacle, or the Fargate/other message. */
function reasonKey(p: UnschedulablePod): string {
  if (p.fargate) return 'fargate';
  if (!p.failure) return 'other';
  const kinds = [...new Set(p.failure.obstacles.map((o) => o.kind))].sort();
  return kinds.length > 0 ? kinds.join('+') : 'no-nodes';
}

const PHRASE: Record<ObstacleKind, string> = {
  insufficient: 'no node has enough free resources for them',
  taint: 'the nodes carry taints they do not tolerate',
  'node-affinity': 'no node matches their node selector or node affinity',
  'pod-affinity': 'their pod affinity or anti-affinity rules rule every node out',
  'topology-spread': 'their topology spread constraints rule every node out',
  'unschedulable-node': 'nodes are cordoned (spec.unschedulable)',
  'volume-node-affinity': 'their volumes are bound to a zone where no node can take them (volume node affinity conflict)',
  'volume-zone': 'their volumes are in a zone where no node can take them',
  'volume-bind': 'no persistent volume can be bound for them on any node',
  'unbound-claims': 'their PersistentVolumeClaims are not bound (Immediate binding)',
  'claim-not-found': 'a PersistentVolumeClaim they mount does not exist',
  'volume-limit': 'the nodes have reached their maximum number of attached volumes',
  ports: 'no node has the host ports they ask for free',
  other: 'the scheduler rejected every node',
};

function breakdown(failure: SchedulingFailure): string[] {
  return failure.obstacles.map((o: Obstacle) => (o.nodes !== undefined ? `${o.nodes} node${o.nodes === 1 ? '' : 's'}: ${o.reason}` : `every node: ${o.reason}`));
}

/** The Nodes carrying a taint `key: value` (any effect), in the snapshot's order: indexed once per run, as every workload asks (a scan per workload was quadratic). */
function nodesWithTaint(snapshot: Snapshot, key: string, value: string): KubeNode[] {
  const byTaint = memoised(snapshot, 'unschedulable-pods/nodes-by-taint', () => {
    const index = new Map<string, KubeNode[]>();
    for (const node of snapshot.kubernetes.nodes ?? []) {
      for (const taint of new Set((node.spec?.taints ?? []).map((t) => JSON.stringify([t.key, t.value ?? ''])))) {
        const nodes = index.get(taint);
        if (nodes) nodes.push(node);
        else index.set(taint, [node]);
      }
    }
    return index;
  });
  return byTaint.get(JSON.stringify([key, value])) ?? [];
}

function finding(snapshot: Snapshot, pods: UnschedulablePod[], reason: string, scaling: string | undefined, sources: CapacitySource[]): NewFinding<Code> {
  const first = pods[0]!;
  const workload = first.workload;
  const named = describeWorkload(workload);
  const failure = pods.find((p) => p.failure)?.failure;
  const oldest = pods.map((p) => p.since).filter((s): s is string => s !== undefined).sort()[0];
  const kinds = [...new Set(failure?.obstacles.map((o) => o.kind) ?? [])];
  const taints = failure?.obstacles.filter((o) => o.kind === 'taint' && o.taint).map((o) => o.taint!) ?? [];
  const taintedNodes = taints.flatMap((t) => nodesWithTaint(snapshot, t.key, t.value));
  const conditionTaintNodes = taints.filter((t) => NODE_CONDITION_TAINTS.has(t.key)).flatMap((t) => nodesWithTaint(snapshot, t.key, t.value));
  const count = `${pods.length} pod${pods.length === 1 ? '' : 's'}`;
  // Where a node with room would come from: the groups and NodePools whose nodes the pods accept.
  const fitting = failure && lacksCapacity(failure) && !first.fargate ? sources.filter((s) => sourceFits(first.pod, s)) : [];

  const why = first.fargate
    ? 'The Fargate scheduler refuses them; its event says why (a pod spec Fargate does not support, or a Fargate profile that cannot launch pods).'
    : failure
      ? failure.totalNodes === 0
        ? 'The cluster has no node the scheduler can consider, and none has been added.'
        : `The scheduler found no node among ${failure.totalNodes}: ${kinds.map((k) => PHRASE[k]).join('; ')}.`
      : `The scheduler could not place them: ${first.message || 'no message recorded'}.`;
  const karpenter = pods.map((p) => latestEvent(p, 'FailedScheduling', 'karpenter')).find((e) => e !== undefined);
  const notTriggered = pods.map((p) => latestEvent(p, 'NotTriggerScaleUp')).find((e) => e !== undefined);
  const fargateEvent = pods.map((p) => latestEvent(p, 'FailedScheduling', 'fargate-scheduler')).find((e) => e !== undefined);
  const evidence = [
    `${count} of ${named} ${pods.length === 1 ? 'is' : 'are'} Pending and unschedulable${oldest ? ` (the oldest since ${oldest})` : ''}.`,
    ...(first.message ? [`Scheduler: ${first.message}`] : []),
    ...(failure ? breakdown(failure) : []),
    ...(taintedNodes.length > 0 ? [`Nodes with those taints: ${cappedLines([...new Set(taintedNodes.map((n) => n.metadata?.name ?? ''))], 5).join(', ')}`] : []),
    ...(fitting.length > 0 ? [`A node with room could come from: ${cappedLines(fitting.map((s) => (s.kind === 'node-pool' ? `NodePool ${s.name}` : `Auto Scaling group ${s.name}${s.nodegroup ? ` (node group ${s.nodegroup})` : ''}`)), 5, 'groups').join(', ')}`] : []),
    ...(notTriggered ? [`cluster-autoscaler: ${describeEvent(notTriggered)}`] : []),
    ...(karpenter ? [`Karpenter: ${describeEvent(karpenter)}`] : []),
    ...(fargateEvent ? [`Fargate: ${describeEvent(fargateEvent)}`] : []),
    ...(scaling ? [scaling] : []),
    ...cappedLines(
      pods.map((p) => `Pod ${p.namespace}/${p.name}${p.since ? ` unschedulable since ${p.since}` : ''}`),
      QUOTED_PODS,
      'pods',
    ),
  ];
  const resources: ResourceRef[] = uniqueRefs([workloadResource(workload), ...conditionTaintNodes.map((n) => resource.node(n.metadata?.name ?? '')), ...capacitySourceRefs(fitting)]);
  const podCommand = `kubectl describe pod -n ${first.namespace} ${first.name}`;
  return {
    code: scaling ? 'scale-up-in-progress' : 'unschedulable',
    keyResource: `${workloadResource(workload).id}:${reason}`,
    title: scaling ? `${count} of ${named} wait for a node being added` : `${count} of ${named} cannot be scheduled`,
    rootCause: scaling ? `${why} A scale-up is under way; if they are still Pending in a few minutes, see what stopped it.` : why,
    evidence,
    resources,
    fix: {
      summary: scaling
        ? 'Nothing to do yet: wait for the new node to join; if it does not within a few minutes, read the autoscaler\'s events.'
        : 'Fix the cause eks-doctor ranks above this finding (capacity, volumes, taints); the pods are scheduled as soon as a node qualifies.',
      commands: [podCommand, `kubectl get events -n ${first.namespace} --field-selector involvedObject.name=${first.name} --sort-by=.lastTimestamp`, describeWorkloadCommand(workload)],
      docs: [DOCS.k8sScheduler, ...(kinds.includes('taint') ? [DOCS.k8sTaints] : []), DOCS.eksAutoscaling],
    },
  };
}
