import type { CheckResult } from './run-checks.js';
import { isFailing, type Finding } from './finding.js';
import type { SuppressionOutcome } from './report.js';

/** One entry of the config file's `suppressions:`. */
export interface SuppressionRule {
  /** Finding id '<check>/<code>'. */
  id: string;
  /** Only findings that name one of these resources (id or name). */
  resources?: string[];
  /** Only the findings with these keys. */
  keys?: string[];
  reason: string;
  /** YYYY-MM-DD, the last day it works. */
  expires?: string;
  /** Line of the entry in the config file. */
  line: number;
}

/** The suppressions of one config file, as the engine applies them. */
export interface Suppressions {
  /** The config file they come from, named in the report. */
  file: string;
  rules: SuppressionRule[];
}

/**
 * Marks the findings the suppressions silence and says what each suppression did. A suppression
 * works through its `expires` day (UTC, judged by `today`, the report's generation day) and not
 * after: its findings then count again and it is listed as expired. Suppressed findings stay in the
 * report; a check whose failing findings are all silenced passes (the same isFailing as the runner).
 */
export function applySuppressions(
  found: { checks: CheckResult[]; findings: Finding[] },
  rules: SuppressionRule[],
  today: string,
): { checks: CheckResult[]; findings: Finding[]; outcomes: SuppressionOutcome[] } {
  const outcomes: SuppressionOutcome[] = [];
  const silencedBy = new Map<string, SuppressionRule>();
  for (const rule of rules) {
    const matched = found.findings.filter((f) => matches(rule, f)).map((f) => f.key);
    const expired = rule.expires !== undefined && rule.expires < today;
    if (!expired) for (const key of matched) if (!silencedBy.has(key)) silencedBy.set(key, rule);
    outcomes.push({
      id: rule.id,
      ...(rule.resources ? { resources: rule.resources } : {}),
      ...(rule.keys ? { keys: rule.keys } : {}),
      reason: rule.reason,
      ...(rule.expires ? { expires: rule.expires } : {}),
      line: rule.line,
      status: expired ? 'expired' : matched.length > 0 ? 'applied' : 'unused',
      matched,
    });
  }
  const findings: Finding[] = found.findings.map((f) => {
    const rule = silencedBy.get(f.key);
    return rule ? { ...f, suppressed: { reason: rule.reason, ...(rule.expires ? { expires: rule.expires } : {}) } } : f;
  });
  const stillFailing = new Set(findings.filter(isFailing).map((f) => f.check));
  const checks = found.checks.map((c) => (c.status === 'fail' && !stillFailing.has(c.id) ? { ...c, status: 'pass' as const } : c));
  return { checks, findings, outcomes };
}

function matches(rule: SuppressionRule, f: Finding): boolean {
  if (f.id !== rule.id) return false;
  if (!rule.resources && !rule.keys) return true;
  if (rule.keys?.includes(f.key)) return true;
  return rule.resources?.some((wanted) => f.resources.some((r) => r.id === wanted || r.name === wanted)) ?? false;
}

/** One line per expired suppression, for stderr: the engineer learns why a finding came back. */
export function expiredSuppressionWarnings(report: { config?: { file: string; suppressions: SuppressionOutcome[] } }): string[] {
  const config = report.config;
  if (!config) return [];
  return config.suppressions
    .filter((s) => s.status === 'expired')
    .map((s) => `eks-doctor: warning: the suppression of ${s.id} (${config.file} line ${s.line}) expired on ${s.expires}; ${s.matched.length === 0 ? 'it matches nothing now, remove it' : `${s.matched.length} finding${s.matched.length === 1 ? '' : 's'} count again`}`);
}
