import { describe, expect, it } from 'vitest';
import { aclEntry } from '../../mocks/faults/network-path.js';
import type { NetworkAcl, NetworkAclEntry } from '../../src/snapshot/types.js';
import { parseCidr } from './ipv4-cidr.js';
import { describeRule, EPHEMERAL_PORTS, evaluateAcl, FINAL_RULE_NUMBER, freeRuleNumberBelow, type AclPeer } from './network-acl.js';

const acl = (entries: NetworkAclEntry[]): NetworkAcl => ({ NetworkAclId: 'acl-1', VpcId: 'vpc-1', IsDefault: false, Entries: entries, Associations: [] });
const host = (ip: string): AclPeer => ({ kind: 'every', ranges: [parseCidr(ip)!] });
const publicPeer: AclPeer = { kind: 'public', privateRanges: [parseCidr('10.0.0.0/16')!] };
const https = { from: 443, to: 443 };

describe('evaluateAcl (as EC2 evaluates network ACLs)', () => {
  it('lets the lowest-numbered matching rule decide, whatever order the answer lists them in', () => {
    const a = acl([aclEntry(200, true, 'allow', '0.0.0.0/0'), aclEntry(100, true, 'deny', '10.0.1.0/24', 'tcp', [443, 443])]);
    expect(evaluateAcl(a, 'egress', 'tcp', https, host('10.0.1.5')).denied?.rule.ruleNumber).toBe(100);
    expect(evaluateAcl(a, 'egress', 'tcp', https, host('10.0.2.5')).denied).toBeUndefined();
    // Another port: the deny rule does not match it, the allow does.
    expect(evaluateAcl(a, 'egress', 'tcp', { from: 80, to: 80 }, host('10.0.1.5')).denied).toBeUndefined();
  });

  it('denies what no rule matches, also when the answer omits the final * rule (moto does)', () => {
    const a = acl([aclEntry(100, false, 'allow', '10.0.0.0/16')]);
    const verdict = evaluateAcl(a, 'ingress', 'tcp', EPHEMERAL_PORTS, host('52.94.1.1'));
    expect(verdict.denied?.rule).toEqual({ ruleNumber: FINAL_RULE_NUMBER });
    expect(describeRule(verdict.denied!.rule, 'ingress')).toContain('the final * rule (32767)');
  });

  it('keeps the directions apart: an egress allow says nothing about the reply coming in', () => {
    const a = acl([aclEntry(100, true, 'allow', '0.0.0.0/0'), aclEntry(32767, true, 'deny', '0.0.0.0/0'), aclEntry(32767, false, 'deny', '0.0.0.0/0')]);
    expect(evaluateAcl(a, 'egress', 'tcp', https, host('10.0.1.5')).denied).toBeUndefined();
    expect(evaluateAcl(a, 'ingress', 'tcp', EPHEMERAL_PORTS, host('10.0.1.5')).denied?.rule.entry?.RuleNumber).toBe(FINAL_RULE_NUMBER);
  });

  it('finds the ports of a range no rule allows: 1024-32767 when only 32768-65535 is allowed', () => {
    const a = acl([aclEntry(100, false, 'allow', '0.0.0.0/0', 'tcp', [32768, 65535])]);
    expect(evaluateAcl(a, 'ingress', 'tcp', EPHEMERAL_PORTS, host('10.0.1.5')).denied?.ports).toEqual({ from: 1024, to: 32767 });
  });

  it('matches protocols: an all-traffic rule covers UDP, a TCP rule does not', () => {
    const a = acl([aclEntry(100, true, 'allow', '0.0.0.0/0', 'tcp', [53, 53])]);
    expect(evaluateAcl(a, 'egress', 'tcp', { from: 53, to: 53 }, host('10.0.0.2')).denied).toBeUndefined();
    expect(evaluateAcl(a, 'egress', 'udp', { from: 53, to: 53 }, host('10.0.0.2')).denied?.rule.ruleNumber).toBe(FINAL_RULE_NUMBER);
    expect(evaluateAcl(acl([aclEntry(100, true, 'allow', '0.0.0.0/0')]), 'egress', 'udp', { from: 53, to: 53 }, host('10.0.0.2')).denied).toBeUndefined();
  });

  it('requires every address of a range: a deny that covers part of a node subnet blocks it', () => {
    const a = acl([aclEntry(90, false, 'deny', '10.0.1.128/25'), aclEntry(100, false, 'allow', '10.0.0.0/16')]);
    const verdict = evaluateAcl(a, 'ingress', 'tcp', https, { kind: 'every', ranges: [parseCidr('10.0.1.0/24')!] });
    expect(verdict.denied?.rule.ruleNumber).toBe(90);
    expect(verdict.denied?.addresses).toEqual(parseCidr('10.0.1.128/25'));
  });

  it('for an unnamed public address: blocked only when no public address passes', () => {
    // Only the VPC: nothing public passes.
    expect(evaluateAcl(acl([aclEntry(100, false, 'allow', '10.0.0.0/16')]), 'ingress', 'tcp', EPHEMERAL_PORTS, publicPeer).denied?.rule.ruleNumber).toBe(FINAL_RULE_NUMBER);
    // Some public ranges pass: they may be the right ones, so no verdict of blocked.
    expect(evaluateAcl(acl([aclEntry(100, true, 'allow', '52.94.0.0/16', 'tcp', [443, 443])]), 'egress', 'tcp', https, publicPeer).denied).toBeUndefined();
    // An explicit deny of everything before the allow.
    const denied = evaluateAcl(acl([aclEntry(50, true, 'deny', '0.0.0.0/0', 'tcp', [443, 443]), aclEntry(100, true, 'allow', '0.0.0.0/0')]), 'egress', 'tcp', https, publicPeer);
    expect(denied.denied?.rule.ruleNumber).toBe(50);
    // Allowing only private ranges that are outside the VPC still allows nothing public.
    expect(evaluateAcl(acl([aclEntry(100, true, 'allow', '172.16.0.0/12')]), 'egress', 'tcp', https, publicPeer).denied?.rule.ruleNumber).toBe(FINAL_RULE_NUMBER);
  });

  it('ignores IPv6 entries', () => {
    const a = acl([{ RuleNumber: 100, Egress: true, RuleAction: 'allow', Protocol: '-1', Ipv6CidrBlock: '::/0' }]);
    expect(evaluateAcl(a, 'egress', 'tcp', https, host('10.0.1.5')).denied?.rule.ruleNumber).toBe(FINAL_RULE_NUMBER);
  });
});

describe('freeRuleNumberBelow', () => {
  it('puts a rule after the last one when only the final rule blocks, and below an explicit deny otherwise', () => {
    const a = acl([aclEntry(100, false, 'allow', '10.0.0.0/16'), aclEntry(105, false, 'deny', '0.0.0.0/0', 'tcp', [443, 443]), aclEntry(200, true, 'allow', '0.0.0.0/0')]);
    expect(freeRuleNumberBelow(a, 'ingress', FINAL_RULE_NUMBER)).toBe(110);
    expect(freeRuleNumberBelow(a, 'ingress', 105)).toBe(90);
    expect(freeRuleNumberBelow(a, 'ingress', FINAL_RULE_NUMBER, new Set([110]))).toBe(120);
    // Nothing free below rule 1: the deny must be replaced.
    expect(freeRuleNumberBelow(acl([aclEntry(1, false, 'deny', '0.0.0.0/0')]), 'ingress', 1)).toBeUndefined();
  });
});
