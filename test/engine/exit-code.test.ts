import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/engine/exit-code.js';
import type { Report } from '../../src/engine/report.js';
import type { Finding, Severity } from '../../src/engine/finding.js';
import type { CheckResult } from '../../src/engine/run-checks.js';

function report(severities: Severity[], statuses: CheckResult['status'][], suppressed = false): Report {
  const findings = severities.map((severity, i) => ({ key: `k${i}`, severity, ...(suppressed ? { suppressed: { reason: 'r' } } : {}) }) as Finding);
  const checks = statuses.map((status, i) => ({ id: `c${i}`, title: 't', status, durationMs: 0, findings: 0 }));
  return { findings, checks } as unknown as Report;
}

describe('exit codes', () => {
  it.each([
    [['critical'], 'critical', 1],
    [['warning'], 'critical', 0],
    [['warning'], 'warning', 1],
    [['info'], 'warning', 0],
    [['info'], 'info', 1],
    [['critical'], 'never', 0],
    [[], 'info', 0],
  ] as [Severity[], 'critical' | 'warning' | 'info' | 'never', number][])('findings %j with --fail-on %s exit %i', (severities, failOn, code) => {
    expect(exitCodeFor(report(severities, ['pass', 'fail']), { failOn })).toBe(code);
  });

  it('ignores suppressed findings', () => {
    expect(exitCodeFor(report(['critical'], ['fail'], true), { failOn: 'critical' })).toBe(0);
  });

  it('exits 2 when no selected check could run, 1 with --fail-on-error when some could not', () => {
    expect(exitCodeFor(report([], ['error', 'skipped']), { failOn: 'critical' })).toBe(2);
    expect(exitCodeFor(report([], ['pass', 'error']), { failOn: 'critical' })).toBe(0);
    expect(exitCodeFor(report([], ['pass', 'error']), { failOn: 'critical', failOnError: true })).toBe(1);
  });

  it('exits 2 when only api-server-access ran: saying the API server could not be read diagnoses nothing', () => {
    const onlyAccess = (statuses: CheckResult['status'][]) => {
      const r = report(['warning'], statuses);
      r.checks[0]!.id = 'api-server-access';
      return r;
    };
    expect(exitCodeFor(onlyAccess(['fail', 'error', 'error']), { failOn: 'warning' })).toBe(2);
    expect(exitCodeFor(onlyAccess(['fail', 'pass', 'error']), { failOn: 'warning' })).toBe(1);
    // Unless it is all that was selected (--only api-server-access).
    expect(exitCodeFor(onlyAccess(['fail']), { failOn: 'warning' })).toBe(1);
  });
});
