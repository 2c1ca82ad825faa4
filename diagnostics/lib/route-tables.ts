/**
 * Subnet → route table resolution and classification of a subnet's default route, as EC2 routes
 * traffic: a subnet uses the route table explicitly associated with it, else its VPC's main table
 * (https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html#RouteTables).
 */
import { memoised } from '../../src/engine/snapshot-memo.js';
import type { Route, RouteTable, Snapshot, Subnet } from '../../src/snapshot/types.js';


/** The route table a subnet uses: its explicit association, else the main table of its VPC. */
export function routeTableForSubnet(snapshot: Snapshot, subnetId: string): { table: RouteTable; explicit: boolean } | undefined {
  const tables = snapshot.aws.routeTables ?? [];
  const explicit = tables.find((t) => (t.Associations ?? []).some((a) => a.SubnetId === subnetId && a.AssociationState?.State !== 'disassociated'));
  if (explicit) return { table: explicit, explicit: true };
  const vpcId = subnetById(snapshot, subnetId)?.VpcId ?? snapshot.aws.cluster?.resourcesVpcConfig?.vpcId;
  const main = tables.find((t) => t.VpcId === vpcId && (t.Associations ?? []).some((a) => a.Main === true));
  return main ? { table: main, explicit: false } : undefined;
}

export function subnetById(snapshot: Snapshot, subnetId: string): Subnet | undefined {
  return subnetsById(snapshot).get(subnetId);
}

/** Subnets by ID (the first of a repeated ID wins, as a search would find it), once per run. */
function subnetsById(snapshot: Snapshot): Map<string | undefined, Subnet> {
  return memoised(snapshot, 'route-tables/subnets-by-id', () => {
    const byId = new Map<string | undefined, Subnet>();
    for (const s of snapshot.aws.subnets ?? []) if (!byId.has(s.SubnetId)) byId.set(s.SubnetId, s);
    return byId;
  });
}

/** The IPv4 default route (0.0.0.0/0) of a table, if any. */
export function defaultRoute(table: RouteTable): Route | undefined {
  return (table.Routes ?? []).find((r) => r.DestinationCidrBlock === '0.0.0.0/0');
}

/** The gateway, NAT, or other target a route sends traffic to, spelled as its AWS ID. */
export function routeTarget(route: Route): string {
  return (
    route.NatGatewayId ??
    route.TransitGatewayId ??
    route.VpcPeeringConnectionId ??
    route.NetworkInterfaceId ??
    route.InstanceId ??
    route.CarrierGatewayId ??
    route.LocalGatewayId ??
    route.EgressOnlyInternetGatewayId ??
    route.CoreNetworkArn ??
    route.GatewayId ??
    'unknown target'
  );
}

export type DefaultEgress =
  /** 0.0.0.0/0 to an attached internet gateway. */
  | { kind: 'internet-gateway'; route: Route; target: string }
  /** 0.0.0.0/0 to an available public NAT gateway. */
  | { kind: 'nat-gateway'; route: Route; target: string; publicIps: string[] }
  /** The route exists but its target is gone or not usable: traffic is dropped. */
  | { kind: 'blackhole'; route: Route; target: string; why: string }
  /** A target whose onward path cannot be seen from this VPC (transit gateway, firewall endpoint, peering, ENI, instance, private NAT). */
  | { kind: 'unverifiable'; route: Route; target: string; what: string }
  /** No default route at all. */
  | { kind: 'none' };

/**
 * What a subnet's default route does. A route in state 'blackhole' (EC2's own verdict that the
 * target was deleted) is reported as such whatever the target is.
 */
export function classifyDefaultEgress(snapshot: Snapshot, table: RouteTable): DefaultEgress {
  const route = defaultRoute(table);
  if (!route) return { kind: 'none' };
  const target = routeTarget(route);
  if (route.NatGatewayId) {
    const nat = (snapshot.aws.natGateways ?? []).find((n) => n.NatGatewayId === route.NatGatewayId);
    if (snapshot.aws.natGateways && !nat) return { kind: 'blackhole', route, target, why: `NAT gateway ${target} does not exist in the VPC` };
    if (nat && nat.State !== 'available') return { kind: 'blackhole', route, target, why: `NAT gateway ${target} is ${nat.State}${nat.DeleteTime ? ` (since ${nat.DeleteTime})` : ''}${route.State === 'blackhole' ? ' and EC2 marks the route a blackhole' : ''}` };
  }
  if (route.State === 'blackhole') return { kind: 'blackhole', route, target, why: `EC2 reports the route to ${target} as a blackhole: its target was deleted or detached` };
  if (route.NatGatewayId) {
    const nat = (snapshot.aws.natGateways ?? []).find((n) => n.NatGatewayId === route.NatGatewayId);
    if (nat?.ConnectivityType === 'private') return { kind: 'unverifiable', route, target, what: 'private NAT gateway' };
    const publicIps = (nat?.NatGatewayAddresses ?? []).flatMap((a) => (a.PublicIp ? [a.PublicIp] : []));
    return { kind: 'nat-gateway', route, target, publicIps };
  }
  if (route.GatewayId?.startsWith('igw-')) {
    const igws = snapshot.aws.internetGateways;
    const igw = (igws ?? []).find((g) => g.InternetGatewayId === route.GatewayId);
    const attached = igw && (igw.Attachments ?? []).some((a) => a.VpcId === table.VpcId && (a.State as string) !== 'detached' && (a.State as string) !== 'detaching');
    if (igws && !attached) return { kind: 'blackhole', route, target, why: `internet gateway ${target} is not attached to ${table.VpcId}` };
    return { kind: 'internet-gateway', route, target };
  }
  if (route.TransitGatewayId) return { kind: 'unverifiable', route, target, what: 'transit gateway' };
  if (route.GatewayId?.startsWith('vpce-')) return { kind: 'unverifiable', route, target, what: 'firewall or Gateway Load Balancer endpoint' };
  if (route.VpcPeeringConnectionId) return { kind: 'unverifiable', route, target, what: 'VPC peering connection' };
  if (route.NetworkInterfaceId) return { kind: 'unverifiable', route, target, what: 'network interface (appliance or NAT instance)' };
  if (route.InstanceId) return { kind: 'unverifiable', route, target, what: 'instance (NAT instance or appliance)' };
  if (route.GatewayId?.startsWith('vgw-')) return { kind: 'unverifiable', route, target, what: 'virtual private gateway' };
  return { kind: 'unverifiable', route, target, what: 'gateway' };
}

/**
 * Public, as the EKS user guide defines it: the subnet's route table has a route to an internet
 * gateway (https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html#cluster-subnets).
 */
export function isPublicSubnet(snapshot: Snapshot, subnetId: string): boolean {
  const resolved = routeTableForSubnet(snapshot, subnetId);
  if (!resolved) return false;
  return (resolved.table.Routes ?? []).some((r) => r.GatewayId?.startsWith('igw-') === true && r.State !== 'blackhole');
}
