import type { Diagnostic } from './diagnostic.js';
import { severityRank, type Finding } from './finding.js';
import { isIncomplete, type CheckResult } from './run-checks.js';

/**
 * Links symptom findings to the cause findings that explain them and orders the findings:
 * root causes first (most explained, then most severe, then by key), then the rest by severity.
 * Returns new finding objects; the input is not modified.
 */
export function correlate(input: Finding[], checks: CheckResult[], diagnostics: Diagnostic[]): Finding[] {
  const findings = input.map((f) => ({ ...f, explains: [] as string[], explainedBy: [] as string[], unexplained: undefined as Finding['unexplained'] }));
  const symptoms = findings.filter((f) => f.symptom);
  for (const cause of findings) {
    for (const scope of cause.canExplain ?? []) {
      // Ids alone: AWS IDs and ARNs are globally distinct, and matching on them keeps a link from
      // breaking over two checks spelling a resource type differently.
      const scopeIds = scope.resources ? new Set(scope.resources.map((r) => r.id)) : undefined;
      for (const symptom of symptoms) {
        if (symptom === cause || symptom.symptom !== scope.symptom) continue;
        if (scopeIds && !symptom.resources.some((r) => scopeIds.has(r.id))) continue;
        if (!cause.explains.includes(symptom.key)) cause.explains.push(symptom.key);
        if (!symptom.explainedBy.includes(cause.key)) symptom.explainedBy.push(cause.key);
      }
    }
  }
  const statusById = new Map(checks.map((c) => [c.id, c]));
  for (const symptom of symptoms) {
    if (symptom.explainedBy.length > 0) continue;
    const candidates = diagnostics.filter((d) => d.explains.includes(symptom.symptom!));
    const ruledOut: string[] = [];
    const couldNotCheck: { check: string; reason: string }[] = [];
    for (const d of candidates) {
      const result = statusById.get(d.id);
      if (!result) continue;
      // A check that ran without some of its data has not ruled its causes out: it may have missed them.
      if (isIncomplete(result)) couldNotCheck.push({ check: d.id, reason: `ran without some of its data: ${result.incomplete!.map((p) => p.reason).join('; ')}` });
      else if (result.status === 'pass' || result.status === 'fail') ruledOut.push(d.id);
      else couldNotCheck.push({ check: d.id, reason: result.reason ?? result.status });
    }
    symptom.unexplained = { ruledOut: ruledOut.sort(), couldNotCheck: couldNotCheck.sort((a, b) => a.check.localeCompare(b.check)) };
  }
  const cleaned: Finding[] = findings.map((f) => {
    const { unexplained, ...rest } = f;
    return unexplained ? { ...rest, unexplained } : rest;
  });
  const impact = impactOf(cleaned);
  return cleaned.sort((a, b) => compareFindings(a, b, impact));
}

/**
 * How much each finding explains, for ranking: the distinct symptoms it reaches through `explains`
 * (directly or through symptoms that explain others) that explain nothing themselves. A symptom
 * that restates another one (a node group health issue that explains the same Auto Scaling group's
 * shortfall) then adds nothing, so a cause does not outrank another merely because a second check
 * reports its effect at another level.
 */
function impactOf(findings: Finding[]): Map<string, number> {
  const byKey = new Map(findings.map((f) => [f.key, f]));
  const impact = new Map<string, number>();
  for (const f of findings) {
    if (f.explains.length === 0) continue;
    const reached = new Set<string>();
    const stack = [...f.explains];
    while (stack.length > 0) {
      const key = stack.pop()!;
      if (reached.has(key) || key === f.key) continue;
      reached.add(key);
      stack.push(...(byKey.get(key)?.explains ?? []));
    }
    impact.set(f.key, [...reached].filter((k) => (byKey.get(k)?.explains.length ?? 0) === 0).length);
  }
  return impact;
}

export function isRootCause(f: Finding): boolean {
  return f.explains.length > 0 && f.explainedBy.length === 0;
}

function compareFindings(a: Finding, b: Finding, impact: Map<string, number>): number {
  const ra = isRootCause(a);
  const rb = isRootCause(b);
  if (ra !== rb) return ra ? -1 : 1;
  const ia = impact.get(a.key) ?? 0;
  const ib = impact.get(b.key) ?? 0;
  if (ra && rb && ia !== ib) return ib - ia;
  const bySeverity = severityRank(a.severity) - severityRank(b.severity);
  if (bySeverity !== 0) return bySeverity;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
