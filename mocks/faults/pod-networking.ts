/**
 * VPC CNI custom networking and security groups for pods (issue 19 items 4-5), set up the way the
 * EKS user guide sets them up, right and wrong. Each broken fault shows its symptom: pods stuck in
 * ContainerCreating with the VPC CNI's "failed to assign an IP address" events.
 *
 * The edits are exported so the checks' unit tests build the same shapes.
 */
import type { EniConfig, KubeNode, SecurityGroupPolicy, Snapshot } from '../../src/snapshot/types.js';
import { AZS, BASELINE, CLUSTER_ROLE_ARN, MANAGED_LAUNCH_TEMPLATE_ID, dnsName } from '../scenario-builder/baseline.js';
import { defineFaults } from '../scenario-builder/fault.js';
import { podsWithoutIp } from './symptoms.js';
import { settledFacts } from './user-data.js';

const { account, vpcId } = BASELINE;
/** Pod subnets carved from a secondary CIDR block (100.64.0.0/16), one per zone, as the user guide does. */
export const POD_SUBNETS = ['subnet-0a77777777777777a', 'subnet-0b88888888888888b', 'subnet-0c99999999999999c'] as const;
export const POD_SECURITY_GROUP = 'sg-0f1e2d3c4b5a69780';
const POD_CIDR = '100.64.0.0/16';
/** When custom networking was switched on: before the nodes of the baseline joined, unless a fault says otherwise. */
const SWITCHED_ON = '2025-05-20T08:00:00Z';

/** The aws-node container's settings, added as the VPC CNI add-on's configuration sets them. */
export function setAwsNodeEnv(snapshot: Snapshot, settings: Record<string, string>): void {
  const ds = snapshot.kubernetes.daemonSets!.find((d) => d.metadata!.name === 'aws-node')!;
  const container = ds.spec!.template.spec!.containers[0]!;
  container.env = [...(container.env ?? []).filter((e) => !(e.name in settings)), ...Object.entries(settings).map(([name, value]) => ({ name, value }))];
}

function eniConfig(name: string, subnet: string, securityGroups: string[], created = SWITCHED_ON): EniConfig {
  return {
    apiVersion: 'crd.k8s.amazonaws.com/v1alpha1',
    kind: 'ENIConfig',
    metadata: { name, uid: `e1e1e1e1-0000-4000-8000-${name.replace(/\W/g, '').slice(-12).padStart(12, '0')}`, resourceVersion: '3301', generation: 1, creationTimestamp: created },
    spec: { subnet, securityGroups },
  };
}

/** A node's pods that are not on the host network get addresses from its zone's pod subnet, as custom networking gives them. */
function podsOnPodSubnets(snapshot: Snapshot, nodes: KubeNode[]): void {
  for (const node of nodes) {
    const zone = AZS.indexOf(node.metadata!.labels!['topology.kubernetes.io/zone'] as (typeof AZS)[number]);
    for (const pod of snapshot.kubernetes.kubeSystemPods ?? []) {
      if (pod.spec?.nodeName !== node.metadata!.name || pod.spec?.hostNetwork) continue;
      const last = Number(pod.status!.podIP!.split('.')[3]);
      pod.status!.podIP = `100.64.${zone * 32 + 1}.${last}`;
    }
  }
}

/** The pods' own security group (accepts the cluster security group, sends anywhere), once. */
function addPodSecurityGroup(snapshot: Snapshot): void {
  if (snapshot.aws.securityGroups!.some((g) => g.GroupId === POD_SECURITY_GROUP)) return;
  snapshot.aws.securityGroups!.push({
    GroupId: POD_SECURITY_GROUP,
    GroupName: 'shop-prod-pods',
    Description: 'Pods on custom networking',
    OwnerId: account,
    VpcId: vpcId,
    IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: BASELINE.clusterSecurityGroupId, UserId: account }], IpRanges: [], Ipv6Ranges: [], PrefixListIds: [] }],
    IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
    Tags: [{ Key: 'Name', Value: 'shop-prod-pods' }],
  });
}

/**
 * Custom networking as the user guide sets it up: a secondary CIDR with a pod subnet per zone, one
 * ENIConfig per zone named after it, aws-node choosing by the zone label; `zones` limits which
 * zones get an ENIConfig.
 */
export function customNetworking(snapshot: Snapshot, o: { zones?: number[]; created?: string; podsMoved?: boolean } = {}): void {
  const vpc = snapshot.aws.vpcs!.find((v) => v.VpcId === vpcId)!;
  vpc.CidrBlockAssociationSet = [...(vpc.CidrBlockAssociationSet ?? []), { AssociationId: 'vpc-cidr-assoc-0c100064', CidrBlock: POD_CIDR, CidrBlockState: { State: 'associated' } }];
  snapshot.aws.subnets!.push(
    ...POD_SUBNETS.map((id, i) => ({
      SubnetId: id,
      VpcId: vpcId,
      AvailabilityZone: AZS[i],
      AvailabilityZoneId: `euw1-az${i + 1}`,
      CidrBlock: `100.64.${i * 32}.0/19`,
      AvailableIpAddressCount: 8150,
      State: 'available' as const,
      MapPublicIpOnLaunch: false,
      DefaultForAz: false,
      OwnerId: account,
      SubnetArn: `arn:aws:ec2:${BASELINE.region}:${account}:subnet/${id}`,
      Tags: [{ Key: 'Name', Value: `shop-prod-pods-${AZS[i]}` }],
    })),
  );
  addPodSecurityGroup(snapshot);
  setAwsNodeEnv(snapshot, { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true', ENI_CONFIG_LABEL_DEF: 'topology.kubernetes.io/zone' });
  // Done right, max-pods is lowered with it: the primary interface no longer hosts pods, so an m6i.xlarge holds 3 x 14 + 2 = 44.
  lowerManagedMaxPods(snapshot, 44);
  const zones = o.zones ?? [0, 1, 2];
  snapshot.kubernetes.eniConfigs = zones.map((i) => eniConfig(AZS[i], POD_SUBNETS[i], [BASELINE.clusterSecurityGroupId, POD_SECURITY_GROUP], o.created));
  // Nodes that joined after the switch give their pods addresses from the pod subnets.
  if (o.podsMoved !== false) podsOnPodSubnets(snapshot, (snapshot.kubernetes.nodes ?? []).filter((n) => n.spec?.providerID?.startsWith('aws:///')));
}

/** The managed node group's launch template passes `maxPods` to the kubelet. */
function lowerManagedMaxPods(snapshot: Snapshot, maxPods: number): void {
  const list = snapshot.aws.launchTemplateUserData ?? [];
  const i = list.findIndex((f) => f.LaunchTemplateId === MANAGED_LAUNCH_TEMPLATE_ID);
  if (i >= 0) list[i] = settledFacts(snapshot, { ...list[i]!, maxPods });
}

const nodesInZone = (snapshot: Snapshot, zone: string) => (snapshot.kubernetes.nodes ?? []).filter((n) => n.metadata?.labels?.['topology.kubernetes.io/zone'] === zone && n.spec?.providerID?.startsWith('aws:///'));

/** Security groups for pods switched on: ENABLE_POD_ENI, trunk interfaces on the EC2 nodes, and a policy for the payments pods. */
export function securityGroupsForPods(snapshot: Snapshot, o: { controllerPolicy: boolean; groups?: string[] }): SecurityGroupPolicy {
  setAwsNodeEnv(snapshot, { ENABLE_POD_ENI: 'true' });
  addPodSecurityGroup(snapshot);
  const policies = snapshot.aws.iamAttachedRolePolicies!.find((p) => p.RoleName === CLUSTER_ROLE_ARN.split('/').pop())!;
  if (o.controllerPolicy) policies.AttachedPolicies.push({ PolicyName: 'AmazonEKSVPCResourceController', PolicyArn: 'arn:aws:iam::aws:policy/AmazonEKSVPCResourceController' });
  for (const node of snapshot.kubernetes.nodes ?? []) {
    if (!node.spec?.providerID?.startsWith('aws:///')) continue;
    // The controller labels a node once its trunk interface is attached, and advertises its branch interfaces.
    if (o.controllerPolicy) {
      node.metadata!.labels!['vpc.amazonaws.com/has-trunk-attached'] = 'true';
      node.status!.allocatable!['vpc.amazonaws.com/pod-eni'] = '9';
      node.status!.capacity!['vpc.amazonaws.com/pod-eni'] = '9';
    } else {
      node.metadata!.labels!['vpc.amazonaws.com/has-trunk-attached'] = 'false';
    }
  }
  const policy: SecurityGroupPolicy = {
    apiVersion: 'vpcresources.k8s.aws/v1beta1',
    kind: 'SecurityGroupPolicy',
    metadata: { name: 'payments-db-access', namespace: 'shop', uid: '5a5a5a5a-0000-4000-8000-00000000sgp1', resourceVersion: '64001', generation: 1, creationTimestamp: '2026-11-19T16:00:00Z' },
    spec: { podSelector: { matchLabels: { app: 'payments' } }, securityGroups: { groupIds: o.groups ?? [BASELINE.clusterSecurityGroupId, POD_SECURITY_GROUP] } },
  };
  snapshot.kubernetes.securityGroupPolicies = [policy];
  return policy;
}

export const faults = defineFaults([
  {
    name: 'custom-networking',
    description: 'VPC CNI custom networking done right: pod subnets in a secondary CIDR (100.64.0.0/16), one ENIConfig per zone named after it, aws-node choosing by topology.kubernetes.io/zone, and every node joined after it was switched on.',
    apply: (s) => customNetworking(s),
  },
  {
    name: 'custom-networking-eniconfig-missing',
    description: `Custom networking chooses ENIConfigs by zone, and there is none for ${AZS[2]}: pods on the nodes there cannot get an address.`,
    apply(s) {
      customNetworking(s, { zones: [0, 1] });
      const node = nodesInZone(s, AZS[2])[0]!;
      podsWithoutIp(s, node.metadata!.name!, 'shop', 'checkout', 3);
    },
  },
  {
    name: 'custom-networking-switched-on-late',
    description: 'Custom networking was switched on an hour ago, after every node had joined: the nodes keep their old interfaces and give pods addresses from their own subnets until they are replaced.',
    apply(s) {
      // Nothing was replaced since: the pods keep the addresses of their nodes' subnets.
      customNetworking(s, { created: new Date(Date.parse(s.capturedAt) - 60 * 60_000).toISOString().replace('.000Z', 'Z'), podsMoved: false });
    },
  },
  {
    name: 'security-groups-for-pods',
    description: 'Security groups for pods done right: ENABLE_POD_ENI on aws-node, AmazonEKSVPCResourceController on the cluster role, trunk interfaces on every EC2 node, and a SecurityGroupPolicy for the payments pods with groups that exist and allow DNS.',
    apply: (s) => void securityGroupsForPods(s, { controllerPolicy: true }),
  },
  {
    name: 'security-groups-for-pods-no-controller-policy',
    description: 'ENABLE_POD_ENI is on but the cluster role lacks AmazonEKSVPCResourceController: no node gets a trunk interface and the payments pods a SecurityGroupPolicy selects wait in ContainerCreating.',
    apply(s) {
      securityGroupsForPods(s, { controllerPolicy: false });
      podsWithoutIp(s, dnsName('10.0.1.10'), 'shop', 'payments', 2);
    },
  },
  {
    name: 'security-groups-for-pods-group-deleted',
    description: "The payments pods' SecurityGroupPolicy names a security group that was deleted: the controller cannot create their branch interfaces and they wait in ContainerCreating.",
    apply(s) {
      securityGroupsForPods(s, { controllerPolicy: true, groups: [BASELINE.clusterSecurityGroupId, 'sg-0dead0000beef0001'] });
      podsWithoutIp(s, dnsName('10.0.1.10'), 'shop', 'payments', 2);
    },
  },
]);
