/**
 * The report's `changes` section: what changed since the previous report, by finding key, in the
 * engine's vocabulary (src/engine/report-diff.ts). `--watch` and `--history` both write it; each
 * finding still active carries the time it was first seen, carried forward from report to report,
 * so "open for 3 days" needs only the latest report.
 */
import { diffFindings, type DiffScope, type FindingPair } from '../engine/report-diff.js';
import type { CheckResult } from '../engine/run-checks.js';
import type { KeptFinding, Report, ReportChanges, SeverityChange } from '../engine/report.js';

/** When each finding active in `report` was first seen, as `report.changes` records it. */
export function firstSeenByKey(report: Report): Map<string, string> {
  const seen = new Map<string, string>();
  const changes = report.changes;
  for (const key of changes?.new ?? []) seen.set(key, report.generatedAt);
  for (const kept of [...(changes?.escalated ?? []), ...(changes?.deEscalated ?? []), ...(changes?.unchanged ?? [])]) seen.set(kept.key, kept.firstSeen);
  // A report written without `changes` (or by a 1.0 writer): its active findings were seen then at the latest.
  for (const finding of report.findings) if (!finding.suppressed && !seen.has(finding.key)) seen.set(finding.key, report.generatedAt);
  return seen;
}

/**
 * `changes` of `next` against `previous` (undefined on the first run: every active finding is new).
 * `run` counts the reports of the watch or of the history, 1 for the first. A check that did not
 * run in `next` (error, skipped) says nothing about its findings: they are neither new nor resolved.
 */
export function reportChanges(previous: Report | undefined, next: Report, run: number): ReportChanges {
  const diff = diffFindings(previous?.findings ?? [], next.findings, comparableChecks(previous, next));
  const firstSeen = previous ? firstSeenByKey(previous) : new Map<string, string>();
  const kept = ({ before, after }: FindingPair): KeptFinding => ({ key: after.key, firstSeen: firstSeen.get(before.key) ?? previous?.generatedAt ?? next.generatedAt });
  const moved = (pair: FindingPair): SeverityChange => ({ ...kept(pair), from: pair.before.severity, to: pair.after.severity });
  return {
    run,
    new: diff.new.map((f) => f.key),
    resolved: diff.resolved.map((f) => f.key),
    ...(previous ? { previousGeneratedAt: previous.generatedAt } : {}),
    escalated: diff.escalated.map(moved),
    deEscalated: diff.deEscalated.map(moved),
    unchanged: diff.unchanged.map(kept),
  };
}

/** A check ran when it could look at the cluster: pass or fail (not error, not skipped). */
export function checkRan(check: CheckResult): boolean {
  return check.status === 'pass' || check.status === 'fail';
}

function comparableChecks(previous: Report | undefined, next: Report): DiffScope {
  const notRun = new Set(next.checks.filter((c) => !checkRan(c)).map((c) => c.id));
  if (notRun.size === 0) return {};
  const mentioned = new Set([...(previous?.findings ?? []), ...next.findings].map((f) => f.check));
  return { checks: [...mentioned].filter((c) => !notRun.has(c)) };
}
