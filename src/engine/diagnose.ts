import type { Snapshot } from '../snapshot/types.js';
import { UserError } from '../user-error.js';
import { correlate } from './correlate.js';
import { DEFAULT_CHECK_OPTIONS, type CheckOptions, type Diagnostic } from './diagnostic.js';
import { buildReport, type Report } from './report.js';
import { runChecks, type CheckEvent } from './run-checks.js';

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

export async function diagnoseSnapshot(
  snapshot: Snapshot,
  args: {
    diagnostics: Diagnostic[];
    selection?: Selection;
    options?: Partial<CheckOptions>;
    toolVersion: string;
    onEvent?: (event: CheckEvent) => void;
    generatedAt?: Date;
  },
): Promise<Report> {
  const deselected = deselectedChecks(args.diagnostics, args.selection ?? {});
  const { checks, findings } = await runChecks(snapshot, args.diagnostics, {
    options: { ...DEFAULT_CHECK_OPTIONS, ...args.options },
    deselected,
    ...(args.onEvent ? { onEvent: args.onEvent } : {}),
  });
  const ordered = correlate(findings, checks, args.diagnostics);
  return buildReport({ snapshot, checks, findings: ordered, toolVersion: args.toolVersion, ...(args.generatedAt ? { generatedAt: args.generatedAt } : {}) });
}
