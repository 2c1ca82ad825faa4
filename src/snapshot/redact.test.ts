import { describe, expect, it } from 'vitest';
import { diagnoseSnapshot } from '../engine/diagnose.js';
import { loadDiagnostics } from '../engine/registry.js';
import { BASELINE } from '../../mocks/scenario-builder/baseline.js';
import { listScenarios, loadScenario } from '../../mocks/bundled-scenarios.js';
import { Redactor, redactSnapshot } from './redact.js';

describe('redaction', () => {
  it('replaces account IDs in ARNs, bare, and in ECR image names, the same way each time', () => {
    const r = new Redactor(Buffer.alloc(32, 1));
    r.learnAccounts({ Account: '111122223333', other: 'arn:aws:iam::444455556666:role/x' });
    expect(r.text('arn:aws:iam::111122223333:role/node')).toBe('arn:aws:iam::000000000001:role/node');
    expect(r.text('account 111122223333 and 444455556666')).toBe('account 000000000001 and 000000000002');
    expect(r.text('111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1')).toBe('000000000001.dkr.ecr.eu-west-1.amazonaws.com/app:1');
    expect(r.text('1111222233334')).toBe('1111222233334');
  });

  it('pseudonymises addresses consistently, keeping private ranges and prefixes', () => {
    const r = new Redactor(Buffer.alloc(32, 2));
    const a = r.text('10.0.1.10');
    expect(r.text('10.0.1.10')).toBe(a);
    expect(a).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(a).not.toBe('10.0.1.10');
    // Subnet and instance: the instance stays inside the subnet.
    const subnet = r.text('10.0.1.0/24');
    expect(subnet.endsWith('.0/24')).toBe(true);
    expect(a.split('.').slice(0, 3)).toEqual(subnet.split('/')[0]!.split('.').slice(0, 3));
    expect(r.text('172.20.5.9')).toMatch(/^172\.(1[6-9]|2\d|3[01])\./);
    expect(r.text('54.23.1.7')).toMatch(/^(24\d|25[0-5])\./);
    expect(r.text('0.0.0.0/0')).toBe('0.0.0.0/0');
    expect(r.text('169.254.169.254')).toBe('169.254.169.254');
    // Host names embed the same pseudonym as the address.
    expect(r.text('ip-10-0-1-10.eu-west-1.compute.internal')).toBe(`ip-${a.replaceAll('.', '-')}.eu-west-1.compute.internal`);
    expect(r.text('v1.35.2-eks-3a1b2c4')).toBe('v1.35.2-eks-3a1b2c4');
  });

  it('replaces the cluster ID in the endpoint and the OIDC issuer alike, and load balancer names', () => {
    const r = new Redactor();
    const endpoint = r.text('https://5F1E2D3C4B5A69788796A5B4C3D2E1F0.gr7.eu-west-1.eks.amazonaws.com');
    const issuer = r.text('https://oidc.eks.eu-west-1.amazonaws.com/id/5F1E2D3C4B5A69788796A5B4C3D2E1F0');
    expect(endpoint).toBe('https://REDACTED000000000000000000000001.gr7.eu-west-1.eks.amazonaws.com');
    expect(issuer.endsWith('/id/REDACTED000000000000000000000001')).toBe(true);
    expect(r.text('k8s-shop-storefro-1a2b3c4d5e-0123456789abcdef.elb.eu-west-1.amazonaws.com')).toBe('redacted-lb-1.elb.eu-west-1.amazonaws.com');
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('public addresses and CIDRs keep their containment past the top 4 bits (key %i)', (key) => {
    const r = new Redactor(Buffer.alloc(32, key));
    const [cidr, prefix] = r.text('203.0.113.0/24').split('/') as [string, string];
    expect(prefix).toBe('24');
    const inside = r.text('203.0.113.77');
    expect(inside.split('.').slice(0, 3)).toEqual(cidr.split('.').slice(0, 3));
    // 203.0.112.x first differs from 203.0.113.0/24 at bit 23, 203.0.114.x at bit 22: images stay outside.
    for (const outside of ['203.0.112.9', '203.0.114.9', '203.1.113.9']) expect(r.text(outside).split('.').slice(0, 3), outside).not.toEqual(cidr.split('.').slice(0, 3));
  });

  it('two public addresses that first differ at bit k >= 4 have pseudonyms that first differ at bit k', () => {
    const r = new Redactor(Buffer.alloc(32, 9));
    const toNumber = (dotted: string) => dotted.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
    const toDotted = (n: number) => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
    const firstDifference = (a: number, b: number) => Math.clz32((a ^ b) >>> 0);
    const base = toNumber('203.0.113.77');
    for (let k = 4; k < 32; k++) {
      const other = (base ^ (1 << (31 - k))) >>> 0;
      expect(firstDifference(toNumber(r.text(toDotted(base))), toNumber(r.text(toDotted(other)))), `bit ${k}`).toBe(k);
    }
  });

  // A fixed key per scenario, so a run is reproducible: public pseudonyms keep prefix relations only
  // past their top 4 bits (see PUBLIC_TARGET), and a random key could, once in a great while, land a
  // NAT address inside an allowed CIDR's image and change the diagnosis.
  listScenarios().forEach(({ name }, index) => {
    it(`scenario ${name}: nothing identifying survives, and the diagnosis is unchanged`, async () => {
      const original = loadScenario(name);
      const redactor = new Redactor(Buffer.alloc(32, index + 1));
      const redacted = redactSnapshot(original, redactor);
      const text = JSON.stringify(redacted);
      const accounts = new Set([...JSON.stringify(original).matchAll(/arn:aws[\w-]*:[\w-]+:[\w-]*:(\d{12}):/g)].map((m) => m[1]!));
      for (const account of accounts) expect(text).not.toContain(account);
      // The cluster ID, in the endpoint, the issuer and IRSA trust policies' condition keys alike.
      expect(text).not.toContain(BASELINE.oidcId);
      // Pseudonyms are random, so one may equal some other original address by chance; what must
      // never happen is an address kept as itself.
      const addresses = [...new Set(JSON.stringify(original).match(/\b10\.\d+\.\d+\.\d+\b/g) ?? [])];
      // CIDRs are pseudonymised as prefixes, so their images count as pseudonyms too.
      const withPrefixes = [...new Set(JSON.stringify(original).match(/\b10\.\d+\.\d+\.\d+(?:\/\d{1,2})?/g) ?? [])];
      const pseudonyms = new Set(withPrefixes.map((a) => redactor.text(a).split('/')[0]!));
      for (const address of addresses) {
        expect(redactor.text(address)).not.toBe(address);
        if (new RegExp(`\\b${address.replaceAll('.', '\\.')}\\b`).test(text)) expect(pseudonyms.has(address), `${address} survived redaction`).toBe(true);
      }
      expect(redacted.meta?.redacted).toBe(true);
      const diagnostics = await loadDiagnostics();
      const before = await diagnoseSnapshot(original, { diagnostics, toolVersion: 'test' });
      const after = await diagnoseSnapshot(redacted, { diagnostics, toolVersion: 'test' });
      expect(after.findings.map((f) => f.id)).toEqual(before.findings.map((f) => f.id));
      expect(after.checks.map((c) => c.status)).toEqual(before.checks.map((c) => c.status));
    });
  });
});
