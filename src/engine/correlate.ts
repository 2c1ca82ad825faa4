import type { Diagnostic, FindingCode } from './diagnostic.js';
import { severityRank, type Finding } from './finding.js';
import { isIncomplete, type CheckResult } from './run-checks.js';
import { linkedSymptoms, SYMPTOM_LINKS, type SymptomKind } from './symptoms.js';

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
  linkSymptoms(symptoms);
  const codeOf = catalogueLookup(diagnostics);
  const statusById = new Map(checks.map((c) => [c.id, c]));
  const reported = new Set(findings.map((f) => f.id));
  settleTentativeCauses(findings, codeOf, (kind, except) =>
    diagnostics.every((d) => {
      if (d.id === except || !Object.values(d.codes).some((c) => !c.tentative && c.explains?.includes(kind))) return true;
      // A check that ran without some of its data still judged what it saw; one that did not run judged nothing.
      const result = statusById.get(d.id);
      return result !== undefined && (result.status === 'pass' || result.status === 'fail');
    }),
  );
  for (const symptom of symptoms) {
    if (symptom.explainedBy.length > 0) continue;
    // The checks whose causes explain it, and those reporting the symptoms that account for it (SYMPTOM_LINKS).
    const linked = linkedSymptoms(symptom.symptom!);
    const candidates = diagnostics.filter((d) => d.explains.includes(symptom.symptom!) || d.symptoms.some((k) => linked.includes(k)));
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
    const remaining = codeOf(symptom)?.whenUnexplained;
    if (remaining && couldNotCheck.length === 0 && ruledOut.length > 0) {
      const clauses = candidates.filter((d) => ruledOut.includes(d.id)).flatMap((d) => ruledOutClauses(d, symptom.symptom!, reported));
      symptom.rootCause = `${symptom.rootCause} ${remaining} Ruled out, by the checks that ran: ${[...new Set(clauses)].join('; ')}.`;
    }
  }
  const cleaned: Finding[] = findings.map((f) => {
    const { unexplained, ...rest } = f;
    return unexplained ? { ...rest, unexplained } : rest;
  });
  const impact = impactOf(cleaned);
  return cleaned.sort((a, b) => compareFindings(a, b, impact));
}

/** Symptoms that account for others (SYMPTOM_LINKS): linked when both name the same resource of the link's type. */
function linkSymptoms(symptoms: Finding[]): void {
  for (const link of SYMPTOM_LINKS) {
    for (const symptom of symptoms.filter((f) => f.symptom === link.symptom)) {
      const ids = new Set(symptom.resources.filter((r) => r.type === link.on).map((r) => r.id));
      if (ids.size === 0) continue;
      for (const by of symptoms) {
        if (by === symptom || by.symptom !== link.by || !by.resources.some((r) => r.type === link.on && ids.has(r.id))) continue;
        if (!by.explains.includes(symptom.key)) by.explains.push(symptom.key);
        if (!symptom.explainedBy.includes(by.key)) symptom.explainedBy.push(by.key);
      }
    }
  }
}

type CodeLookup = (finding: Finding) => FindingCode | undefined;

/** A finding's catalogue entry: its check's code of that id. */
function catalogueLookup(diagnostics: Diagnostic[]): CodeLookup {
  const byId = new Map(diagnostics.map((d) => [d.id, d]));
  return (f) => byId.get(f.check)?.codes[f.id.slice(f.check.length + 1)];
}

/**
 * Tentative causes yield to proven ones: one stays at its severity only for a symptom that no cause
 * explains but tentative ones, and that every other check able to explain it ran for (one that
 * could not run may have missed the real cause; one that ran without some of its data judged what
 * it saw). Otherwise, or when it explains no symptom at all, it becomes info and lets go of its links.
 */
function settleTentativeCauses(findings: Finding[], codeOf: CodeLookup, othersRanFor: (kind: SymptomKind, except: string) => boolean): void {
  const byKey = new Map(findings.map((f) => [f.key, f]));
  const tentative = (f: Finding | undefined) => f !== undefined && codeOf(f)?.tentative === true;
  for (const cause of findings) {
    if (!tentative(cause) || !cause.canExplain) continue;
    const stillNeeded = cause.explains.some((k) => {
      const symptom = byKey.get(k);
      if (!symptom?.symptom || !othersRanFor(symptom.symptom, cause.check)) return false;
      return !symptom.explainedBy.some((other) => other !== cause.key && !tentative(byKey.get(other)));
    });
    if (stillNeeded) continue;
    for (const k of cause.explains) {
      const symptom = byKey.get(k);
      if (symptom) symptom.explainedBy = symptom.explainedBy.filter((x) => x !== cause.key);
    }
    cause.explains = [];
    cause.severity = 'info';
  }
}

/**
 * What a check that ran has ruled out for this kind of symptom: the clauses of its codes that it
 * reported nothing of (a note it did report rules nothing out), else its title when it reported none.
 */
function ruledOutClauses(d: Diagnostic, kind: SymptomKind, reported: ReadonlySet<string>): string[] {
  const codes = Object.entries(d.codes).filter(([, c]) => c.explains?.includes(kind));
  const silent = codes.filter(([code]) => !reported.has(`${d.id}/${code}`));
  const clauses = silent.flatMap(([, c]) => (c.ruledOut ? [c.ruledOut] : []));
  if (clauses.length > 0) return clauses;
  return silent.length === codes.length ? [`${lowerFirstWord(d.title)} (${d.id})`] : [];
}

/** 'Nodes are Ready' -> 'nodes are Ready', but 'IRSA and ...' stays: an acronym keeps its capitals. */
function lowerFirstWord(title: string): string {
  return /^[A-Z]{2}/.test(title) ? title : `${title.charAt(0).toLowerCase()}${title.slice(1)}`;
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
