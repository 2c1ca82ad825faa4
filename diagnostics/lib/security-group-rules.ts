/**
 * Security group rule evaluation as EC2 applies it
 * (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html): rules only allow,
 * a flow is allowed when any rule of any group on the interface allows it, and a rule's source or
 * destination is a CIDR, a prefix list, or a security group (meaning every interface carrying it).
 *
 * A peer (the other end of a flow) is described by the groups on its interfaces and the address
 * ranges it sends from: a node's /32, or a whole subnet's CIDR when only the subnet is known.
 */
import type { IpPermission, SecurityGroup, Snapshot } from '../../src/snapshot/types.js';
import { cidrContains } from './ipv4-cidr.js';


export interface Peer {
  groupIds: string[];
  /** Address ranges the peer's traffic comes from (or goes to). A CIDR rule matches when it contains all of one of them. */
  cidrs: string[];
}

export type Protocol = 'tcp' | 'udp';

export interface FlowVerdict {
  allowed: boolean;
  /** True when the answer depends on a prefix list whose entries were not collected. */
  uncertain: boolean;
  /** The rule that allows it, described for evidence. */
  by?: string;
}

function protocolMatches(ruleProtocol: string | undefined, protocol: Protocol): boolean {
  if (ruleProtocol === '-1' || ruleProtocol === 'all') return true;
  if (protocol === 'tcp') return ruleProtocol === 'tcp' || ruleProtocol === '6';
  return ruleProtocol === 'udp' || ruleProtocol === '17';
}

function portMatches(rule: IpPermission, port: number): boolean {
  if (rule.IpProtocol === '-1') return true;
  // EC2 returns no ports (or -1) for "all ports" on tcp/udp rules created that way.
  if (rule.FromPort === undefined || rule.FromPort === -1) return true;
  return rule.FromPort <= port && port <= (rule.ToPort ?? rule.FromPort);
}

export function groupById(snapshot: Snapshot, groupId: string): SecurityGroup | undefined {
  return (snapshot.aws.securityGroups ?? []).find((g) => g.GroupId === groupId);
}

export function groupLabel(snapshot: Snapshot, groupId: string): string {
  const name = groupById(snapshot, groupId)?.GroupName;
  return name ? `${groupId} (${name})` : groupId;
}

function prefixListCidrs(snapshot: Snapshot, prefixListId: string): string[] | undefined {
  return snapshot.aws.prefixListEntries?.find((p) => p.PrefixListId === prefixListId)?.Entries.flatMap((e) => (e.Cidr ? [e.Cidr] : []));
}

/** Whether one rule (ingress or egress) covers the peer on protocol/port. */
function ruleCoversPeer(snapshot: Snapshot, rule: IpPermission, protocol: Protocol, port: number, peer: Peer): FlowVerdict {
  if (!protocolMatches(rule.IpProtocol, protocol) || !portMatches(rule, port)) return { allowed: false, uncertain: false };
  const where = `${rule.IpProtocol === '-1' ? 'all traffic' : `${rule.IpProtocol} ${rule.FromPort === rule.ToPort ? rule.FromPort : `${rule.FromPort}-${rule.ToPort}`}`}`;
  for (const pair of rule.UserIdGroupPairs ?? []) {
    if (pair.GroupId && peer.groupIds.includes(pair.GroupId)) return { allowed: true, uncertain: false, by: `${where} with ${groupLabel(snapshot, pair.GroupId)}` };
  }
  for (const range of rule.IpRanges ?? []) {
    if (range.CidrIp && peer.cidrs.some((c) => cidrContains(range.CidrIp!, c))) return { allowed: true, uncertain: false, by: `${where} with ${range.CidrIp}` };
  }
  let uncertain = false;
  for (const pl of rule.PrefixListIds ?? []) {
    if (!pl.PrefixListId) continue;
    const cidrs = prefixListCidrs(snapshot, pl.PrefixListId);
    if (!cidrs) {
      uncertain = true;
      continue;
    }
    if (cidrs.some((entry) => peer.cidrs.some((c) => cidrContains(entry, c)))) return { allowed: true, uncertain: false, by: `${where} with prefix list ${pl.PrefixListId}` };
  }
  return { allowed: false, uncertain };
}

/**
 * Whether traffic on protocol/port is allowed in the given direction by the groups on one end,
 * for traffic from (ingress) or to (egress) the peer.
 */
export function groupsAllow(snapshot: Snapshot, groupIds: string[], direction: 'ingress' | 'egress', protocol: Protocol, port: number, peer: Peer): FlowVerdict {
  let uncertain = false;
  for (const id of groupIds) {
    const group = groupById(snapshot, id);
    if (!group) continue;
    const rules = direction === 'ingress' ? group.IpPermissions : group.IpPermissionsEgress;
    for (const rule of rules ?? []) {
      const verdict = ruleCoversPeer(snapshot, rule, protocol, port, peer);
      if (verdict.allowed) return { ...verdict, by: `${groupLabel(snapshot, id)} ${direction === 'ingress' ? 'inbound' : 'outbound'} ${verdict.by}` };
      uncertain ||= verdict.uncertain;
    }
  }
  return { allowed: false, uncertain };
}

/** A flow from one end to the other needs the source's egress and the destination's ingress. */
export function flowAllowed(snapshot: Snapshot, from: Peer, to: Peer, protocol: Protocol, port: number): { egress: FlowVerdict; ingress: FlowVerdict } {
  return {
    egress: groupsAllow(snapshot, from.groupIds, 'egress', protocol, port, to),
    ingress: groupsAllow(snapshot, to.groupIds, 'ingress', protocol, port, from),
  };
}

/**
 * Rules in these groups that reference a security group that no longer exists: answered
 * InvalidGroup.NotFound (aws.notFound), or absent from the VPC's groups although it is in the
 * same account and no peering connection is involved.
 */
export function danglingReferences(snapshot: Snapshot, groupIds: string[]): { groupId: string; direction: 'inbound' | 'outbound'; missingGroupId: string; description: string }[] {
  if (!snapshot.aws.securityGroups) return [];
  const known = new Set(snapshot.aws.securityGroups.flatMap((g) => (g.GroupId ? [g.GroupId] : [])));
  const notFound = new Set((snapshot.aws.notFound ?? []).filter((n) => n.resourceType === 'ec2-security-group').map((n) => n.id));
  const out: { groupId: string; direction: 'inbound' | 'outbound'; missingGroupId: string; description: string }[] = [];
  for (const id of groupIds) {
    const group = groupById(snapshot, id);
    if (!group) continue;
    for (const [direction, rules] of [['inbound', group.IpPermissions], ['outbound', group.IpPermissionsEgress]] as const) {
      for (const rule of rules ?? []) {
        for (const pair of rule.UserIdGroupPairs ?? []) {
          if (!pair.GroupId || known.has(pair.GroupId)) continue;
          // A group in another account or across a peering connection is not in this VPC's list: absence proves nothing.
          const elsewhere = (pair.UserId !== undefined && group.OwnerId !== undefined && pair.UserId !== group.OwnerId) || pair.VpcPeeringConnectionId !== undefined;
          if (elsewhere && !notFound.has(pair.GroupId)) continue;
          const ports = rule.IpProtocol === '-1' ? 'all traffic' : `${rule.IpProtocol} ${rule.FromPort}${rule.ToPort !== rule.FromPort ? `-${rule.ToPort}` : ''}`;
          out.push({ groupId: id, direction, missingGroupId: pair.GroupId, description: `${direction} ${ports} ${direction === 'inbound' ? 'from' : 'to'} ${pair.GroupId}` });
        }
      }
    }
  }
  return out;
}

/** Destinations (or sources) that the groups' rules allow for protocol/port, whoever the peer is. */
export function allowedPeers(snapshot: Snapshot, groupIds: string[], direction: 'ingress' | 'egress', protocol: Protocol, port: number): { cidrs: string[]; prefixLists: string[]; groups: string[] } {
  const out = { cidrs: [] as string[], prefixLists: [] as string[], groups: [] as string[] };
  for (const id of groupIds) {
    const group = groupById(snapshot, id);
    for (const rule of (direction === 'ingress' ? group?.IpPermissions : group?.IpPermissionsEgress) ?? []) {
      if (!protocolMatches(rule.IpProtocol, protocol) || !portMatches(rule, port)) continue;
      out.cidrs.push(...(rule.IpRanges ?? []).flatMap((r) => (r.CidrIp ? [r.CidrIp] : [])));
      out.prefixLists.push(...(rule.PrefixListIds ?? []).flatMap((p) => (p.PrefixListId ? [p.PrefixListId] : [])));
      out.groups.push(...(rule.UserIdGroupPairs ?? []).flatMap((p) => (p.GroupId ? [p.GroupId] : [])));
    }
  }
  return out;
}
