/**
 * Fault tolerance of the whole run, beyond test/aws/faults.test.ts (which covers single denied
 * actions, bursts at the start, one throttled call, hangs, deadlines and garbled bodies): faults
 * spread over every action by counter (deterministic: never by chance), their effect on the checks'
 * statuses, and the exit code when nothing at all can be read. No timing assertions.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_PARTS, planFromParts, type CollectionPlan } from '../src/collect/plan.js';
import { diagnoseSnapshot } from '../src/engine/diagnose.js';
import type { Report } from '../src/engine/report.js';
import { loadDiagnostics } from '../src/engine/registry.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { loadScenario } from '../mocks/bundled-scenarios.js';
import { startAwsMock, type AwsMock, type FaultRule } from '../mocks/aws-mock/index.js';
import { collectFromMock } from './aws/support.js';
import { CLI_BUILT, isolatedEnv, runCli, runCliProcess, STACK_FRAME, type CliProcessResult } from './support/run-cli.js';
import type { KubernetesFault } from '../mocks/k8s-mock/api-server.js';
import { startMockCluster, type MockCluster } from '../mocks/mock-cluster.js';

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

/** Every AWS service eks-doctor reads, denied. STS is left out: GetCallerIdentity needs no permission, and AWS answers it even under an explicit deny. */
const denyEveryRead: FaultRule[] = ['eks:*', 'ec2:*', 'autoscaling:*', 'iam:*'].map((action) => ({ action, kind: 'denied' }));

describe.skipIf(!CLI_BUILT)('every AWS action denied, diagnose as a process', () => {
  const clusters: MockCluster[] = [];
  afterAll(() => Promise.all(clusters.map((c) => c.close())));
  async function cluster(options: { awsFaults: FaultRule[]; kubernetesFault?: KubernetesFault }): Promise<MockCluster> {
    const started = await startMockCluster({ scenario: baseline, ...options });
    clusters.push(started);
    return started;
  }
  async function diagnose(c: MockCluster, extra: string[] = []): Promise<CliProcessResult & { report: Report }> {
    const env = isolatedEnv({ AWS_ACCESS_KEY_ID: c.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: c.credentials.secretAccessKey, AWS_REGION: c.region });
    const run = await runCliProcess(['diagnose', '--cluster', c.clusterName, '--endpoint-url', c.awsUrl, '--timeout', '20', '--output', 'json', ...extra], { env, watchdogMs: 120_000 });
    expect(run.exitedOnItsOwn).toBe(true);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    return { ...run, report: JSON.parse(run.stdout) as Report };
  }
  async function kubeconfigFile(c: MockCluster): Promise<string> {
    const file = join(mkdtempSync(join(tmpdir(), 'eks-doctor-kubeconfig-')), 'config');
    writeFileSync(file, await c.kubeconfig());
    return file;
  }
  /** One paragraph: a single line, which the terminal wraps; never one line per failed call. */
  function oneParagraph(stderr: string): string {
    const lines = stderr.trim().split('\n');
    expect(lines, stderr).toHaveLength(1);
    return lines[0]!;
  }

  it('and the API server unreachable: exit 2 and one paragraph naming the caller, the policy to attach and where it is documented', async () => {
    const { code, stderr, report } = await diagnose(await cluster({ awsFaults: denyEveryRead }));
    expect(code).toBe(2);
    expect(report.checks.every((c) => c.status === 'error')).toBe(true);
    const message = oneParagraph(stderr);
    expect(message).toMatch(/^eks-doctor: no check could run\. AWS denied the reads of arn:aws:sts::111122223333:assumed-role\/platform-admin\/oncall: \d+ calls \(eks:DescribeCluster, /);
    expect(message).toContain('lack eks-doctor\'s read-only permissions: attach policy/iam-policy.json');
    expect(message).toMatch(/aws iam put-role-policy --role-name platform-admin --policy-name eks-doctor-read-only --policy-document file:\/\/\/\S+\/policy\/iam-policy\.json\)/);
    expect(message).toContain('docs/aws.md');
    // DescribeCluster was denied, so nothing names the API server; the message says how to reach it anyway.
    expect(message).toMatch(/The Kubernetes API server could not be read either: .*DescribeCluster.*--kubeconfig/);
  });

  it('STS too: the message says the identity is unknown', async () => {
    const { code, stderr } = await diagnose(await cluster({ awsFaults: [{ action: '*', kind: 'denied' }] }));
    expect(code).toBe(2);
    expect(oneParagraph(stderr)).toMatch(/AWS denied the reads of these credentials \(sts:GetCallerIdentity was denied too, so their identity is unknown\): \d+ calls .*policy\/iam-policy\.json/);
  });

  it('and the API server of --kubeconfig refusing connections: exit 2, and the paragraph says why Kubernetes could not be read', async () => {
    const c = await cluster({ awsFaults: denyEveryRead, kubernetesFault: 'refuse' });
    const { code, stderr, report } = await diagnose(c, ['--kubeconfig', await kubeconfigFile(c)]);
    expect(code).toBe(2);
    expect(report.kubernetesAccess).toMatchObject({ method: 'kubeconfig', reachable: false, failure: { kind: 'unreachable' } });
    expect(oneParagraph(stderr)).toMatch(/policy\/iam-policy\.json.* The Kubernetes API server could not be read either: connect ECONNREFUSED/);
  });

  it('but the API server reachable through --kubeconfig: the Kubernetes-side checks run, the AWS-side ones name the permission, exit code not 2', async () => {
    const c = await cluster({ awsFaults: denyEveryRead });
    const { code, stderr, report } = await diagnose(c, ['--kubeconfig', await kubeconfigFile(c)]);
    expect(code).not.toBe(2);
    expect(stderr).not.toContain('no check could run');
    expect(report.kubernetesAccess).toMatchObject({ method: 'kubeconfig', reachable: true });
    const diagnostics = await loadDiagnostics();
    const kubernetesOnly = diagnostics.filter((d) => d.needs.every((p) => p.startsWith('kubernetes.')));
    expect(kubernetesOnly.length).toBeGreaterThan(2);
    for (const d of diagnostics) {
      const check = report.checks.find((x) => x.id === d.id)!;
      if (kubernetesOnly.includes(d)) {
        expect(['pass', 'fail'], `${d.id}: ${check.reason ?? ''}`).toContain(check.status);
      } else {
        expect(check.status, d.id).toBe('error');
        expect(check.reason, d.id).toMatch(/was denied \(\w+\); grant \w+:\w+/);
        expect(check.failedCalls!.every((f) => f.kind === 'denied' && f.permission === f.call), d.id).toBe(true);
      }
    }
  });

  it('no AWS credentials anywhere: exit 2 and a message naming every source the SDK tried', async () => {
    const c = await cluster({ awsFaults: [] });
    const run = await runCliProcess(['diagnose', '--cluster', c.clusterName, '--region', c.region, '--endpoint-url', c.awsUrl, '--output', 'json'], {
      env: isolatedEnv(),
      watchdogMs: 120_000,
    });
    expect(run.exitedOnItsOwn).toBe(true);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.stderr).toMatch(/^eks-doctor: no AWS credentials found/);
    for (const source of ['AWS_ACCESS_KEY_ID', '~/.aws/credentials', '~/.aws/config', 'SSO', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'Pod Identity', 'instance metadata']) {
      expect(run.stderr).toContain(source);
    }
    // Nothing reached AWS unsigned.
    expect(c.aws.log.entries).toEqual([]);
  });
});

describe('no check could run for another reason', () => {
  it('exits 2 with one paragraph naming the failures, the report on stdout', async () => {
    const snapshot: Snapshot = {
      ...structuredClone(baseline),
      aws: {},
      kubernetes: {},
      errors: [{ part: 'aws.cluster', call: 'eks:DescribeCluster', kind: 'throttled', code: 'ThrottlingException', message: 'Rate exceeded (after 10 attempts)' }],
    };
    const file = join(mkdtempSync(join(tmpdir(), 'eks-doctor-snapshot-')), 'snapshot.json');
    writeFileSync(file, JSON.stringify(snapshot));
    const { code, stdout, stderr } = await runCli(['diagnose', '--snapshot', file, '--output', 'json']);
    expect(code).toBe(2);
    expect((JSON.parse(stdout) as Report).checks.some((c) => c.status === 'error')).toBe(true);
    expect(stderr).toBe(
      'eks-doctor: no check could run: eks:DescribeCluster was throttled (ThrottlingException: Rate exceeded (after 10 attempts)). The report lists each check and why it could not run.\n',
    );
  });
});

describe.skipIf(!CLI_BUILT)('one AWS action hanging, diagnose as a process', () => {
  const TIMEOUT_SECONDS = 6;
  let cluster: MockCluster;
  beforeAll(async () => {
    cluster = await startMockCluster({ scenario: baseline, awsFaults: [{ action: 'ec2:DescribeSubnets', kind: 'hang' }] });
  });
  afterAll(() => cluster?.close());

  // In-process tests cannot show that nothing is left holding the event loop open; only the process's own exit can.
  it('ends by itself at --timeout: the checks that read it name the deadline, the others keep their verdicts', async () => {
    const env = isolatedEnv({ AWS_ACCESS_KEY_ID: cluster.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: cluster.credentials.secretAccessKey, AWS_REGION: cluster.region });
    const argv = ['diagnose', '--cluster', cluster.clusterName, '--endpoint-url', cluster.awsUrl, '--timeout', String(TIMEOUT_SECONDS), '--call-timeout', '60', '--output', 'json'];
    const run = await runCliProcess(argv, { env, watchdogMs: 8 * TIMEOUT_SECONDS * 1000 });
    expect(run.exitedOnItsOwn, `still running long after --timeout ${TIMEOUT_SECONDS}`).toBe(true);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(cluster.aws.log.entries.some((e) => e.fault === 'hang')).toBe(true);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.collectionErrors).toContainEqual(expect.objectContaining({ part: 'aws.subnets', call: 'ec2:DescribeSubnets', kind: 'timeout', code: 'DeadlineExceeded' }));

    const diagnostics = await loadDiagnostics();
    const failedParts = new Set<string>(report.collectionErrors.map((e) => e.part));
    const clean = await diagnose(baseline);
    let untouched = 0;
    for (const d of diagnostics) {
      const check = report.checks.find((c) => c.id === d.id)!;
      if (d.needs.includes('aws.subnets')) {
        expect(check.status, d.id).toBe('error');
        expect(check.reason, d.id).toMatch(/ec2:DescribeSubnets timed out \(the overall time limit of 6s \(--timeout\) ran out/);
      } else if (![...d.needs, ...d.uses].some((p) => failedParts.has(p))) {
        untouched++;
        const keys = (r: Report) => r.findings.filter((f) => f.check === d.id).map((f) => f.key).sort();
        expect({ id: d.id, status: check.status, findings: keys(report) }).toEqual({ id: d.id, status: clean.checks.find((c) => c.id === d.id)!.status, findings: keys(clean) });
      }
    }
    expect(untouched).toBeGreaterThan(5);
    // Checks still ran, so this is no "could not check".
    expect(run.code).not.toBe(2);
  }, 8 * TIMEOUT_SECONDS * 1000 + 30_000);
});
