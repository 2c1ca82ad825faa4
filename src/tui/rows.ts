import type { Finding, Severity } from '../engine/finding.js';
import type { Report } from '../engine/report.js';
import { couldNotRun } from '../engine/run-checks.js';
import { SEVERITIES } from '../engine/finding.js';
import { INCOMPLETE_HEADING, incompleteChecks, incompleteText, reportSections } from '../render/sections.js';

/** What narrows the results list. An empty query matches everything. */
export interface ListFilter {
  severity?: Severity;
  check?: string;
  query: string;
}

export const NO_FILTER: ListFilter = { query: '' };

export function filterActive(filter: ListFilter): boolean {
  return filter.severity !== undefined || filter.check !== undefined || filter.query !== '';
}

export type ListRow =
  | { kind: 'heading'; text: string }
  | { kind: 'note'; text: string }
  | {
      kind: 'finding';
      finding: Finding;
      /** Set on root causes: the symptoms it explains (shown as a count, listed in the detail). */
      symptoms?: Finding[];
    };

/**
 * The results list, from the report's own sections (no finding is recomputed): root causes first,
 * each with the symptoms it explains, then the findings no cause explains, by severity. Symptoms a
 * root cause explains are reached through their cause. Checks that could not run close the list,
 * because "could not check" is not "nothing wrong".
 */
export function listRows(report: Report, filter: ListFilter): ListRow[] {
  const sections = reportSections(report);
  const rows: ListRow[] = [];
  const causes = sections.rootCauses.filter(({ cause, symptoms }) => matchesFilter(cause, filter, symptoms));
  if (causes.length > 0) {
    rows.push({ kind: 'heading', text: `ROOT CAUSES (${causes.length})` });
    for (const { cause, symptoms } of causes) rows.push({ kind: 'finding', finding: cause, symptoms });
  }
  const rest = [...sections.unexplainedSymptoms, ...sections.other].filter((f) => matchesFilter(f, filter, []));
  for (const severity of SEVERITIES) {
    const group = rest.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    rows.push({ kind: 'heading', text: `${severity.toUpperCase()} (${group.length})` });
    for (const f of group) rows.push({ kind: 'finding', finding: f });
  }
  if (!filterActive(filter)) {
    const notRun = report.checks.filter(couldNotRun);
    if (notRun.length > 0) {
      rows.push({ kind: 'heading', text: `CHECKS THAT COULD NOT RUN (${notRun.length})` });
      for (const c of notRun) rows.push({ kind: 'note', text: `${c.status === 'error' ? 'error  ' : 'skipped'} ${c.id}: ${c.reason ?? ''}` });
    }
    // Checks that ran half-blind (issue 16): their pass or fail covers only what they could read.
    const incomplete = incompleteChecks(report);
    if (incomplete.length > 0) {
      rows.push({ kind: 'heading', text: `${INCOMPLETE_HEADING} (${incomplete.length})` });
      for (const c of incomplete) rows.push({ kind: 'note', text: `incomplete ${c.id} (${c.status}): ${incompleteText(c)}` });
    }
  }
  return rows;
}

/**
 * A root cause also matches when one of its symptoms does: filtering by the check that saw the
 * symptom (nodes not ready) should still lead to the cause (node role not mapped).
 */
function matchesFilter(f: Finding, filter: ListFilter, symptoms: Finding[]): boolean {
  if (filter.severity !== undefined && f.severity !== filter.severity) return false;
  const candidates = [f, ...symptoms];
  if (filter.check !== undefined && !candidates.some((c) => c.check === filter.check)) return false;
  const query = filter.query.trim().toLowerCase();
  if (query === '') return true;
  return candidates.some((c) => searchText(c).includes(query));
}

/** What `/` searches: titles and resources (ids, names), plus the finding id people paste around. */
function searchText(f: Finding): string {
  return [f.title, f.id, ...f.resources.flatMap((r) => [r.id, r.name ?? ''])].join('\n').toLowerCase();
}

export function findingRows(rows: ListRow[]): Extract<ListRow, { kind: 'finding' }>[] {
  return rows.filter((r): r is Extract<ListRow, { kind: 'finding' }> => r.kind === 'finding');
}

/** The checks that produced active findings, for the check filter to cycle through. */
export function checksWithFindings(report: Report): string[] {
  return [...new Set(report.findings.filter((f) => !f.suppressed).map((f) => f.check))].sort();
}
