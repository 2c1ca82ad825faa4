/**
 * Faults behind Pending pods: capacity nobody will add, claims that do not bind, taints nothing
 * tolerates, volumes in zones no node can launch in; and the healthy variants (a scale-up in
 * progress, Karpenter only, EKS Auto Mode). Objects and messages as the scheduler, the
 * cluster-autoscaler, Karpenter and the API server write them; diagnostics/*-test files cite the sources.
 */
import type { KubeEvent, KubeNode, KubePod, NodeClaim, Snapshot } from '../../src/snapshot/types.js';
import { setVcpuQuota, setVcpuUsage } from '../scenario-builder/service-quotas.js';
import { servedApiGroups, VPC_CNI_CRD_GROUPS } from '../k8s-mock/resources.js';
import { iamArn, KARPENTER_ROLE_ARN, MANAGED_ASG, MANAGED_NODEGROUP } from '../scenario-builder/baseline.js';
import { defineFaults } from '../scenario-builder/fault.js';
import { karpenterNodePool, statusConfigMap, statusGroupsOf, type StatusGroup } from '../scenario-builder/scheduling.js';
import { minutesBefore, warningEvent } from './symptoms.js';

/** The checkout Deployment whose pods go Pending in these scenarios: pinned to the managed node group, asking 2 CPUs each. */
export const CHECKOUT = { namespace: 'shop', deployment: 'checkout', replicaSet: 'checkout-5f7d9c8b6d', replicaSetUid: '2b2b2b2b-0000-4000-8000-00000000c0c0', deploymentUid: '2c2c2c2c-0000-4000-8000-00000000c0c0' };

/**
 * The scheduler's message for pods that select the nodes `selects` accepts (by default the managed
 * node group general's), when those nodes are full and `taintOf(node)` names a taint a node carries
 * that the pods do not tolerate (from memory of pkg/scheduler/framework/types.go FitError.Error:
 * "0/%v nodes are available: " + the sorted "count reason" parts + "." + the preemption tail from
 * pkg/scheduler/framework/preemption/preemption.go). TaintToleration runs before NodeAffinity in the
 * default profile (pkg/scheduler/apis/config/v1/default_plugins.go), so a tainted node the pods do
 * not select is counted under its taint. TaintToleration's and NodeAffinity's rejections are
 * UnschedulableAndUnresolvable, so preemption is "not helpful" there; on a full node it finds "no
 * victims" (every pod there has the same priority).
 */
export function failedSchedulingMessage(
  s: Snapshot,
  o: { taintOf?: (node: KubeNode) => { key: string; value?: string } | undefined; selects?: (node: KubeNode) => boolean } = {},
): string {
  const nodes = s.kubernetes.nodes ?? [];
  const selects = o.selects ?? ((n: KubeNode) => n.metadata?.labels?.['eks.amazonaws.com/nodegroup'] === MANAGED_NODEGROUP);
  const counts = new Map<string, number>();
  let full = 0;
  for (const node of nodes) {
    const fargate = node.metadata?.labels?.['eks.amazonaws.com/compute-type'] === 'fargate' ? { key: 'eks.amazonaws.com/compute-type', value: 'fargate' } : undefined;
    const taint = fargate ?? o.taintOf?.(node);
    const reason = taint ? `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}` : selects(node) ? 'Insufficient cpu' : "node(s) didn't match Pod's node affinity/selector";
    if (reason === 'Insufficient cpu') full++;
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const parts = [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
  const preemption = [...(full > 0 ? [`${full} No preemption victims found for incoming pod`] : []), ...(nodes.length > full ? [`${nodes.length - full} Preemption is not helpful for scheduling`] : [])].sort();
  return `0/${nodes.length} nodes are available: ${parts.join(', ')}. preemption: 0/${nodes.length} nodes are available: ${preemption.join(', ')}.`;
}

/** The managed nodes are full and the pods may run on them only. */
export function insufficientCpuMessage(s: Snapshot): string {
  return failedSchedulingMessage(s);
}

/** Pending pods of shop/checkout, as the API serves them after the scheduler gave up on them. */
export function pendingCheckoutPods(s: Snapshot, count: number, message: string, o: { minutes?: number; nodeSelector?: Record<string, string> } = {}): KubePod[] {
  const since = minutesBefore(s, o.minutes ?? 25);
  return Array.from({ length: count }, (_, i) => {
    const name = `${CHECKOUT.replicaSet}-${['k2x8p', 'm4q7z', 'r9t2w', 'v6b3n', 'z8c5d', 'a1d4f'][i % 6]}${i >= 6 ? i : ''}`;
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: CHECKOUT.namespace,
        uid: `4f4f4f4f-0000-4000-8000-${String(i).padStart(12, '0')}`,
        resourceVersion: `${130000 + i}`,
        creationTimestamp: since,
        labels: { app: 'checkout', 'pod-template-hash': CHECKOUT.replicaSet.split('-').pop()! },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: CHECKOUT.replicaSet, uid: CHECKOUT.replicaSetUid, controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        containers: [{ name: 'checkout', image: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/checkout:4.2.0', resources: { requests: { cpu: '2', memory: '4Gi' }, limits: { memory: '4Gi' } } }],
        nodeSelector: o.nodeSelector ?? { 'eks.amazonaws.com/nodegroup': MANAGED_NODEGROUP },
        schedulerName: 'default-scheduler',
        serviceAccountName: 'default',
        tolerations: [
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
          { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ],
      },
      status: {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: since }],
        qosClass: 'Burstable',
      },
    };
  });
}

/** The ReplicaSet between the checkout pods and their Deployment. */
function checkoutReplicaSet() {
  return {
    metadata: {
      name: CHECKOUT.replicaSet,
      namespace: CHECKOUT.namespace,
      uid: CHECKOUT.replicaSetUid,
      resourceVersion: '129000',
      creationTimestamp: '2026-11-19T16:00:00Z',
      labels: { app: 'checkout', 'pod-template-hash': '5f7d9c8b6d' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: CHECKOUT.deployment, uid: CHECKOUT.deploymentUid, controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas: 10, selector: { matchLabels: { app: 'checkout', 'pod-template-hash': '5f7d9c8b6d' } } },
    status: { replicas: 10, readyReplicas: 6, availableReplicas: 6, observedGeneration: 3 },
  };
}

/**
 * An event as the scheduler's or the cluster-autoscaler's events.k8s.io recorder leaves it, read
 * through core/v1: eventTime and series set, no first/last timestamp, no count, `source: {}`.
 */
export function recorderEvent(s: Snapshot, o: { pod: KubePod; reason: string; type: 'Normal' | 'Warning'; note: string; controller: string; instance: string; minutesAgo: number; count?: number; firstMinutesAgo?: number }): KubeEvent {
  // Event names are the object's name and a hex timestamp; distinct reasons must not share one.
  const salt = [...o.reason].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 0xfffff, 7);
  const name = `${o.pod.metadata!.name}.187a3c1f2e${salt.toString(16).padStart(5, '0')}0`;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: o.pod.metadata!.namespace, uid: `5f5f5f5f-${o.reason.length.toString().padStart(4, '0')}-4000-8000-${name.slice(-12)}`, resourceVersion: '131000', creationTimestamp: minutesBefore(s, o.firstMinutesAgo ?? o.minutesAgo) },
    involvedObject: { kind: 'Pod', namespace: o.pod.metadata!.namespace, name: o.pod.metadata!.name, uid: o.pod.metadata!.uid, apiVersion: 'v1', resourceVersion: o.pod.metadata!.resourceVersion },
    reason: o.reason,
    message: o.note,
    source: {},
    type: o.type,
    eventTime: minutesBefore(s, o.firstMinutesAgo ?? o.minutesAgo).replace('Z', '.412345Z'),
    ...(o.count && o.count > 1 ? { series: { count: o.count, lastObservedTime: minutesBefore(s, o.minutesAgo).replace('Z', '.000001Z') } } : {}),
    action: o.reason === 'FailedScheduling' ? 'Scheduling' : 'ScaleUp',
    reportingComponent: o.controller,
    reportingInstance: o.instance,
  };
}

/** Puts the checkout pods Pending with their FailedScheduling events (and the ReplicaSet that leads to the Deployment). */
export function checkoutPending(s: Snapshot, count: number, message = insufficientCpuMessage(s), o: { nodeSelector?: Record<string, string> } = {}): KubePod[] {
  const pods = pendingCheckoutPods(s, count, message, o);
  s.kubernetes.problemPods = [...(s.kubernetes.problemPods ?? []), ...pods];
  s.kubernetes.replicaSets = [...(s.kubernetes.replicaSets ?? []), checkoutReplicaSet()];
  s.kubernetes.warningEvents = [
    ...(s.kubernetes.warningEvents ?? []),
    ...pods.map((pod) => recorderEvent(s, { pod, reason: 'FailedScheduling', type: 'Warning', note: message, controller: 'default-scheduler', instance: 'default-scheduler-ip-10-0-1-10.eu-west-1.compute.internal', minutesAgo: 1, firstMinutesAgo: 25, count: 14 })),
  ];
  return pods;
}

/**
 * The cluster-autoscaler's NotTriggerScaleUp for pods it cannot help (from memory of
 * cluster-autoscaler/processors/status/eventing_scale_up_processor.go: "pod didn't trigger
 * scale-up: " + the reasons per node group, "N max node group size reached").
 */
function notTriggered(s: Snapshot, pods: KubePod[], reasons: string): void {
  s.kubernetes.scalingEvents = [
    ...(s.kubernetes.scalingEvents ?? []),
    ...pods.map((pod) => recorderEvent(s, { pod, reason: 'NotTriggerScaleUp', type: 'Normal', note: `pod didn't trigger scale-up: ${reasons}`, controller: 'cluster-autoscaler', instance: 'cluster-autoscaler-7c9f8d6b5-x4k2m', minutesAgo: 1, firstMinutesAgo: 24, count: 48 })),
  ];
}

function setManagedGroup(s: Snapshot, change: (g: NonNullable<Snapshot['aws']['autoScalingGroups']>[number]) => void): void {
  const group = s.aws.autoScalingGroups?.find((g) => g.AutoScalingGroupName === MANAGED_ASG);
  if (group) change(group);
  const nodegroup = s.aws.nodegroups?.find((g) => g.nodegroupName === MANAGED_NODEGROUP);
  if (nodegroup?.scalingConfig && group) nodegroup.scalingConfig = { ...nodegroup.scalingConfig, maxSize: group.MaxSize, desiredSize: group.DesiredCapacity };
}

function refreshStatus(s: Snapshot, change: (groups: StatusGroup[]) => StatusGroup[] = (g) => g): void {
  if ((s.kubernetes.clusterAutoscalerStatus ?? []).length === 0) return;
  s.kubernetes.clusterAutoscalerStatus = [statusConfigMap(s.capturedAt, change(statusGroupsOf(s)))];
}

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
  s.kubernetes.apiGroups = servedApiGroups(['karpenter.sh', 'eks.amazonaws.com', ...VPC_CNI_CRD_GROUPS]);
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
  removeClusterAutoscaler(s);
}

/** No cluster-autoscaler: its Deployment (kube-system's, so both parts that list it) and its status gone. */
export function removeClusterAutoscaler(s: Snapshot): void {
  s.kubernetes.deployments = (s.kubernetes.deployments ?? []).filter((d) => d.metadata?.name !== 'cluster-autoscaler');
  s.kubernetes.clusterAutoscalers = [];
  s.kubernetes.clusterAutoscalerStatus = [];
}

export const faults = defineFaults([
  {
    name: 'checkout-pending-batch-node-unreachable',
    description:
      'Two shop/checkout pods pinned to the batch nodes of eu-west-1b are Pending: the only such node is unreachable (its instance was stopped), and the node lifecycle controller\'s node.kubernetes.io/unreachable:NoSchedule taint, which no pod tolerates, keeps them off it.',
    apply(s) {
      const selector = { 'node-role.example.com/batch': 'true', 'topology.kubernetes.io/zone': 'eu-west-1b' };
      const selects = (n: KubeNode) => Object.entries(selector).every(([k, v]) => n.metadata?.labels?.[k] === v);
      const unreachable = (n: KubeNode) => (n.spec?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoSchedule');
      const message = failedSchedulingMessage(s, { taintOf: (n) => (unreachable(n) ? { key: 'node.kubernetes.io/unreachable' } : undefined), selects });
      checkoutPending(s, 2, message, { nodeSelector: selector });
    },
  },
  {
    name: 'checkout-pending-general-full',
    description: 'Four shop/checkout pods (pinned to node group general, 2 CPUs each) are Pending: Insufficient cpu on its three nodes.',
    apply(s) {
      checkoutPending(s, 4);
    },
  },
  {
    name: 'checkout-pending-batch-full',
    description: 'Three shop/checkout pods pinned to the self-managed batch nodes (node-role.example.com/batch=true) are Pending: Insufficient cpu on both batch nodes.',
    apply(s) {
      const selector = { 'node-role.example.com/batch': 'true' };
      checkoutPending(s, 3, failedSchedulingMessage(s, { selects: (n) => n.metadata?.labels?.['node-role.example.com/batch'] === 'true' }), { nodeSelector: selector });
    },
  },
  {
    name: 'general-tainted-checkout-pending',
    description:
      'Node group general was given the taint dedicated=payments:NoSchedule (in its configuration, so its three nodes carry it), and the shop/checkout pods pinned to it have no toleration: four of them are Pending with "3 node(s) had untolerated taint {dedicated: payments}".',
    apply(s) {
      const nodegroup = s.aws.nodegroups?.find((g) => g.nodegroupName === MANAGED_NODEGROUP);
      if (nodegroup) nodegroup.taints = [{ key: 'dedicated', value: 'payments', effect: 'NO_SCHEDULE' }];
      const general = (n: KubeNode) => n.metadata?.labels?.['eks.amazonaws.com/nodegroup'] === MANAGED_NODEGROUP;
      for (const node of (s.kubernetes.nodes ?? []).filter(general)) node.spec = { ...node.spec, taints: [...(node.spec?.taints ?? []), { key: 'dedicated', value: 'payments', effect: 'NoSchedule' }] };
      checkoutPending(s, 4, failedSchedulingMessage(s, { taintOf: (n) => (general(n) ? { key: 'dedicated', value: 'payments' } : undefined) }));
    },
  },
  {
    name: 'checkout-pending-general-at-max',
    description: 'Four shop/checkout pods (pinned to node group general, 2 CPUs each) are Pending: Insufficient cpu; the general group is at its maximum (desired = max = 3) and the cluster-autoscaler says "max node group size reached".',
    apply(s) {
      setManagedGroup(s, (g) => (g.MaxSize = g.DesiredCapacity));
      refreshStatus(s);
      const pods = checkoutPending(s, 4);
      notTriggered(s, pods, `1 max node group size reached, 1 node(s) didn't match Pod's node affinity/selector`);
    },
  },
  {
    name: 'checkout-pending-no-autoscaler',
    description: 'Four shop/checkout pods are Pending for lack of CPU on node group general, which could grow (max 6), but no cluster-autoscaler runs.',
    apply(s) {
      removeClusterAutoscaler(s);
      checkoutPending(s, 4);
    },
  },
  {
    name: 'checkout-pending-autoscaler-scaled-to-zero',
    description: 'Four shop/checkout pods are Pending for lack of CPU; the cluster-autoscaler Deployment was scaled to 0 replicas.',
    apply(s) {
      for (const d of [...(s.kubernetes.deployments ?? []), ...(s.kubernetes.clusterAutoscalers ?? [])]) {
        if (d.metadata?.name !== 'cluster-autoscaler') continue;
        d.spec = { ...d.spec!, replicas: 0 };
        d.status = { observedGeneration: 2, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: '2026-11-20T02:40:00Z', lastTransitionTime: '2026-11-20T02:40:00Z' }] };
        d.metadata = { ...d.metadata, generation: 2 };
      }
      checkoutPending(s, 4);
    },
  },
  {
    name: 'checkout-pending-general-not-discovered',
    description: 'Four shop/checkout pods are Pending for lack of CPU; node group general could grow, but its Auto Scaling group lost the k8s.io/cluster-autoscaler/enabled tag the autoscaler discovers groups by.',
    apply(s) {
      setManagedGroup(s, (g) => (g.Tags = (g.Tags ?? []).filter((t) => t.Key !== 'k8s.io/cluster-autoscaler/enabled')));
      refreshStatus(s, () => []);
      checkoutPending(s, 4);
    },
  },
  {
    name: 'checkout-pending-scale-up-triggered',
    description: 'Four shop/checkout pods are Pending for lack of CPU, and the cluster-autoscaler triggered a scale-up of node group general two minutes ago: a busy cluster, not a sick one.',
    apply(s) {
      const pods = checkoutPending(s, 4);
      const group = s.aws.autoScalingGroups?.find((g) => g.AutoScalingGroupName === MANAGED_ASG);
      const current = group?.DesiredCapacity ?? 3;
      // From memory of cluster-autoscaler/core/scaleup/orchestrator executor: "pod triggered scale-up: [{GROUP CURRENT->NEW (max: MAX)}]".
      s.kubernetes.scalingEvents = [
        ...(s.kubernetes.scalingEvents ?? []),
        ...pods.map((pod) => recorderEvent(s, { pod, reason: 'TriggeredScaleUp', type: 'Normal', note: `pod triggered scale-up: [{${MANAGED_ASG} ${current}->${current + 2} (max: ${group?.MaxSize ?? 6})}]`, controller: 'cluster-autoscaler', instance: 'cluster-autoscaler-7c9f8d6b5-x4k2m', minutesAgo: 2 })),
      ];
      refreshStatus(s, (groups) => groups.map((g) => (g.name === MANAGED_ASG ? { ...g, scaleUp: 'InProgress' } : g)));
    },
  },
  {
    name: 'checkout-pending-no-autoscaler-none',
    description: 'No cluster-autoscaler is installed (and nothing is Pending).',
    apply: removeClusterAutoscaler,
  },
  {
    name: 'karpenter-only',
    description: 'Karpenter is the only autoscaler: no cluster-autoscaler runs.',
    apply: removeClusterAutoscaler,
  },
  {
    name: 'karpenter-nodeclass-subnets-not-ready',
    description: 'The Karpenter EC2NodeClass default resolves no subnet (its karpenter.sh/discovery selector matches none): SubnetsReady=False, Ready=False.',
    apply(s) {
      const nodeClass = s.kubernetes.ec2NodeClasses?.[0];
      if (!nodeClass?.status) return;
      nodeClass.status.subnets = [];
      // From memory of karpenter-provider-aws pkg/controllers/nodeclass/status/subnet.go: reason SubnetsNotFound, message "SubnetSelector did not match any Subnets".
      nodeClass.status.conditions = (nodeClass.status.conditions ?? []).map((c) =>
        c.type === 'SubnetsReady' ? { ...c, status: 'False', reason: 'SubnetsNotFound', message: 'SubnetSelector did not match any Subnets', lastTransitionTime: minutesBefore(s, 50) } : c.type === 'Ready' ? { ...c, status: 'False', reason: 'UnhealthyDependents', message: 'SubnetsReady=False', lastTransitionTime: minutesBefore(s, 50) } : c,
      );
    },
  },
  {
    name: 'checkout-pending-for-karpenter',
    description: 'Four shop/checkout pods (no nodeSelector) are Pending for lack of CPU; Karpenter\'s NodePool default would take them.',
    apply(s) {
      checkoutPendingForKarpenter(s);
    },
  },
  {
    name: 'karpenter-spot-quota-exhausted',
    description:
      "The account runs 256 Spot Standard vCPUs, all its quota: Karpenter's NodeClaim for four Pending shop/checkout pods fails to launch with MaxSpotInstanceCountExceeded, and it keeps trying.",
    apply(s) {
      checkoutPendingForKarpenter(s);
      for (const set of [setVcpuQuota, setVcpuUsage]) set(s, 'L-34B43A08', 256);
      // From memory of karpenter's pkg/controllers/nodeclaim/lifecycle/launch.go (Launched=False, reason LaunchFailed, the cloud provider's error) and karpenter-provider-aws's instance provider ("creating instance, with fleet error(s), CODE: MESSAGE").
      s.kubernetes.nodeClaims = [
        nodeClaim(s, 'default-q7m2x', { minutesAgo: 6, launched: { status: 'False', reason: 'LaunchFailed', message: 'creating instance, with fleet error(s), MaxSpotInstanceCountExceeded: Max spot instance count exceeded' } }),
      ];
    },
  },
  {
    name: 'karpenter-nodepool-at-limits',
    description:
      "Karpenter's NodePool default runs 100 of its limits.cpu 100: four shop/checkout pods are Pending for lack of CPU and Karpenter says all available instance types exceed the NodePool's limits.",
    apply(s) {
      const pool = s.kubernetes.nodePools![0]!;
      pool.status = { ...pool.status, resources: { ...pool.status?.resources, cpu: '100', memory: '392Gi', nodes: '13' } };
      const pods = checkoutPendingForKarpenter(s);
      // From memory of karpenter's pkg/controllers/provisioning/scheduling: PodFailedToScheduleEvent ("Failed to schedule pod, " + the error) and "all available instance types exceed limits for nodepool: %q".
      s.kubernetes.warningEvents = [
        ...(s.kubernetes.warningEvents ?? []),
        ...pods.map((pod) => recorderEvent(s, { pod, reason: 'FailedScheduling', type: 'Warning', note: 'Failed to schedule pod, all available instance types exceed limits for nodepool: "default"', controller: 'karpenter', instance: 'karpenter-6d8f7c9b5-abcde', minutesAgo: 2, firstMinutesAgo: 20, count: 9 })),
      ];
    },
  },
  {
    name: 'karpenter-nodeclaim-launch-unauthorized',
    description:
      "Karpenter's controller role may not pass the node role to EC2: the NodeClaim for four Pending shop/checkout pods reports Launched=False with UnauthorizedOperation on iam:PassRole.",
    apply(s) {
      checkoutPendingForKarpenter(s);
      // From memory of karpenter's launch.go and karpenter-provider-aws's fleet errors, as above.
      s.kubernetes.nodeClaims = [
        nodeClaim(s, 'default-w4k9t', {
          minutesAgo: 12,
          launched: {
            status: 'False',
            reason: 'LaunchFailed',
            message: `creating instance, with fleet error(s), UnauthorizedOperation: You are not authorized to perform this operation. User: arn:aws:sts::111122223333:assumed-role/KarpenterControllerRole-shop-prod/1763612345678901234 is not authorized to perform: iam:PassRole on resource: ${KARPENTER_ROLE_ARN} because no identity-based policy allows the iam:PassRole action`,
          },
        }),
      ];
    },
  },
  {
    name: 'karpenter-nodeclaim-launching',
    description: "Four shop/checkout pods for Karpenter's NodePool default are Pending for lack of CPU, and Karpenter created a NodeClaim for them two minutes ago that is launching: a busy cluster, not a sick one.",
    apply(s) {
      checkoutPendingForKarpenter(s);
      // A NodeClaim Karpenter has just created: its lifecycle controller has not set Launched yet (from memory of karpenter's pkg/apis/v1/nodeclaim_status.go and the status conditions library's "AwaitingReconciliation").
      s.kubernetes.nodeClaims = [nodeClaim(s, 'default-h5n8r', { minutesAgo: 2, launched: { status: 'Unknown', reason: 'AwaitingReconciliation', message: 'object is awaiting reconciliation' } })];
    },
  },
  {
    name: 'karpenter-insufficient-capacity',
    description:
      "Karpenter's NodePool default may launch only c7i.2xlarge as Spot in eu-west-1a for the four Pending shop/checkout pods, and EC2 has none: three launches in the last 20 minutes failed with InsufficientCapacityError, each NodeClaim deleted.",
    apply(s) {
      const pool = s.kubernetes.nodePools![0]!;
      pool.spec!.template!.spec!.requirements = [
        { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['c7i.2xlarge'] },
        { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot'] },
        { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a'] },
      ];
      checkoutPendingForKarpenter(s);
      // From memory of karpenter's lifecycle events.go (InsufficientCapacityErrorEvent: "NodeClaim %s event: %s") and karpenter-provider-aws's fleet errors.
      const ice = (name: string, minutes: number) =>
        warningEvent(s, { involved: { kind: 'NodeClaim', name }, reason: 'InsufficientCapacityError', message: `NodeClaim ${name} event: creating instance, insufficient capacity, with fleet error(s), InsufficientInstanceCapacity: We currently do not have sufficient c7i.2xlarge capacity in the Availability Zone you requested (eu-west-1a). Our system will be working on provisioning additional capacity.`, source: { component: 'karpenter' }, count: 1, minutes });
      s.kubernetes.warningEvents = [...(s.kubernetes.warningEvents ?? []), ice('default-b8x2k', 19), ice('default-c4v7m', 11), ice('default-d2q9n', 3)];
    },
  },
  {
    name: 'auto-mode-enabled',
    description: 'EKS Auto Mode is on: its general-purpose and system NodePools and default NodeClass are served; no cluster-autoscaler, no self-managed Karpenter.',
    apply: enableAutoMode,
  },
]);

/** Four shop/checkout pods pinned to Karpenter's NodePool default, Pending for lack of CPU on its node. */
function checkoutPendingForKarpenter(s: Snapshot): KubePod[] {
  const onPool = (n: KubeNode) => n.metadata?.labels?.['karpenter.sh/nodepool'] === 'default';
  return checkoutPending(s, 4, failedSchedulingMessage(s, { selects: onPool }), { nodeSelector: { 'karpenter.sh/nodepool': 'default' } });
}

/** A NodeClaim of NodePool default as karpenter.sh/v1 serves it, created `minutesAgo` and not launched. */
function nodeClaim(s: Snapshot, name: string, o: { minutesAgo: number; launched: { status: string; reason: string; message: string } }): NodeClaim {
  const at = minutesBefore(s, o.minutesAgo);
  const labels = { 'karpenter.sh/nodepool': 'default', 'karpenter.k8s.aws/ec2nodeclass': 'default', 'kubernetes.io/arch': 'amd64', 'karpenter.sh/capacity-type': 'spot' };
  const annotations = { 'karpenter.sh/nodepool-hash': '6821555240594823858', 'karpenter.sh/nodepool-hash-version': 'v3' };
  const ownerReferences = [{ apiVersion: 'karpenter.sh/v1', kind: 'NodePool', name: 'default', uid: '4d4d4d4d-0000-4000-8000-00000default' }];
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodeClaim',
    metadata: { name, uid: `6c6c6c6c-0000-4000-8000-${name.slice(-5).padStart(12, '0')}`, generation: 1, creationTimestamp: at, labels, annotations, ownerReferences },
    spec: {
      nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' },
      requirements: [
        { key: 'karpenter.sh/nodepool', operator: 'In', values: ['default'] },
        { key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['c', 'm', 'r'] },
      ],
      resources: { requests: { cpu: '8210m', memory: '16824Mi', pods: '6' } },
    },
    status: {
      conditions: [
        { type: 'Launched', ...o.launched, lastTransitionTime: at, observedGeneration: 1 },
        { type: 'Registered', status: 'Unknown', reason: 'AwaitingReconciliation', message: 'object is awaiting reconciliation', lastTransitionTime: at, observedGeneration: 1 },
        { type: 'Initialized', status: 'Unknown', reason: 'AwaitingReconciliation', message: 'object is awaiting reconciliation', lastTransitionTime: at, observedGeneration: 1 },
        { type: 'Ready', status: 'False', reason: 'UnhealthyDependents', message: 'Launched=False, Registered=Unknown, Initialized=Unknown', lastTransitionTime: at, observedGeneration: 1 },
      ],
    },
  };
}

/** Applies these faults of this file, in order. */
export function applySchedulingFaults(s: Snapshot, ...names: string[]): void {
  for (const name of names) {
    const fault = faults.find((f) => f.name === name);
    if (!fault) throw new Error(`no scheduling fault named ${name}`);
    fault.apply(s);
  }
}
