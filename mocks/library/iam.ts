import { defineScenarios } from '../scenario/fault.js';

export const scenarios = defineScenarios([
  {
    name: 'cni-policy-missing-everywhere',
    description:
      'AmazonEKS_CNI_Policy is on no node role and aws-node has no role of its own: the VPC CNI cannot call EC2, aws-node crash-loops on every node and every EC2 Node is NotReady with "cni plugin not initialized".',
    faults: ['node-roles-cni-policy-detached'],
    expectedRootCauses: ['node-iam-role/cni-policy-missing'],
  },
  {
    name: 'oidc-provider-deleted-vpc-cni-irsa',
    description:
      "The VPC CNI uses an IRSA role, and the cluster's IAM OIDC provider was deleted: aws-node cannot exchange its token (InvalidIdentityToken), crash-loops, and the EC2 Nodes go NotReady.",
    faults: ['vpc-cni-irsa-oidc-provider-deleted'],
    expectedRootCauses: ['irsa-pod-identity/oidc-provider-missing'],
  },
  {
    name: 'vpc-cni-addon-incompatible',
    description: 'After the control plane upgrade to 1.35 the managed vpc-cni add-on was left at v1.16.0, unsupported on 1.35: aws-node crash-loops on every node.',
    faults: ['vpc-cni-addon-version-incompatible'],
    expectedRootCauses: ['addon-versions/managed-addon-incompatible'],
  },
  {
    name: 'cni-policy-missing-and-kube-proxy-too-old',
    description:
      'Two faults at once: no node role has AmazonEKS_CNI_Policy (aws-node crash-loops, Nodes NotReady), and kube-proxy was left at v1.31 on a 1.35 control plane (kube-proxy crash-loops). Each has its own symptom and its own root cause.',
    faults: ['node-roles-cni-policy-detached', 'kube-proxy-left-at-1-31'],
    // kube-proxy down takes aws-node with it on every node, so it reaches more symptoms and ranks first.
    expectedRootCauses: ['version-skew/kube-proxy-too-old', 'node-iam-role/cni-policy-missing'],
  },
]);
