import { attachChangeHistory } from '../enrich/attach.js';
import { planEnrichment, planIsEmpty, type EnrichmentPlan } from '../enrich/plan.js';
import type { Snapshot } from '../snapshot/types.js';
import { inSpan, NO_TRACE, PHASE, type Span, type Tracer } from '../trace/tracer.js';
import { UserError } from '../user-error.js';
import { correlate } from './correlate.js';
import type { Diagnostic, ThresholdValues } from './diagnostic.js';
import type { DiagnosisRunner, ProgressEvent } from './progress.js';
import { buildReport, type Report } from './report.js';
import { isFailing, type Finding } from './finding.js';
import { runChecks, type CheckEvent, type CheckResult } from './run-checks.js';
import { applySuppressions, type Suppressions } from './suppress.js';

export interface Selection {
  only?: string[];
  skip?: string[];
}

/** Resolves --only/--skip against the catalogue; an unknown id is a user error naming the valid ones. */
export function deselectedChecks(diagnostics: Diagnostic[], selection: Selection): Set<string> {
  const known = new Set(diagnostics.map((d) => d.id));
  for (const id of [...(selection.only ?? []), ...(selection.skip ?? [])]) {
    if (!known.has(id)) {
      throw new UserError(`unknown check '${id}'`, `Known checks: ${[...known].join(', ')} (see \`eks-doctor list\`).`);
    }
  }
  const deselected = new Set<string>();
  for (const d of diagnostics) {
    if (selection.only && selection.only.length > 0 && !selection.only.includes(d.id)) deselected.add(d.id);
    if (selection.skip?.includes(d.id)) deselected.add(d.id);
  }
  return deselected;
}

/** The snapshot's needs for the selected checks: what a live collection has to fetch. */
export function selectedDiagnostics(diagnostics: Diagnostic[], selection: Selection): Diagnostic[] {
  const deselected = deselectedChecks(diagnostics, selection);
  return diagnostics.filter((d) => !deselected.has(d.id));
}

/** What a diagnosis is asked: the catalogue, which checks, their thresholds and the config file's suppressions. */
export interface DiagnosisSetup {
  diagnostics: Diagnostic[];
  selection?: Selection;
  /** Threshold values the user gave (flags, config file). */
  options?: ThresholdValues;
  /** Applied before the summary is counted: a suppressed finding stays in the report and no longer counts. */
  suppressions?: Suppressions;
  toolVersion: string;
  /** The change history beside the root causes (src/enrich); `false` (--no-change-history) leaves it out. Attached from the snapshot when not given. */
  changeHistory?: ChangeHistorySetup | false;
}

export interface ChangeHistorySetup {
  /** How far back it looks (--change-window). */
  windowHours: number;
  /**
   * Live runs: the enrichment pass's second collection, of the planned change data into a copy of
   * the snapshot (src/enrich/collect.ts). Without it the change history comes from what the snapshot holds.
   */
  collect?: (snapshot: Snapshot, plan: EnrichmentPlan, request: { onEvent?: (event: ProgressEvent) => void; tracer?: Tracer }) => Promise<Snapshot>;
}

/**
 * The one place a report is built: runs the checks, correlates, applies the suppressions, and
 * counts the summary from the result.
 */
export async function diagnoseSnapshot(
  snapshot: Snapshot,
  args: DiagnosisSetup & {
    onEvent?: (event: CheckEvent) => void;
    generatedAt?: Date;
    /** --trace: 'checks' (a span per check) and 'correlation' phases. */
    tracer?: Tracer;
  },
): Promise<Report> {
  const deselected = deselectedChecks(args.diagnostics, args.selection ?? {});
  const tracer = args.tracer ?? NO_TRACE;
  const found = await inSpan(tracer, PHASE.checks, (phase) => {
    const onEvent = tracer.enabled ? traceChecks(tracer, phase, args.onEvent) : args.onEvent;
    return runChecks(snapshot, args.diagnostics, { options: args.options ?? {}, deselected, ...(onEvent ? { onEvent } : {}) });
  });
  const { findings } = found;
  const report = inSpan(tracer, PHASE.correlation, () => {
    const ordered = correlate(findings, found.checks, args.diagnostics);
    // A tentative cause that correlation turned into a note no longer fails its check.
    const checks = statusesAfterCorrelation(found.checks, ordered);
    const generatedAt = args.generatedAt ?? new Date();
    const suppressions = args.suppressions;
    if (!suppressions) return buildReport({ snapshot, checks, findings: ordered, toolVersion: args.toolVersion, generatedAt });
    // Suppression expiry is judged by the report's day (UTC).
    const suppressed = applySuppressions({ checks, findings: ordered }, suppressions.rules, generatedAt.toISOString().slice(0, 10));
    return buildReport({
      snapshot,
      checks: suppressed.checks,
      findings: suppressed.findings,
      toolVersion: args.toolVersion,
      generatedAt,
      config: { file: suppressions.file, suppressions: suppressed.outcomes },
    });
  });
  if (args.changeHistory === false) return report;
  return attachChangeHistory(await report, snapshot, args.changeHistory ? { windowHours: args.changeHistory.windowHours } : {});
}

/** A check that ran fails when one of its findings fails after correlation, and passes otherwise. */
function statusesAfterCorrelation(checks: CheckResult[], findings: Finding[]): CheckResult[] {
  const failing = new Set(findings.filter(isFailing).map((f) => f.check));
  return checks.map((c) => {
    if (c.status !== 'pass' && c.status !== 'fail') return c;
    const status = failing.has(c.id) ? 'fail' : 'pass';
    return status === c.status ? c : { ...c, status };
  });
}

/**
 * Where a runner's snapshot comes from: a file, a live collection planned from the selected checks'
 * needs, the demo's mock cluster. `checks` are the selected checks.
 */
export type SnapshotSource = (request: { checks: Diagnostic[]; onEvent?: (event: ProgressEvent) => void; tracer?: Tracer }) => Promise<Snapshot>;

/**
 * The one runner of diagnose, demo, --all-clusters (and the MCP server): each run reads a snapshot
 * afresh from `source` (--watch and a re-check see the cluster now) and diagnoses it. `only`
 * narrows a re-check to some checks, replacing the selection. An unknown check id in the selection
 * is a user error now, before anything is read.
 */
export function diagnosisRunner(source: SnapshotSource, setup: DiagnosisSetup): DiagnosisRunner {
  deselectedChecks(setup.diagnostics, setup.selection ?? {});
  return async ({ onEvent, only, tracer }) => {
    const selection = only ? { only } : (setup.selection ?? {});
    const snapshot = await source({ checks: selectedDiagnostics(setup.diagnostics, selection), ...(onEvent ? { onEvent } : {}), ...(tracer ? { tracer } : {}) });
    const history = setup.changeHistory;
    const collect = history ? history.collect : undefined;
    if (!history || !collect) return diagnoseSnapshot(snapshot, { ...setup, selection, ...(onEvent ? { onEvent } : {}), ...(tracer ? { tracer } : {}) });
    // collect -> diagnose -> plan the extra reads from the findings -> collect them -> attach: one way.
    const report = await diagnoseSnapshot(snapshot, { ...setup, selection, changeHistory: false, ...(onEvent ? { onEvent } : {}), ...(tracer ? { tracer } : {}) });
    const plan = planEnrichment(report, { region: snapshot.cluster.region, until: snapshot.capturedAt, windowHours: history.windowHours });
    const enriched = planIsEmpty(plan) ? snapshot : await inSpan(tracer ?? NO_TRACE, PHASE.changeHistory, () => collect(snapshot, plan, { ...(onEvent ? { onEvent } : {}), ...(tracer ? { tracer } : {}) }));
    return attachChangeHistory(report, enriched, { windowHours: history.windowHours });
  };
}

/** A span per check, from the check's own start and end events (a deselected check has only an end: a span of no length). */
function traceChecks(tracer: Tracer, phase: Span, forward: ((event: CheckEvent) => void) | undefined): (event: CheckEvent) => void {
  const open = new Map<string, Span>();
  return (event) => {
    if (event.type === 'check-start') open.set(event.id, tracer.start(`check ${event.id}`, { parent: phase, attributes: { 'eks_doctor.check.id': event.id } }));
    else {
      const { result } = event;
      const span = open.get(result.id) ?? tracer.start(`check ${result.id}`, { parent: phase, attributes: { 'eks_doctor.check.id': result.id } });
      open.delete(result.id);
      span.set({ 'eks_doctor.check.status': result.status, 'eks_doctor.check.findings': result.findings });
      // The failed calls' codes, not the reason's text: AWS messages can quote ARNs with account IDs.
      span.end(result.status === 'error' ? (result.failedCalls?.map((c) => `${c.call} ${c.code}`).join(', ') ?? 'the check could not run') : undefined);
    }
    forward?.(event);
  };
}
