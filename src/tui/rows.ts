import type { Finding, Severity } from '../engine/finding.js';
import type { Report } from '../engine/report.js';
import { couldNotRun, type CheckResult } from '../engine/run-checks.js';
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
      /** In a partial view (one check re-checked), what the re-check found of this row. */
      recheck?: RecheckMark;
    }
  /** A check that could not run: selectable, its detail says why in full and what would let it run. */
  | { kind: 'check'; check: CheckResult };

/** found again, gone, or found for the first time by the re-check of its check. */
export type RecheckMark = 'found again' | 'resolved' | 'new';

export type SelectableRow = Extract<ListRow, { kind: 'finding' | 'check' }>;

/** What the selection follows across re-checks and filters: the finding key, or the check id. */
export function selectionKey(row: SelectableRow): string {
  return row.kind === 'finding' ? row.finding.key : `check:${row.check.id}`;
}

export function selectableRows(rows: ListRow[]): SelectableRow[] {
  return rows.filter((r): r is SelectableRow => r.kind === 'finding' || r.kind === 'check');
}

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
    rows.push(...notRunRows(report.checks.filter(couldNotRun)));
    // Checks that ran half-blind (issue 16): their pass or fail covers only what they could read.
    const incomplete = incompleteChecks(report);
    if (incomplete.length > 0) {
      rows.push({ kind: 'heading', text: `${INCOMPLETE_HEADING} (${incomplete.length})` });
      for (const c of incomplete) rows.push({ kind: 'note', text: `incomplete ${c.id} (${c.status}): ${incompleteText(c)}` });
    }
  }
  return rows;
}

function notRunRows(notRun: CheckResult[]): ListRow[] {
  if (notRun.length === 0) return [];
  return [{ kind: 'heading', text: `CHECKS THAT COULD NOT RUN (${notRun.length})` }, ...notRun.map((check) => ({ kind: 'check' as const, check }))];
}

/** What `R` shows: the last full report, with the re-check of some of its checks marked in it. */
export interface PartialView {
  full: Report;
  /** The re-check's report: only the checks in `only` ran. */
  narrowed: Report;
  only: string[];
}

/**
 * A partial view keeps the full report's structure (a root cause stays a root cause with its
 * symptoms, though the re-check ran only its own check): the re-checked checks' rows are marked
 * found again or resolved, their new findings follow under a heading of their own, and their
 * "could not run" rows are the re-check's.
 */
export function partialRows(view: PartialView, filter: ListFilter): ListRow[] {
  const rechecked = (check: string) => view.only.includes(check);
  const now = new Set(view.narrowed.findings.filter((f) => !f.suppressed).map((f) => f.key));
  const before = new Set(view.full.findings.map((f) => f.key));
  const rows = listRows(view.full, filter)
    .filter((row) => row.kind !== 'check' && !(row.kind === 'heading' && row.text.startsWith('CHECKS THAT COULD NOT RUN')))
    .map((row): ListRow => (row.kind === 'finding' && rechecked(row.finding.check) ? { ...row, recheck: now.has(row.finding.key) ? 'found again' : 'resolved' } : row));
  const found = view.narrowed.findings.filter((f) => !f.suppressed && !before.has(f.key) && matchesFilter(f, filter, []));
  if (found.length > 0) {
    rows.push({ kind: 'heading', text: `NEW AT THE RE-CHECK OF ${view.only.join(', ')} (${found.length})` });
    for (const finding of found) rows.push({ kind: 'finding', finding, recheck: 'new' });
  }
  if (!filterActive(filter)) {
    const notRun = [...view.full.checks.filter((c) => !rechecked(c.id)), ...view.narrowed.checks.filter((c) => rechecked(c.id))].filter(couldNotRun);
    rows.push(...notRunRows(notRun));
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
