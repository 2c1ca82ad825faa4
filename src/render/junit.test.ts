import { parse } from 'junit2json';
import { describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../engine/finding.js';
import type { CheckResult } from '../engine/run-checks.js';
import { renderJunit } from './junit.js';
import { reportFixture } from '../../test/support/report-fixture.js';

function finding(check: string, code: string, severity: Severity, extra: Partial<Finding> = {}): Finding {
  const id = `${check}/${code}`;
  return {
    id, key: `${id}:r-1`, check, severity, title: `${code} title`, rootCause: 'because', evidence: ['a < b && c > "d"\u0007'], resources: [{ type: 'aws:ec2:instance', id: 'i-1' }],
    fix: { summary: 'fix it', commands: ['aws ec2 describe-instances --instance-ids i-1'], docs: ['https://docs.aws.amazon.com/eks/'] }, explains: [], explainedBy: [], ...extra,
  };
}

const check = (id: string, status: CheckResult['status'], extra: Partial<CheckResult> = {}): CheckResult => ({ id, title: `${id} title`, status, durationMs: 12.5, findings: 0, ...extra });

const report = reportFixture({
  toolVersion: '9.9.9',
  cluster: { name: 'c<1>', region: 'eu-west-1' },
  summary: { critical: 1, warning: 1, info: 1, suppressed: 1, rootCauses: 0, checks: { total: 5, pass: 1, fail: 1, error: 1, skipped: 1, incomplete: 0 } },
  checks: [
    check('alpha', 'fail', { findings: 3 }),
    check('beta', 'pass', { findings: 1 }),
    check('gamma', 'error', { reason: 'could not read nodes: denied', failedCalls: [{ call: 'GET /api/v1/nodes', code: 'HTTP 403', kind: 'denied', permission: 'list nodes' }] }),
    check('delta', 'skipped', { reason: 'not selected (--only/--skip)', deselected: true }),
  ],
  findings: [
    finding('alpha', 'broken', 'critical'),
    finding('alpha', 'shaky', 'warning'),
    finding('alpha', 'muted', 'critical', { key: 'alpha/muted:r-2', suppressed: { reason: 'accepted, OPS-1' } }),
    finding('beta', 'note', 'info'),
  ],
});

describe('renderJunit', () => {
  it('is JUnit a consumer reads: one testcase per check, each status mapped', async () => {
    const parsed = await parse(renderJunit(report));
    if (!parsed || !('testsuite' in parsed)) throw new Error('expected <testsuites>');
    expect(parsed).toMatchObject({ name: 'eks-doctor', tests: 4, failures: 1, errors: 1, skipped: 1 });
    const cases = parsed.testsuite![0]!.testcase!;
    expect(cases.map((c) => [c.classname, c.name, c.time])).toEqual([
      ['eks-doctor.alpha', 'alpha: alpha title', 0.013],
      ['eks-doctor.beta', 'beta: beta title', 0.013],
      ['eks-doctor.gamma', 'gamma: gamma title', 0.013],
      ['eks-doctor.delta', 'delta: delta title', 0.013],
    ]);
    const [alpha, beta, gamma, delta] = cases;
    expect(alpha!.failure!.map((f) => [f.type, f.message])).toEqual([
      ['alpha/broken', '[critical] broken title'],
      ['alpha/shaky', '[warning] shaky title'],
    ]);
    expect(alpha!.failure![0]!.inner).toContain('a < b && c > "d"');
    expect(alpha!.failure![0]!.inner).not.toContain('\u0007');
    expect(alpha!['system-out']![0]).toBe('suppressed alpha/muted:r-2: accepted, OPS-1');
    expect(beta!.failure).toBeUndefined();
    expect(beta!['system-out']![0]).toContain('[info] note title (beta/note:r-1)');
    expect(gamma!.error![0]).toMatchObject({ type: 'could-not-run', message: 'could not read nodes: denied' });
    expect(gamma!.error![0]!.inner).toContain('GET /api/v1/nodes: HTTP 403 (needs list nodes)');
    expect(delta!.skipped![0]!.message).toBe('not selected (--only/--skip)');
    expect(parsed.testsuite![0]!.name).toBe('eks-doctor: cluster c<1>, eu-west-1');
    // junit2json turns numeric-looking values into numbers.
    expect(parsed.testsuite![0]!.properties!.map((p) => p.name)).toEqual(['eks-doctor.schemaVersion', 'eks-doctor.version', 'cluster.name', 'cluster.region', 'snapshot.capturedAt']);
  });
});
