/**
 * Network ACL evaluation as EC2 does it
 * (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html#nacl-rules):
 *
 * - A subnet is associated with exactly one network ACL: the one whose Associations name it, else
 *   its VPC's default ACL.
 * - ACLs are stateless: a connection needs the request allowed in one direction and the reply
 *   (to the client's ephemeral port) in the other, each on its own.
 * - Rules of one direction are evaluated in ascending rule number; the first rule whose protocol,
 *   port range and CIDR match the packet decides. A packet no rule matches is denied by the final
 *   `*` rule (32767), whether or not the answer lists it (moto does not).
 * - Traffic between two addresses of the same subnet never crosses its ACL.
 *
 * IPv4 only: entries with an Ipv6CidrBlock are not evaluated.
 *
 * A question is about a set of packets: a protocol, a port range, and the peer addresses. When the
 * peer is a range of addresses that can each be used (a node subnet: any new node may get any of
 * its addresses), every address must pass. When it is one public address eks-doctor cannot name
 * (the API server's public endpoint, the AWS APIs behind a NAT gateway), the path is blocked only
 * when no public address at all passes: an ACL that allows some public ranges may allow the right
 * ones, and saying otherwise would be a guess.
 */
import type { NetworkAcl, NetworkAclEntry, Snapshot } from '../../src/snapshot/types.js';
import { parseCidr, type Ipv4Range } from './ipv4-cidr.js';

export type AclDirection = 'ingress' | 'egress';
export type AclProtocol = 'tcp' | 'udp';

export interface PortRange {
  from: number;
  to: number;
}

/**
 * The reply to a client goes to its ephemeral port. 1024-65535 covers any client, as AWS recommends
 * for ACLs: a NAT gateway's translated ports and clients eks-doctor knows nothing of (the control
 * plane) may use any of it.
 */
export const EPHEMERAL_PORTS: PortRange = { from: 1024, to: 65535 };
/**
 * A node's own ephemeral ports: Linux uses 32768-60999 (net.ipv4.ip_local_port_range) and Windows
 * 49152-65535. Replies to a node are judged on these, so an ACL that allows 32768-65535 back is not
 * reported for the ports below that no node uses.
 */
export const NODE_EPHEMERAL_PORTS: PortRange = { from: 32768, to: 65535 };
/** EC2 lists the final `*` rule with this number. */
export const FINAL_RULE_NUMBER = 32767;

const PROTOCOL_NUMBER: Record<AclProtocol, string> = { tcp: '6', udp: '17' };

/** Who is on the other end of the packets. */
export type AclPeer =
  /** Every one of these addresses must pass. */
  | { kind: 'every'; ranges: Ipv4Range[] }
  /** Some public address that cannot be named; `privateRanges` are the VPC's CIDRs (never public). */
  | { kind: 'public'; privateRanges: Ipv4Range[] };

/** A rule that decided some of the packets, or the final `*` rule. */
export interface AclRuleRef {
  /** The rule number; FINAL_RULE_NUMBER for the final `*` rule (listed or not). */
  ruleNumber: number;
  /** The entry as EC2 returned it; absent for an implicit final rule the answer did not list. */
  entry?: NetworkAclEntry;
}

export interface AclVerdict {
  /** Packets the ACL drops: the first rule that drops them, and which ports and addresses. */
  denied?: { rule: AclRuleRef; ports: PortRange; addresses: Ipv4Range };
}

interface Box {
  a0: number;
  a1: number;
  p0: number;
  p1: number;
}

/** The ACL a subnet is associated with: its explicit association, else the VPC's default ACL. */
export function aclForSubnet(snapshot: Snapshot, subnetId: string, vpcId: string | undefined): NetworkAcl | undefined {
  const acls = snapshot.aws.networkAcls ?? [];
  const explicit = acls.find((a) => (a.Associations ?? []).some((x) => x.SubnetId === subnetId));
  if (explicit) return explicit;
  return acls.find((a) => a.IsDefault === true && (vpcId === undefined || a.VpcId === vpcId));
}

function entryMatchesProtocol(entry: NetworkAclEntry, protocol: AclProtocol): boolean {
  const p = (entry.Protocol ?? '').toLowerCase();
  return p === '-1' || p === 'all' || p === PROTOCOL_NUMBER[protocol] || p === protocol;
}

function entryPorts(entry: NetworkAclEntry): PortRange {
  // All-protocol rules carry no port range; TCP/UDP rules always do.
  if (entry.Protocol === '-1' || entry.Protocol === 'all' || !entry.PortRange) return { from: 0, to: 65535 };
  return { from: entry.PortRange.From ?? 0, to: entry.PortRange.To ?? 65535 };
}

/** The rules of one direction in the order EC2 evaluates them, IPv4 only, the listed final rule left out. */
function orderedRules(acl: NetworkAcl, direction: AclDirection): NetworkAclEntry[] {
  return (acl.Entries ?? [])
    .filter((e) => (e.Egress === true) === (direction === 'egress') && e.CidrBlock !== undefined && e.RuleNumber !== FINAL_RULE_NUMBER)
    .sort((a, b) => (a.RuleNumber ?? 0) - (b.RuleNumber ?? 0));
}

/** Cuts `box` by `cut`: the part inside, and up to four pieces outside. */
function split(box: Box, cut: Box): { inside?: Box; outside: Box[] } {
  const a0 = Math.max(box.a0, cut.a0);
  const a1 = Math.min(box.a1, cut.a1);
  const p0 = Math.max(box.p0, cut.p0);
  const p1 = Math.min(box.p1, cut.p1);
  if (a0 > a1 || p0 > p1) return { outside: [box] };
  const outside: Box[] = [];
  if (box.a0 < a0) outside.push({ ...box, a1: a0 - 1 });
  if (a1 < box.a1) outside.push({ ...box, a0: a1 + 1 });
  if (box.p0 < p0) outside.push({ a0, a1, p0: box.p0, p1: p0 - 1 });
  if (p1 < box.p1) outside.push({ a0, a1, p0: p1 + 1, p1: box.p1 });
  return { inside: { a0, a1, p0, p1 }, outside };
}

interface Decided {
  box: Box;
  action: 'allow' | 'deny';
  rule: AclRuleRef;
}

/** Every packet of the question, split by the rule that decides it. */
function decide(acl: NetworkAcl, direction: AclDirection, protocol: AclProtocol, ports: PortRange, ranges: Ipv4Range[]): Decided[] {
  let open: Box[] = ranges.map((r) => ({ a0: r.start, a1: r.end, p0: ports.from, p1: ports.to }));
  const decided: Decided[] = [];
  for (const entry of orderedRules(acl, direction)) {
    if (open.length === 0) break;
    if (!entryMatchesProtocol(entry, protocol)) continue;
    const cidr = parseCidr(entry.CidrBlock!);
    if (!cidr) continue;
    const p = entryPorts(entry);
    const cut: Box = { a0: cidr.start, a1: cidr.end, p0: p.from, p1: p.to };
    const next: Box[] = [];
    for (const box of open) {
      const { inside, outside } = split(box, cut);
      if (inside) decided.push({ box: inside, action: entry.RuleAction === 'allow' ? 'allow' : 'deny', rule: { ruleNumber: entry.RuleNumber ?? 0, entry } });
      next.push(...outside);
    }
    open = next;
  }
  const listedFinal = (acl.Entries ?? []).find((e) => (e.Egress === true) === (direction === 'egress') && e.RuleNumber === FINAL_RULE_NUMBER && e.CidrBlock !== undefined);
  for (const box of open) decided.push({ box, action: 'deny', rule: { ruleNumber: FINAL_RULE_NUMBER, ...(listedFinal ? { entry: listedFinal } : {}) } });
  return decided;
}

/** Address ranges that are never public: RFC 1918, shared (100.64/10), loopback, link-local, this network, multicast and above. */
const NON_PUBLIC = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '0.0.0.0/8', '224.0.0.0/3'].map((c) => parseCidr(c)!);

/** Whether some address of `range` is public (outside NON_PUBLIC and `privateRanges`). */
function touchesPublic(range: Ipv4Range, privateRanges: Ipv4Range[]): boolean {
  let pieces: Ipv4Range[] = [range];
  for (const hole of [...NON_PUBLIC, ...privateRanges]) {
    pieces = pieces.flatMap((p) => {
      if (hole.end < p.start || hole.start > p.end) return [p];
      const rest: Ipv4Range[] = [];
      if (p.start < hole.start) rest.push({ start: p.start, end: hole.start - 1 });
      if (hole.end < p.end) rest.push({ start: hole.end + 1, end: p.end });
      return rest;
    });
    if (pieces.length === 0) return false;
  }
  return pieces.length > 0;
}

/**
 * Whether the ACL lets these packets through in this direction. `denied` names the first rule (by
 * number) that drops some of them, with the ports and addresses it drops.
 */
export function evaluateAcl(acl: NetworkAcl, direction: AclDirection, protocol: AclProtocol, ports: PortRange, peer: AclPeer): AclVerdict {
  if (peer.kind === 'every') {
    const denied = decide(acl, direction, protocol, ports, peer.ranges)
      .filter((d) => d.action === 'deny')
      .sort((a, b) => a.rule.ruleNumber - b.rule.ruleNumber || a.box.p0 - b.box.p0)[0];
    return denied ? { denied: { rule: denied.rule, ports: { from: denied.box.p0, to: denied.box.p1 }, addresses: { start: denied.box.a0, end: denied.box.a1 } } } : {};
  }
  // Some public address: blocked on the ports where no public address is allowed.
  const decided = decide(acl, direction, protocol, ports, [{ start: 0, end: 2 ** 32 - 1 }]);
  const allowedPublic = decided.filter((d) => d.action === 'allow' && touchesPublic({ start: d.box.a0, end: d.box.a1 }, peer.privateRanges));
  let gaps: PortRange[] = [ports];
  for (const a of allowedPublic) {
    gaps = gaps.flatMap((g) => {
      if (a.box.p1 < g.from || a.box.p0 > g.to) return [g];
      const rest: PortRange[] = [];
      if (g.from < a.box.p0) rest.push({ from: g.from, to: a.box.p0 - 1 });
      if (a.box.p1 < g.to) rest.push({ from: a.box.p1 + 1, to: g.to });
      return rest;
    });
  }
  const gap = gaps[0];
  if (!gap) return {};
  const blocking = decided
    .filter((d) => d.action === 'deny' && d.box.p0 <= gap.to && d.box.p1 >= gap.from && touchesPublic({ start: d.box.a0, end: d.box.a1 }, peer.privateRanges))
    .sort((a, b) => a.rule.ruleNumber - b.rule.ruleNumber)[0];
  if (!blocking) return {};
  return { denied: { rule: blocking.rule, ports: { from: Math.max(gap.from, blocking.box.p0), to: Math.min(gap.to, blocking.box.p1) }, addresses: { start: blocking.box.a0, end: blocking.box.a1 } } };
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export function formatPorts(ports: PortRange): string {
  if (ports.from === 0 && ports.to === 65535) return 'all ports';
  return ports.from === ports.to ? `port ${ports.from}` : `ports ${ports.from}-${ports.to}`;
}

/** "rule 100 (deny tcp 443 from 10.0.0.0/16)" or "the final * rule (32767: no rule allows it)". */
export function describeRule(rule: AclRuleRef, direction: AclDirection): string {
  if (rule.ruleNumber === FINAL_RULE_NUMBER) return 'the final * rule (32767): no rule allows it';
  const e = rule.entry!;
  const protocol = e.Protocol === '-1' ? 'all traffic' : e.Protocol === '6' ? 'TCP' : e.Protocol === '17' ? 'UDP' : `protocol ${e.Protocol}`;
  const ports = e.Protocol === '-1' || !e.PortRange ? '' : ` ${formatPorts({ from: e.PortRange.From ?? 0, to: e.PortRange.To ?? 65535 })}`;
  return `rule ${e.RuleNumber} (${e.RuleAction} ${protocol}${ports} ${direction === 'egress' ? 'to' : 'from'} ${e.CidrBlock})`;
}

/**
 * A free rule number below `blocking` in that direction, for an allow rule that wins over it: after
 * the last rule when only the final `*` rule blocks, else the highest unused multiple of 10 below
 * the blocking rule, else any unused number, else undefined (the deny rule must be replaced).
 */
export function freeRuleNumberBelow(acl: NetworkAcl, direction: AclDirection, blocking: number, taken: ReadonlySet<number> = new Set()): number | undefined {
  const entries = (acl.Entries ?? []).filter((e) => (e.Egress === true) === (direction === 'egress'));
  const used = new Set<number | undefined>([...entries.map((e) => e.RuleNumber), ...taken]);
  if (blocking === FINAL_RULE_NUMBER) {
    // Nothing explicit denies it: after the last rule, in the numbering the ACL already uses.
    const last = Math.max(0, ...[...entries.map((e) => e.RuleNumber ?? 0), ...taken].filter((n) => n < FINAL_RULE_NUMBER));
    const next = last - (last % 10) + 10;
    if (next < FINAL_RULE_NUMBER && !used.has(next)) return next;
  }
  const top = Math.min(blocking - 1, FINAL_RULE_NUMBER - 1);
  for (let n = top - (top % 10); n >= 10; n -= 10) if (!used.has(n)) return n;
  for (let n = top; n >= 1; n--) if (!used.has(n)) return n;
  return undefined;
}
