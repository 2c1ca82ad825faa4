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
    name: 'node-role-missing-worker-policy',
    description:
      'AmazonEKSWorkerNodePolicy was detached from the node role of managed node group general: a new instance has been running for 40 minutes without registering, and the node group reports NodeCreationFailure.',
    faults: ['general-node-role-worker-policy-detached'],
    expectedRootCauses: ['node-iam-role/worker-node-policy-missing'],
  },
  {
    name: 'worker-policy-and-cni-policy-missing',
    description:
      'Two IAM faults at once: the node role of node group general lost AmazonEKSWorkerNodePolicy (a new instance never joins), and no node role has AmazonEKS_CNI_Policy (aws-node crash-loops, Nodes NotReady).',
    faults: ['general-node-role-worker-policy-detached', 'node-roles-cni-policy-detached'],
    expectedRootCauses: ['node-iam-role/worker-node-policy-missing', 'node-iam-role/cni-policy-missing'],
  },
]);
