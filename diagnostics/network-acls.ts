/**
 * Network ACLs on the paths a node needs, evaluated as EC2 evaluates them (lib/network-acl.ts):
 * stateless, both directions, rules in number order, the final `*` deny.
 *
 * For each node subnet, the paths:
 * - to the API server's private endpoint (the control plane's cross-account interfaces in the
 *   cluster subnets) on TCP 443, and the reply;
 * - to the AWS APIs and the public endpoint on TCP 443 through the subnet's NAT gateway (both the
 *   node subnet's ACL and the NAT gateway subnet's, which sees the packets before and after
 *   translation) or internet gateway, and the replies;
 * - to the interface VPC endpoints with private DNS (their subnets) on TCP 443, and the reply;
 * - to the custom DNS resolvers the DHCP option set names, on UDP and TCP 53. The Route 53 Resolver
 *   (the VPC's base + 2 address, AmazonProvidedDNS) is never evaluated: ACLs cannot block it;
 * - from the control plane to the kubelet (TCP 10250) and to the webhook pods' ports;
 * - between node subnets, for pod traffic (TCP, and DNS to CoreDNS on UDP 53).
 * The first four decide whether a node can join and stay Ready; the others break logs, exec,
 * webhooks and pods, not the node.
 */
import { defineDiagnostic, partFailure, type NewFinding } from '../src/engine/diagnostic.js';
import { couldNotRead } from '../src/engine/failure-text.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import type { SymptomKind } from '../src/engine/symptoms.js';
import type { NetworkAcl, Snapshot } from '../src/snapshot/types.js';
import { clusterVpcId } from './lib/cluster-vpc.js';
import { DOCS } from './lib/docs-links.js';
import { customDnsResolvers } from './lib/dhcp-options.js';
import { parseCidr, type Ipv4Range } from './lib/ipv4-cidr.js';
import {
  aclForSubnet,
  describeRule,
  EPHEMERAL_PORTS,
  evaluateAcl,
  NODE_EPHEMERAL_PORTS,
  formatPorts,
  freeRuleNumberBelow,
  type AclDirection,
  type AclPeer,
  type AclProtocol,
  type AclRuleRef,
  type PortRange,
} from './lib/network-acl.js';
import { describeSubnet, nodeSubnetIds, scopeForSubnets } from './lib/node-placement.js';
import { classifyDefaultEgress, routeTableForSubnet, subnetById } from './lib/route-tables.js';

type Code = 'node-path-blocked' | 'control-plane-path-blocked' | 'pod-path-blocked';

const NODE_SYMPTOMS = ['instance-not-joined', 'node-not-ready', 'nodegroup-unhealthy'] as const satisfies readonly SymptomKind[];

type PathKind = 'api-private' | 'internet' | 'endpoints' | 'dns' | 'kubelet' | 'webhooks' | 'pods';

const PATH_CODE: Record<PathKind, Code> = {
  'api-private': 'node-path-blocked',
  internet: 'node-path-blocked',
  endpoints: 'node-path-blocked',
  dns: 'node-path-blocked',
  kubelet: 'control-plane-path-blocked',
  webhooks: 'control-plane-path-blocked',
  pods: 'pod-path-blocked',
};

/** One direction of one question to one ACL: the subnet whose ACL sees the packets, and the packets. */
interface Leg {
  subnetId: string;
  direction: AclDirection;
  protocol: AclProtocol;
  ports: PortRange;
  peer: AclPeer;
  /** The peer as a CIDR for an ACL rule (0.0.0.0/0 for a public address). */
  peerCidr: string;
  /** "the control plane interface eni-… (10.0.12.34)" */
  peerLabel: string;
  /** True for the reply of a connection (to the client's ephemeral port). */
  reply: boolean;
}

interface NodePath {
  kind: PathKind;
  /** What the path reaches: "the API server's private endpoint". */
  label: string;
  /** The node subnet whose nodes need it. */
  nodeSubnet: string;
  legs: Leg[];
}

export default defineDiagnostic<Code>({
  id: 'network-acls',
  title: 'Network ACLs let node traffic through in both directions',
  description:
    "Evaluates each node subnet's network ACL, and the ACLs of the subnets at the other end, as EC2 does (stateless, rules in number order, the final * deny) for the paths a node needs: " +
    'to the API server (the control plane interfaces, or the public endpoint through NAT) and the AWS APIs on TCP 443, to the interface VPC endpoints, to custom DNS resolvers of the DHCP option set, and the replies on ephemeral ports 1024-65535; ' +
    'from the control plane to the kubelet (10250) and webhook ports; and between node subnets.',
  docs: [DOCS.networkAcls, DOCS.networkReqs],
  needs: ['aws.cluster', 'aws.subnets', 'aws.networkAcls'],
  uses: [
    'aws.vpcs',
    'aws.routeTables',
    'aws.natGateways',
    'aws.internetGateways',
    'aws.vpcEndpoints',
    'aws.controlPlaneInterfaces',
    'aws.dhcpOptions',
    'aws.reservations',
    'aws.nodegroups',
    'aws.autoScalingGroups',
    'aws.fargateProfiles',
    'kubernetes.webhookServices',
  ],
  codes: {
    'node-path-blocked': {
      severity: 'critical',
      title: 'A network ACL blocks traffic nodes need to join',
      description:
        'The network ACL of a node subnet (or of the subnet at the other end: the control plane interfaces, the NAT gateway, the VPC endpoints, a DNS resolver) denies the request or its reply on a path the kubelet needs to register and stay Ready: the API server on 443, the AWS APIs, DNS. ACLs are stateless, so the reply to the ephemeral port needs its own allow rule.',
      explains: [...NODE_SYMPTOMS],
      ruledOut: 'the network ACLs let nodes reach the API server, the AWS APIs, the VPC endpoints and DNS, replies included',
    },
    'control-plane-path-blocked': {
      severity: 'warning',
      title: 'A network ACL blocks the control plane from reaching nodes',
      description:
        'The ACLs between the control plane interfaces and a node subnet deny TCP 10250 (kubectl logs, exec, port-forward and metrics fail) or the port of an admission webhook (the API server cannot call it: creates and updates it covers fail or are let through, per its failurePolicy), or the replies.',
    },
    'pod-path-blocked': {
      severity: 'warning',
      title: 'A network ACL blocks pod traffic between node subnets',
      description: 'Pods on nodes in one node subnet cannot reach pods in another (TCP, or DNS to CoreDNS on UDP 53), or the replies are dropped: services and DNS fail for the pods scheduled on the wrong side.',
    },
  },
  check({ snapshot }) {
    const vpcId = clusterVpcId(snapshot);
    const vpcRanges = vpcCidrs(snapshot, vpcId);
    const nodeSubnets = nodeSubnetIds(snapshot).filter((id) => subnetRange(snapshot, id) !== undefined);
    const paths = nodeSubnets.flatMap((s) => pathsOf(snapshot, s, nodeSubnets, vpcRanges));

    interface Group {
      code: Code;
      acl: NetworkAcl;
      kind: PathKind;
      labels: Set<string>;
      nodeSubnets: Set<string>;
      lines: Map<string, string>;
      /** The missing allow rules, once each: by ACL direction, protocol, ports and peer. */
      fixes: Map<string, { leg: Leg; rule: AclRuleRef }>;
      aclSubnets: Set<string>;
    }
    const groups = new Map<string, Group>();
    for (const path of paths) {
      for (const leg of path.legs) {
        const acl = aclForSubnet(snapshot, leg.subnetId, vpcId);
        if (!acl?.NetworkAclId) continue;
        const verdict = evaluateAcl(acl, leg.direction, leg.protocol, leg.ports, leg.peer);
        if (!verdict.denied) continue;
        const code = PATH_CODE[path.kind];
        const key = `${code}|${acl.NetworkAclId}|${path.kind}`;
        const group = groups.get(key) ?? { code, acl, kind: path.kind, labels: new Set(), nodeSubnets: new Set(), lines: new Map(), fixes: new Map(), aclSubnets: new Set() };
        groups.set(key, group);
        group.labels.add(path.label);
        group.nodeSubnets.add(path.nodeSubnet);
        group.aclSubnets.add(leg.subnetId);
        const line = legLine(snapshot, acl, leg, verdict.denied.rule, verdict.denied.ports);
        group.lines.set(line, line);
        group.fixes.set(`${leg.direction}|${leg.protocol}|${leg.ports.from}-${leg.ports.to}|${leg.peerCidr}`, { leg, rule: verdict.denied.rule });
      }
    }

    const interfacesMissing = partFailure(snapshot, 'aws.controlPlaneInterfaces');
    const findings: NewFinding<Code>[] = [];
    for (const g of groups.values()) {
      const aclId = g.acl.NetworkAclId!;
      const subnets = [...g.nodeSubnets].sort();
      const what = [...g.labels].sort().join('; ');
      const aclLabel = `${aclId}${g.acl.IsDefault ? " (the VPC's default ACL)" : ''}`;
      const consequence =
        g.code === 'node-path-blocked'
          ? 'so nodes there cannot complete the connections the kubelet needs to register and report status: new nodes never join and running ones go NotReady.'
          : g.code === 'control-plane-path-blocked'
            ? g.kind === 'kubelet'
              ? 'so the API server cannot reach the kubelets there: kubectl logs, exec and port-forward and metrics fail for those nodes.'
              : 'so the API server cannot call the webhook pods on those nodes: the requests the webhooks cover fail, or skip the webhook, per its failurePolicy.'
            : 'so pods on either side cannot talk to each other, and DNS lookups to CoreDNS pods across the boundary fail.';
      findings.push({
        code: g.code,
        keyResource: `${aclId}/${g.kind}`,
        title: `Network ACL ${aclId} blocks ${titleOf(g.kind)} for node subnet${subnets.length === 1 ? '' : 's'} ${subnets.join(', ')}`,
        rootCause: `Network ACL ${aclLabel} denies traffic on the path ${what}, ${consequence} ACLs are stateless: each direction, the reply included, needs its own allow rule before any rule that denies it.`,
        evidence: [
          ...[...g.lines.values()],
          `Node subnets whose paths cross ${aclId}: ${subnets.join(', ')}.`,
          ...(interfacesMissing && (g.kind === 'api-private' || g.kind === 'kubelet' || g.kind === 'webhooks')
            ? [`The control plane's interfaces are unknown (${couldNotRead('aws.controlPlaneInterfaces', interfacesMissing)}), so the cluster subnets' whole ranges stood in for their addresses.`]
            : []),
        ],
        resources: uniqueRefs([resource.networkAcl(aclId), ...subnets.map((s) => resource.subnet(s)), ...[...g.aclSubnets].map((s) => resource.subnet(s))]),
        fix: {
          summary: `Add allow rules to ${aclId} for the denied traffic, numbered below the rule that denies it (or replace that rule); the commands add exactly what is missing.`,
          commands: fixCommands(snapshot, g.acl, [...g.fixes.values()]),
          docs: [DOCS.networkAclRules, DOCS.networkAclEphemeralPorts, ...(g.code === 'node-path-blocked' ? [DOCS.nodeJoinFailure] : [DOCS.networkReqs])],
        },
        ...(g.code === 'node-path-blocked' ? { canExplain: NODE_SYMPTOMS.map((symptom) => ({ symptom, resources: scopeForSubnets(snapshot, subnets, [resource.networkAcl(aclId)]) })) } : {}),
      });
    }
    return findings;
  },
});

function titleOf(kind: PathKind): string {
  switch (kind) {
    case 'api-private':
      return "the API server's private endpoint";
    case 'internet':
      return 'the way out to the AWS APIs';
    case 'endpoints':
      return 'the VPC endpoints';
    case 'dns':
      return 'the DNS resolvers';
    case 'kubelet':
      return 'the control plane to the kubelet (10250)';
    case 'webhooks':
      return 'the control plane to webhook pods';
    case 'pods':
      return 'pod traffic between node subnets';
  }
}

function subnetRange(snapshot: Snapshot, subnetId: string): Ipv4Range | undefined {
  const cidr = subnetById(snapshot, subnetId)?.CidrBlock;
  return cidr ? parseCidr(cidr) : undefined;
}

function vpcCidrs(snapshot: Snapshot, vpcId: string | undefined): Ipv4Range[] {
  const vpc = (snapshot.aws.vpcs ?? []).find((v) => v.VpcId === vpcId);
  const cidrs = [vpc?.CidrBlock, ...(vpc?.CidrBlockAssociationSet ?? []).map((a) => a.CidrBlock), ...(snapshot.aws.subnets ?? []).filter((s) => s.VpcId === vpcId).map((s) => s.CidrBlock)];
  return cidrs.flatMap((c) => (c ? [parseCidr(c)].filter((r): r is Ipv4Range => r !== undefined) : []));
}

const every = (ranges: Ipv4Range[]): AclPeer => ({ kind: 'every', ranges });

/** The request legs and the reply legs of one connection from `client` to `server`. */
function connection(o: {
  protocol: AclProtocol;
  port: number;
  /** `ephemeral`: the ports replies come back to; any (1024-65535) unless the client is a node. */
  client: { subnetId?: string; range: Ipv4Range | AclPeer; cidr: string; label: string; ephemeral?: PortRange };
  server: { subnetId?: string; range: Ipv4Range | AclPeer; cidr: string; label: string };
}): Leg[] {
  const peerOf = (side: typeof o.server): AclPeer => ('kind' in side.range ? side.range : every([side.range]));
  const ports = { from: o.port, to: o.port };
  const replyPorts = o.client.ephemeral ?? EPHEMERAL_PORTS;
  const legs: Leg[] = [];
  // Within one subnet, packets never cross its ACL.
  if (o.client.subnetId !== undefined && o.client.subnetId === o.server.subnetId) return legs;
  if (o.client.subnetId) {
    legs.push({ subnetId: o.client.subnetId, direction: 'egress', protocol: o.protocol, ports, peer: peerOf(o.server), peerCidr: o.server.cidr, peerLabel: o.server.label, reply: false });
    legs.push({ subnetId: o.client.subnetId, direction: 'ingress', protocol: o.protocol, ports: replyPorts, peer: peerOf(o.server), peerCidr: o.server.cidr, peerLabel: o.server.label, reply: true });
  }
  if (o.server.subnetId) {
    legs.push({ subnetId: o.server.subnetId, direction: 'ingress', protocol: o.protocol, ports, peer: peerOf(o.client), peerCidr: o.client.cidr, peerLabel: o.client.label, reply: false });
    legs.push({ subnetId: o.server.subnetId, direction: 'egress', protocol: o.protocol, ports: replyPorts, peer: peerOf(o.client), peerCidr: o.client.cidr, peerLabel: o.client.label, reply: true });
  }
  return legs;
}

/** A control plane endpoint: an interface (its address), or a cluster subnet when the interfaces are unknown. */
interface ControlPlaneEnd {
  subnetId: string;
  range: Ipv4Range;
  cidr: string;
  label: string;
}

function controlPlaneEnds(snapshot: Snapshot): ControlPlaneEnd[] {
  const interfaces = snapshot.aws.controlPlaneInterfaces;
  if (interfaces && interfaces.length > 0) {
    return interfaces.flatMap((n) => {
      const ip = n.PrivateIpAddress;
      const range = ip ? parseCidr(ip) : undefined;
      return range && n.SubnetId ? [{ subnetId: n.SubnetId, range, cidr: `${ip}/32`, label: `the control plane interface ${n.NetworkInterfaceId} (${ip})` }] : [];
    });
  }
  // Unknown interfaces: EKS places them in the cluster subnets, at any of their addresses.
  return (snapshot.aws.cluster?.resourcesVpcConfig?.subnetIds ?? []).flatMap((id) => {
    const cidr = subnetById(snapshot, id)?.CidrBlock;
    const range = cidr ? parseCidr(cidr) : undefined;
    return range && cidr ? [{ subnetId: id, range, cidr, label: `the control plane's interfaces in cluster subnet ${id} (${cidr})` }] : [];
  });
}

function pathsOf(snapshot: Snapshot, nodeSubnet: string, nodeSubnets: string[], vpcRanges: Ipv4Range[]): NodePath[] {
  const range = subnetRange(snapshot, nodeSubnet)!;
  const cidr = subnetById(snapshot, nodeSubnet)!.CidrBlock!;
  const nodes = { subnetId: nodeSubnet, range, cidr, label: `node subnet ${nodeSubnet} (${cidr})`, ephemeral: NODE_EPHEMERAL_PORTS };
  const vpcConfig = snapshot.aws.cluster?.resourcesVpcConfig ?? {};
  const publicPeer: AclPeer = { kind: 'public', privateRanges: vpcRanges };
  const paths: NodePath[] = [];
  const ends = controlPlaneEnds(snapshot);

  if (vpcConfig.endpointPrivateAccess !== false) {
    const legs = ends.flatMap((end) => connection({ protocol: 'tcp', port: 443, client: nodes, server: end }));
    paths.push({ kind: 'api-private', label: "to the API server's private endpoint (TCP 443)", nodeSubnet, legs });
  }

  const resolved = routeTableForSubnet(snapshot, nodeSubnet);
  const egress = resolved ? classifyDefaultEgress(snapshot, resolved.table) : undefined;
  if (egress?.kind === 'nat-gateway' || egress?.kind === 'internet-gateway') {
    const internet = { range: publicPeer, cidr: '0.0.0.0/0', label: 'public addresses (0.0.0.0/0)' };
    const apis = vpcConfig.endpointPrivateAccess === false ? "the AWS APIs and the API server's public endpoint" : 'the AWS APIs (EC2, ECR, STS, S3)';
    const legs = connection({ protocol: 'tcp', port: 443, client: nodes, server: { ...internet } });
    let label = `to ${apis} on TCP 443 through ${egress.target}`;
    if (egress.kind === 'nat-gateway') {
      const natSubnet = (snapshot.aws.natGateways ?? []).find((n) => n.NatGatewayId === egress.target)?.SubnetId;
      if (natSubnet && natSubnet !== nodeSubnet) {
        // The NAT gateway's subnet sees the packets twice: from the node, then (translated) towards the internet.
        const https = { from: 443, to: 443 };
        const nat = { subnetId: natSubnet, protocol: 'tcp' as const };
        legs.push(
          { ...nat, direction: 'ingress', ports: https, peer: every([range]), peerCidr: cidr, peerLabel: nodes.label, reply: false },
          { ...nat, direction: 'egress', ports: https, peer: publicPeer, peerCidr: internet.cidr, peerLabel: internet.label, reply: false },
          { ...nat, direction: 'ingress', ports: EPHEMERAL_PORTS, peer: publicPeer, peerCidr: internet.cidr, peerLabel: internet.label, reply: true },
          { ...nat, direction: 'egress', ports: NODE_EPHEMERAL_PORTS, peer: every([range]), peerCidr: cidr, peerLabel: nodes.label, reply: true },
        );
        label = `to ${apis} on TCP 443 through NAT gateway ${egress.target} (in ${natSubnet})`;
      }
    }
    paths.push({ kind: 'internet', label, nodeSubnet, legs });
  }

  const vpcId = clusterVpcId(snapshot);
  const endpoints = (snapshot.aws.vpcEndpoints ?? []).filter((e) => e.VpcId === vpcId && e.VpcEndpointType === 'Interface' && e.PrivateDnsEnabled === true && (e.State ?? '').toLowerCase() === 'available');
  const endpointSubnets = new Map<string, string[]>();
  for (const e of endpoints) for (const s of e.SubnetIds ?? []) endpointSubnets.set(s, [...(endpointSubnets.get(s) ?? []), e.ServiceName?.split('.').slice(3).join('.') ?? e.VpcEndpointId!]);
  for (const [subnetId, services] of endpointSubnets) {
    const endpointRange = subnetRange(snapshot, subnetId);
    const endpointCidr = subnetById(snapshot, subnetId)?.CidrBlock;
    if (!endpointRange || !endpointCidr) continue;
    const label = `the ${services.sort().join(', ')} endpoint interfaces in ${subnetId} (${endpointCidr})`;
    paths.push({ kind: 'endpoints', label: `to ${label} (TCP 443)`, nodeSubnet, legs: connection({ protocol: 'tcp', port: 443, client: nodes, server: { subnetId, range: endpointRange, cidr: endpointCidr, label } }) });
  }

  for (const resolver of customDnsResolvers(snapshot)) {
    const resolverRange = parseCidr(resolver.address);
    if (!resolverRange) continue;
    const inVpc = (snapshot.aws.subnets ?? []).find((s) => s.VpcId === vpcId && s.CidrBlock && parseCidr(s.CidrBlock) && parseCidr(s.CidrBlock)!.start <= resolverRange.start && resolverRange.end <= parseCidr(s.CidrBlock)!.end);
    const server = { ...(inVpc?.SubnetId ? { subnetId: inVpc.SubnetId } : {}), range: resolverRange, cidr: `${resolver.address}/32`, label: `DNS resolver ${resolver.address} (DHCP option set ${resolver.optionSet})` };
    const legs = (['udp', 'tcp'] as const).flatMap((protocol) => connection({ protocol, port: 53, client: nodes, server }));
    paths.push({ kind: 'dns', label: `to DNS resolver ${resolver.address} of DHCP option set ${resolver.optionSet} (UDP and TCP 53)`, nodeSubnet, legs });
  }

  // The control plane calls in: the kubelet, and the webhook pods (which may run on any node).
  for (const end of ends) {
    paths.push({ kind: 'kubelet', label: 'from the control plane to the kubelet (TCP 10250)', nodeSubnet, legs: connection({ protocol: 'tcp', port: 10250, client: end, server: nodes }) });
    for (const port of webhookPorts(snapshot)) {
      paths.push({ kind: 'webhooks', label: `from the control plane to webhook pods (TCP ${port})`, nodeSubnet, legs: connection({ protocol: 'tcp', port, client: end, server: nodes }) });
    }
  }

  // Pod traffic towards the other node subnets: any TCP port, and DNS to CoreDNS.
  for (const other of nodeSubnets) {
    if (other === nodeSubnet) continue;
    const otherRange = subnetRange(snapshot, other)!;
    const otherCidr = subnetById(snapshot, other)!.CidrBlock!;
    const peer = { subnetId: other, range: otherRange, cidr: otherCidr, label: `node subnet ${other} (${otherCidr})` };
    const allTcp: Leg[] = [
      { subnetId: nodeSubnet, direction: 'egress', protocol: 'tcp', ports: { from: 0, to: 65535 }, peer: every([otherRange]), peerCidr: otherCidr, peerLabel: peer.label, reply: false },
      { subnetId: other, direction: 'ingress', protocol: 'tcp', ports: { from: 0, to: 65535 }, peer: every([range]), peerCidr: cidr, peerLabel: nodes.label, reply: false },
    ];
    paths.push({ kind: 'pods', label: `between node subnets ${[nodeSubnet, other].sort().join(' and ')} (TCP, and DNS on UDP 53)`, nodeSubnet, legs: [...allTcp, ...connection({ protocol: 'udp', port: 53, client: nodes, server: peer })] });
  }
  return paths;
}

/** The ports the API server calls webhook pods on: the numeric targetPorts of the webhooks' Services. */
function webhookPorts(snapshot: Snapshot): number[] {
  const ports = new Set<number>();
  for (const service of snapshot.kubernetes.webhookServices ?? []) for (const p of service.spec?.ports ?? []) if (typeof p.targetPort === 'number') ports.add(p.targetPort);
  return [...ports].sort((a, b) => a - b);
}

function legLine(snapshot: Snapshot, acl: NetworkAcl, leg: Leg, rule: AclRuleRef, ports: PortRange): string {
  const way = leg.direction === 'egress' ? `outbound to ${leg.peerLabel}` : `inbound from ${leg.peerLabel}`;
  const what = `${leg.protocol.toUpperCase()} ${formatPorts(ports)}${leg.reply ? ' (the reply: ACLs are stateless)' : ''}`;
  return `${acl.NetworkAclId} on ${describeSubnet(snapshot, leg.subnetId)}, ${leg.direction === 'egress' ? 'outbound' : 'inbound'} rules: ${what} ${way.replace(/^(outbound|inbound) /, '')} is denied by ${describeRule(rule, leg.direction)}.`;
}

/** One command per missing allow rule, each with its own free rule number below the rule that blocks it. */
function fixCommands(snapshot: Snapshot, acl: NetworkAcl, missing: { leg: Leg; rule: AclRuleRef }[]): string[] {
  const taken = { ingress: new Set<number>(), egress: new Set<number>() };
  const region = snapshot.cluster.region;
  return missing.map(({ leg, rule }) => {
    const number = freeRuleNumberBelow(acl, leg.direction, rule.ruleNumber, taken[leg.direction]);
    const protocol = leg.protocol === 'tcp' ? '6' : '17';
    const rest = `--protocol ${protocol} --port-range From=${leg.ports.from},To=${leg.ports.to} --cidr-block ${leg.peerCidr} --rule-action allow --region ${region}`;
    if (number === undefined) return `aws ec2 replace-network-acl-entry --network-acl-id ${acl.NetworkAclId} --${leg.direction} --rule-number ${rule.ruleNumber} ${rest}`;
    taken[leg.direction].add(number);
    return `aws ec2 create-network-acl-entry --network-acl-id ${acl.NetworkAclId} --${leg.direction} --rule-number ${number} ${rest}`;
  });
}
