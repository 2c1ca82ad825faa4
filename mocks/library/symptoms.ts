import { defineScenarios } from '../scenario/fault.js';

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
]);
