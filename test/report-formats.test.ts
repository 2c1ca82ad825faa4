/**
 * The CI formats, read by real consumers: JUnit XML through junit2json (a JUnit parser used to load
 * test results into BigQuery), SARIF validated against the OASIS SARIF 2.1.0 schema.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseJunit, type TestCase } from 'junit2json';
import { describe, expect, it } from 'vitest';
import type { Report } from '../src/engine/report.js';
import { listScenarios } from '../mocks/bundled-scenarios.js';
import { sarifValidator, VARIANT_RESOURCES, writeVariants } from './support/report-contract.js';
import { runCli } from './support/run-cli.js';

const variants = writeVariants();
const scenarioFiles = listScenarios().map((s) => ({ name: s.name, file: s.file }));
const everySnapshot = [...scenarioFiles, { name: 'critical', file: variants.critical }, { name: 'warning', file: variants.warning }, { name: 'error', file: variants.error }, { name: 'incomplete', file: variants.incomplete }];

async function jsonReport(file: string, extra: string[] = []): Promise<Report> {
  return JSON.parse((await runCli(['diagnose', '--snapshot', file, '--output', 'json', ...extra])).stdout) as Report;
}

async function junitCases(file: string, extra: string[] = []): Promise<{ parsed: Awaited<ReturnType<typeof parseJunit>>; cases: TestCase[] }> {
  const { stdout } = await runCli(['diagnose', '--snapshot', file, '--output', 'junit', ...extra]);
  const parsed = await parseJunit(stdout);
  const suites = parsed && 'testsuite' in parsed ? (parsed.testsuite ?? []) : [];
  return { parsed, cases: suites.flatMap((s) => s.testcase ?? []) };
}

describe('--output junit', () => {
  it.each(everySnapshot)('has one testcase per check for $name', async ({ file }) => {
    const report = await jsonReport(file);
    const { cases } = await junitCases(file);
    expect(cases.map((c) => c.classname)).toEqual(report.checks.map((c) => `eks-doctor.${c.id}`));
  });

  it('makes each critical or warning finding a failure of its check, typed by finding id', async () => {
    const { parsed, cases } = await junitCases(variants.critical, ['--only', 'aws-auth']);
    const awsAuth = cases.find((c) => c.classname === 'eks-doctor.aws-auth')!;
    expect(awsAuth.failure?.map((f) => f.type)).toEqual(['aws-auth/node-role-not-mapped', 'aws-auth/node-role-not-mapped']);
    expect(awsAuth.failure?.map((f) => f.inner).join('\n')).toContain(VARIANT_RESOURCES.karpenterRole);
    expect(awsAuth.failure?.[0]?.message).toMatch(/^\[critical\] /);
    expect(parsed && 'failures' in parsed ? parsed.failures : undefined).toBe(1);
  });

  it('maps a check that could not run to <error> and an unselected one to <skipped>', async () => {
    const errored = (await junitCases(variants.error)).cases.find((c) => c.classname === 'eks-doctor.aws-auth')!;
    expect(errored.error?.[0]?.message).toContain('eks:ListAccessEntries was denied');
    expect(errored.failure).toBeUndefined();
    const report = await jsonReport(variants.critical);
    const other = report.checks.find((c) => c.id !== 'aws-auth');
    if (other) {
      const skipped = (await junitCases(variants.critical, ['--only', 'aws-auth'])).cases.find((c) => c.classname === `eks-doctor.${other.id}`)!;
      expect(skipped.skipped?.[0]?.message).toBe('not selected (--only/--skip)');
    } else {
      const skipped = (await junitCases(variants.critical, ['--skip', 'aws-auth'])).cases[0]!;
      expect(skipped.skipped?.[0]?.message).toBe('not selected (--only/--skip)');
    }
  });

  it('keeps an incomplete check\'s verdict and says in <system-err> what it could not read', async () => {
    const report = await jsonReport(variants.incomplete);
    const incomplete = report.checks.filter((c) => c.incomplete);
    expect(incomplete.map((c) => c.id)).toContain('aws-auth');
    const { cases } = await junitCases(variants.incomplete);
    for (const check of incomplete) {
      const testcase = cases.find((c) => c.classname === `eks-doctor.${check.id}`)!;
      expect(testcase.error, check.id).toBeUndefined();
      expect(testcase['system-err']?.join('\n'), check.id).toMatch(/^Incomplete: could not read EC2 instances: ec2:DescribeInstances was denied \(UnauthorizedOperation\); grant ec2:DescribeInstances/);
    }
    const complete = cases.find((c) => c.classname === 'eks-doctor.cluster-health')!;
    expect(complete['system-err']).toBeUndefined();
  });

  it('lists suppressed findings in <system-out>, not as failures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-junit-'));
    const config = join(dir, 'c.yaml');
    writeFileSync(config, 'suppressions:\n  - id: aws-auth/node-role-not-mapped\n    reason: accepted risk, ticket OPS-1\n');
    const awsAuth = (await junitCases(variants.critical, ['--config', config])).cases.find((c) => c.classname === 'eks-doctor.aws-auth')!;
    expect(awsAuth.failure).toBeUndefined();
    expect(awsAuth['system-out']?.join('\n')).toContain('accepted risk, ticket OPS-1');
  });
});

describe('--output sarif', () => {
  const validate = sarifValidator();

  it.each(everySnapshot)('validates against the SARIF 2.1.0 schema for $name, every result with what GitHub code scanning needs', async ({ file }) => {
    const { stdout } = await runCli(['diagnose', '--snapshot', file, '--output', 'sarif']);
    const log = JSON.parse(stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation?: { artifactLocation?: { uri?: string } } }[]; partialFingerprints?: Record<string, string> }[] }[] };
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    for (const r of log.runs[0]!.results) {
      expect(r.locations[0]?.physicalLocation?.artifactLocation?.uri, r.ruleId).toMatch(new RegExp(`^eks/[^/]+/[^/]+/[^/]+/${r.ruleId.split('/')[0]}$`));
      expect(r.partialFingerprints?.['primaryLocationLineHash'], r.ruleId).toMatch(/^[0-9a-f]{16}:1$/);
    }
  });

  it('has the catalogue as rules, the findings as results with logical locations', async () => {
    const { stdout } = await runCli(['diagnose', '--snapshot', variants.critical, '--only', 'aws-auth', '--output', 'sarif']);
    const catalogue = JSON.parse((await runCli(['list', '--output', 'json'])).stdout) as { codes: { id: string }[] }[];
    const run = (JSON.parse(stdout) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { logicalLocations: { fullyQualifiedName: string; kind: string }[] }[]; partialFingerprints: Record<string, string> }[] }[] }).runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(catalogue.flatMap((c) => c.codes.map((x) => x.id)));
    expect(run.results.map((r) => r.ruleId)).toEqual(['aws-auth/node-role-not-mapped', 'aws-auth/node-role-not-mapped']);
    for (const r of run.results) {
      expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
      expect(r.level).toBe('error');
      expect(r.locations[0]!.logicalLocations[0]!.kind).toBe('resource');
    }
    expect(run.results[0]!.locations[0]!.logicalLocations[0]!.fullyQualifiedName).toBe(`aws:iam:role/${VARIANT_RESOURCES.karpenterRole}`);
    expect(run.results[0]!.partialFingerprints['eksDoctorKey/v1']).toBe(`aws-auth/node-role-not-mapped:${VARIANT_RESOURCES.karpenterRole}`);
  });

  it('reports checks that could not run as tool execution notifications', async () => {
    const { stdout } = await runCli(['diagnose', '--snapshot', variants.error, '--output', 'sarif']);
    const invocation = (JSON.parse(stdout) as { runs: { invocations: { executionSuccessful: boolean; toolExecutionNotifications: { message: { text: string } }[] }[] }[] }).runs[0]!.invocations[0]!;
    expect(invocation.executionSuccessful).toBe(false);
    // Every check needing the denied part is a notification; aws-auth is one of them (others may sort first).
    expect(invocation.toolExecutionNotifications.map((n) => n.message.text)).toContainEqual(expect.stringContaining('aws-auth could not run'));
  });
});

describe('incomplete checks in every format', () => {
  it('text, markdown and SARIF name the check, the part and the permission; JSON carries `incomplete`', async () => {
    const json = await jsonReport(variants.incomplete);
    expect(json.summary.checks.incomplete).toBe(json.checks.filter((c) => c.incomplete).length);
    expect(json.checks.find((c) => c.id === 'aws-auth')).toMatchObject({ status: 'pass', incomplete: [{ part: 'aws.reservations', failedCalls: [{ permission: 'ec2:DescribeInstances' }] }] });
    const text = (await runCli(['diagnose', '--snapshot', variants.incomplete, '--output', 'text'])).stdout;
    expect(text).toContain('CHECKS THAT RAN WITHOUT SOME OF THEIR DATA');
    expect(text).toMatch(/incomplete aws-auth \(pass\): could not read EC2 instances: ec2:DescribeInstances was denied \(UnauthorizedOperation\); grant ec2:DescribeInstances/);
    expect(text).toMatch(/checks: \d+ passed, \d+ failed \(\d+ of them incomplete\)/);
    const markdown = (await runCli(['diagnose', '--snapshot', variants.incomplete, '--output', 'markdown'])).stdout;
    expect(markdown).toMatch(/\| `aws-auth` \| pass \(incomplete\) \| 0 \| incomplete: could not read EC2 instances: .*grant ec2:DescribeInstances \|/);
    const sarif = JSON.parse((await runCli(['diagnose', '--snapshot', variants.incomplete, '--output', 'sarif'])).stdout) as { runs: { invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string } }[] }[] }[] };
    const invocation = sarif.runs[0]!.invocations[0]!;
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications).toContainEqual({ level: 'warning', message: { text: expect.stringMatching(/^Check aws-auth ran without some of its data .*grant ec2:DescribeInstances/) }, descriptor: { id: 'aws-auth' } });
  });
});

describe('report files', () => {
  it('--output-file writes the report and the terminal shows a short summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-files-'));
    const path = join(dir, 'nested', 'report.xml');
    const { code, stdout } = await runCli(['diagnose', '--snapshot', variants.critical, '--only', 'aws-auth', '--output-file', path]);
    expect(code).toBe(1);
    expect(readFileSync(path, 'utf8')).toMatch(/^<\?xml/);
    expect(stdout).toContain('2 critical, 0 warning, 0 info');
    expect(stdout).toContain('[critical] ');
    expect(stdout).toContain(`Wrote junit report to ${path}`);
    expect(stdout.split('\n').length).toBeLessThan(10);
  });

  it('--output FORMAT with --output-file gives the file that format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-files-'));
    const path = join(dir, 'report.out');
    await runCli(['diagnose', '--snapshot', variants.warning, '--output', 'markdown', '--output-file', path]);
    expect(readFileSync(path, 'utf8')).toMatch(/^# eks-doctor report: /);
  });

  it('several --output FORMAT=PATH write one file each, and a plain --output still goes to stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-files-'));
    const files = { junit: join(dir, 'r.xml'), sarif: join(dir, 'r.sarif'), json: join(dir, 'r.json'), markdown: join(dir, 'r.md') };
    const { stdout, code } = await runCli([
      'diagnose', '--snapshot', variants.warning, '--fail-on', 'warning',
      '--output', `junit=${files.junit}`, '--output', `sarif=${files.sarif}`, '--output', `json=${files.json}`, '--output', `markdown=${files.markdown}`, '--output', 'text',
    ]);
    expect(code).toBe(1);
    for (const path of Object.values(files)) expect(existsSync(path), path).toBe(true);
    expect((JSON.parse(readFileSync(files.json, 'utf8')) as Report).findings[0]!.id).toBe('aws-auth/duplicate-mapping');
    expect(readFileSync(files.junit, 'utf8')).toContain('type="aws-auth/duplicate-mapping"');
    expect(stdout).toContain('OTHER FINDINGS');
  });

  it('rejects two formats for the terminal, an unknown format, and an empty path', async () => {
    const two = await runCli(['diagnose', '--snapshot', variants.warning, '--output', 'json', '--output', 'text']);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('only one --output format can go to the terminal');
    const unknown = await runCli(['diagnose', '--snapshot', variants.warning, '--output', 'yaml=x.yaml']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--output must be one of text, json, markdown, junit, sarif');
    const empty = await runCli(['diagnose', '--snapshot', variants.warning, '--output', 'junit=']);
    expect(empty.stderr).toContain('needs a file path');
  });
});
