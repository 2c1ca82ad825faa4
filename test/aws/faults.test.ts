/**
 * Failures are data. Against the mock serving the baseline: a denied action costs exactly the
 * checks that need its part (and names the IAM action to grant); throttling and 5xx bursts that the
 * retries absorb change nothing; a hanging call is cut off by the per-attempt timeout or the
 * overall deadline and recorded as a timeout; a garbled body is recorded as an invalid response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_PARTS, planFromParts, type CollectionPlan } from '../../src/collect/plan.js';
import { diagnoseSnapshot } from '../../src/engine/diagnose.js';
import type { Report } from '../../src/engine/report.js';
import { loadDiagnostics } from '../../src/engine/registry.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { loadScenario } from '../../mocks/bundled-scenarios.js';
import { startAwsMock, type AwsMock, type FaultRule } from '../../mocks/aws-mock/index.js';
import { canonical, collectFromMock } from './support.js';

const baseline = loadScenario('baseline');
const everyAwsPart: CollectionPlan = planFromParts(AWS_PARTS.map((p) => `aws.${p}` as const));

async function diagnose(snapshot: Snapshot): Promise<Report> {
  return diagnoseSnapshot(snapshot, { diagnostics: await loadDiagnostics(), toolVersion: 'test', generatedAt: new Date(snapshot.capturedAt) });
}

function outcome(report: Report) {
  return {
    checks: report.checks.map((c) => ({ id: c.id, status: c.status, findings: c.findings })),
    findings: report.findings.map((f) => f.key).sort(),
  };
}

describe('faults injected into the mock serving the baseline', () => {
  let mock: AwsMock;
  let clean: Snapshot;
  let cleanReport: Report;
  beforeAll(async () => {
    mock = await startAwsMock({ snapshots: [baseline] });
    clean = await collectFromMock(baseline, mock.url, { plan: everyAwsPart });
    cleanReport = await diagnose(clean);
  });
  afterAll(() => mock.close());

  async function collectWith(faults: FaultRule[], options: Parameters<typeof collectFromMock>[2] = {}): Promise<Snapshot> {
    mock.setFaults(faults);
    try {
      return await collectFromMock(baseline, mock.url, { plan: everyAwsPart, ...options });
    } finally {
      mock.setFaults([]);
    }
  }

  it('the fault-free collection has no errors (the reference for the others)', () => {
    expect(clean.errors).toEqual([]);
    expect(cleanReport.checks.some((c) => c.status === 'pass' || c.status === 'fail')).toBe(true);
  });

  it.each([
    ['ec2:DescribeSubnets', 'aws.subnets', 'UnauthorizedOperation'],
    ['iam:GetRole', 'aws.iamRoles', 'AccessDenied'],
    ['eks:DescribeNodegroup', 'aws.nodegroups', 'AccessDeniedException'],
  ] as const)('a denied %s costs only the checks that need %s, and says what to grant', async (action, part, code) => {
    const denied = await collectWith([{ action, kind: 'denied' }]);
    const failedParts = [...new Set(denied.errors.map((e) => e.part))];
    expect(denied.errors.find((e) => e.part === part)).toMatchObject({ call: action, kind: 'denied', code, permission: action });
    // Parts that read the denied one fail with the same cause; nothing else fails.
    for (const e of denied.errors) expect(e).toMatchObject({ kind: 'denied', permission: action });

    const report = await diagnose(denied);
    const diagnostics = await loadDiagnostics();
    for (const check of report.checks) {
      const needs = diagnostics.find((d) => d.id === check.id)!.needs;
      const before = cleanReport.checks.find((c) => c.id === check.id)!;
      if (needs.some((n) => failedParts.includes(n))) {
        expect(check.status, check.id).toBe('error');
        expect(check.failedCalls, check.id).toContainEqual(expect.objectContaining({ call: action, permission: action }));
      } else if (!check.id.startsWith('node-iam') || part !== 'aws.nodegroups') {
        // A check that can do without the part keeps its verdict (node-iam-role reads node groups only to name roles).
        expect({ id: check.id, status: check.status }).toEqual({ id: before.id, status: before.status });
      }
    }
    expect(report.checks.filter((c) => c.status === 'error').length).toBeGreaterThan(0);
  });

  it('throttling and 5xx bursts that the retries absorb change nothing', async () => {
    const bursty = await collectWith([
      { action: 'ec2:*', kind: 'throttle', first: 2 },
      { action: 'eks:*', kind: 'throttle', first: 2 },
      { action: 'iam:*', kind: 'throttle', first: 2 },
      { action: 'autoscaling:*', kind: 'server-error', status: 503, first: 2 },
      { action: 'sts:GetCallerIdentity', kind: 'server-error', first: 1 },
    ]);
    expect(bursty.errors).toEqual([]);
    expect(canonical(bursty.aws)).toEqual(canonical(clean.aws));
    expect(outcome(await diagnose(bursty))).toEqual(outcome(cleanReport));
    const faulted = mock.log.entries.filter((e) => e.fault);
    expect(faulted.map((e) => e.status)).toEqual(expect.arrayContaining([503, 429, 400]));
  });

  it('a read throttled nine times in a row still answers (ten attempts while throttled); other failures get four, and the error counts them', async () => {
    // The production budget, with short waits (the SDK's would be seconds).
    const budget = { connection: { maxAttempts: undefined, retry: { baseDelayMs: 5, throttlingBaseDelayMs: 5 } } };
    const from = mock.log.entries.length;
    const snapshot = await collectWith(
      [
        { action: 'eks:ListInsights', kind: 'throttle', first: 9, countPer: 'request' },
        { action: 'ec2:DescribeRouteTables', kind: 'throttle' },
        { action: 'eks:DescribeClusterVersions', kind: 'server-error', status: 500 },
      ],
      budget,
    );
    expect(snapshot.aws.insights).toEqual(clean.aws.insights);
    const entries = mock.log.entries.slice(from);
    expect(entries.filter((e) => e.action === 'ListInsights' && e.fault)).toHaveLength(9);
    const routeTables = snapshot.errors.find((e) => e.part === 'aws.routeTables');
    expect(routeTables).toMatchObject({ kind: 'throttled', code: 'RequestLimitExceeded', message: expect.stringMatching(/\(after 10 attempts\)$/) as unknown });
    expect(entries.filter((e) => e.action === 'DescribeRouteTables')).toHaveLength(10);
    expect(snapshot.errors.find((e) => e.part === 'aws.clusterVersions')).toMatchObject({ kind: 'server-error', message: expect.stringMatching(/\(after 4 attempts\)$/) as unknown });
  });

  it('throttling past the retries is recorded as throttled, against that part only', async () => {
    const throttled = await collectWith([{ action: 'ec2:DescribeRouteTables', kind: 'throttle' }], { connection: { maxAttempts: 2 } });
    // Prefix lists are found through the routes, so they share the route tables' fate.
    expect(throttled.errors.map((e) => e.part)).toEqual(['aws.routeTables', 'aws.prefixLists', 'aws.prefixListEntries']);
    for (const e of throttled.errors) expect(e).toMatchObject({ call: 'ec2:DescribeRouteTables', kind: 'throttled', code: 'RequestLimitExceeded' });
  });

  it('a call that never answers is cut off by the per-attempt timeout and recorded as a timeout', async () => {
    const hung = await collectWith([{ action: 'ec2:DescribeNatGateways', kind: 'hang' }], { connection: { callTimeoutMs: 2_000, maxAttempts: 2 } });
    expect(hung.errors).toEqual([expect.objectContaining({ part: 'aws.natGateways', call: 'ec2:DescribeNatGateways', kind: 'timeout' })]);
    expect(hung.aws.subnets).toEqual(clean.aws.subnets);
  });

  it('the overall deadline ends a collection whose calls hang, recording what it cut off', async () => {
    const hung = await collectWith([{ action: 'iam:*', kind: 'hang' }], { connection: { callTimeoutMs: 60_000, maxAttempts: 1 }, timeoutSeconds: 2 });
    const timedOut = new Set(hung.errors.filter((e) => e.code === 'DeadlineExceeded').map((e) => e.part));
    for (const part of ['aws.iamAttachedRolePolicies', 'aws.iamInstanceProfiles', 'aws.iamOidcProviders', 'aws.iamRoles'] as const) expect(timedOut.has(part), part).toBe(true);
    expect(hung.errors.every((e) => e.kind === 'timeout' && /--timeout/.test(e.message))).toBe(true);
    // The other services' work is not queued behind the hanging IAM calls.
    expect(hung.aws.cluster).toEqual(clean.aws.cluster);
  });

  it.each(['garbage', 'truncated'] as const)('a %s body is recorded as an invalid response', async (kind) => {
    const garbled = await collectWith([
      { action: 'ec2:DescribeVpcs', kind },
      { action: 'eks:ListInsights', kind },
    ]);
    const summary = garbled.errors.map((e) => ({ part: e.part, kind: e.kind }));
    // The DHCP option set is the one the VPC names: without DescribeVpcs it fails with the same cause.
    expect(summary).toEqual(expect.arrayContaining([{ part: 'aws.vpcs', kind: 'invalid-response' }, { part: 'aws.insights', kind: 'invalid-response' }, { part: 'aws.dhcpOptions', kind: 'invalid-response' }]));
    expect(garbled.errors).toHaveLength(3);
  });
});
