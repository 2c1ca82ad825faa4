import { defineScenarios } from '../scenario-builder/fault.js';

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
    // The same kube-proxy, judged against the add-on's default version.
    expectedFindings: [{ id: 'addon-versions/managed-addon-behind-default', severity: 'warning' }],
  },
  {
    name: 'node-role-worker-policy-missing',
    description:
      'AmazonEKSWorkerNodePolicy was detached from shop-prod-node-role, the role of managed node group general: an instance launched 40 minutes ago never registered as a Node and the node group reports NodeCreationFailure.',
    faults: ['general-node-role-worker-policy-detached'],
    expectedRootCauses: ['node-iam-role/worker-node-policy-missing'],
  },
  {
    name: 'ebs-csi-irsa-trust-mismatch',
    description:
      "The IRSA role of the EBS CSI driver (shop-prod-ebs-csi) trusts system:serviceaccount:kube-system:ebs-csi-controller, but the controller runs as ebs-csi-controller-sa: it gets AccessDenied from sts:AssumeRoleWithWebIdentity, crash-loops, and the aws-ebs-csi-driver add-on is DEGRADED.",
    faults: ['ebs-csi-irsa-trust-subject-mismatch'],
    expectedRootCauses: ['irsa-pod-identity/irsa-trust-subject-mismatch'],
  },
  {
    name: 'kubelet-too-old',
    description:
      'The self-managed batch group still launches the Kubernetes 1.31 AMI on a 1.35 control plane: its kubelets are four minor versions behind, more than the skew policy allows, and both batch Nodes are NotReady.',
    faults: ['batch-kubelet-left-at-1-31'],
    expectedRootCauses: ['version-skew/kubelet-too-old'],
    // EKS's own upgrade insight sees the same skew.
    expectedFindings: [{ id: 'eks-insights/insight-error', severity: 'warning' }],
  },
  {
    name: 'cluster-past-standard-support',
    description:
      'Nothing is broken today, but the cluster is still on Kubernetes 1.33, whose standard support ended on 2026-07-29 (as DescribeClusterVersions reports): it runs in extended support, billed per cluster hour, and EKS will upgrade it automatically on 2027-07-29.',
    faults: ['cluster-left-on-1-33'],
    expectedRootCauses: [],
    expectedFindings: [{ id: 'version-skew/past-standard-support', severity: 'warning' }],
  },
  {
    name: 'ebs-csi-pod-identity-trust-missing',
    description:
      "The EBS CSI driver was moved from IRSA to EKS Pod Identity, but its role shop-prod-ebs-csi still trusts only the cluster's OIDC provider, not pods.eks.amazonaws.com: the controller gets no credentials, crash-loops, and the aws-ebs-csi-driver add-on is DEGRADED.",
    faults: ['ebs-csi-pod-identity-role-keeps-irsa-trust'],
    expectedRootCauses: ['irsa-pod-identity/pod-identity-trust-invalid'],
  },
  {
    name: 'access-entry-principal-deleted',
    description:
      'Nothing is broken, but an EC2_LINUX access entry still names shop-prod-gpu-node, a node role deleted with the retired gpu node group: the entry grants nothing and should be deleted (a re-created role of that name would not inherit it).',
    faults: ['gpu-node-role-deleted-access-entry-left'],
    expectedRootCauses: [],
    expectedFindings: [{ id: 'access-entries/principal-not-found', severity: 'warning' }],
  },
  {
    name: 'vpc-cni-irsa-trusts-old-cluster',
    description:
      "aws-node's IRSA role shop-prod-vpc-cni still trusts the OIDC provider of the cluster this one replaced: the VPC CNI gets no credentials, aws-node crash-loops on every node, and every EC2 Node is NotReady with \"cni plugin not initialized\".",
    faults: ['vpc-cni-irsa-trusts-old-cluster'],
    expectedRootCauses: ['irsa-pod-identity/irsa-trust-wrong-provider'],
  },
  {
    name: 'node-role-trust-missing-ec2',
    description:
      "shop-prod-node-role, the role of managed node group general, trusts eks.amazonaws.com instead of ec2.amazonaws.com: a new instance gets no credentials, never registers as a Node, and the node group reports NodeCreationFailure.",
    faults: ['general-node-role-trusts-eks-not-ec2'],
    expectedRootCauses: ['node-iam-role/trust-policy-missing-ec2'],
  },
  {
    name: 'pod-identity-agent-missing',
    description:
      'billing/billing-api gets its AWS role through a Pod Identity association, but the eks-pod-identity-agent add-on was deleted: its pods get no credentials.',
    faults: ['pod-identity-agent-removed'],
    expectedRootCauses: [],
    // Its pods are not among what eks-doctor reads (only kube-system's), so no symptom is shown.
    expectedFindings: [{ id: 'irsa-pod-identity/pod-identity-agent-missing', severity: 'critical' }],
  },
  {
    name: 'cluster-standard-support-ending',
    description:
      'Nothing is broken today, but the cluster runs Kubernetes 1.34, whose standard support ends on 2026-12-02 (as DescribeClusterVersions reports), twelve days after this snapshot: too little time to test and roll out an upgrade.',
    faults: ['cluster-left-on-1-34'],
    expectedRootCauses: [],
    expectedFindings: [{ id: 'version-skew/standard-support-ending', severity: 'warning' }],
  },
  {
    name: 'node-role-ecr-pull-policy-missing',
    description:
      'shop-prod-node-role, the role of managed node group general, lost AmazonEC2ContainerRegistryReadOnly: a replacement node cannot pull the aws-node image from Amazon ECR (401), stays NotReady with "cni plugin not initialized", and the node group reports NodeCreationFailure.',
    faults: ['general-node-role-ecr-policy-detached'],
    expectedRootCauses: ['node-iam-role/ecr-pull-policy-missing'],
  },
  {
    name: 'ebs-csi-irsa-role-deleted',
    description:
      "The EBS CSI driver's IRSA role shop-prod-ebs-csi was deleted while kube-system/ebs-csi-controller-sa still names it: the controller gets no credentials, crash-loops, and the aws-ebs-csi-driver add-on is DEGRADED.",
    faults: ['ebs-csi-irsa-role-deleted'],
    expectedRootCauses: ['irsa-pod-identity/irsa-role-not-found'],
  },
  {
    name: 'karpenter-access-entry-type-ec2',
    description:
      "The Karpenter node role's access entry has type EC2, which only EKS Auto Mode node roles use; this cluster has no Auto Mode, so the Karpenter node's kubelet is refused (NotReady) and the instance Karpenter launched never registers as a Node.",
    faults: ['karpenter-access-entry-type-ec2'],
    // aws-auth reports a node role's entry of the wrong type; access-entries stays silent rather than give a second root cause.
    expectedRootCauses: ['aws-auth/access-entry-wrong-type'],
  },
  {
    name: 'ebs-csi-irsa-wrong-audience',
    description:
      "The EBS CSI driver's IRSA role expects the audience sts.amazonaws.com.cn (an AWS China example) instead of sts.amazonaws.com: the controller gets no credentials, crash-loops, and the aws-ebs-csi-driver add-on is DEGRADED.",
    faults: ['ebs-csi-irsa-trust-wrong-audience'],
    expectedRootCauses: ['irsa-pod-identity/irsa-trust-audience-mismatch'],
  },
  {
    name: 'ebs-csi-pod-identity-role-not-found',
    description:
      "The EBS CSI driver's Pod Identity association names shop-prod-ebs-csi-driver, a role that does not exist: the controller gets no credentials, crash-loops, and the aws-ebs-csi-driver add-on is DEGRADED.",
    faults: ['ebs-csi-pod-identity-role-misspelt'],
    expectedRootCauses: ['irsa-pod-identity/pod-identity-role-not-found'],
  },
  {
    name: 'batch-instance-profile-without-role',
    description:
      'The role was removed from shop-prod-batch-profile, the instance profile of the self-managed batch group: a new batch instance has no AWS credentials, its kubelet cannot authenticate, and it never registered as a Node.',
    faults: ['batch-profile-role-removed'],
    expectedRootCauses: ['node-iam-role/instance-profile-without-role'],
  },
]);
