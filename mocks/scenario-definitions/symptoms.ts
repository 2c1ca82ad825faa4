import { defineScenarios } from '../scenario-builder/fault.js';

/** Symptoms with their causes: NotReady nodes, EKS health issues, pods without IPs, pending load balancers. */
export const scenarios = defineScenarios([
  {
    name: 'nodes-notready-aws-node-crashloop',
    description:
      'Two nodes of the managed node group general are NotReady: aws-node (VPC CNI) is in CrashLoopBackOff on them, so the CNI never initialises; EKS reports the vpc-cni add-on DEGRADED. One cause explains the NotReady nodes and the add-on.',
    faults: ['general-aws-node-crashloop'],
    expectedRootCauses: ['node-conditions/cni-not-running'],
  },
  {
    name: 'nodes-notready-kube-proxy-image',
    description:
      'Both batch nodes are NotReady: kube-proxy cannot pull its image (a mistyped tag), so aws-node there cannot reach the API server through the kubernetes Service and the CNI never initialises. kube-proxy is named as the cause, not the aws-node it starves.',
    faults: ['batch-kube-proxy-image-pull'],
    expectedRootCauses: ['node-conditions/kube-proxy-not-running'],
  },
  {
    name: 'node-instance-stopped',
    description: 'A batch node is NotReady with every condition Unknown ("Kubelet stopped posting node status."): its EC2 instance was stopped by a user.',
    faults: ['batch-instance-stopped'],
    expectedRootCauses: ['node-conditions/instance-not-running'],
  },
  {
    name: 'subnet-exhausted-pods-and-nodegroup',
    description:
      'The private subnet in eu-west-1b has no free addresses: four checkout pods on the general node there are stuck without an IP, and EKS reports InsufficientFreeAddresses on the node group. One cause, two symptoms at different levels.',
    faults: ['subnet-b-exhausted', 'general-pods-without-ip-in-subnet-b', 'general-health-insufficient-free-addresses'],
    expectedRootCauses: ['subnets/subnet-exhausted'],
  },
  {
    name: 'cni-crash-and-subnet-exhausted',
    description:
      'Two faults at once: aws-node crashes on two general nodes (NotReady, vpc-cni DEGRADED) while the eu-west-1b private subnet is exhausted (node group InsufficientFreeAddresses). Each cause explains its own symptoms; the CNI crash explains more and ranks first.',
    faults: ['general-aws-node-crashloop', 'subnet-b-exhausted', 'general-health-insufficient-free-addresses'],
    expectedRootCauses: ['node-conditions/cni-not-running', 'subnets/subnet-exhausted'],
  },
  {
    name: 'lb-pending-no-elb-subnets',
    description:
      'A new internet-facing NLB Service shop/promo has had no address for 40 minutes: the kubernetes.io/role/elb tag was removed from every public subnet, and the AWS Load Balancer Controller reports it cannot resolve a subnet.',
    faults: ['public-subnets-lose-elb-tag', 'promo-lb-pending-no-subnet'],
    expectedRootCauses: ['load-balancers/no-subnets-for-scheme'],
    expectedFindings: [{ id: 'subnets/elb-tag-missing', severity: 'warning' }], // the same missing tag, seen from the subnets
  },
  {
    name: 'kube-proxy-broken-and-lb-pending',
    description:
      'Two unrelated faults at once: kube-proxy cannot pull its image on the batch nodes (both NotReady), and shop/promo waits for a load balancer because no public subnet is tagged for it. Two root causes, each with its own symptoms.',
    faults: ['batch-kube-proxy-image-pull', 'public-subnets-lose-elb-tag', 'promo-lb-pending-no-subnet'],
    expectedRootCauses: ['node-conditions/kube-proxy-not-running', 'load-balancers/no-subnets-for-scheme'],
    expectedFindings: [{ id: 'subnets/elb-tag-missing', severity: 'warning' }], // the same missing tag, seen from the subnets
  },
]);
