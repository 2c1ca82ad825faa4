import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/engine/exit-code.js';
import type { Report } from '../../src/engine/report.js';
import type { Finding, Severity } from '../../src/engine/finding.js';
import type { CheckResult } from '../../src/engine/run-checks.js';

/** c0, c1, c2 judge the cluster; api-server-access judges eks-doctor's access, as its definition says. */
const CATALOGUE = [...['c0', 'c1', 'c2'].map((id) => ({ id, subject: 'cluster' as const })), { id: 'api-server-access', subject: 'eks-doctor-access' as const }];

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
    expect(exitCodeFor(report(severities, ['pass', 'fail']), { failOn }, CATALOGUE)).toBe(code);
  });

  it('ignores suppressed findings', () => {
    expect(exitCodeFor(report(['critical'], ['fail'], true), { failOn: 'critical' }, CATALOGUE)).toBe(0);
  });

  it('exits 2 when no selected check could run, 1 with --fail-on-error when some could not', () => {
    expect(exitCodeFor(report([], ['error', 'skipped']), { failOn: 'critical' }, CATALOGUE)).toBe(2);
    expect(exitCodeFor(report([], ['pass', 'error']), { failOn: 'critical' }, CATALOGUE)).toBe(0);
    expect(exitCodeFor(report([], ['pass', 'error']), { failOn: 'critical', failOnError: true }, CATALOGUE)).toBe(1);
  });

  it('exits 2 when only api-server-access ran: saying the API server could not be read diagnoses nothing', () => {
    const onlyAccess = (statuses: CheckResult['status'][]) => {
      const r = report(['warning'], statuses);
      r.checks[0]!.id = 'api-server-access';
      return r;
    };
    expect(exitCodeFor(onlyAccess(['fail', 'error', 'error']), { failOn: 'warning' }, CATALOGUE)).toBe(2);
    expect(exitCodeFor(onlyAccess(['fail', 'pass', 'error']), { failOn: 'warning' }, CATALOGUE)).toBe(1);
    // Unless it is all that was selected (--only api-server-access).
    expect(exitCodeFor(onlyAccess(['fail']), { failOn: 'warning' }, CATALOGUE)).toBe(1);
  });

  it('reads the rule from the definition, not the id: a check renamed with the same subject behaves the same', () => {
    const r = report(['warning'], ['fail', 'error']);
    r.checks[0]!.id = 'api-access-renamed';
    const renamed = [{ id: 'api-access-renamed', subject: 'eks-doctor-access' as const }, { id: 'c1', subject: 'cluster' as const }];
    expect(exitCodeFor(r, { failOn: 'warning' }, renamed)).toBe(2);
    expect(exitCodeFor(r, { failOn: 'warning' }, CATALOGUE)).toBe(1);
  });

  it('a deselected check is known by its field, whatever its reason says', () => {
    const skipped = (fields: Partial<CheckResult>) => {
      const r = report([], ['skipped']);
      r.checks[0] = { ...r.checks[0]!, ...fields };
      return r;
    };
    // Nothing was selected: nothing failed to run.
    expect(exitCodeFor(skipped({ reason: 'any text', deselected: true }), { failOn: 'critical' }, CATALOGUE)).toBe(0);
    // Selected and skipped for want of data, though its reason reads like a deselection: it could not check.
    expect(exitCodeFor(skipped({ reason: 'not selected (--only/--skip)' }), { failOn: 'critical' }, CATALOGUE)).toBe(2);
  });
});
