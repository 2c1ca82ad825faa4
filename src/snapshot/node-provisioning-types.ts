/**
 * The custom resources of the node provisioners eks-doctor reads, typed for the fields checks read
 * (the objects keep every field the API returns, minus managedFields): Karpenter's
 * `karpenter.sh/v1` NodePool and NodeClaim and `karpenter.k8s.aws/v1` EC2NodeClass, and EKS Auto
 * Mode's `eks.amazonaws.com/v1` NodeClass (Auto Mode's NodePools and NodeClaims are karpenter.sh/v1
 * objects whose nodeClassRef names group eks.amazonaws.com). From memory of Karpenter's
 * pkg/apis/v1/nodepool.go, nodeclaim.go and nodeclaim_status.go, and karpenter-provider-aws's
 * pkg/apis/v1/ec2nodeclass.go and ec2nodeclass_status.go.
 */

export interface ProvisionerCondition {
  type: string;
  /** 'True' | 'False' | 'Unknown' */
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

interface ProvisionerMetadata {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion?: string; kind: string; name: string; uid?: string; controller?: boolean }[];
}

/** A scheduling requirement: `{key: topology.kubernetes.io/zone, operator: In, values: [eu-west-1a]}`. */
export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
  minValues?: number;
}

export interface NodeClassRef {
  group?: string;
  kind?: string;
  name?: string;
}

export interface ProvisionerTaint {
  key: string;
  value?: string;
  effect: string;
}

/** karpenter.sh/v1 NodePool (Karpenter, and EKS Auto Mode's general-purpose and system pools). */
export interface NodePool {
  apiVersion?: string;
  kind?: string;
  metadata?: ProvisionerMetadata;
  spec?: {
    template?: {
      metadata?: { labels?: Record<string, string> };
      spec?: { nodeClassRef?: NodeClassRef; requirements?: NodeSelectorRequirement[]; taints?: ProvisionerTaint[]; startupTaints?: ProvisionerTaint[]; expireAfter?: string };
    };
    /** Resource quantities the pool may not exceed in total: `{cpu: '1000', memory: '1000Gi'}`. */
    limits?: Record<string, string>;
    weight?: number;
    disruption?: { consolidationPolicy?: string; consolidateAfter?: string; budgets?: { nodes?: string; schedule?: string; duration?: string; reasons?: string[] }[] };
  };
  status?: {
    /** What the pool's nodes hold now, in the same units as limits (`nodes` too). */
    resources?: Record<string, string>;
    conditions?: ProvisionerCondition[];
  };
}

/** karpenter.sh/v1 NodeClaim: one node Karpenter is launching or has launched. */
export interface NodeClaim {
  apiVersion?: string;
  kind?: string;
  metadata?: ProvisionerMetadata;
  spec?: { nodeClassRef?: NodeClassRef; requirements?: NodeSelectorRequirement[]; resources?: { requests?: Record<string, string> } };
  status?: {
    nodeName?: string;
    providerID?: string;
    imageID?: string;
    /** Launched, Registered, Initialized, Ready (and ConsistentStateFound, Drifted, ...). */
    conditions?: ProvisionerCondition[];
  };
}

/** A subnet a node class resolved: `{id: subnet-..., zone: eu-west-1a, zoneID: euw1-az1}`. */
export interface ResolvedSubnet {
  id: string;
  zone?: string;
  zoneID?: string;
}

/** karpenter.k8s.aws/v1 EC2NodeClass, and eks.amazonaws.com/v1 NodeClass (Auto Mode): the same status fields checks read. */
export interface NodeClass {
  apiVersion?: string;
  kind?: string;
  metadata?: ProvisionerMetadata;
  spec?: {
    role?: string;
    instanceProfile?: string;
    subnetSelectorTerms?: { id?: string; tags?: Record<string, string> }[];
    securityGroupSelectorTerms?: { id?: string; name?: string; tags?: Record<string, string> }[];
  };
  status?: {
    subnets?: ResolvedSubnet[];
    securityGroups?: { id: string; name?: string }[];
    instanceProfile?: string;
    /** SubnetsReady, SecurityGroupsReady, InstanceProfileReady, AMIsReady, Ready. */
    conditions?: ProvisionerCondition[];
  };
}
