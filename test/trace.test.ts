/**
 * `--trace FILE` end to end: the file is a well-formed OTLP JSON trace of the run, with exactly one
 * CLIENT span per request the mocks answered (retries included, each an attempt of its call), one
 * span per check as the report lists them, and nothing secret in it. No timing is asserted beyond
 * the order of each span's own start and end.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FaultRule } from '../mocks/aws-mock/index.js';
import { startMockCluster, type MockCluster } from '../mocks/mock-cluster.js';
import { listScenarios, loadScenario } from '../mocks/bundled-scenarios.js';
import type { Report } from '../src/engine/report.js';
import { IMPORT_SPAN_PREFIX, PHASE, RecordingTracer, STARTUP_SPAN } from '../src/trace/tracer.js';
import { startAwsMock } from '../mocks/aws-mock/index.js';
import { collectFromMock } from './aws/support.js';
import { countBy, readTrace, requestKey, type Trace } from './support/otlp.js';
import { CLI_BUILT, isolatedEnv, runCli, runCliProcess } from './support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-trace-'));
const scenario = loadScenario('node-role-not-mapped');
let file = 0;
const traceFile = () => join(dir, `trace-${++file}.json`);

/** The checks as the report lists them, and as the trace's check spans say. */
function checksInReport(report: Report): string[] {
  return report.checks.map((c) => `${c.id} ${c.status} ${c.findings}`);
}
function checksInTrace(trace: Trace): string[] {
  return trace
    .children(trace.phase(PHASE.checks))
    .map((s) => `${s.attributes['eks_doctor.check.id']} ${s.attributes['eks_doctor.check.status']} ${s.attributes['eks_doctor.check.findings']}`);
}

describe('--trace against the mocks', () => {
  let cluster: MockCluster;
  const env = () => ({ AWS_ACCESS_KEY_ID: cluster.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: cluster.credentials.secretAccessKey, AWS_REGION: cluster.region });
  const diagnose = (extra: string[]) =>
    runCli(['diagnose', '--cluster', cluster.clusterName, '--endpoint-url', cluster.awsUrl, '--output', 'json', '--fail-on', 'never', ...extra], env());

  beforeAll(async () => {
    cluster = await startMockCluster({ scenario });
  });
  afterAll(async () => {
    await cluster.close();
  });
  beforeEach(() => {
    // The SDK's default credential chain reads the process environment, as it does for a user.
    vi.stubEnv('AWS_ACCESS_KEY_ID', cluster.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', cluster.credentials.secretAccessKey);
    vi.stubEnv('AWS_PROFILE', '');
    cluster.aws.setFaults([]);
    cluster.log.clear();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('diagnose: one trace, its phases, a CLIENT span per request the mocks answered, a span per check', async () => {
    const path = traceFile();
    const { code, stdout, stderr } = await diagnose(['--trace', path]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    const trace = readTrace(path);

    expect(trace.root.name).toBe('eks-doctor diagnose');
    expect(trace.root.attributes).toMatchObject({ 'eks_doctor.command': 'diagnose', 'eks_doctor.cluster': cluster.clusterName, 'eks_doctor.exit_code': 0 });
    // With a root cause to look changes up for, the enrichment pass's reads are a phase of their own.
    expect(trace.phases().sort()).toEqual([PHASE.checks, PHASE.collectAws, PHASE.collectKubernetes, PHASE.correlation, PHASE.render, ...(report.changeHistory ? [PHASE.changeHistory] : [])].sort());

    // Exactly the requests the mocks answered, action by action and with the status they answered, AWS and Kubernetes alike.
    const requests = trace.spans.filter((s) => s.kind === 'client');
    expect(countBy(requests, (s) => `${requestKey(s)} ${s.attributes['http.response.status_code']}`)).toEqual(
      countBy(cluster.log.entries, (e) => `${e.service}:${e.action} ${e.status}`),
    );
    expect(requests.some((s) => requestKey(s).startsWith('kubernetes:'))).toBe(true);
    // Each inside the phase of its side, in time too (readTrace checks every child lies within its parent).
    for (const span of requests) {
      const changeRead = ['cloudtrail:LookupEvents', 'eks:ListUpdates', 'eks:DescribeUpdate'].includes(requestKey(span));
      const phase = span.attributes['rpc.system'] === 'aws-api' ? (changeRead ? PHASE.changeHistory : PHASE.collectAws) : PHASE.collectKubernetes;
      expect(trace.ancestors(span).map((a) => a.name), requestKey(span)).toContain(phase);
    }
    // Every AWS request is attempt 1 of a call that took one attempt.
    for (const span of requests.filter((s) => s.attributes['rpc.system'] === 'aws-api')) {
      expect(span.attributes['eks_doctor.attempt']).toBe(1);
      expect(trace.byId.get(span.parentId!)?.attributes['eks_doctor.attempts']).toBe(1);
    }

    expect(checksInTrace(trace)).toEqual(checksInReport(report));
  });

  it('a throttled call: each attempt is a CLIENT span of the one call, which counts them', async () => {
    const throttled: FaultRule = { action: 'eks:DescribeCluster', kind: 'throttle', first: 2 };
    cluster.aws.setFaults([throttled]);
    const path = traceFile();
    const { code, stderr } = await diagnose(['--trace', path]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const trace = readTrace(path);

    const requests = trace.spans.filter((s) => s.kind === 'client');
    expect(countBy(requests, requestKey)).toEqual(countBy(cluster.log.entries, (e) => `${e.service}:${e.action}`));
    const calls = trace.spans.filter((s) => s.kind === 'internal' && s.name === 'eks:DescribeCluster');
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.attributes).toMatchObject({ 'eks_doctor.attempts': 3, 'http.response.status_code': 200 });
    expect(call.status.code).toBe(1);
    const attempts = trace.children(call).sort((a, b) => Number(a.attributes['eks_doctor.attempt']) - Number(b.attributes['eks_doctor.attempt']));
    expect(attempts.map((a) => [a.kind, a.attributes['eks_doctor.attempt'], a.attributes['error.type'], a.status.code])).toEqual([
      ['client', 1, 'ThrottlingException', 2],
      ['client', 2, 'ThrottlingException', 2],
      ['client', 3, undefined, 1],
    ]);
    // One attempt after the other.
    expect(attempts[1]!.start >= attempts[0]!.end && attempts[2]!.start >= attempts[1]!.end).toBe(true);
  });

  it('collect: the requests, and writing the bundle as its render phase', async () => {
    const path = traceFile();
    const out = join(dir, 'bundle.json');
    const { code, stderr } = await runCli(['collect', '--cluster', cluster.clusterName, '--endpoint-url', cluster.awsUrl, '--out', out, '--trace', path], env());
    expect(code, stderr).toBe(0);
    const trace = readTrace(path);
    expect(trace.root.name).toBe('eks-doctor collect');
    expect(trace.phases().sort()).toEqual([PHASE.collectAws, PHASE.collectKubernetes, PHASE.render].sort());
    expect(countBy(trace.spans.filter((s) => s.kind === 'client'), requestKey)).toEqual(countBy(cluster.log.entries, (e) => `${e.service}:${e.action}`));
  });

  it('never records credentials, tokens, account IDs or addresses', async () => {
    const path = traceFile();
    const { code } = await diagnose(['--trace', path, '--redact']);
    expect(code).toBe(0);
    const text = readFileSync(path, 'utf8');
    readTrace(path);
    for (const secret of [cluster.credentials.accessKeyId, cluster.credentials.secretAccessKey, 'k8s-aws-v1.', 'Bearer', 'X-Amz-Signature', 'Authorization']) expect(text).not.toContain(secret);
    expect(text).not.toContain('111122223333');
    expect(text).not.toMatch(/(?<![\d.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.])/);
    // Kubernetes list pages: paths only, never the continue token or a selector.
    expect(text).not.toMatch(/continue=|fieldSelector|limit=/);
  });

  it('a run that fails still leaves its trace, showing where it failed', async () => {
    const path = traceFile();
    const { code, stderr } = await runCli(['diagnose', '--cluster', 'no-such-cluster', '--endpoint-url', cluster.awsUrl, '--output', 'json', '--trace', path], env());
    expect(code).toBe(2);
    expect(stderr).toContain("no EKS cluster named 'no-such-cluster'");
    const trace = readTrace(path);
    expect(trace.root.status).toEqual({ code: 2, message: 'UserError' });
    expect(trace.phase(PHASE.collectAws).status.code).toBe(2);
    const requests = trace.spans.filter((s) => s.kind === 'client');
    expect(countBy(requests, requestKey)).toEqual(countBy(cluster.log.entries, (e) => `${e.service}:${e.action}`));
    const describe = requests.find((s) => requestKey(s) === 'eks:DescribeCluster')!;
    expect(describe.attributes).toMatchObject({ 'http.response.status_code': 404, 'error.type': 'ResourceNotFoundException' });
    expect(requests.map(requestKey)).toContain('eks:ListClusters');
  });

  it('an unwritable --trace path is an error before anything is collected', async () => {
    const notADirectory = join(dir, 'plain-file');
    writeFileSync(notADirectory, 'x');
    for (const [path, message] of [
      [join(notADirectory, 'trace.json'), /cannot write the trace to .*plain-file\/trace\.json/],
      [dir, /--trace .* is a directory/],
      ['-', /--trace needs a file path/],
    ] as const) {
      const { code, stdout, stderr } = await diagnose(['--trace', path]);
      expect(code, path).toBe(2);
      expect(stderr, path).toMatch(message);
      expect(stdout).toBe('');
    }
    expect(cluster.log.entries).toEqual([]);
  });
});

describe.skipIf(!CLI_BUILT)('the start of the process in the trace (the built CLI, as a user runs it)', () => {
  it('the root starts with the process; `startup` runs until the first request, the modules it loaded inside it', async () => {
    const cluster = await startMockCluster({ scenario });
    const path = traceFile();
    try {
      const env = isolatedEnv({ AWS_ACCESS_KEY_ID: cluster.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: cluster.credentials.secretAccessKey, AWS_REGION: cluster.region });
      const run = await runCliProcess(['diagnose', '--cluster', cluster.clusterName, '--endpoint-url', cluster.awsUrl, '--output', 'json', '--fail-on', 'never', '--trace', path], { env, watchdogMs: 120_000 });
      expect(run.code, run.stderr).toBe(0);
    } finally {
      await cluster.close();
    }
    const trace = readTrace(path);
    const startup = trace.phase(STARTUP_SPAN);
    expect(startup.start).toBe(trace.root.start);
    const firstRequest = trace.spans.filter((s) => s.kind === 'client').sort((a, b) => (a.start < b.start ? -1 : 1))[0]!;
    expect(startup.end).toBe(firstRequest.start);
    // The CLI's own modules, then the AWS clients and the collectors, loaded on the way to the first request.
    const loads = trace.children(startup).map((s) => s.name);
    expect(loads).toEqual(expect.arrayContaining(['import cli', 'import collect/aws/clients', 'import collect/collect']));
    for (const load of trace.spans.filter((s) => s.name.startsWith(IMPORT_SPAN_PREFIX))) expect(load.attributes['eks_doctor.module']).toBe(load.name.slice(IMPORT_SPAN_PREFIX.length));
  });
});

describe('demo --trace', () => {
  it('traces the bundled scenario through the live path, both sides, every check', async () => {
    const path = traceFile();
    const { stdout } = await runCli(['demo', 'node-role-not-mapped', '--output', 'json', '--trace', path]);
    const report = JSON.parse(stdout) as Report;
    const trace = readTrace(path);
    expect(trace.root.name).toBe('eks-doctor demo');
    expect(trace.root.attributes['eks_doctor.scenario']).toBe('node-role-not-mapped');
    const requests = trace.spans.filter((s) => s.kind === 'client').map(requestKey);
    expect(requests).toContain('eks:DescribeCluster');
    expect(requests).toContain('kubernetes:GET /api/v1/nodes');
    expect(checksInTrace(trace)).toEqual(checksInReport(report));
  });
});

describe('the per-service cap in a trace', () => {
  it('a call that waits for a free slot has a queued span under collect AWS, and the cap shows as calls one after another', async () => {
    const baseline = loadScenario('baseline');
    const mock = await startAwsMock({ snapshots: [baseline] });
    const tracer = new RecordingTracer('collect', {}, { 'service.name': 'eks-doctor' });
    try {
      // One request in flight per service: of the IAM roles looked up together (one batch), all but the first must wait.
      await collectFromMock(baseline, mock.url, { tracer, concurrency: 1 });
    } finally {
      await mock.close();
    }
    const path = traceFile();
    writeFileSync(path, JSON.stringify(tracer.finish()));
    const trace = readTrace(path);
    const queued = trace.spans.filter((s) => s.name.startsWith('queued '));
    const roleLookups = trace.spans.filter((s) => s.kind === 'internal' && s.name === 'iam:GetRole');
    expect(roleLookups.length).toBeGreaterThan(1);
    expect(queued.filter((s) => s.attributes['eks_doctor.call'] === 'iam:GetRole').length).toBeGreaterThanOrEqual(roleLookups.length - 1);
    for (const span of queued) {
      expect(trace.byId.get(span.parentId!)?.name).toBe(PHASE.collectAws);
      expect(span.attributes['eks_doctor.concurrency']).toBe(1);
    }
    // With one slot per service, no two calls of a service overlap: the cap held, and the trace shows it.
    const calls = trace.spans.filter((s) => s.kind === 'internal' && s.attributes['rpc.service'] === 'iam').sort((a, b) => (a.start < b.start ? -1 : 1));
    for (let i = 1; i < calls.length; i++) expect(calls[i]!.start >= calls[i - 1]!.end).toBe(true);
  });
});

describe('--trace offline', () => {
  const snapshotFile = listScenarios().find((s) => s.name === 'node-role-not-mapped')!.file;

  it('diagnose --snapshot: reading the file, a span per check as the report lists them, correlation and render', async () => {
    const path = traceFile();
    const traced = await runCli(['diagnose', '--snapshot', snapshotFile, '--output', 'json', '--trace', path]);
    const plain = await runCli(['diagnose', '--snapshot', snapshotFile, '--output', 'json']);
    expect(traced.code).toBe(plain.code);
    const report = JSON.parse(traced.stdout) as Report;
    // The report on stdout is the same with and without --trace.
    expect(report.findings).toEqual((JSON.parse(plain.stdout) as Report).findings);
    const trace = readTrace(path);
    expect(trace.phases()).toEqual(['read snapshot', PHASE.checks, PHASE.correlation, PHASE.render]);
    expect(trace.spans.filter((s) => s.kind === 'client')).toEqual([]);
    expect(checksInTrace(trace)).toEqual(checksInReport(report));
    expect(trace.root.attributes['eks_doctor.exit_code']).toBe(traced.code);
  });

  it('--only: the checks not selected are spans too, skipped', async () => {
    const path = traceFile();
    const { stdout } = await runCli(['diagnose', '--snapshot', snapshotFile, '--output', 'json', '--only', 'aws-auth', '--trace', path]);
    const report = JSON.parse(stdout) as Report;
    const trace = readTrace(path);
    expect(checksInTrace(trace)).toEqual(checksInReport(report));
    expect(checksInTrace(trace).filter((c) => c.includes(' skipped '))).toHaveLength(report.checks.length - 1);
  });

  it('--watch: the file holds the latest run', async () => {
    const path = traceFile();
    const { code, stdout } = await runCli(['diagnose', '--snapshot', snapshotFile, '--output', 'json', '--watch', '0', '--watch-count', '2', '--trace', path]);
    expect(stdout.trim().split('\n')).toHaveLength(2);
    const trace = readTrace(path);
    expect(trace.root.attributes['eks_doctor.watch_run']).toBe(2);
    expect(trace.root.attributes['eks_doctor.exit_code']).toBe(code);
    expect(statSync(path).size).toBeGreaterThan(0);
  });

  it('--trace with --all-clusters is refused', async () => {
    const { code, stderr } = await runCli(['diagnose', '--all-clusters', '--regions', 'eu-west-1', '--trace', traceFile()]);
    expect(code).toBe(2);
    expect(stderr).toContain('does not combine with --all-clusters');
  });
});
