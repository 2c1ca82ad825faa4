/**
 * The healthy baseline cluster every scenario starts from: a production-shaped EKS cluster with a
 * managed node group, a self-managed Auto Scaling group (role with a path), a Karpenter node, a
 * Fargate profile, the usual add-ons, IRSA and Pod Identity. Deterministic: the same input always
 * builds the same snapshot. `size` scales it up for benchmarks.
 */
import { componentLabels, componentPodLabels } from './component-labels.js';
import { addSchedulingParts, clusterAutoscalerDeployment } from './scheduling.js';
import { caFingerprint } from '../../src/domain/certificate.js';
import { SNAPSHOT_KIND, SNAPSHOT_SCHEMA_VERSION, type AutoScalingGroup, type Ec2Image, type Ec2Instance, type LaunchTemplateUserData, type InstanceTypeInfo, type KubeEvent, type KubeNode, type NetworkAcl, type NetworkInterface, type RouteTable, type SecurityGroup, type Snapshot, type Subnet } from '../../src/snapshot/types.js';
import { vcpuQuota, vcpuUsage } from './service-quotas.js';


export const BASELINE = {
  account: '111122223333',
  region: 'eu-west-1',
  clusterName: 'shop-prod',
  kubernetesVersion: '1.35',
  capturedAt: '2026-11-20T03:12:00.000Z',
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  clusterSecurityGroupId: 'sg-0c1a2b3c4d5e6f701',
  controlPlaneSecurityGroupId: 'sg-0d2b3c4d5e6f70812',
  oidcId: '5F1E2D3C4B5A69788796A5B4C3D2E1F0',
} as const;

const { account, region, clusterName, kubernetesVersion, vpcId, clusterSecurityGroupId, controlPlaneSecurityGroupId, oidcId } = BASELINE;
const arn = (service: string, resource: string, scoped = true) => `arn:aws:${service}:${scoped ? region : ''}:${account}:${resource}`;
export const iamArn = (resource: string) => `arn:aws:iam::${account}:${resource}`;

export const NODE_ROLE_NAME = 'shop-prod-node-role';
export const NODE_ROLE_ARN = iamArn(`role/${NODE_ROLE_NAME}`);
export const BATCH_ROLE_NAME = 'shop-prod-batch-node';
export const BATCH_ROLE_PATH = '/eks/';
export const BATCH_ROLE_ARN = iamArn(`role${BATCH_ROLE_PATH}${BATCH_ROLE_NAME}`);
export const BATCH_PROFILE_NAME = 'shop-prod-batch-profile';
export const BATCH_PROFILE_ARN = iamArn(`instance-profile/${BATCH_PROFILE_NAME}`);
export const MANAGED_PROFILE_NAME = 'eks-8ec9a1b2-3c4d-5e6f-7a8b-9c0d1e2f3a4b';
export const KARPENTER_ROLE_NAME = 'KarpenterNodeRole-shop-prod';
export const KARPENTER_ROLE_ARN = iamArn(`role/${KARPENTER_ROLE_NAME}`);
export const KARPENTER_PROFILE_NAME = 'shop-prod_1234567890123456789';
export const FARGATE_ROLE_ARN = iamArn('role/shop-prod-fargate-pod-execution');
export const CLUSTER_ROLE_ARN = iamArn('role/shop-prod-cluster-role');
export const ADMIN_ROLE_ARN = iamArn('role/platform-admin');
export const EBS_CSI_ROLE_ARN = iamArn('role/shop-prod-ebs-csi');
export const LBC_ROLE_ARN = iamArn('role/shop-prod-aws-load-balancer-controller');
export const BILLING_ROLE_ARN = iamArn('role/shop-prod-billing-app');
export const OIDC_ISSUER = `https://oidc.eks.${region}.amazonaws.com/id/${oidcId}`;
export const OIDC_PROVIDER_ARN = iamArn(`oidc-provider/oidc.eks.${region}.amazonaws.com/id/${oidcId}`);
export const MANAGED_NODEGROUP = 'general';
export const MANAGED_ASG = 'eks-general-8ec9a1b2-3c4d-5e6f-7a8b-9c0d1e2f3a4b';
export const BATCH_ASG = 'shop-prod-batch';
export const BATCH_LAUNCH_TEMPLATE_ID = 'lt-0b1c2d3e4f5a6b7c8';
/** The launch template EKS made for the managed node group (its Auto Scaling group launches from it). */
export const MANAGED_LAUNCH_TEMPLATE_ID = 'lt-0a9b8c7d6e5f4a3b2';
export const CLUSTER_CA_DATA = 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1PQ0sKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=';
export const CLUSTER_ENDPOINT = `https://${BASELINE.oidcId}.gr7.${BASELINE.region}.eks.amazonaws.com`;
export const CLUSTER_DNS_IP = '172.20.0.10';
export const NAT_GATEWAY_ID = 'nat-0f1e2d3c4b5a69788';
export const INTERNET_GATEWAY_ID = 'igw-0e1d2c3b4a5f69788';

export const DEFAULT_NETWORK_ACL_ID = 'acl-0a1b2c3d4e5f60718';
export const DHCP_OPTIONS_ID = 'dopt-0a1b2c3d4e5f60718';
/**
 * The account EKS's control plane instances run in: it owns the attachment of the cross-account
 * interfaces (Attachment.InstanceOwnerId) and requested them (RequesterId). A placeholder here;
 * the real one is an AWS-owned account per region.
 */
export const EKS_CONTROL_PLANE_ACCOUNT = '918273645012';
/** The control plane's cross-account interfaces, one in each of the first two cluster subnets. */
export const CONTROL_PLANE_ENIS = [
  { id: 'eni-0c9a1b2c3d4e5f601', subnetIndex: 0, ip: '10.0.12.34' },
  { id: 'eni-0c9a1b2c3d4e5f602', subnetIndex: 1, ip: '10.0.44.56' },
] as const;

export const AZS = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] as const;
export const PRIVATE_SUBNETS = ['subnet-0a11111111111111a', 'subnet-0b22222222222222b', 'subnet-0c33333333333333c'] as const;
export const PUBLIC_SUBNETS = ['subnet-0d44444444444444d', 'subnet-0e55555555555555e', 'subnet-0f66666666666666f'] as const;
const PRIVATE_RTB = 'rtb-0a1a1a1a1a1a1a1a1';
const PUBLIC_RTB = 'rtb-0b2b2b2b2b2b2b2b2';
const MAIN_RTB = 'rtb-0c3c3c3c3c3c3c3c3';

export interface BaselineSize {
  /** Nodes in the managed node group's first group; more groups of 50 are added past 50. */
  managedNodes: number;
  /** Nodes in the self-managed group. */
  batchNodes: number;
}

const DEFAULT_SIZE: BaselineSize = { managedNodes: 3, batchNodes: 2 };

const tags = (record: Record<string, string>) => Object.entries(record).map(([Key, Value]) => ({ Key, Value }));

interface NodeSpec {
  instanceId: string;
  privateIp: string;
  az: string;
  subnetId: string;
  instanceType: string;
  profileArn: string;
  profileId: string;
  launchTime: string;
  asgName?: string;
  nodegroup?: string;
  karpenterPool?: string;
  extraTags?: Record<string, string>;
  nodeLabels: Record<string, string>;
  kubeletVersion: string;
  maxPods: number;
}

export const dnsName = (ip: string) => `ip-${ip.replace(/\./g, '-')}.${region}.compute.internal`;

/** A private IP in the subnet of AZ index i, unique for n. */
function privateIp(azIndex: number, n: number): string {
  return `10.0.${azIndex * 32 + 1 + Math.floor(n / 250)}.${10 + (n % 250)}`;
}

/**
 * Where managed nodes live. Up to NODES_PER_SUBNET nodes per Availability Zone they share the three
 * private subnets (the default layout, whose addresses the committed scenarios rely on). Past that,
 * each AZ gets more /19 subnets carved from secondary VPC CIDR blocks (10.1.0.0/16, 10.2.0.0/16, ...,
 * eight /19s each), as a real cluster of thousands of nodes would: a /19 holds about 540 nodes at
 * 15 addresses each, so 400 per subnet keeps every subnet comfortably above the low-address mark.
 */
const NODES_PER_SUBNET = 400;

interface ExtraSubnet {
  id: string;
  azIndex: number;
  cidr: string;
  /** Second octet of its secondary block and the third octet it starts at. */
  block: number;
  base: number;
}

function extraSubnet(e: number, azIndex: number): ExtraSubnet {
  const block = 1 + Math.floor(e / 8);
  const base = (e % 8) * 32;
  return { id: `subnet-0${(0xa0000 + e).toString(16).padStart(16, '0')}`, azIndex, cidr: `10.${block}.${base}.0/19`, block, base };
}

interface ManagedLayout {
  /** Extra private subnets, in creation order (empty in the default layout). */
  extraSubnets: ExtraSubnet[];
  place(n: number): { privateIp: string; subnetId: string };
}

function managedLayout(managedNodes: number): ManagedLayout {
  const perAz = Math.ceil(managedNodes / 3);
  const subnetsPerAz = Math.max(1, Math.ceil(perAz / NODES_PER_SUBNET));
  if (subnetsPerAz === 1) {
    // Rows of 240 hosts (.10 to .249) keep every address valid; below 240 nodes this is privateIp's layout.
    return { extraSubnets: [], place: (n) => ({ privateIp: `10.0.${(n % 3) * 32 + 1 + Math.floor(n / 240)}.${10 + (n % 240)}`, subnetId: PRIVATE_SUBNETS[n % 3] }) };
  }
  const extraSubnets: ExtraSubnet[] = [];
  for (let j = 1; j < subnetsPerAz; j++) for (let az = 0; az < 3; az++) extraSubnets.push(extraSubnet(extraSubnets.length, az));
  return {
    extraSubnets,
    place(n) {
      const azIndex = n % 3;
      const k = Math.floor(n / 3);
      const j = Math.floor(k / NODES_PER_SUBNET);
      const i = k % NODES_PER_SUBNET;
      const row = 1 + Math.floor(i / 240);
      if (j === 0) return { privateIp: `10.0.${azIndex * 32 + row}.${10 + (i % 240)}`, subnetId: PRIVATE_SUBNETS[azIndex] };
      const subnet = extraSubnets[(j - 1) * 3 + azIndex]!;
      return { privateIp: `10.${subnet.block}.${subnet.base + row}.${10 + (i % 240)}`, subnetId: subnet.id };
    },
  };
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function groupBy<T>(items: T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function instanceIdFor(prefix: string, n: number): string {
  return `i-0${prefix}${n.toString(16).padStart(15 - prefix.length, '0')}`;
}

const quotaOwner = { cluster: { name: clusterName, region }, aws: { callerIdentity: { Account: account } } };
const VCPUS: Readonly<Record<string, number>> = { 'm6i.xlarge': 4, 'c6i.2xlarge': 8, 'm7g.large': 2 };

/** The vCPUs the baseline's instances run, On-Demand or Spot (Karpenter's node is Spot). */
function runningVcpus(nodes: NodeSpec[], purchase: 'on-demand' | 'spot'): number {
  return nodes.filter((n) => (n.nodeLabels?.['karpenter.sh/capacity-type'] === 'spot') === (purchase === 'spot')).reduce((sum, n) => sum + (VCPUS[n.instanceType] ?? 0), 0);
}

export function buildBaseline(size: Partial<BaselineSize> = {}): Snapshot {
  const { managedNodes, batchNodes } = { ...DEFAULT_SIZE, ...size };
  const kubelet = `v${kubernetesVersion}.2-eks-3a1b2c4`;
  const nodes: NodeSpec[] = [];
  const managedGroupCount = Math.max(1, Math.ceil(managedNodes / 50));
  const managedAsgs = Array.from({ length: managedGroupCount }, (_, g) => (g === 0 ? MANAGED_ASG : `${MANAGED_ASG}-${g}`));
  const layout = managedLayout(managedNodes);
  const privateSubnetIds = [...PRIVATE_SUBNETS, ...layout.extraSubnets.map((e) => e.id)];
  for (let n = 0; n < managedNodes; n++) {
    const azIndex = n % 3;
    const placed = layout.place(n);
    nodes.push({
      instanceId: instanceIdFor('a', n),
      privateIp: placed.privateIp,
      az: AZS[azIndex],
      subnetId: placed.subnetId,
      instanceType: 'm6i.xlarge',
      profileArn: iamArn(`instance-profile/${MANAGED_PROFILE_NAME}`),
      profileId: 'AIPAMANAGEDNODEGROUP01',
      launchTime: '2026-11-02T09:15:00.000Z',
      asgName: managedAsgs[Math.floor(n / 50)],
      nodegroup: MANAGED_NODEGROUP,
      nodeLabels: {
        'eks.amazonaws.com/nodegroup': MANAGED_NODEGROUP,
        'eks.amazonaws.com/capacityType': 'ON_DEMAND',
        'eks.amazonaws.com/nodegroup-image': 'ami-0123456789abcdef0',
      },
      kubeletVersion: kubelet,
      maxPods: 58,
    });
  }
  for (let n = 0; n < batchNodes; n++) {
    const azIndex = (n + 1) % 3;
    nodes.push({
      instanceId: instanceIdFor('b', n),
      privateIp: privateIp(azIndex, 5000 + n),
      az: AZS[azIndex],
      subnetId: PRIVATE_SUBNETS[azIndex],
      instanceType: 'c6i.2xlarge',
      profileArn: BATCH_PROFILE_ARN,
      profileId: 'AIPABATCHPROFILE00001',
      launchTime: '2026-11-10T14:40:00.000Z',
      asgName: BATCH_ASG,
      extraTags: { [`kubernetes.io/cluster/${clusterName}`]: 'owned' },
      nodeLabels: { 'node-role.example.com/batch': 'true' },
      kubeletVersion: `v1.34.4-eks-1c2d3e4`,
      maxPods: 58,
    });
  }
  nodes.push({
    instanceId: 'i-0c0ffee0c0ffee001',
    privateIp: privateIp(2, 7000),
    az: AZS[2],
    subnetId: PRIVATE_SUBNETS[2],
    instanceType: 'm7g.large',
    profileArn: iamArn(`instance-profile/${KARPENTER_PROFILE_NAME}`),
    profileId: 'AIPAKARPENTERPROFILE1',
    launchTime: '2026-11-19T22:05:00.000Z',
    karpenterPool: 'default',
    extraTags: {
      'karpenter.sh/nodepool': 'default',
      'karpenter.k8s.aws/ec2nodeclass': 'default',
      [`kubernetes.io/cluster/${clusterName}`]: 'owned',
      'eks:eks-cluster-name': clusterName,
    },
    nodeLabels: { 'karpenter.sh/nodepool': 'default', 'karpenter.sh/capacity-type': 'spot', 'kubernetes.io/arch': 'arm64' },
    kubeletVersion: kubelet,
    maxPods: 29,
  });

  const fargateNodeName = `fargate-${dnsName('10.0.40.9')}`;
  const nodesPerSubnet = countBy(nodes, (n) => n.subnetId);
  const asgMembers = groupBy(nodes, (n) => n.asgName);
  // Workloads and configuration grow with the cluster the way they do in real ones: CoreDNS by the
  // cluster-proportional autoscaler's default of one replica per 16 nodes, one aws-auth team mapping
  // and one database security group per 100 nodes, one routine warning event per 50 nodes.
  // The default 6-node baseline gets none of the extras.
  const corednsReplicas = Math.max(2, Math.ceil(nodes.length / 16));
  const systemPods = kubeSystemPods(nodes, corednsReplicas);
  const lbcDeployment = deployment('aws-load-balancer-controller', 'public.ecr.aws/eks/aws-load-balancer-controller:v2.14.1', 2, 'aws-load-balancer-controller');
  const databaseGroups = Array.from({ length: Math.floor(nodes.length / 100) }, (_, i) => databaseSecurityGroup(i));

  const snapshot: Snapshot = {
    kind: SNAPSHOT_KIND,
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    capturedAt: BASELINE.capturedAt,
    cluster: { name: clusterName, region },
    meta: { description: 'Healthy baseline: managed, self-managed, Karpenter and Fargate capacity, all joined and Ready.', scenario: 'baseline', faults: [] },
    aws: {
      callerIdentity: { Account: account, Arn: `arn:aws:sts::${account}:assumed-role/platform-admin/oncall`, UserId: 'AROAPLATFORMADMIN0001:oncall' },
      cluster: {
        name: clusterName,
        arn: arn('eks', `cluster/${clusterName}`),
        createdAt: '2024-03-14T10:00:00.000Z',
        version: kubernetesVersion,
        endpoint: CLUSTER_ENDPOINT,
        roleArn: CLUSTER_ROLE_ARN,
        resourcesVpcConfig: {
          subnetIds: [...PRIVATE_SUBNETS],
          securityGroupIds: [controlPlaneSecurityGroupId],
          clusterSecurityGroupId,
          vpcId,
          endpointPublicAccess: true,
          endpointPrivateAccess: true,
          publicAccessCidrs: ['0.0.0.0/0'],
        },
        kubernetesNetworkConfig: { serviceIpv4Cidr: '172.20.0.0/16', ipFamily: 'ipv4' },
        logging: { clusterLogging: [{ types: ['api', 'audit', 'authenticator'], enabled: true }] },
        identity: { oidc: { issuer: OIDC_ISSUER } },
        status: 'ACTIVE',
        certificateAuthority: { data: CLUSTER_CA_DATA },
        platformVersion: 'eks.4',
        tags: { team: 'platform' },
        health: { issues: [] },
        accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP', bootstrapClusterCreatorAdminPermissions: true },
        upgradePolicy: { supportType: 'EXTENDED' },
      },
      clusterVersions: [
        { clusterVersion: '1.35', clusterType: 'eks', defaultPlatformVersion: 'eks.4', defaultVersion: true, releaseDate: '2026-01-27T00:00:00.000Z', endOfStandardSupportDate: '2027-03-27T00:00:00.000Z', endOfExtendedSupportDate: '2028-03-27T00:00:00.000Z', status: 'standard-support', versionStatus: 'STANDARD_SUPPORT', kubernetesPatchVersion: '1.35.2' },
        { clusterVersion: '1.34', clusterType: 'eks', defaultPlatformVersion: 'eks.9', defaultVersion: false, releaseDate: '2025-10-02T00:00:00.000Z', endOfStandardSupportDate: '2026-12-02T00:00:00.000Z', endOfExtendedSupportDate: '2027-12-02T00:00:00.000Z', status: 'standard-support', versionStatus: 'STANDARD_SUPPORT', kubernetesPatchVersion: '1.34.4' },
        { clusterVersion: '1.33', clusterType: 'eks', defaultPlatformVersion: 'eks.14', defaultVersion: false, releaseDate: '2025-05-29T00:00:00.000Z', endOfStandardSupportDate: '2026-07-29T00:00:00.000Z', endOfExtendedSupportDate: '2027-07-29T00:00:00.000Z', status: 'extended-support', versionStatus: 'EXTENDED_SUPPORT', kubernetesPatchVersion: '1.33.8' },
      ],
      nodegroups: [
        {
          nodegroupName: MANAGED_NODEGROUP,
          nodegroupArn: arn('eks', `nodegroup/${clusterName}/${MANAGED_NODEGROUP}/8ec9a1b2-3c4d-5e6f-7a8b-9c0d1e2f3a4b`),
          clusterName,
          version: kubernetesVersion,
          releaseVersion: '1.35.2-20261105',
          createdAt: '2025-06-01T12:00:00.000Z',
          modifiedAt: '2026-11-02T09:10:00.000Z',
          status: 'ACTIVE',
          capacityType: 'ON_DEMAND',
          scalingConfig: { minSize: Math.min(2, managedNodes), maxSize: Math.max(6, managedNodes * 2), desiredSize: managedNodes },
          instanceTypes: ['m6i.xlarge'],
          subnets: privateSubnetIds,
          amiType: 'AL2023_x86_64_STANDARD',
          nodeRole: NODE_ROLE_ARN,
          labels: {},
          resources: { autoScalingGroups: managedAsgs.map((name) => ({ name })) },
          diskSize: 50,
          health: { issues: [] },
          updateConfig: { maxUnavailable: 1 },
          tags: {},
        },
      ],
      fargateProfiles: [
        {
          fargateProfileName: 'serverless',
          fargateProfileArn: arn('eks', `fargateprofile/${clusterName}/serverless/1a2b3c4d-0000-1111-2222-333344445555`),
          clusterName,
          createdAt: '2025-06-01T12:00:00.000Z',
          podExecutionRoleArn: FARGATE_ROLE_ARN,
          subnets: [...PRIVATE_SUBNETS],
          selectors: [{ namespace: 'serverless' }],
          status: 'ACTIVE',
          tags: {},
        },
      ],
      addons: ADDONS.map((a) => ({
        addonName: a.name,
        clusterName,
        status: 'ACTIVE',
        addonVersion: a.version,
        health: { issues: [] },
        addonArn: arn('eks', `addon/${clusterName}/${a.name}/${a.uuid}`),
        createdAt: '2025-06-01T12:00:00.000Z',
        modifiedAt: '2026-11-01T08:00:00.000Z',
        ...('serviceAccountRoleArn' in a ? { serviceAccountRoleArn: a.serviceAccountRoleArn } : {}),
        tags: {},
      })),
      addonVersions: ADDONS.map((a) => ({
        addonName: a.name,
        type: a.type,
        owner: 'aws',
        addonVersions: a.versions.map((v, i) => ({
          addonVersion: v,
          architecture: ['amd64', 'arm64'],
          compatibilities: [{ clusterVersion: kubernetesVersion, platformVersions: ['*'], defaultVersion: i === 0 }],
          requiresConfiguration: false,
        })),
      })),
      accessEntries: [
        accessEntry(ADMIN_ROLE_ARN, 'STANDARD', [], 'platform-admin'),
        accessEntry(NODE_ROLE_ARN, 'EC2_LINUX', ['system:nodes'], 'system:node:{{EC2PrivateDNSName}}'),
        accessEntry(KARPENTER_ROLE_ARN, 'EC2_LINUX', ['system:nodes'], 'system:node:{{EC2PrivateDNSName}}'),
        accessEntry(FARGATE_ROLE_ARN, 'FARGATE_LINUX', ['system:node-proxier'], 'system:node:{{SessionName}}'),
      ],
      accessEntryPolicies: [
        {
          principalArn: ADMIN_ROLE_ARN,
          associatedAccessPolicies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy', accessScope: { type: 'cluster', namespaces: [] }, associatedAt: '2024-03-14T10:00:00.000Z', modifiedAt: '2024-03-14T10:00:00.000Z' }],
        },
      ],
      podIdentityAssociations: [
        {
          clusterName,
          namespace: 'billing',
          serviceAccount: 'billing-api',
          roleArn: BILLING_ROLE_ARN,
          associationArn: arn('eks', `podidentityassociation/${clusterName}/a-0billing0assoc01`),
          associationId: 'a-0billing0assoc01',
          createdAt: '2025-08-01T00:00:00.000Z',
          modifiedAt: '2025-08-01T00:00:00.000Z',
          tags: {},
        },
      ],
      insights: [
        { id: '8a1b2c3d-0000-4444-8888-000000000001', name: 'Deprecated APIs removed in Kubernetes v1.36', category: 'UPGRADE_READINESS', kubernetesVersion: '1.36', lastRefreshTime: '2026-11-20T00:00:00.000Z', lastTransitionTime: '2026-10-01T00:00:00.000Z', description: 'Checks for usage of deprecated APIs that are scheduled for removal in Kubernetes v1.36.', insightStatus: { status: 'PASSING', reason: 'No deprecated API usage detected within the last 30 days.' } },
        { id: '8a1b2c3d-0000-4444-8888-000000000002', name: 'Kubelet version skew', category: 'UPGRADE_READINESS', kubernetesVersion: '1.36', lastRefreshTime: '2026-11-20T00:00:00.000Z', lastTransitionTime: '2026-10-01T00:00:00.000Z', description: 'Checks for kubelet versions of worker nodes in the cluster to see if upgrade would cause noncompliance with supported Kubernetes kubelet version skew policy.', insightStatus: { status: 'PASSING', reason: 'Node kubelet versions match the cluster control plane version.' } },
      ],
      autoScalingGroups: [
        ...managedAsgs.map((name, g) => {
          const members = asgMembers.get(name) ?? [];
          return asg(name, members, { min: g === 0 ? Math.min(2, managedNodes) : 0, max: Math.max(6, members.length * 2), tags: { 'eks:cluster-name': clusterName, 'eks:nodegroup-name': MANAGED_NODEGROUP, 'k8s.io/cluster-autoscaler/enabled': 'true', [`k8s.io/cluster-autoscaler/${clusterName}`]: 'owned', [`kubernetes.io/cluster/${clusterName}`]: 'owned' }, launchTemplate: { LaunchTemplateId: MANAGED_LAUNCH_TEMPLATE_ID, LaunchTemplateName: MANAGED_PROFILE_NAME, Version: '1' }, subnets: privateSubnetIds });
        }),
        asg(BATCH_ASG, asgMembers.get(BATCH_ASG) ?? [], { min: 0, max: 10, tags: { [`kubernetes.io/cluster/${clusterName}`]: 'owned', Name: 'shop-prod-batch' }, launchTemplate: { LaunchTemplateId: BATCH_LAUNCH_TEMPLATE_ID, LaunchTemplateName: 'shop-prod-batch', Version: '$Latest' } }),
      ],
      scalingActivities: [
        {
          ActivityId: '5a6b7c8d-1111-2222-3333-444455556666',
          AutoScalingGroupName: BATCH_ASG,
          Description: `Launching a new EC2 instance: ${instanceIdFor('b', 0)}`,
          Cause: 'At 2026-11-10T14:39:51Z a user request update of AutoScalingGroup constraints to min: 0, max: 10, desired: 2 changing the desired capacity from 0 to 2.',
          StartTime: '2026-11-10T14:39:55.000Z',
          EndTime: '2026-11-10T14:40:27.000Z',
          StatusCode: 'Successful',
          Progress: 100,
          Details: JSON.stringify({ 'Subnet ID': PRIVATE_SUBNETS[1], 'Availability Zone': AZS[1] }),
        },
      ],
      reservations: nodes.map((n, i) => ({
        ReservationId: `r-0${(i + 1).toString(16).padStart(16, '0')}`,
        OwnerId: account,
        Groups: [],
        Instances: [instance(n)],
      })),
      launchTemplateVersions: [
        {
          LaunchTemplateId: BATCH_LAUNCH_TEMPLATE_ID,
          LaunchTemplateName: 'shop-prod-batch',
          VersionNumber: 3,
          CreateTime: '2026-10-01T10:00:00.000Z',
          CreatedBy: iamArn('role/platform-admin'),
          DefaultVersion: true,
          LaunchTemplateData: {
            ImageId: 'ami-0fedcba9876543210',
            InstanceType: 'c6i.2xlarge',
            IamInstanceProfile: { Arn: BATCH_PROFILE_ARN },
            SecurityGroupIds: [clusterSecurityGroupId],
            MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' },
          },
        },
        {
          LaunchTemplateId: MANAGED_LAUNCH_TEMPLATE_ID,
          LaunchTemplateName: MANAGED_PROFILE_NAME,
          VersionNumber: 1,
          CreateTime: '2025-06-01T12:00:00.000Z',
          CreatedBy: `arn:aws:sts::${account}:assumed-role/AWSServiceRoleForAmazonEKSNodegroup/EKS`,
          DefaultVersion: true,
          LaunchTemplateData: {
            ImageId: 'ami-0123456789abcdef0',
            InstanceType: 'm6i.xlarge',
            IamInstanceProfile: { Name: MANAGED_PROFILE_NAME },
            SecurityGroupIds: [clusterSecurityGroupId],
            MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
          },
        },
      ],
      launchTemplateUserData: [
        // The self-managed group's own NodeConfig: nodeadm computes max-pods itself.
        nodeadmFacts(BATCH_LAUNCH_TEMPLATE_ID, 'shop-prod-batch', 3, { 'node-role.example.com/batch': 'true' }),
        // What EKS writes into its copy for an AL2023 managed node group.
        {
          ...nodeadmFacts(MANAGED_LAUNCH_TEMPLATE_ID, MANAGED_PROFILE_NAME, 1, {
            'eks.amazonaws.com/nodegroup-image': 'ami-0123456789abcdef0',
            'eks.amazonaws.com/capacityType': 'ON_DEMAND',
            'eks.amazonaws.com/nodegroup': MANAGED_NODEGROUP,
          }),
          clusterDns: [CLUSTER_DNS_IP],
          maxPods: 58,
        },
      ],
      images: [
        eksAmi('ami-0123456789abcdef0', 'amazon-eks-node-al2023-x86_64-standard-1.35-v20261105', 'EKS-optimized Kubernetes node based on Amazon Linux 2023, (k8s: 1.35.2, containerd: 2.1.*)', '2026-11-05T08:21:36.000Z'),
        eksAmi('ami-0fedcba9876543210', 'amazon-eks-node-al2023-x86_64-standard-1.34-v20261001', 'EKS-optimized Kubernetes node based on Amazon Linux 2023, (k8s: 1.34.4, containerd: 2.1.*)', '2026-10-01T07:02:11.000Z'),
      ],
      instanceTypes: [
        instanceType('m6i.xlarge', 4, 4, 15, 'x86_64'),
        instanceType('c6i.2xlarge', 8, 4, 15, 'x86_64'),
        instanceType('m7g.large', 2, 3, 10, 'arm64'),
      ],
      vpcs: [
        {
          VpcId: vpcId,
          CidrBlock: '10.0.0.0/16',
          State: 'available',
          DhcpOptionsId: DHCP_OPTIONS_ID,
          InstanceTenancy: 'default',
          IsDefault: false,
          OwnerId: account,
          CidrBlockAssociationSet: [
            { AssociationId: 'vpc-cidr-assoc-0a1b2c3d', CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } },
            ...[...new Set(layout.extraSubnets.map((e) => e.block))].map((block) => ({ AssociationId: `vpc-cidr-assoc-0b${block.toString(16).padStart(6, '0')}`, CidrBlock: `10.${block}.0.0/16`, CidrBlockState: { State: 'associated' as const } })),
          ],
          Tags: tags({ Name: 'shop-prod' }),
        },
      ],
      vpcDnsAttributes: [{ VpcId: vpcId, EnableDnsSupport: true, EnableDnsHostnames: true }],
      subnets: [
        ...PRIVATE_SUBNETS.map((id, i) => subnet(id, AZS[i], `10.0.${i * 32}.0/19`, 8187 - (nodesPerSubnet.get(id) ?? 0) * 15, false, { Name: `shop-prod-private-${AZS[i]}`, 'kubernetes.io/role/internal-elb': '1', [`kubernetes.io/cluster/${clusterName}`]: 'shared' })),
        ...PUBLIC_SUBNETS.map((id, i) => subnet(id, AZS[i], `10.0.${96 + i * 4}.0/22`, 1019, true, { Name: `shop-prod-public-${AZS[i]}`, 'kubernetes.io/role/elb': '1' })),
        ...layout.extraSubnets.map((e) => subnet(e.id, AZS[e.azIndex], e.cidr, 8187 - (nodesPerSubnet.get(e.id) ?? 0) * 15, false, { Name: `shop-prod-private-${AZS[e.azIndex]}-${e.block}-${e.base / 32}`, 'kubernetes.io/role/internal-elb': '1' })),
      ],
      routeTables: [
        routeTable(MAIN_RTB, true, [], [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' }]),
        routeTable(PUBLIC_RTB, false, [...PUBLIC_SUBNETS], [
          { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' },
          { DestinationCidrBlock: '0.0.0.0/0', GatewayId: INTERNET_GATEWAY_ID, Origin: 'CreateRoute', State: 'active' },
        ]),
        routeTable(PRIVATE_RTB, false, privateSubnetIds, [
          { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' },
          { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: NAT_GATEWAY_ID, Origin: 'CreateRoute', State: 'active' },
          { DestinationPrefixListId: 'pl-6da54004', GatewayId: 'vpce-0s3gateway000001', Origin: 'CreateRoute', State: 'active' },
        ]),
      ],
      securityGroups: [
        {
          GroupId: clusterSecurityGroupId,
          GroupName: `eks-cluster-sg-${clusterName}-1234567890`,
          Description: 'EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, as well as any managed workloads.',
          OwnerId: account,
          VpcId: vpcId,
          IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: clusterSecurityGroupId, UserId: account }], IpRanges: [], Ipv6Ranges: [], PrefixListIds: [] }],
          IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
          Tags: tags({ Name: `eks-cluster-sg-${clusterName}-1234567890`, 'aws:eks:cluster-name': clusterName, [`kubernetes.io/cluster/${clusterName}`]: 'owned' }),
        },
        {
          GroupId: controlPlaneSecurityGroupId,
          GroupName: `${clusterName}-control-plane`,
          Description: 'Additional control plane security group',
          OwnerId: account,
          VpcId: vpcId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: clusterSecurityGroupId, UserId: account, Description: 'nodes to API server' }], IpRanges: [], Ipv6Ranges: [], PrefixListIds: [] }],
          IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
          Tags: tags({ Name: `${clusterName}-control-plane` }),
        },
        ...databaseGroups,
      ],
      natGateways: [
        {
          NatGatewayId: NAT_GATEWAY_ID,
          SubnetId: PUBLIC_SUBNETS[0],
          VpcId: vpcId,
          State: 'available',
          ConnectivityType: 'public',
          CreateTime: '2024-03-14T09:00:00.000Z',
          NatGatewayAddresses: [{ AllocationId: 'eipalloc-0a1b2c3d4e5f60718', NetworkInterfaceId: 'eni-0natgw000000001', PrivateIp: '10.0.96.10', PublicIp: '203.0.113.25', IsPrimary: true, Status: 'succeeded' }],
          Tags: tags({ Name: 'shop-prod-nat' }),
        },
      ],
      // EC2 answers 'available' for an attached internet gateway although the SDK's enum does not list it.
      internetGateways: [{ InternetGatewayId: INTERNET_GATEWAY_ID, OwnerId: account, Attachments: [{ VpcId: vpcId, State: 'available' as 'attached' }], Tags: tags({ Name: 'shop-prod-igw' }) }],
      vpcEndpoints: [
        {
          VpcEndpointId: 'vpce-0s3gateway000001',
          VpcEndpointType: 'Gateway',
          VpcId: vpcId,
          ServiceName: `com.amazonaws.${region}.s3`,
          // EC2 answers lowercase 'available'; the SDK's enum spells it 'Available'.
          State: 'available' as 'Available',
          RouteTableIds: [PRIVATE_RTB],
          SubnetIds: [],
          Groups: [],
          PrivateDnsEnabled: false,
          NetworkInterfaceIds: [],
          DnsEntries: [],
          CreationTimestamp: '2024-03-14T09:30:00.000Z',
          OwnerId: account,
          PolicyDocument: JSON.stringify({ Version: '2008-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] }),
        },
      ],
      networkAcls: [defaultNetworkAcl([...privateSubnetIds, ...PUBLIC_SUBNETS])],
      dhcpOptions: [
        {
          DhcpOptionsId: DHCP_OPTIONS_ID,
          OwnerId: account,
          DhcpConfigurations: [
            { Key: 'domain-name', Values: [{ Value: `${region}.compute.internal` }] },
            { Key: 'domain-name-servers', Values: [{ Value: 'AmazonProvidedDNS' }] },
          ],
          Tags: [],
        },
      ],
      controlPlaneInterfaces: CONTROL_PLANE_ENIS.map((e) => controlPlaneInterface(e)),
      // Room for every group to reach its max: 256 vCPUs each against 28 On-Demand and 2 Spot in use, and
      // ten times what runs for the larger clusters of the bench and the fleet tests (healthy accounts there too).
      serviceQuotas: [
        vcpuQuota(quotaOwner, 'L-1216C47A', Math.max(256, 10 * runningVcpus(nodes, 'on-demand'))),
        vcpuQuota(quotaOwner, 'L-34B43A08', Math.max(256, 10 * runningVcpus(nodes, 'spot'))),
      ],
      defaultServiceQuotas: [],
      quotaUsage: [
        vcpuUsage(BASELINE, 'L-1216C47A', Array.from({ length: 12 }, () => runningVcpus(nodes, 'on-demand'))),
        vcpuUsage(BASELINE, 'L-34B43A08', Array.from({ length: 12 }, () => runningVcpus(nodes, 'spot'))),
      ],
      iamRoles: [
        role(NODE_ROLE_NAME, '/', ec2Trust()),
        role(BATCH_ROLE_NAME, BATCH_ROLE_PATH, ec2Trust()),
        role(KARPENTER_ROLE_NAME, '/', ec2Trust()),
        role('shop-prod-fargate-pod-execution', '/', serviceTrust('eks-fargate-pods.amazonaws.com')),
        role('shop-prod-ebs-csi', '/', irsaTrust('kube-system', 'ebs-csi-controller-sa')),
        role('shop-prod-aws-load-balancer-controller', '/', irsaTrust('kube-system', 'aws-load-balancer-controller')),
        role('shop-prod-billing-app', '/', podIdentityTrust()),
        role('shop-prod-cluster-role', '/', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] }),
        role('platform-admin', '/', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: iamArn('root') }, Action: 'sts:AssumeRole' }] }),
      ],
      iamAttachedRolePolicies: [
        attached(NODE_ROLE_NAME, ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly', 'AmazonSSMManagedInstanceCore']),
        attached(BATCH_ROLE_NAME, ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryPullOnly']),
        attached(KARPENTER_ROLE_NAME, ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly', 'AmazonSSMManagedInstanceCore']),
        attached('shop-prod-fargate-pod-execution', ['AmazonEKSFargatePodExecutionRolePolicy']),
        attached('shop-prod-cluster-role', ['AmazonEKSClusterPolicy']),
        attached('shop-prod-ebs-csi', ['service-role/AmazonEBSCSIDriverPolicy']),
        { RoleName: 'shop-prod-aws-load-balancer-controller', AttachedPolicies: [{ PolicyName: 'AWSLoadBalancerControllerIAMPolicy', PolicyArn: iamArn('policy/AWSLoadBalancerControllerIAMPolicy') }] },
        { RoleName: 'shop-prod-billing-app', AttachedPolicies: [{ PolicyName: 'billing-app', PolicyArn: iamArn('policy/billing-app') }] },
      ],
      iamInstanceProfiles: [
        instanceProfile(MANAGED_PROFILE_NAME, 'AIPAMANAGEDNODEGROUP01', NODE_ROLE_NAME, '/'),
        instanceProfile(BATCH_PROFILE_NAME, 'AIPABATCHPROFILE00001', BATCH_ROLE_NAME, BATCH_ROLE_PATH),
        instanceProfile(KARPENTER_PROFILE_NAME, 'AIPAKARPENTERPROFILE1', KARPENTER_ROLE_NAME, '/'),
      ],
      iamOidcProviders: [{ Arn: OIDC_PROVIDER_ARN, Url: OIDC_ISSUER.replace('https://', ''), ClientIDList: ['sts.amazonaws.com'], ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'] }],
      // No pull fails, so ECR is asked nothing (src/collect/aws/services/ecr.ts).
      ecrPullThroughCacheRules: [],
      ecrRepositoryPolicies: [],
      notFound: [],
    },
    kubernetes: {
      apiServer: { method: 'eks-token', server: `https://${oidcId}.gr7.${region}.eks.amazonaws.com`, reachable: true },
      version: { major: '1', minor: kubernetesVersion.split('.')[1]!, gitVersion: `v${kubernetesVersion}.2-eks-3a1b2c4`, gitCommit: '3a1b2c4d5e6f', gitTreeState: 'clean', buildDate: '2026-10-15T00:00:00Z', goVersion: 'go1.24.9', compiler: 'gc', platform: 'linux/amd64' },
      nodes: [...nodes.map(node), fargateNode(fargateNodeName)],
      awsAuth: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'aws-auth', namespace: 'kube-system', uid: '0a0a0a0a-1111-2222-3333-444444444444', resourceVersion: '1001', creationTimestamp: '2024-03-14T10:20:00Z' },
        data: {
          mapRoles: [
            `- rolearn: ${NODE_ROLE_ARN}`,
            '  username: system:node:{{EC2PrivateDNSName}}',
            '  groups:',
            '    - system:bootstrappers',
            '    - system:nodes',
            `- rolearn: ${iamArn(`role/${BATCH_ROLE_NAME}`)}`,
            '  username: system:node:{{EC2PrivateDNSName}}',
            '  groups:',
            '    - system:bootstrappers',
            '    - system:nodes',
            `- rolearn: ${iamArn('role/platform-readonly')}`,
            '  username: platform-readonly',
            '  groups:',
            '    - platform:view',
            ...teamRoleMappings(nodes.length),
            '',
          ].join('\n'),
        },
      },
      kubeSystemPods: systemPods,
      problemPods: [],
      daemonSets: [
        daemonSet('aws-node', `602401143452.dkr.ecr.${region}.amazonaws.com/amazon-k8s-cni:${ADDON_VERSION['vpc-cni']}`, nodes.length, 'aws-node'),
        daemonSet('kube-proxy', `602401143452.dkr.ecr.${region}.amazonaws.com/eks/kube-proxy:${ADDON_VERSION['kube-proxy']}`, nodes.length, 'kube-proxy'),
        daemonSet('eks-pod-identity-agent', `602401143452.dkr.ecr.${region}.amazonaws.com/eks/eks-pod-identity-agent:${ADDON_VERSION['eks-pod-identity-agent']}`, nodes.length, 'eks-pod-identity-agent'),
        daemonSet('ebs-csi-node', `602401143452.dkr.ecr.${region}.amazonaws.com/eks/aws-ebs-csi-driver:${ADDON_VERSION['aws-ebs-csi-driver']}`, nodes.length, 'ebs-csi-node-sa'),
      ],
      deployments: [
        deployment('coredns', `602401143452.dkr.ecr.${region}.amazonaws.com/eks/coredns:${ADDON_VERSION.coredns}`, corednsReplicas, 'coredns'),
        deployment('ebs-csi-controller', `602401143452.dkr.ecr.${region}.amazonaws.com/eks/aws-ebs-csi-driver:${ADDON_VERSION['aws-ebs-csi-driver']}`, 2, 'ebs-csi-controller-sa'),
        lbcDeployment,
        clusterAutoscalerDeployment(clusterName),
      ],
      loadBalancerServices: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: {
            name: 'storefront',
            namespace: 'shop',
            uid: '5e5e5e5e-0000-1111-2222-333333333333',
            resourceVersion: '52001',
            creationTimestamp: '2025-06-02T10:00:00Z',
            annotations: {
              'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
              'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
              'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
            },
          },
          spec: { type: 'LoadBalancer', loadBalancerClass: 'service.k8s.aws/nlb', ports: [{ name: 'https', port: 443, targetPort: 8443, protocol: 'TCP', nodePort: 31443 }], selector: { app: 'storefront' }, clusterIP: '172.20.14.7', clusterIPs: ['172.20.14.7'], externalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'] },
          status: { loadBalancer: { ingress: [{ hostname: `k8s-shop-storefro-0a1b2c3d4e-0123456789abcdef.elb.${region}.amazonaws.com` }] } },
        },
      ],
      warningEvents: routineWarningEvents(nodes),
      serviceAccounts: [
        serviceAccount('kube-system', 'aws-node'),
        serviceAccount('kube-system', 'coredns'),
        serviceAccount('kube-system', 'kube-proxy'),
        serviceAccount('kube-system', 'ebs-csi-controller-sa', EBS_CSI_ROLE_ARN),
        serviceAccount('kube-system', 'ebs-csi-node-sa'),
        serviceAccount('kube-system', 'aws-load-balancer-controller', LBC_ROLE_ARN),
        serviceAccount('kube-system', 'eks-pod-identity-agent'),
        serviceAccount('billing', 'billing-api'),
      ],
      validatingWebhooks: [
        {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'ValidatingWebhookConfiguration',
          metadata: { name: 'aws-load-balancer-webhook', uid: '7a7a7a7a-0000-1111-2222-333333333333', resourceVersion: '4100', creationTimestamp: '2025-06-01T12:30:00Z' },
          webhooks: [{ name: 'vingress.elbv2.k8s.aws', admissionReviewVersions: ['v1beta1'], sideEffects: 'None', failurePolicy: 'Fail', clientConfig: { service: { name: 'aws-load-balancer-webhook-service', namespace: 'kube-system', path: '/validate-networking-v1-ingress', port: 443 } }, rules: [{ apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['ingresses'] }], timeoutSeconds: 10 }],
        },
      ],
      mutatingWebhooks: [
        {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'MutatingWebhookConfiguration',
          metadata: { name: 'aws-load-balancer-webhook', uid: '7b7b7b7b-0000-1111-2222-333333333333', resourceVersion: '4101', creationTimestamp: '2025-06-01T12:30:00Z' },
          webhooks: [{ name: 'mpod.elbv2.k8s.aws', admissionReviewVersions: ['v1beta1'], sideEffects: 'None', failurePolicy: 'Fail', clientConfig: { service: { name: 'aws-load-balancer-webhook-service', namespace: 'kube-system', path: '/mutate-v1-pod', port: 443 } }, rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }], timeoutSeconds: 10 }],
        },
      ],
      webhookServices: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'aws-load-balancer-webhook-service', namespace: 'kube-system', uid: '7c7c7c7c-0000-1111-2222-333333333333', resourceVersion: '4102', creationTimestamp: '2025-06-01T12:30:00Z' },
          spec: { type: 'ClusterIP', ports: [{ port: 443, targetPort: 9443, protocol: 'TCP' }], selector: { 'app.kubernetes.io/name': 'aws-load-balancer-controller' }, clusterIP: '172.20.99.1', clusterIPs: ['172.20.99.1'] },
          status: { loadBalancer: {} },
        },
      ],
      webhookEndpointSlices: [endpointSlice('kube-system', 'aws-load-balancer-webhook-service', 9443, systemPods.filter((p) => p.metadata.labels['app.kubernetes.io/name'] === 'aws-load-balancer-controller'))],
      // The same object as in `deployments`: a fault that breaks the controller breaks both views.
      webhookDeployments: [lbcDeployment],
      // No Warning BackOff event names a pod, so none is read.
      crashLoopPods: [],
      // The VPC CNI add-on installs the ENIConfig CRD and EKS the SecurityGroupPolicy CRD: served, and empty.
      eniConfigs: [],
      securityGroupPolicies: [],
    },
    errors: [],
  };
  addSchedulingParts(snapshot, {
    privateSubnets: PRIVATE_SUBNETS,
    karpenterRoleName: KARPENTER_ROLE_NAME,
    replicaSetOwners: (['coredns', 'ebs-csi-controller', 'aws-load-balancer-controller'] as const).map((app) => ({
      deployment: app,
      replicaSet: `${app}-7d9c6f8b4c`,
      replicaSetUid: `0e0e0e0e-0000-4000-8000-${app.length.toString().padStart(12, '0')}`,
      deploymentUid: `0f0e0e0e-0000-4000-8000-${app.length.toString().padStart(12, '0')}`,
      replicas: app === 'coredns' ? corednsReplicas : 2,
    })),
  });
  return snapshot;
}

const ADDON_VERSION = {
  'vpc-cni': 'v1.21.1-eksbuild.1',
  'kube-proxy': 'v1.35.2-eksbuild.2',
  coredns: 'v1.12.4-eksbuild.1',
  'eks-pod-identity-agent': 'v1.3.10-eksbuild.1',
  'aws-ebs-csi-driver': 'v1.53.0-eksbuild.1',
} as const;

const ADDONS = [
  { name: 'vpc-cni', type: 'networking', version: ADDON_VERSION['vpc-cni'], versions: ['v1.21.1-eksbuild.1', 'v1.20.4-eksbuild.2', 'v1.19.6-eksbuild.1'], uuid: '1ec9a1b2-0001-0000-0000-000000000001' },
  { name: 'kube-proxy', type: 'networking', version: ADDON_VERSION['kube-proxy'], versions: ['v1.35.2-eksbuild.2', 'v1.35.0-eksbuild.1'], uuid: '1ec9a1b2-0002-0000-0000-000000000002' },
  { name: 'coredns', type: 'networking', version: ADDON_VERSION.coredns, versions: ['v1.12.4-eksbuild.1', 'v1.12.1-eksbuild.2'], uuid: '1ec9a1b2-0003-0000-0000-000000000003' },
  { name: 'eks-pod-identity-agent', type: 'security', version: ADDON_VERSION['eks-pod-identity-agent'], versions: ['v1.3.10-eksbuild.1', 'v1.3.8-eksbuild.2'], uuid: '1ec9a1b2-0004-0000-0000-000000000004' },
  { name: 'aws-ebs-csi-driver', type: 'storage', version: ADDON_VERSION['aws-ebs-csi-driver'], versions: ['v1.53.0-eksbuild.1', 'v1.52.1-eksbuild.1'], uuid: '1ec9a1b2-0005-0000-0000-000000000005', serviceAccountRoleArn: EBS_CSI_ROLE_ARN },
] as const satisfies readonly { name: string; type: string; version: string; versions: readonly string[]; uuid: string; serviceAccountRoleArn?: string }[];

function accessEntry(principalArn: string, type: string, kubernetesGroups: string[], username: string) {
  const name = principalArn.split('/').pop()!;
  return {
    clusterName,
    principalArn,
    kubernetesGroups,
    accessEntryArn: arn('eks', `access-entry/${clusterName}/role/${account}/${name}/0ac9a1b2-${name.length.toString().padStart(4, '0')}-0000-0000-000000000000`),
    createdAt: '2025-06-01T12:00:00.000Z',
    modifiedAt: '2025-06-01T12:00:00.000Z',
    tags: {},
    username,
    type,
  };
}

function asg(name: string, members: NodeSpec[], o: { min: number; max: number; tags: Record<string, string>; launchTemplate: { LaunchTemplateId: string; LaunchTemplateName: string; Version: string }; subnets?: string[] }): AutoScalingGroup {
  return {
    AutoScalingGroupName: name,
    AutoScalingGroupARN: arn('autoscaling', `autoScalingGroup:5a6b7c8d-0000-1111-2222-${name.length.toString().padStart(12, '0')}:autoScalingGroupName/${name}`),
    LaunchTemplate: o.launchTemplate,
    MinSize: o.min,
    MaxSize: o.max,
    DesiredCapacity: members.length,
    DefaultCooldown: 300,
    AvailabilityZones: [...AZS],
    LoadBalancerNames: [],
    TargetGroupARNs: [],
    HealthCheckType: 'EC2',
    HealthCheckGracePeriod: 15,
    Instances: members.map((m) => ({
      InstanceId: m.instanceId,
      InstanceType: m.instanceType,
      AvailabilityZone: m.az,
      LifecycleState: 'InService',
      HealthStatus: 'Healthy',
      LaunchTemplate: o.launchTemplate,
      ProtectedFromScaleIn: false,
    })),
    CreatedTime: '2025-06-01T12:00:00.000Z',
    SuspendedProcesses: [],
    VPCZoneIdentifier: (o.subnets ?? PRIVATE_SUBNETS).join(','),
    EnabledMetrics: [],
    Tags: Object.entries(o.tags).map(([Key, Value]) => ({ ResourceId: name, ResourceType: 'auto-scaling-group', Key, Value, PropagateAtLaunch: true })),
    TerminationPolicies: ['AllocationStrategy', 'OldestLaunchTemplate', 'OldestInstance'],
    NewInstancesProtectedFromScaleIn: false,
    ServiceLinkedRoleARN: iamArn('role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling'),
    CapacityRebalance: false,
  };
}

/** The facts of a NodeConfig naming this cluster, registering the node with `labels` (one --node-labels flag). */
export function nodeadmFacts(LaunchTemplateId: string, LaunchTemplateName: string, VersionNumber: number, labels: Record<string, string>): LaunchTemplateUserData {
  return {
    LaunchTemplateId,
    LaunchTemplateName,
    VersionNumber,
    bootstrap: 'nodeadm',
    parts: [{ contentType: 'application/node.eks.aws', kind: 'nodeadm' }],
    clusterName,
    apiServerEndpoint: CLUSTER_ENDPOINT,
    caFingerprint: caFingerprint(CLUSTER_CA_DATA)!,
    serviceCidr: '172.20.0.0/16',
    kubeletFlags: [{ name: 'node-labels', value: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') }],
    nodeLabels: labels,
  };
}

/** An EKS optimized AMI as DescribeImages returns it (cut to IMAGE_FIELDS); the EKS AMI account owns it. */
export function eksAmi(ImageId: string, Name: string, Description: string, CreationDate: string): Ec2Image {
  return { ImageId, Name, Description, OwnerId: '602401143452', ImageOwnerAlias: 'amazon', PlatformDetails: 'Linux/UNIX', Architecture: Name.includes('arm64') ? 'arm64' : 'x86_64', CreationDate, State: 'available' };
}

function instance(n: NodeSpec): Ec2Instance {
  const tagRecord: Record<string, string> = { ...(n.extraTags ?? {}) };
  if (n.asgName) tagRecord['aws:autoscaling:groupName'] = n.asgName;
  if (n.nodegroup) {
    tagRecord['eks:cluster-name'] = clusterName;
    tagRecord['eks:nodegroup-name'] = n.nodegroup;
    tagRecord[`kubernetes.io/cluster/${clusterName}`] = 'owned';
  }
  return {
    InstanceId: n.instanceId,
    ImageId: n.nodegroup ? 'ami-0123456789abcdef0' : 'ami-0fedcba9876543210',
    InstanceType: n.instanceType as Ec2Instance['InstanceType'],
    LaunchTime: n.launchTime,
    Placement: { AvailabilityZone: n.az, Tenancy: 'default', GroupName: '' },
    PrivateDnsName: dnsName(n.privateIp),
    PrivateIpAddress: n.privateIp,
    PublicDnsName: '',
    State: { Code: 16, Name: 'running' },
    SubnetId: n.subnetId,
    VpcId: vpcId,
    Architecture: n.instanceType.startsWith('m7g') ? 'arm64' : 'x86_64',
    IamInstanceProfile: { Arn: n.profileArn, Id: n.profileId },
    SecurityGroups: [{ GroupId: clusterSecurityGroupId, GroupName: `eks-cluster-sg-${clusterName}-1234567890` }],
    Tags: tags(tagRecord),
    MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled', State: 'applied' },
    NetworkInterfaces: [
      {
        NetworkInterfaceId: `eni-${n.instanceId.slice(2)}`,
        SubnetId: n.subnetId,
        VpcId: vpcId,
        PrivateIpAddress: n.privateIp,
        Status: 'in-use',
        Attachment: { DeviceIndex: 0, Status: 'attached', AttachTime: n.launchTime, DeleteOnTermination: true, AttachmentId: `eni-attach-${n.instanceId.slice(2)}` },
        Groups: [{ GroupId: clusterSecurityGroupId, GroupName: `eks-cluster-sg-${clusterName}-1234567890` }],
      },
    ],
  };
}

function node(n: NodeSpec): KubeNode {
  const name = dnsName(n.privateIp);
  const arch = n.instanceType.startsWith('m7g') ? 'arm64' : 'amd64';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: `0d0d0d0d-${n.instanceId.slice(-4)}-4000-8000-${n.instanceId.slice(-12)}`,
      resourceVersion: '90210',
      creationTimestamp: new Date(Date.parse(n.launchTime) + 90_000).toISOString().replace('.000Z', 'Z'),
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': arch,
        'node.kubernetes.io/instance-type': n.instanceType,
        'topology.kubernetes.io/region': region,
        'topology.kubernetes.io/zone': n.az,
        ...n.nodeLabels,
      },
    },
    spec: { providerID: `aws:///${n.az}/${n.instanceId}` },
    status: {
      conditions: nodeConditions(n.launchTime),
      addresses: [
        { type: 'InternalIP', address: n.privateIp },
        { type: 'InternalDNS', address: name },
        { type: 'Hostname', address: name },
      ],
      capacity: { cpu: '4', memory: '16044236Ki', pods: String(n.maxPods), 'ephemeral-storage': '52416492Ki' },
      allocatable: { cpu: '3920m', memory: '15027404Ki', pods: String(n.maxPods), 'ephemeral-storage': '47233297124' },
      nodeInfo: {
        machineID: n.instanceId.replace('i-', 'ec2'),
        systemUUID: `ec2${n.instanceId.slice(2)}`,
        bootID: `b007${n.instanceId.slice(2)}`,
        kernelVersion: '6.12.40-63.114.amzn2023.x86_64',
        osImage: 'Amazon Linux 2023.9.20251105',
        containerRuntimeVersion: 'containerd://2.1.4',
        kubeletVersion: n.kubeletVersion,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: arch,
      },
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    },
  };
}

function nodeConditions(since: string) {
  const t = new Date(Date.parse(since) + 120_000).toISOString().replace('.000Z', 'Z');
  const heartbeat = '2026-11-20T03:11:30Z';
  const c = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: heartbeat, lastTransitionTime: t });
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

function fargateNode(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: '0f0f0f0f-0000-4000-8000-000000000001',
      resourceVersion: '90211',
      creationTimestamp: '2026-11-15T08:00:00Z',
      labels: {
        'eks.amazonaws.com/compute-type': 'fargate',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/region': region,
        'topology.kubernetes.io/zone': AZS[1],
      },
    },
    spec: {
      providerID: `aws:///${AZS[1]}/0123456789abcdef0123456789abcdef-1234567890/${name}`,
      taints: [{ key: 'eks.amazonaws.com/compute-type', value: 'fargate', effect: 'NoSchedule' }],
    },
    status: {
      conditions: nodeConditions('2026-11-15T07:58:00.000Z'),
      addresses: [
        { type: 'InternalIP', address: '10.0.40.9' },
        { type: 'Hostname', address: dnsName('10.0.40.9') },
      ],
      capacity: { cpu: '2', memory: '3919632Ki', pods: '1' },
      allocatable: { cpu: '2', memory: '3817232Ki', pods: '1' },
      nodeInfo: { machineID: 'fargate0001', systemUUID: 'ec2fargate0001', bootID: 'boot-fargate-0001', kernelVersion: '5.10.240-238.959.amzn2.x86_64', osImage: 'Amazon Linux 2', containerRuntimeVersion: 'containerd://1.7.27', kubeletVersion: `v${kubernetesVersion}.2-eks-3a1b2c4`, kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64' },
    },
  };
}

function kubeSystemPods(nodes: NodeSpec[], corednsReplicas: number) {
  const pods = [];
  for (const n of nodes) {
    const nodeName = dnsName(n.privateIp);
    const suffix = n.instanceId.slice(-5);
    pods.push(pod(`aws-node-${suffix}`, 'aws-node', nodeName, n.privateIp, [['aws-node', `amazon-k8s-cni:${ADDON_VERSION['vpc-cni']}`], ['aws-eks-nodeagent', 'aws-network-policy-agent:v1.2.7-eksbuild.1']], 'DaemonSet'));
    pods.push(pod(`kube-proxy-${suffix}`, 'kube-proxy', nodeName, n.privateIp, [['kube-proxy', `eks/kube-proxy:${ADDON_VERSION['kube-proxy']}`]], 'DaemonSet'));
    pods.push(pod(`eks-pod-identity-agent-${suffix}`, 'eks-pod-identity-agent', nodeName, n.privateIp, [['eks-pod-identity-agent', `eks/eks-pod-identity-agent:${ADDON_VERSION['eks-pod-identity-agent']}`]], 'DaemonSet'));
    pods.push(pod(`ebs-csi-node-${suffix}`, 'ebs-csi-node', nodeName, podIp(n, 3), [['ebs-plugin', `eks/aws-ebs-csi-driver:${ADDON_VERSION['aws-ebs-csi-driver']}`]], 'DaemonSet'));
  }
  const first = nodes[0]!;
  const second = nodes[Math.min(1, nodes.length - 1)]!;
  for (const [i, n] of [first, second].entries()) {
    const nodeName = dnsName(n.privateIp);
    pods.push(pod(`coredns-7d9c6f8b4c-${['x2k9p', 'q7w4m'][i]}`, 'coredns', nodeName, podIp(n, 10 + i), [['coredns', `eks/coredns:${ADDON_VERSION.coredns}`]], 'ReplicaSet'));
    pods.push(pod(`ebs-csi-controller-5c8f9d7b6-${['h4j2k', 'p9r3t'][i]}`, 'ebs-csi-controller', nodeName, podIp(n, 20 + i), [['ebs-plugin', `eks/aws-ebs-csi-driver:${ADDON_VERSION['aws-ebs-csi-driver']}`]], 'ReplicaSet'));
    pods.push(pod(`aws-load-balancer-controller-6b7d8c9f5-${['m2n8b', 'v5c1x'][i]}`, 'aws-load-balancer-controller', nodeName, podIp(n, 30 + i), [['aws-load-balancer-controller', 'aws-load-balancer-controller:v2.14.1']], 'ReplicaSet'));
  }
  // Replicas past the first two, spread over the nodes as the scheduler's anti-affinity would.
  for (let i = 2; i < corednsReplicas; i++) {
    const n = nodes[(i * 16) % nodes.length]!;
    pods.push(pod(`coredns-7d9c6f8b4c-${i.toString(36).padStart(5, '0')}`, 'coredns', dnsName(n.privateIp), podIp(n, 10 + (i % 10)), [['coredns', `eks/coredns:${ADDON_VERSION.coredns}`]], 'ReplicaSet'));
  }
  return pods;
}

function podIp(n: NodeSpec, offset: number): string {
  const [a, b, c, d] = n.privateIp.split('.').map(Number) as [number, number, number, number];
  return `${a}.${b}.${c + 8}.${(d + offset) % 250}`;
}

function pod(name: string, app: string, nodeName: string, ip: string, containers: [string, string][], ownerKind: string) {
  const ecr = `602401143452.dkr.ecr.${region}.amazonaws.com`;
  const image = (i: string) => (i.startsWith('aws-load-balancer-controller') ? `public.ecr.aws/eks/${i}` : `${ecr}/${i}`);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'kube-system',
      uid: `9a9a9a9a-${name.length.toString().padStart(4, '0')}-4000-8000-${name.slice(-12).padStart(12, '0')}`,
      resourceVersion: '80001',
      creationTimestamp: '2026-11-02T09:20:00Z',
      // A ReplicaSet's pods carry its pod-template-hash, as the Deployment controller labels them; a
      // DaemonSet's its controller-revision-hash and pod-template-generation (its generation, 3 here).
      labels: { ...componentPodLabels(app), ...(ownerKind === 'ReplicaSet' ? { 'pod-template-hash': '7d9c6f8b4c' } : { 'controller-revision-hash': '5d8b9c6f7', 'pod-template-generation': '3' }) } as Record<string, string>,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: ownerKind, name: ownerKind === 'DaemonSet' ? app : `${app}-7d9c6f8b4c`, uid: `0e0e0e0e-0000-4000-8000-${app.length.toString().padStart(12, '0')}`, controller: true }],
    },
    spec: {
      nodeName,
      serviceAccountName: app === 'ebs-csi-controller' ? 'ebs-csi-controller-sa' : app === 'ebs-csi-node' ? 'ebs-csi-node-sa' : app,
      containers: containers.map(([cname, img]) => ({ name: cname, image: image(img) })),
      hostNetwork: ['aws-node', 'kube-proxy', 'eks-pod-identity-agent'].includes(app),
    },
    status: {
      phase: 'Running',
      podIP: ip,
      hostIP: ip,
      startTime: '2026-11-02T09:20:05Z',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-11-02T09:20:40Z' }],
      containerStatuses: containers.map(([cname, img]) => ({ name: cname, image: image(img), imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: '2026-11-02T09:20:10Z' } } })),
    },
  };
}

function daemonSet(name: string, image: string, count: number, serviceAccountName: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'kube-system', uid: `0e0e0e0e-0000-4000-8000-${name.length.toString().padStart(12, '0')}`, resourceVersion: '70001', generation: 3, creationTimestamp: '2024-03-14T10:15:00Z', labels: componentLabels(name).object },
    spec: {
      selector: { matchLabels: componentLabels(name).selector },
      template: { metadata: { labels: componentLabels(name).pod }, spec: { serviceAccountName, containers: [{ name, image }] } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
    },
    status: { currentNumberScheduled: count, desiredNumberScheduled: count, numberAvailable: count, numberMisscheduled: 0, numberReady: count, updatedNumberScheduled: count, observedGeneration: 3 },
  };
}

function deployment(name: string, image: string, replicas: number, serviceAccountName: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'kube-system', uid: `0f0e0e0e-0000-4000-8000-${name.length.toString().padStart(12, '0')}`, resourceVersion: '70002', generation: 2, creationTimestamp: '2024-03-14T10:15:00Z', labels: componentLabels(name).object },
    spec: {
      replicas,
      selector: { matchLabels: componentLabels(name).selector },
      template: { metadata: { labels: componentPodLabels(name) }, spec: { serviceAccountName, containers: [{ name, image }] } },
    },
    status: { replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas, observedGeneration: 2, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastTransitionTime: '2026-11-02T09:21:00Z', lastUpdateTime: '2026-11-02T09:21:00Z' }] },
  };
}

/** The EndpointSlice the EndpointSlice controller keeps for a Service selecting these (ready, running) pods. */
export function endpointSlice(namespace: string, service: string, port: number, pods: { metadata: { name: string; uid: string }; spec: { nodeName: string }; status: { podIP: string } }[]) {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${service}-x7k2p`,
      namespace,
      uid: `5d5d5d5d-0000-4000-8000-${service.length.toString().padStart(12, '0')}`,
      resourceVersion: '80101',
      generation: 3,
      creationTimestamp: '2025-06-01T12:30:05Z',
      labels: { 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: service, uid: `7c7c7c7c-0000-1111-2222-333333333333`, controller: true, blockOwnerDeletion: true }],
    },
    addressType: 'IPv4',
    endpoints: pods.map((p) => ({
      addresses: [p.status.podIP],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: p.spec.nodeName,
      targetRef: { kind: 'Pod', namespace, name: p.metadata.name, uid: p.metadata.uid },
    })),
    ports: [{ name: '', port, protocol: 'TCP' }],
  };
}

function serviceAccount(namespace: string, name: string, roleArn?: string) {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace, uid: `5a5a5a5a-0000-4000-8000-${name.length.toString().padStart(12, '0')}`, resourceVersion: '3001', creationTimestamp: '2025-06-01T12:00:00Z', ...(roleArn ? { annotations: { 'eks.amazonaws.com/role-arn': roleArn } } : {}) },
  };
}

/**
 * The VPC's default network ACL as DescribeNetworkAcls returns it: allow everything in both
 * directions (rule 100), then the final `*` deny (rule 32767) EC2 lists on every ACL.
 */
export function defaultNetworkAcl(subnetIds: readonly string[]): NetworkAcl {
  const entries = [true, false].flatMap((Egress) => [
    { CidrBlock: '0.0.0.0/0', Egress, Protocol: '-1', RuleAction: 'allow' as const, RuleNumber: 100 },
    { CidrBlock: '0.0.0.0/0', Egress, Protocol: '-1', RuleAction: 'deny' as const, RuleNumber: 32767 },
  ]);
  return {
    NetworkAclId: DEFAULT_NETWORK_ACL_ID,
    VpcId: vpcId,
    IsDefault: true,
    OwnerId: account,
    Entries: entries,
    Associations: subnetIds.map((SubnetId, i) => ({ NetworkAclAssociationId: `aclassoc-0${(i + 1).toString(16).padStart(16, '0')}`, NetworkAclId: DEFAULT_NETWORK_ACL_ID, SubnetId })),
    Tags: [],
  };
}

/**
 * One of the control plane's cross-account interfaces as DescribeNetworkInterfaces returns it:
 * created in a cluster subnet with the cluster security groups, described 'Amazon EKS <cluster>',
 * attached to an instance in EKS's account (from memory of the EKS user guide's "Amazon EKS
 * networking" and of DescribeNetworkInterfaces answers for such interfaces).
 */
function controlPlaneInterface(e: (typeof CONTROL_PLANE_ENIS)[number]): NetworkInterface {
  const az = AZS[e.subnetIndex];
  const privateDnsName = `ip-${e.ip.replace(/\./g, '-')}.${region}.compute.internal`;
  return {
    Attachment: { AttachTime: '2026-10-04T07:21:00.000Z', AttachmentId: `eni-attach-${e.id.slice(4)}`, DeleteOnTermination: false, DeviceIndex: 1, NetworkCardIndex: 0, InstanceOwnerId: EKS_CONTROL_PLANE_ACCOUNT, Status: 'attached' },
    AvailabilityZone: az,
    Description: `Amazon EKS ${clusterName}`,
    Groups: [
      { GroupId: clusterSecurityGroupId, GroupName: `eks-cluster-sg-${clusterName}-1234567890` },
      { GroupId: controlPlaneSecurityGroupId, GroupName: `${clusterName}-control-plane` },
    ],
    InterfaceType: 'interface',
    Ipv6Addresses: [],
    MacAddress: `06:1f:2e:3d:4c:${(0x5a + e.subnetIndex).toString(16)}`,
    NetworkInterfaceId: e.id,
    OwnerId: account,
    PrivateDnsName: privateDnsName,
    PrivateIpAddress: e.ip,
    PrivateIpAddresses: [{ Primary: true, PrivateDnsName: privateDnsName, PrivateIpAddress: e.ip }],
    RequesterId: EKS_CONTROL_PLANE_ACCOUNT,
    RequesterManaged: false,
    SourceDestCheck: true,
    Status: 'in-use',
    SubnetId: PRIVATE_SUBNETS[e.subnetIndex],
    TagSet: [],
    VpcId: vpcId,
  };
}

function subnet(id: string, az: string, cidr: string, free: number, isPublic: boolean, tagRecord: Record<string, string>): Subnet {
  return {
    SubnetId: id,
    SubnetArn: arn('ec2', `subnet/${id}`),
    VpcId: vpcId,
    AvailabilityZone: az,
    AvailabilityZoneId: `euw1-az${AZS.indexOf(az as (typeof AZS)[number]) + 1}`,
    CidrBlock: cidr,
    AvailableIpAddressCount: free,
    MapPublicIpOnLaunch: isPublic,
    DefaultForAz: false,
    State: 'available',
    OwnerId: account,
    AssignIpv6AddressOnCreation: false,
    Ipv6CidrBlockAssociationSet: [],
    Tags: tags(tagRecord),
  };
}

function routeTable(id: string, main: boolean, subnets: string[], routes: RouteTable['Routes']): RouteTable {
  return {
    RouteTableId: id,
    VpcId: vpcId,
    OwnerId: account,
    Associations: [
      ...(main ? [{ Main: true, RouteTableAssociationId: `rtbassoc-${id.slice(4)}m`, RouteTableId: id, AssociationState: { State: 'associated' as const } }] : []),
      ...subnets.map((s) => ({ Main: false, RouteTableAssociationId: `rtbassoc-${s.slice(-8)}`, RouteTableId: id, SubnetId: s, AssociationState: { State: 'associated' as const } })),
    ],
    Routes: routes,
    PropagatingVgws: [],
    Tags: [],
  };
}

function instanceType(type: string, vcpus: number, maxEnis: number, ipv4PerEni: number, arch: 'x86_64' | 'arm64'): InstanceTypeInfo {
  // The SDK types InstanceType as a closed union of every type; ours are members of it.
  const InstanceType = type as InstanceTypeInfo['InstanceType'];
  return {
    InstanceType,
    CurrentGeneration: true,
    Hypervisor: 'nitro',
    VCpuInfo: { DefaultVCpus: vcpus },
    ProcessorInfo: { SupportedArchitectures: [arch] },
    NetworkInfo: { MaximumNetworkInterfaces: maxEnis, Ipv4AddressesPerInterface: ipv4PerEni, Ipv6AddressesPerInterface: ipv4PerEni, Ipv6Supported: true, EnaSupport: 'required', MaximumNetworkCards: 1, DefaultNetworkCardIndex: 0 },
  };
}

function ec2Trust() {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
}
function serviceTrust(service: string) {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Principal: { Service: service }, Action: 'sts:AssumeRole', Condition: { ArnLike: { 'aws:SourceArn': arn('eks', `fargateprofile/${clusterName}/*`) } } }] };
}
function irsaTrust(namespace: string, name: string) {
  const issuer = OIDC_ISSUER.replace('https://', '');
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow' as const,
        Principal: { Federated: OIDC_PROVIDER_ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${issuer}:aud`]: 'sts.amazonaws.com', [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${name}` } },
      },
    ],
  };
}
function podIdentityTrust() {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] };
}

function role(name: string, path: string, trust: { Version: string; Statement: { Effect: 'Allow'; Principal: Record<string, string>; Action: string | string[]; Condition?: Record<string, Record<string, string>> }[] }) {
  return {
    Path: path,
    RoleName: name,
    RoleId: `AROA${name.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 17).padEnd(17, '0')}`,
    Arn: iamArn(`role${path}${name}`),
    CreateDate: '2024-03-14T09:00:00.000Z',
    AssumeRolePolicyDocument: trust,
    MaxSessionDuration: 3600,
    RoleLastUsed: { LastUsedDate: '2026-11-20T03:00:00.000Z', Region: region },
  };
}

function attached(roleName: string, managed: string[]) {
  return { RoleName: roleName, AttachedPolicies: managed.map((p) => ({ PolicyName: p.split('/').pop()!, PolicyArn: `arn:aws:iam::aws:policy/${p}` })) };
}

function instanceProfile(name: string, id: string, roleName: string, path: string) {
  const trust = ec2Trust();
  return {
    Path: '/',
    InstanceProfileName: name,
    InstanceProfileId: id,
    Arn: iamArn(`instance-profile/${name}`),
    CreateDate: '2024-03-14T09:00:00.000Z',
    Roles: [role(roleName, path, trust)],
  };
}

/** A database's security group admitting the nodes on 5432: present in big VPCs, unrelated to the cluster's health. */
function databaseSecurityGroup(i: number): SecurityGroup {
  const id = `sg-0db${i.toString(16).padStart(14, '0')}`;
  return {
    GroupId: id,
    GroupName: `shop-prod-db-${i}`,
    Description: `Database ${i}: PostgreSQL from the cluster's nodes`,
    OwnerId: account,
    VpcId: vpcId,
    IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: clusterSecurityGroupId, UserId: account, Description: 'EKS nodes' }], IpRanges: [], Ipv6Ranges: [], PrefixListIds: [] }],
    IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
    Tags: tags({ Name: `shop-prod-db-${i}` }),
  };
}

/** Read-only team mappings in aws-auth, one per 100 nodes (none in the default baseline). */
function teamRoleMappings(nodeCount: number): string[] {
  return Array.from({ length: Math.floor(nodeCount / 100) }, (_, i) => [`- rolearn: ${iamArn(`role/team-${i}-readonly`)}`, `  username: team-${i}-readonly`, '  groups:', `    - team-${i}:view`]).flat();
}

/**
 * The routine Warning events a busy cluster always has (an application's readiness probe failing
 * during a rollout), one per 50 nodes: volume for the collector, nothing the checks should act on.
 */
function routineWarningEvents(nodes: NodeSpec[]): KubeEvent[] {
  return Array.from({ length: Math.floor(nodes.length / 50) }, (_, i) => {
    const pod = `storefront-6d8f7c9b5-${i.toString(36).padStart(5, '0')}`;
    const node = nodes[(i * 50) % nodes.length]!;
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${pod}.18a1b2c3d4e5f${i.toString(16).padStart(3, '0')}`, namespace: 'shop', uid: `e0e0e0e0-0000-4000-8000-${i.toString(16).padStart(12, '0')}`, resourceVersion: `${95000 + i}`, creationTimestamp: '2026-11-20T03:05:00Z' },
      involvedObject: { kind: 'Pod', namespace: 'shop', name: pod, apiVersion: 'v1', fieldPath: 'spec.containers{storefront}' },
      reason: 'Unhealthy',
      message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
      source: { component: 'kubelet', host: dnsName(node.privateIp) },
      firstTimestamp: '2026-11-20T03:04:10Z',
      lastTimestamp: '2026-11-20T03:05:00Z',
      count: 3,
      type: 'Warning',
      reportingComponent: 'kubelet',
      reportingInstance: dnsName(node.privateIp),
    };
  });
}
