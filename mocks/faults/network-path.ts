/**
 * The node's network path (issue 19): network ACLs and DHCP options, broken the way they break in
 * real accounts, and their healthy variants. Each broken fault shows its symptom: a replacement
 * managed instance that never joins (NodeCreationFailure), or relaunched batch instances.
 *
 * The edits are exported so the checks' unit tests build the same shapes.
 */
import type { NetworkAcl, NetworkAclEntry, Snapshot } from '../../src/snapshot/types.js';
import { BASELINE, BATCH_ASG, DEFAULT_NETWORK_ACL_ID, DHCP_OPTIONS_ID, MANAGED_ASG, PRIVATE_SUBNETS } from '../scenario-builder/baseline.js';
import { defineFaults } from '../scenario-builder/fault.js';
import { instancesOfGroup, neverJoined, nodegroupIssue } from './network.js';

const { account, vpcId, region } = BASELINE;
export const PRIVATE_NETWORK_ACL_ID = 'acl-0f9e8d7c6b5a40312';

/** One ACL rule as DescribeNetworkAcls returns it: protocol by number, a port range only for TCP and UDP. */
export function aclEntry(ruleNumber: number, egress: boolean, action: 'allow' | 'deny', cidr: string, protocol: 'all' | 'tcp' | 'udp' = 'all', ports?: [number, number]): NetworkAclEntry {
  return {
    RuleNumber: ruleNumber,
    Egress: egress,
    RuleAction: action,
    CidrBlock: cidr,
    Protocol: protocol === 'all' ? '-1' : protocol === 'tcp' ? '6' : '17',
    ...(protocol !== 'all' && ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}),
  };
}

/**
 * A custom ACL with these rules (the final `*` deny in each direction added, as EC2 lists it),
 * associated with `subnetIds` instead of the default ACL.
 */
export function customAcl(snapshot: Snapshot, id: string, name: string, subnetIds: readonly string[], entries: NetworkAclEntry[]): NetworkAcl {
  const acls = snapshot.aws.networkAcls!;
  const defaultAcl = acls.find((a) => a.NetworkAclId === DEFAULT_NETWORK_ACL_ID)!;
  const moved = (defaultAcl.Associations ?? []).filter((a) => subnetIds.includes(a.SubnetId ?? ''));
  defaultAcl.Associations = (defaultAcl.Associations ?? []).filter((a) => !subnetIds.includes(a.SubnetId ?? ''));
  const acl: NetworkAcl = {
    NetworkAclId: id,
    VpcId: vpcId,
    IsDefault: false,
    OwnerId: account,
    Entries: [...entries, aclEntry(32767, true, 'deny', '0.0.0.0/0'), aclEntry(32767, false, 'deny', '0.0.0.0/0')],
    Associations: moved.map((a) => ({ ...a, NetworkAclId: id })),
    Tags: [{ Key: 'Name', Value: name }],
  };
  acls.push(acl);
  return acl;
}

/** The VPC's option set gets these DHCP configurations instead of the default's. */
export function setDhcpOptions(snapshot: Snapshot, configurations: Record<string, string[]>): void {
  const set = snapshot.aws.dhcpOptions!.find((d) => d.DhcpOptionsId === DHCP_OPTIONS_ID)!;
  set.DhcpConfigurations = Object.entries(configurations).map(([Key, values]) => ({ Key, Values: values.map((Value) => ({ Value })) }));
}

/** A replacement instance of the managed node group that never joined, reported by EKS. */
function replacementNeverJoins(snapshot: Snapshot): void {
  const replaced = instancesOfGroup(snapshot, MANAGED_ASG)[1]!;
  neverJoined(snapshot, [replaced], 30);
  nodegroupIssue(snapshot, 'NodeCreationFailure', 'Instances failed to join the kubernetes cluster', [replaced.InstanceId!]);
}

const VPC = '10.0.0.0/16';
/** Everything within the VPC both ways, and HTTPS out to anywhere: a common hardening, which forgets the replies from outside. */
export const VPC_AND_HTTPS_OUT = [aclEntry(100, false, 'allow', VPC), aclEntry(100, true, 'allow', VPC), aclEntry(110, true, 'allow', '0.0.0.0/0', 'tcp', [443, 443])];
/** The same with the replies from anywhere on ephemeral ports 1024-65535: exactly what nodes need. */
export const EXACT_NODE_PATHS = [...VPC_AND_HTTPS_OUT, aclEntry(110, false, 'allow', '0.0.0.0/0', 'tcp', [1024, 65535])];

export const faults = defineFaults([
  {
    name: 'nacl-drops-internet-replies',
    description:
      'A custom network ACL on the private subnets allows everything within the VPC but nothing from outside it: the replies to the nodes\' HTTPS calls through the NAT gateway (to ephemeral ports, from public addresses) are dropped, so a replacement node cannot reach EC2, ECR or STS and never joins.',
    apply(s) {
      customAcl(s, PRIVATE_NETWORK_ACL_ID, 'shop-prod-private', PRIVATE_SUBNETS, VPC_AND_HTTPS_OUT);
      replacementNeverJoins(s);
    },
  },
  {
    name: 'nacl-exact-paths',
    description:
      'A custom network ACL on the private subnets that allows exactly what nodes need: everything within the VPC, HTTPS out to anywhere, and the replies on ephemeral ports 1024-65535 from anywhere.',
    apply(s) {
      customAcl(s, PRIVATE_NETWORK_ACL_ID, 'shop-prod-private', PRIVATE_SUBNETS, EXACT_NODE_PATHS);
    },
  },
  {
    name: 'dhcp-custom-dns-servers',
    description:
      'The VPC\'s DHCP option set names only the corporate DNS servers 10.200.0.10 and 10.200.0.11 (reached over the transit gateway), which do not forward to the Route 53 Resolver: the relaunched batch instances cannot resolve the cluster endpoint and never join.',
    apply(s) {
      setDhcpOptions(s, { 'domain-name': [`${region}.compute.internal`], 'domain-name-servers': ['10.200.0.10', '10.200.0.11'] });
      neverJoined(s, instancesOfGroup(s, BATCH_ASG), 35);
    },
  },
  {
    name: 'dhcp-custom-with-amazon-dns',
    description: 'A custom DHCP option set that keeps AmazonProvidedDNS first, adds a corporate resolver and the Amazon Time Sync Service, and the default domain name: healthy.',
    apply(s) {
      setDhcpOptions(s, {
        'domain-name': [`${region}.compute.internal`],
        'domain-name-servers': ['AmazonProvidedDNS', '10.200.0.10'],
        'ntp-servers': ['169.254.169.123'],
      });
    },
  },
  {
    name: 'dhcp-custom-domain-name',
    description:
      'The VPC\'s DHCP option set gives the domain corp.example.com: relaunched batch instances take host names in it, which do not match the PrivateDnsName their access entry maps (system:node:{{EC2PrivateDNSName}}), and never join.',
    apply(s) {
      setDhcpOptions(s, { 'domain-name': ['corp.example.com'], 'domain-name-servers': ['AmazonProvidedDNS'] });
      neverJoined(s, instancesOfGroup(s, BATCH_ASG), 35);
    },
  },
]);
