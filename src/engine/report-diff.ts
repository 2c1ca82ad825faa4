/**
 * What changed between two runs, by finding key. The one vocabulary for every comparison of
 * reports: the interactive UI after `r`, `--watch`, the audit history and notifications, and the
 * MCP server's comparison all read these five words the same way.
 *
 * - `new`: active in the next run, not in the previous one;
 * - `resolved`: active in the previous run, gone (or suppressed) in the next;
 * - `escalated` / `de-escalated`: active in both, the severity went up / down;
 * - `unchanged`: active in both with the same severity.
 *
 * Suppressed findings are not active: suppressing a finding resolves it, for a comparison.
 */
import { severityRank, type Finding } from './finding.js';

export const FINDING_CHANGES = ['new', 'resolved', 'escalated', 'de-escalated', 'unchanged'] as const;
export type FindingChange = (typeof FINDING_CHANGES)[number];

/** A finding present in both runs, as it was and as it is. */
export interface FindingPair {
  before: Finding;
  after: Finding;
}

export interface FindingsDiff {
  new: Finding[];
  resolved: Finding[];
  escalated: FindingPair[];
  deEscalated: FindingPair[];
  unchanged: FindingPair[];
}

export interface DiffScope {
  /** Compare only findings of these checks: a re-check of one check says nothing about the others. */
  checks?: readonly string[];
}

export function diffFindings(previous: readonly Finding[], next: readonly Finding[], scope: DiffScope = {}): FindingsDiff {
  const inScope = (f: Finding) => !f.suppressed && (scope.checks === undefined || scope.checks.includes(f.check));
  const before = new Map(previous.filter(inScope).map((f) => [f.key, f]));
  const after = new Map(next.filter(inScope).map((f) => [f.key, f]));
  const diff: FindingsDiff = { new: [], resolved: [], escalated: [], deEscalated: [], unchanged: [] };
  for (const [key, finding] of after) {
    const was = before.get(key);
    if (!was) diff.new.push(finding);
    else {
      const pair = { before: was, after: finding };
      const movement = severityRank(was.severity) - severityRank(finding.severity);
      (movement > 0 ? diff.escalated : movement < 0 ? diff.deEscalated : diff.unchanged).push(pair);
    }
  }
  for (const [key, finding] of before) if (!after.has(key)) diff.resolved.push(finding);
  return diff;
}
