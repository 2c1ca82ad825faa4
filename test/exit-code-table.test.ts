/**
 * The exit-code table in docs/report-contract.md, checked cell by cell: the test reads the table
 * itself, so the documentation and the behaviour cannot disagree. Then the same policy through the
 * CLI flags on real snapshots.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeFor, type FailOn } from '../src/engine/exit-code.js';
import type { Finding, Severity } from '../src/engine/finding.js';
import type { Report } from '../src/engine/report.js';
import type { CheckResult } from '../src/engine/run-checks.js';
import { listScenarios } from '../mocks/bundled-scenarios.js';
import { writeVariants } from './support/report-contract.js';
import { runCli } from './support/run-cli.js';

function check(id: string, status: CheckResult['status'], reason?: string): CheckResult {
  return { id, title: id, status, durationMs: 0, findings: 0, ...(reason ? { reason } : {}) };
}

/** A check that ran (pass or fail) without a part it uses. */
function incomplete(id: string, status: 'pass' | 'fail'): CheckResult {
  const failedCalls = [{ call: 'ec2:DescribeInstances', code: 'UnauthorizedOperation', kind: 'denied' as const, permission: 'ec2:DescribeInstances' }];
  return { ...check(id, status), incomplete: [{ part: 'aws.reservations', reason: 'could not read EC2 instances', failedCalls }] };
}

function finding(severity: Severity, suppressed = false): Finding {
  const id = 'subnets/low-free-ips';
  return {
    id, key: `${id}:subnet-1`, check: 'subnets', severity, title: 't', rootCause: 'r', evidence: [], resources: [],
    fix: { summary: 's', commands: [], docs: [] }, explains: [], explainedBy: [], ...(suppressed ? { suppressed: { reason: 'accepted' } } : {}),
  };
}

const ran = [check('aws-auth', 'pass'), check('subnets', 'fail')];
const oneCouldNotRun = [check('aws-auth', 'error', 'could not read access entries'), check('subnets', 'fail')];

/** The checks of the situations below, all judging the cluster. */
const CATALOGUE = ['aws-auth', 'subnets', 'other'].map((id) => ({ id, subject: 'cluster' as const }));

/** Each situation the table names, as a report. */
const SITUATIONS: Record<string, { checks: CheckResult[]; findings: Finding[] }> = {
  'all checks ran, no findings': { checks: [check('aws-auth', 'pass'), check('subnets', 'pass')], findings: [] },
  'all checks ran, info findings only': { checks: ran, findings: [finding('info')] },
  'all checks ran, warning at most': { checks: ran, findings: [finding('warning'), finding('info')] },
  'all checks ran, a critical finding': { checks: ran, findings: [finding('critical'), finding('warning')] },
  'all checks ran, only suppressed findings': { checks: ran, findings: [finding('critical', true), finding('warning', true)] },
  'a check could not run, no findings from the rest': { checks: [check('aws-auth', 'error', 'denied'), check('subnets', 'pass')], findings: [] },
  'a check could not run, a warning from the rest': { checks: oneCouldNotRun, findings: [finding('warning')] },
  'a check could not run, a critical from the rest': { checks: oneCouldNotRun, findings: [finding('critical')] },
  'a check ran without a part it uses (incomplete), no findings': { checks: [incomplete('aws-auth', 'pass'), check('subnets', 'pass')], findings: [] },
  'a check ran without a part it uses (incomplete), a critical finding': { checks: [incomplete('aws-auth', 'fail'), check('subnets', 'pass')], findings: [finding('critical')] },
  'every check that ran is incomplete, no findings': { checks: [incomplete('aws-auth', 'pass'), check('subnets', 'error', 'denied')], findings: [] },
  'a check was skipped (data not in the snapshot), no findings': { checks: [check('aws-auth', 'pass'), check('subnets', 'skipped', 'the snapshot holds no subnets')], findings: [] },
  'no selected check could run': {
    checks: [check('aws-auth', 'error', 'denied'), check('subnets', 'skipped', 'the snapshot holds no subnets'), { ...check('other', 'skipped', 'not selected (--only/--skip)'), deselected: true }],
    findings: [],
  },
};

interface Row {
  situation: string;
  cells: { failOn: FailOn; without: number; withFailOnError: number }[];
}

function documentedTable(): Row[] {
  const doc = readFileSync(join(import.meta.dirname, '..', 'docs', 'report-contract.md'), 'utf8');
  const lines = doc.split('\n');
  const header = lines.findIndex((l) => l.startsWith('| situation |'));
  expect(header, 'the exit-code table in docs/report-contract.md').toBeGreaterThan(-1);
  const failOns = lines[header]!.split('|').slice(2, -1).map((c) => c.trim().replace(/^`--fail-on (\w+)`$/, '$1') as FailOn);
  expect(failOns).toEqual(['critical', 'warning', 'info', 'never']);
  const rows: Row[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const [situation, ...cells] = line.split('|').slice(1, -1).map((c) => c.trim());
    rows.push({
      situation: situation!,
      cells: cells.map((cell, i) => {
        const [without, withFailOnError] = cell.split('/').map((n) => Number(n.trim()));
        return { failOn: failOns[i]!, without: without!, withFailOnError: withFailOnError! };
      }),
    });
  }
  return rows;
}

const table = documentedTable();

describe('exit-code table (docs/report-contract.md)', () => {
  it('covers every situation the tests model, and nothing else', () => {
    expect(table.map((r) => r.situation).sort()).toEqual(Object.keys(SITUATIONS).sort());
  });

  const cases = table.flatMap((row) =>
    row.cells.flatMap((cell) => [
      { situation: row.situation, failOn: cell.failOn, failOnError: false, expected: cell.without },
      { situation: row.situation, failOn: cell.failOn, failOnError: true, expected: cell.withFailOnError },
    ]),
  );

  it.each(cases)('$situation, --fail-on $failOn, --fail-on-error $failOnError: exit $expected', ({ situation, failOn, failOnError, expected }) => {
    const { checks, findings } = SITUATIONS[situation]!;
    const report = { checks, findings } as Report;
    expect(exitCodeFor(report, { failOn, failOnError }, CATALOGUE)).toBe(expected);
  });
});

describe('exit policy through the CLI flags', () => {
  const variants = writeVariants();
  const baseline = listScenarios().find((s) => s.name === 'baseline')!.file;
  const run = async (file: string, flags: string[]) => (await runCli(['diagnose', '--snapshot', file, '--output', 'json', ...flags])).code;

  it.each([
    { name: 'critical findings', file: () => variants.critical, expect: { critical: 1, warning: 1, info: 1, never: 0 } },
    { name: 'a warning finding', file: () => variants.warning, expect: { critical: 0, warning: 1, info: 1, never: 0 } },
  ])('$name: --fail-on decides, --fail-on-error changes nothing when every check ran', async (c) => {
    for (const [failOn, code] of Object.entries(c.expect)) {
      expect(await run(c.file(), ['--fail-on', failOn]), `--fail-on ${failOn}`).toBe(code);
      expect(await run(c.file(), ['--fail-on', failOn, '--fail-on-error']), `--fail-on ${failOn} --fail-on-error`).toBe(code);
    }
  });

  it('a denied call: 0 without --fail-on-error, 1 with it, 2 when it was the only check selected', async () => {
    const report = JSON.parse((await runCli(['diagnose', '--snapshot', variants.error, '--output', 'json'])).stdout) as Report;
    const others = report.checks.filter((c) => c.id !== 'aws-auth' && (c.status === 'pass' || c.status === 'fail'));
    const otherSevere = report.findings.some((f) => f.severity === 'critical');
    expect(otherSevere, 'the error variant should only break aws-auth').toBe(false);
    if (others.length > 0) {
      for (const failOn of ['critical', 'never']) {
        expect(await run(variants.error, ['--fail-on', failOn])).toBe(0);
        expect(await run(variants.error, ['--fail-on', failOn, '--fail-on-error'])).toBe(1);
      }
    }
    expect(await run(variants.error, ['--only', 'aws-auth'])).toBe(2);
    expect(await run(variants.error, ['--only', 'aws-auth', '--fail-on-error', '--fail-on', 'never'])).toBe(2);
  });

  it('the healthy baseline exits 0 with the strictest CI flags', async () => {
    expect(await run(baseline, ['--fail-on', 'warning', '--fail-on-error'])).toBe(0);
  });
});
