import type { Diagnostic } from './diagnostic.js';
import { severityRank, type Severity } from './finding.js';
import type { Report } from './report.js';
import { isIncomplete } from './run-checks.js';

export type FailOn = Severity | 'never';
export const FAIL_ON_VALUES: FailOn[] = ['critical', 'warning', 'info', 'never'];

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_COULD_NOT_CHECK = 2;

export interface ExitPolicy {
  failOn: FailOn;
  failOnError?: boolean;
}

/**
 * 0: nothing at or above --fail-on (suppressed findings do not count);
 * 1: something is, or --fail-on-error and a check could not run, or ran without a part it uses;
 * 2: no check of the cluster could run at all.
 * `catalogue` says which checks judge eks-doctor's own access rather than the cluster (their `subject`).
 */
export function exitCodeFor(report: Report, policy: ExitPolicy, catalogue: readonly Pick<Diagnostic, 'id' | 'subject'>[]): number {
  const aboutAccess = new Set(catalogue.filter((d) => d.subject === 'eks-doctor-access').map((d) => d.id));
  const selected = report.checks.filter((c) => !c.deselected);
  // A verdict on eks-doctor's own access (the API server could not be read) is no diagnosis of the
  // cluster: alone, it does not count as a check that ran, unless it is all that was asked for.
  const aboutTheCluster = selected.some((c) => !aboutAccess.has(c.id)) ? selected.filter((c) => !aboutAccess.has(c.id)) : selected;
  const ran = aboutTheCluster.filter((c) => c.status === 'pass' || c.status === 'fail');
  if (selected.length > 0 && ran.length === 0) return EXIT_COULD_NOT_CHECK;
  if (policy.failOn !== 'never') {
    const threshold = severityRank(policy.failOn);
    if (report.findings.some((f) => !f.suppressed && severityRank(f.severity) <= threshold)) return EXIT_FINDINGS;
  }
  if (policy.failOnError && report.checks.some((c) => c.status === 'error' || isIncomplete(c))) return EXIT_FINDINGS;
  return EXIT_OK;
}
