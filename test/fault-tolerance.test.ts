/**
 * Fault tolerance of the whole run, beyond test/aws/faults.test.ts (which covers single denied
 * actions, bursts at the start, one throttled call, hangs, deadlines and garbled bodies): faults
 * spread over every action by counter (deterministic: never by chance), their effect on the checks'
 * statuses, and the exit code when nothing at all can be read. No timing assertions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_PARTS, planFromParts, type CollectionPlan } from '../src/collect/plan.js';
import { diagnoseSnapshot } from '../src/engine/diagnose.js';
import type { Report } from '../src/engine/report.js';
import { loadDiagnostics } from '../src/engine/registry.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { loadScenario } from '../mocks/scenario-library.js';
import { MOCK_CREDENTIALS, startAwsMock, type AwsMock, type FaultRule } from '../mocks/aws-mock/index.js';
import { collectFromMock } from './aws/support.js';
import { runCli } from './support/run-cli.js';

const baseline = loadScenario('baseline');
const everyAwsPart: CollectionPlan = planFromParts(AWS_PARTS.map((p) => `aws.${p}` as const));

async function diagnose(snapshot: Snapshot): Promise<Report> {
  return diagnoseSnapshot(snapshot, { diagnostics: await loadDiagnostics(), toolVersion: 'test', generatedAt: new Date(snapshot.capturedAt) });
}
const outcome = (report: Report) => ({
  checks: report.checks.map((c) => ({ id: c.id, status: c.status, findings: c.findings })),
  findings: report.findings.map((f) => f.key).sort(),
});

describe('faults spread over every AWS action', () => {
  let mock: AwsMock;
  let cleanReport: Report;
  let actions: string[];
  beforeAll(async () => {
    mock = await startAwsMock({ snapshots: [baseline] });
    cleanReport = await diagnose(await collectFromMock(baseline, mock.url, { plan: everyAwsPart }));
    actions = [...mock.log.countsByAction().keys()];
  });
  afterAll(() => mock.close());

  async function collectWith(faults: FaultRule[], maxAttempts = 4): Promise<Snapshot> {
    mock.setFaults(faults);
    mock.log.clear();
    try {
      return await collectFromMock(baseline, mock.url, { plan: everyAwsPart, connection: { maxAttempts } });
    } finally {
      mock.setFaults([]);
    }
  }

  // Counted per distinct request, so every call (and every page) meets its fault on its own first
  // attempt whatever order the tool's concurrent calls reach the mock in. (Counted per action,
  // concurrent calls of one action can land every retry of one call on a failing count: CI once saw
  // iam:ListAttachedRolePolicies fail 4 times in a row that way.) One retry per call, because the
  // SDK's retry quota (a token bucket per client) rightly stops retrying when most calls fail; the
  // last case spends all 4 attempts on one action.
  it.each([
    ['every call throttled on its first attempt', (action: string): FaultRule => ({ action, kind: 'throttle', first: 1, countPer: 'request' })],
    ['every call answered 500 on its first attempt', (action: string): FaultRule => ({ action, kind: 'server-error', status: 500, first: 1, countPer: 'request' })],
    ['every call answered 503 on its first attempt', (action: string): FaultRule => ({ action, kind: 'server-error', status: 503, first: 1, countPer: 'request' })],
    [
      'ec2:DescribeSubnets answered 503 on its first three attempts',
      (action: string): FaultRule => (action === 'ec2:DescribeSubnets' ? { action, kind: 'server-error', status: 503, first: 3, countPer: 'request' } : { action, kind: 'latency', latencyMs: 0 }),
    ],
  ])('%s, within maxAttempts: exactly the fault-free findings', async (_name, rule) => {
    const snapshot = await collectWith(actions.map(rule));
    expect(mock.log.entries.some((e) => e.fault)).toBe(true);
    expect(snapshot.errors).toEqual([]);
    expect(outcome(await diagnose(snapshot))).toEqual(outcome(cleanReport));
  });

  it('throttled past maxAttempts: the checks that need the call report error naming it; the others keep their verdict', async () => {
    const snapshot = await collectWith([{ action: 'ec2:DescribeSubnets', kind: 'throttle' }], 2);
    const failedParts = new Set(snapshot.errors.map((e) => e.part));
    expect(failedParts.has('aws.subnets')).toBe(true);
    const report = await diagnose(snapshot);
    const diagnostics = await loadDiagnostics();
    let errored = 0;
    for (const check of report.checks) {
      const needs = diagnostics.find((d) => d.id === check.id)!.needs;
      if (needs.some((n) => failedParts.has(n))) {
        errored++;
        expect(check.status, check.id).toBe('error');
        expect(check.failedCalls, check.id).toContainEqual(expect.objectContaining({ call: 'ec2:DescribeSubnets', kind: 'throttled' }));
        expect(check.reason, check.id).toMatch(/DescribeSubnets|throttl/i);
      } else {
        expect({ id: check.id, status: check.status }).toEqual({ id: check.id, status: cleanReport.checks.find((c) => c.id === check.id)!.status });
      }
    }
    expect(errored).toBeGreaterThan(0);
  });
});

describe('every AWS action denied, through the CLI', () => {
  let mock: AwsMock;
  const saved = { ...process.env };
  beforeAll(async () => {
    mock = await startAwsMock({ snapshots: [baseline], faults: [{ action: '*', kind: 'denied' }] });
    process.env.AWS_ACCESS_KEY_ID = MOCK_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = MOCK_CREDENTIALS.secretAccessKey;
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    delete process.env.AWS_PROFILE;
  });
  afterAll(async () => {
    process.env = saved;
    await mock.close();
  });

  it('exits 2 and says the credentials lack permissions', async () => {
    const { name, region } = baseline.cluster;
    const { code, stdout, stderr } = await runCli(['diagnose', '--cluster', name, '--region', region, '--endpoint-url', mock.url, '--output', 'json']);
    expect(code, stderr).toBe(2);
    expect(`${stdout}\n${stderr}`).toMatch(/permission|denied|not authori[sz]ed|credentials/i);
  });
});
