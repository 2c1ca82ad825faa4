/**
 * Names Amazon EKS and IAM define, written once for the collectors (src/collect) and the checks
 * (diagnostics/): access entry types, the IRSA annotation, the Pod Identity service principal and
 * the AWS managed policies a node role carries.
 */

/**
 * Access entry types that make the principal a node (eks:CreateAccessEntry --type; from the EKS
 * user guide "Create access entries"). Entries of these types get the node's Kubernetes groups and
 * cannot carry access policies; every other type (STANDARD) is for people and tools.
 */
export const NODE_ACCESS_ENTRY_TYPES: Readonly<Record<'ec2' | 'hybrid' | 'autoMode' | 'fargate' | 'hyperPod', readonly string[]>> = {
  /** Self-managed and managed EC2 nodes. */
  ec2: ['EC2_LINUX', 'EC2_WINDOWS'],
  /** Hybrid nodes (on-premises machines joined through SSM or IAM Roles Anywhere). */
  hybrid: ['HYBRID_LINUX'],
  /** EKS Auto Mode's node role only; elsewhere it does not place the role in the node groups. */
  autoMode: ['EC2'],
  /** Fargate pod execution roles. */
  fargate: ['FARGATE_LINUX'],
  /** SageMaker HyperPod nodes. */
  hyperPod: ['HYPERPOD_LINUX'],
};

const NODE_TYPES: ReadonlySet<string> = new Set(Object.values(NODE_ACCESS_ENTRY_TYPES).flat());

/** Whether an access entry of this type makes its principal a node. */
export function isNodeAccessEntryType(type: string | undefined): boolean {
  return type !== undefined && NODE_TYPES.has(type);
}

/** The ServiceAccount annotation that binds its pods to an IAM role (IRSA). */
export const IRSA_ROLE_ANNOTATION = 'eks.amazonaws.com/role-arn';

/** The service principal EKS Pod Identity assumes roles as (with sts:AssumeRole and sts:TagSession). */
export const POD_IDENTITY_SERVICE_PRINCIPAL = 'pods.eks.amazonaws.com';

/**
 * AWS managed policies a node role needs (EKS user guide "Amazon EKS node IAM role"): any one of
 * each list grants what the kubelet, the image pulls and the VPC CNI need.
 */
export const NODE_ROLE_POLICIES: Readonly<Record<'workerNode' | 'ecrPull' | 'cni', readonly string[]>> = {
  /** The kubelet describes its instance and the VPC; the minimal policy is the Auto Mode / least-privilege variant. */
  workerNode: ['AmazonEKSWorkerNodePolicy', 'AmazonEKSWorkerNodeMinimalPolicy'],
  /** The pause, aws-node and kube-proxy images come from Amazon ECR. */
  ecrPull: ['AmazonEC2ContainerRegistryReadOnly', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonEC2ContainerRegistryPowerUser', 'AmazonEC2ContainerRegistryFullAccess'],
  /** On the node role, or on the aws-node service account's own role. */
  cni: ['AmazonEKS_CNI_Policy'],
};

/** The policy of each kind a fix attaches to a node role that lacks it (AWS's recommendation today). */
export const RECOMMENDED_NODE_ROLE_POLICY = {
  workerNode: 'AmazonEKSWorkerNodePolicy',
  ecrPull: 'AmazonEC2ContainerRegistryPullOnly',
  cni: 'AmazonEKS_CNI_Policy',
} as const satisfies Record<keyof typeof NODE_ROLE_POLICIES, string>;

/** What a new node role gets attached: one policy of each kind. */
export const NODE_ROLE_POLICIES_TO_ATTACH = [RECOMMENDED_NODE_ROLE_POLICY.workerNode, RECOMMENDED_NODE_ROLE_POLICY.ecrPull, RECOMMENDED_NODE_ROLE_POLICY.cni];

/** `arn:aws:iam::aws:policy/NAME`, in the cluster's partition. */
export function managedPolicyArn(name: string, partition = 'aws'): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/** The kube-system workloads each common add-on runs, and a selector for its pods. */
export const ADDON_WORKLOADS: Readonly<Record<string, { daemonSets?: string[]; deployments?: string[]; podSelector: string }>> = {
  'vpc-cni': { daemonSets: ['aws-node'], podSelector: 'k8s-app=aws-node' },
  'kube-proxy': { daemonSets: ['kube-proxy'], podSelector: 'k8s-app=kube-proxy' },
  coredns: { deployments: ['coredns'], podSelector: 'k8s-app=kube-dns' },
  'eks-pod-identity-agent': { daemonSets: ['eks-pod-identity-agent'], podSelector: 'app.kubernetes.io/name=eks-pod-identity-agent' },
  'aws-ebs-csi-driver': { daemonSets: ['ebs-csi-node'], deployments: ['ebs-csi-controller'], podSelector: 'app.kubernetes.io/name=aws-ebs-csi-driver' },
  'aws-efs-csi-driver': { daemonSets: ['efs-csi-node'], deployments: ['efs-csi-controller'], podSelector: 'app.kubernetes.io/name=aws-efs-csi-driver' },
  'eks-node-monitoring-agent': { daemonSets: ['eks-node-monitoring-agent'], podSelector: 'app.kubernetes.io/name=eks-node-monitoring-agent' },
};
