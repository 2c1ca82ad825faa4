import { defineScenarios } from '../scenario-builder/fault.js';

/** Pending pods and the one cause that must rank above them, as a scenario. */
function pendingBehind(name: string, faults: string[], cause: string, description: string) {
  return { name, description, faults, expectedRootCauses: [cause] };
}

/** Pods that cannot be scheduled, traced to their causes; and busy-but-healthy clusters that must stay clean. */
export const scenarios = defineScenarios([
  {
    name: 'pending-pods-group-at-max',
    description:
      'Four shop/checkout pods have been Pending for 25 minutes: they may run only on node group general (nodeSelector), which has no CPU left and is at its maximum size (desired = max = 3); the cluster-autoscaler says "max node group size reached". The full group is the root cause of the Pending Deployment.',
    faults: ['checkout-pending-general-at-max'],
    expectedRootCauses: ['scheduling-capacity/capacity-at-maximum'],
  },
  {
    name: 'pending-pods-no-autoscaler',
    description: 'Four shop/checkout pods are Pending for lack of CPU on node group general, which could grow to 6 nodes, but no cluster-autoscaler is installed: nothing raises the group\'s desired capacity.',
    faults: ['checkout-pending-no-autoscaler'],
    expectedRootCauses: ['scheduling-capacity/no-autoscaler'],
  },
  {
    name: 'pending-pods-autoscaler-scaled-down',
    description: 'Four shop/checkout pods are Pending for lack of CPU; the cluster-autoscaler Deployment was scaled to 0 replicas, so no scale-up is ever triggered.',
    faults: ['checkout-pending-autoscaler-scaled-to-zero'],
    expectedRootCauses: ['scheduling-capacity/autoscaler-not-running'],
  },
  {
    name: 'pending-pods-group-not-discovered',
    description: 'Four shop/checkout pods are Pending for lack of CPU; node group general could grow, but its Auto Scaling group lost the k8s.io/cluster-autoscaler/enabled tag, so the cluster-autoscaler\'s --node-group-auto-discovery no longer finds it.',
    faults: ['checkout-pending-general-not-discovered'],
    expectedRootCauses: ['scheduling-capacity/autoscaler-cannot-discover'],
  },
  {
    name: 'pending-pods-scale-up-in-progress',
    description: 'Four shop/checkout pods are Pending for lack of CPU, and the cluster-autoscaler triggered a scale-up of node group general two minutes ago. A busy cluster is not a sick one: info only.',
    faults: ['checkout-pending-scale-up-triggered'],
    expectedRootCauses: [],
  },
  {
    name: 'karpenter-only-healthy',
    description: 'Karpenter is the only autoscaler (no cluster-autoscaler); nothing is Pending. Nothing to report about scheduling.',
    faults: ['karpenter-only'],
    expectedRootCauses: [],
  },
  {
    name: 'no-autoscaler-nothing-pending',
    description: 'No cluster-autoscaler runs, and nothing is Pending: a cluster sized by hand is not a finding.',
    faults: ['checkout-pending-no-autoscaler-none'],
    expectedRootCauses: [],
  },
  {
    name: 'karpenter-nodeclass-no-subnets',
    description: 'Karpenter-only cluster: the EC2NodeClass default matches no subnet (SubnetsReady=False), and four shop/checkout pods for NodePool default are Pending for lack of CPU. The node class is the root cause.',
    faults: ['karpenter-only', 'karpenter-nodeclass-subnets-not-ready', 'checkout-pending-for-karpenter'],
    expectedRootCauses: ['scheduling-capacity/node-class-not-ready'],
  },
  {
    name: 'auto-mode-healthy',
    description: 'EKS Auto Mode runs the cluster\'s capacity (its general-purpose and system NodePools, NodeClass default ready); nothing is Pending. Nothing to report about scheduling.',
    faults: ['auto-mode-enabled'],
    expectedRootCauses: [],
  },
  pendingBehind('pending-pods-untolerated-taint', ['general-tainted-checkout-pending'], 'node-taints/untolerated-taint', 'Node group general was given the taint dedicated=payments:NoSchedule, and the shop/checkout pods pinned to it do not tolerate it: four are Pending. The taint, named with its node group and nodes, is the root cause, with a toleration for the Deployment or the taint\'s removal from the node group as the fix.'),
  pendingBehind('pending-pods-node-unreachable', ['batch-instance-stopped', 'checkout-pending-batch-node-unreachable'], 'node-conditions/instance-not-running', 'The batch instance in eu-west-1b was stopped: its Node is NotReady and tainted node.kubernetes.io/unreachable, and the two shop/checkout pods pinned to it stay Pending. The stopped instance is the root cause, above the NotReady node and the Pending pods.'),
  pendingBehind('pending-pods-vcpu-quota', ['batch-launches-vcpu-quota', 'checkout-pending-batch-full'], 'quota-headroom/vcpu-quota-exhausted', 'Three shop/checkout pods pinned to the batch nodes are Pending for lack of CPU; the batch group was scaled from 2 to 4 for them, but every launch fails because the account is at its On-Demand vCPU quota. The quota ranks first, with the group\'s shortfall and the Pending pods under it.'),
  pendingBehind('pending-pods-insufficient-capacity', ['general-launches-insufficient-capacity', 'checkout-pending-general-full'], 'node-registration/launch-capacity-unavailable', 'Four shop/checkout pods pinned to node group general are Pending for lack of CPU; the group was scaled from 3 to 5 for them, but EC2 has no m6i.xlarge capacity in any of its zones. The launch failure ranks first, with the group\'s shortfall and the Pending pods under it.'),
  pendingBehind('karpenter-nodepool-at-limits', ['karpenter-only', 'karpenter-nodepool-at-limits'], 'scheduling-capacity/capacity-at-maximum', "Karpenter-only cluster: the NodePool default runs 100 vCPUs, its limits.cpu, and four shop/checkout pods for it are Pending for lack of CPU (Karpenter: all available instance types exceed limits for nodepool \"default\"). The full NodePool is the root cause."),
  pendingBehind('karpenter-nodeclaim-unauthorized', ['karpenter-only', 'karpenter-nodeclaim-launch-unauthorized'], 'scheduling-capacity/node-claim-launch-failed', "Karpenter-only cluster: the NodeClaim for four Pending shop/checkout pods reports Launched=False, UnauthorizedOperation: the Karpenter controller's role may not pass the node role (iam:PassRole). The failing NodeClaim is the root cause."),
  pendingBehind('karpenter-spot-quota-exhausted', ['karpenter-only', 'karpenter-spot-quota-exhausted'], 'quota-headroom/vcpu-quota-exhausted', "Karpenter-only cluster: the account runs all 256 of its Spot Standard vCPUs, so the NodeClaim for four Pending shop/checkout pods fails with MaxSpotInstanceCountExceeded. The quota ranks first, above the NodeClaim's failure and the Pending pods."),
  pendingBehind('karpenter-insufficient-capacity', ['karpenter-only', 'karpenter-insufficient-capacity'], 'scheduling-capacity/node-claim-capacity-unavailable', "Karpenter-only cluster: NodePool default allows only c7i.2xlarge Spot in eu-west-1a, and EC2 has none: three NodeClaims for four Pending shop/checkout pods failed with InsufficientCapacityError in the last 20 minutes. The NodePool's narrow requirements meeting no capacity are the root cause."),
  {
    name: 'karpenter-scale-up-in-progress',
    description: "Karpenter-only cluster: four shop/checkout pods are Pending for lack of CPU, and the NodeClaim Karpenter created for them two minutes ago is launching. A busy cluster is not a sick one: info only.",
    faults: ['karpenter-only', 'karpenter-nodeclaim-launching'],
    expectedRootCauses: [],
  },
]);
