/**
 * The DHCP option set of the cluster's VPC, as its instances receive it
 * (https://docs.aws.amazon.com/vpc/latest/userguide/DHCPOptionSetConcepts.html).
 */
import type { DhcpOptions, Snapshot } from '../../src/snapshot/types.js';
import { clusterVpcId } from './cluster-vpc.js';
import { parseCidr, parseIpv4 } from './ipv4-cidr.js';
import { formatIpv4 } from './network-acl.js';

/** The name the option set uses for the Route 53 Resolver. */
export const AMAZON_PROVIDED_DNS = 'AmazonProvidedDNS';
/** The Route 53 Resolver's link-local address, reachable from every Nitro instance. */
const RESOLVER_LINK_LOCAL = '169.254.169.253';

export interface VpcDhcpOptions {
  vpcId: string;
  /** 'default' when no option set is associated. */
  optionSetId: string;
  /** The option set, when it was collected and exists. */
  options?: DhcpOptions;
}

/** The cluster VPC's option set, when the VPC is known. */
export function vpcDhcpOptions(snapshot: Snapshot): VpcDhcpOptions | undefined {
  const vpcId = clusterVpcId(snapshot);
  const vpc = (snapshot.aws.vpcs ?? []).find((v) => v.VpcId === vpcId);
  if (!vpcId || !vpc?.DhcpOptionsId) return undefined;
  const options = (snapshot.aws.dhcpOptions ?? []).find((d) => d.DhcpOptionsId === vpc.DhcpOptionsId);
  return { vpcId, optionSetId: vpc.DhcpOptionsId, ...(options ? { options } : {}) };
}

/** The values of one key of an option set ('domain-name-servers', 'domain-name', ...). */
export function dhcpValues(options: DhcpOptions | undefined, key: string): string[] {
  return (options?.DhcpConfigurations ?? []).filter((c) => c.Key === key).flatMap((c) => (c.Values ?? []).flatMap((v) => (v.Value ? [v.Value] : [])));
}

/** The Route 53 Resolver's address in the VPC: the base of its primary CIDR plus two. */
export function vpcResolverAddress(snapshot: Snapshot, vpcId: string): string | undefined {
  const cidr = (snapshot.aws.vpcs ?? []).find((v) => v.VpcId === vpcId)?.CidrBlock;
  const range = cidr ? parseCidr(cidr) : undefined;
  if (!range) return undefined;
  return formatIpv4(range.start + 2);
}

/**
 * The DNS servers of the option set that are not the Route 53 Resolver, by address: the ones a
 * network ACL can stand between the nodes and. AmazonProvidedDNS, the VPC's base + 2 address and
 * 169.254.169.253 are all the Resolver, which ACLs do not filter.
 */
export function customDnsResolvers(snapshot: Snapshot): { address: string; optionSet: string }[] {
  const set = vpcDhcpOptions(snapshot);
  if (!set?.options) return [];
  const resolver = vpcResolverAddress(snapshot, set.vpcId);
  return dhcpValues(set.options, 'domain-name-servers')
    .filter((v) => v !== AMAZON_PROVIDED_DNS && v !== resolver && v !== RESOLVER_LINK_LOCAL && parseIpv4(v) !== undefined)
    .map((address) => ({ address, optionSet: set.optionSetId }));
}

/** Whether the servers handed out include the Route 53 Resolver, by name or by address. */
export function usesAmazonProvidedDns(snapshot: Snapshot, set: VpcDhcpOptions): boolean {
  const resolver = vpcResolverAddress(snapshot, set.vpcId);
  return dhcpValues(set.options, 'domain-name-servers').some((v) => v === AMAZON_PROVIDED_DNS || v === resolver || v === RESOLVER_LINK_LOCAL);
}

/** The domain EC2 gives instances' private DNS names in this region. */
export function defaultDomainName(region: string): string {
  return region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
}
