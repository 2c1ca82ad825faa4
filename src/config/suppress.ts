import { isFailing, type Finding } from '../engine/finding.js';
import { summarize, type Report, type SuppressionOutcome } from '../engine/report.js';
import type { EksDoctorConfig, SuppressionRule } from './config-file.js';

/**
 * Marks the findings the config file's suppressions silence, and records what each suppression
 * did in `report.config`. A suppression works through its `expires` day (UTC, judged by the
 * report's generatedAt) and not after: its findings then count again and it is listed as expired.
 * Suppressed findings stay in the report; summary counts and check statuses count only the rest.
 */
export function applySuppressions(report: Report, config: EksDoctorConfig): Report {
  const today = report.generatedAt.slice(0, 10);
  const outcomes: SuppressionOutcome[] = [];
  const silencedBy = new Map<string, SuppressionRule>();
  for (const rule of config.suppressions) {
    const matched = report.findings.filter((f) => matches(rule, f)).map((f) => f.key);
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
  const findings: Finding[] = report.findings.map((f) => {
    const rule = silencedBy.get(f.key);
    return rule ? { ...f, suppressed: { reason: rule.reason, ...(rule.expires ? { expires: rule.expires } : {}) } } : f;
  });
  // A check failed because of what it found; if everything it found at warning or above is silenced, it passes.
  const stillFailing = new Set(findings.filter(isFailing).map((f) => f.check));
  const checks = report.checks.map((c) => (c.status === 'fail' && !stillFailing.has(c.id) ? { ...c, status: 'pass' as const } : c));
  return { ...report, checks, findings, summary: summarize(checks, findings), config: { file: config.file, suppressions: outcomes } };
}

function matches(rule: SuppressionRule, f: Finding): boolean {
  if (f.id !== rule.id) return false;
  if (!rule.resources && !rule.keys) return true;
  if (rule.keys?.includes(f.key)) return true;
  return rule.resources?.some((wanted) => f.resources.some((r) => r.id === wanted || r.name === wanted)) ?? false;
}

/** One line per expired suppression, for stderr: the engineer learns why a finding came back. */
export function expiredSuppressionWarnings(report: Report): string[] {
  const config = report.config;
  if (!config) return [];
  return config.suppressions
    .filter((s) => s.status === 'expired')
    .map((s) => `eks-doctor: warning: the suppression of ${s.id} (${config.file} line ${s.line}) expired on ${s.expires}; ${s.matched.length === 0 ? 'it matches nothing now, remove it' : `${s.matched.length} finding${s.matched.length === 1 ? '' : 's'} count again`}`);
}
