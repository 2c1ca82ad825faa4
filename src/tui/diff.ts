import type { Finding } from '../engine/finding.js';

/** What changed between two runs, by finding key: what the engineer's fix resolved, what appeared. */
export interface FindingDiff {
  resolved: Finding[];
  added: Finding[];
}

/**
 * Compares the active (not suppressed) findings of two runs. With `checks`, only findings of those
 * checks are compared: a re-check of one check says nothing about the others.
 */
export function diffFindings(previous: Finding[], next: Finding[], checks?: readonly string[]): FindingDiff {
  const inScope = (f: Finding) => !f.suppressed && (checks === undefined || checks.includes(f.check));
  const before = previous.filter(inScope);
  const after = next.filter(inScope);
  const beforeKeys = new Set(before.map((f) => f.key));
  const afterKeys = new Set(after.map((f) => f.key));
  return {
    resolved: before.filter((f) => !afterKeys.has(f.key)),
    added: after.filter((f) => !beforeKeys.has(f.key)),
  };
}
