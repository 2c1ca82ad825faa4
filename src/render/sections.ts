import { isRootCause } from '../engine/correlate.js';
import { fixWays, type Finding, type Fix } from '../engine/finding.js';
import type { Report } from '../engine/report.js';
import { isIncomplete, type CheckResult } from '../engine/run-checks.js';

/** The report grouped the way every renderer shows it: causes with their symptoms, then the rest. */
export interface ReportSections {
  rootCauses: { cause: Finding; symptoms: Finding[] }[];
  /**
   * Symptoms no cause explains: each carries `unexplained`. A root cause that is itself such a
   * symptom (the CNI crash explains NotReady nodes, and nothing explains the crash) is listed with
   * the root causes only, carrying its `unexplained`: each finding appears once.
   */
  unexplainedSymptoms: Finding[];
  /** Findings that are neither a root cause nor a symptom explained by one. */
  other: Finding[];
  suppressed: Finding[];
}

export function reportSections(report: Report): ReportSections {
  const active = report.findings.filter((f) => !f.suppressed);
  const byKey = new Map(active.map((f) => [f.key, f]));
  const rootCauses = active.filter(isRootCause).map((cause) => ({ cause, symptoms: reachedSymptoms(cause, byKey) }));
  const unexplainedSymptoms = active.filter((f) => f.unexplained && !isRootCause(f));
  // A symptom whose causes are all suppressed is shown on its own rather than nowhere.
  const other = active.filter((f) => !isRootCause(f) && !f.explainedBy.some((k) => byKey.has(k)) && !f.unexplained);
  return { rootCauses, unexplainedSymptoms, other, suppressed: report.findings.filter((f) => f.suppressed) };
}

/**
 * The symptoms a cause explains, then those they explain in turn (a taint keeps CoreDNS's pods
 * Pending, which leaves CoreDNS below its replicas: SYMPTOM_LINKS), each once, nearest first.
 * Listing only the first step hid a symptom explained through another from every section.
 */
function reachedSymptoms(cause: Finding, byKey: ReadonlyMap<string, Finding>): Finding[] {
  const seen = new Set<string>([cause.key]);
  const out: Finding[] = [];
  const queue = [...cause.explains];
  while (queue.length > 0) {
    const key = queue.shift()!;
    const symptom = byKey.get(key);
    if (seen.has(key) || !symptom) continue;
    seen.add(key);
    out.push(symptom);
    queue.push(...symptom.explains);
  }
  return out;
}

export function clusterLine(report: Report): string {
  const c = report.cluster;
  const parts = [`cluster ${c.name}`, c.region];
  if (c.version) parts.push(`Kubernetes ${c.version}`);
  if (c.accountId) parts.push(`account ${c.accountId}`);
  if (c.status && c.status !== 'ACTIVE') parts.push(`status ${c.status}`);
  return parts.join(', ');
}

/** How the active findings are listed: the counts of each kind of row a report shows. */
export interface ListedCounts {
  rootCauses: number;
  /** Findings reached through a root cause (listed under it, not on their own). */
  explainedSymptoms: number;
  unexplainedSymptoms: number;
  other: number;
}

export function listedCounts(report: Report, sections = reportSections(report)): ListedCounts {
  const active = report.findings.filter((f) => !f.suppressed).length;
  const onTheirOwn = sections.rootCauses.length + sections.unexplainedSymptoms.length + sections.other.length;
  // Everything else is reached through a root cause (directly, or down a chain of symptoms).
  return { rootCauses: sections.rootCauses.length, explainedSymptoms: active - onTheirOwn, unexplainedSymptoms: sections.unexplainedSymptoms.length, other: sections.other.length };
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * How the counts relate to the rows: "2 root causes explaining 5 symptoms, 1 other finding". The
 * severity counts cover every active finding, symptoms included, so they are said apart from it.
 */
export function listedText(counts: ListedCounts): string {
  const parts: string[] = [];
  if (counts.rootCauses > 0) parts.push(`${plural(counts.rootCauses, 'root cause')} explaining ${plural(counts.explainedSymptoms, 'symptom')}`);
  if (counts.unexplainedSymptoms > 0) parts.push(`${plural(counts.unexplainedSymptoms, 'symptom')} without a found cause`);
  if (counts.other > 0) parts.push(plural(counts.other, parts.length > 0 ? 'other finding' : 'finding'));
  return parts.length > 0 ? parts.join(', ') : 'no findings';
}

export function summaryLine(report: Report): string {
  const s = report.summary;
  const checks = s.checks;
  const active = s.critical + s.warning + s.info;
  const severities = active > 0 ? ` (${plural(active, 'finding')}: ${s.critical} critical, ${s.warning} warning, ${s.info} info)` : '';
  const incomplete = checks.incomplete > 0 ? ` (${checks.incomplete} of them incomplete)` : '';
  const checkText = `${checks.pass} passed, ${checks.fail} failed${incomplete}, ${checks.error} could not run, ${checks.skipped} skipped`;
  return `${listedText(listedCounts(report))}${severities}${s.suppressed ? `, ${s.suppressed} suppressed` : ''}; checks: ${checkText}`;
}

export function resourceText(r: { type: string; id: string; name?: string }): string {
  return r.name && r.name !== r.id ? `${r.id} (${r.name})` : r.id;
}

/** Checks that ran without some of the data they use: their verdict covers only what they saw. */
export function incompleteChecks(report: Report): CheckResult[] {
  return report.checks.filter(isIncomplete);
}

/** What an incomplete check could not see, and why, in one line. */
export function incompleteText(check: CheckResult): string {
  return (check.incomplete ?? []).map((p) => p.reason).join('; ');
}

/** The heading every view gives incomplete checks, and the sentence that says what it means. */
export const INCOMPLETE_HEADING = 'CHECKS THAT RAN WITHOUT SOME OF THEIR DATA';
export const INCOMPLETE_MEANING = 'Their findings stand, but they may have missed problems in what they could not read.';

/**
 * A fix as plain lines: the recommended way ("Fix: ", its steps as `$ command`), then each
 * alternative after "Or: ", so no one pastes the steps of two ways. Docs are left to the caller.
 */
export function fixWayLines(fix: Fix, pad = ''): string[] {
  return fixWays(fix).flatMap((way, i) => [`${pad}${i === 0 ? 'Fix' : 'Or'}: ${way.summary}`, ...way.commands.map((c) => `${pad}  $ ${c}`)]);
}
