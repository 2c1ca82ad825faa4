/**
 * The fault matrix of issue 16, generated from the policy files: for every AWS action in
 * policy/iam-policy.json and every resource in policy/clusterrole.yaml, (a) deny it, (b) answer it
 * with garbage (a proxy's HTML page with 200), (c) throttle it twice; each on a scenario where the
 * data it feeds matters. Which parts an action or resource feeds comes from the collectors' own
 * declaration (src/collect/sources.ts), closed over the parts that need or use them.
 *
 * The verdicts (see `judge`): for (a) and (b), only checks that declare an affected part may change,
 * each then in `error` or incomplete and naming the permission or the bad answer; no check invents
 * or re-grades a finding; every other check's findings are the clean run's, and their links lose at
 * most links to changed checks' findings. For (c), the clean run exactly.
 */
import { readFileSync } from 'node:fs';
import type { FaultRule } from '../../mocks/aws-mock/index.js';
import type { ResourceFault } from '../../mocks/k8s-mock/api-server.js';
import { listScenarios, loadScenario } from '../../mocks/bundled-scenarios.js';
import { ACTIONS_FEEDING_NO_PART, COLLECTOR_SOURCES, partsAffectedBy, partsReadingAction, type PartSources } from '../../src/collect/sources.js';
import { diagnoseSnapshot } from '../../src/engine/diagnose.js';
import type { Diagnostic } from '../../src/engine/diagnostic.js';
import type { Finding } from '../../src/engine/finding.js';
import type { Report } from '../../src/engine/report.js';
import type { CheckResult, FailedCall } from '../../src/engine/run-checks.js';
import type { Snapshot, SnapshotPart } from '../../src/snapshot/types.js';
import { loadClusterRole } from './cluster-role.js';
import type { LiveRun, RunFaults } from './live-run.js';

export type FaultKind = 'deny' | 'garbage' | 'throttle';
export const FAULT_KINDS: readonly FaultKind[] = ['deny', 'garbage', 'throttle'];

export interface MatrixTarget {
  side: 'aws' | 'kubernetes';
  /** 'ec2:DescribeInstances' or 'pods' (as the ClusterRole names the resource). */
  name: string;
  /** The parts that read it directly, and every part a failure of those can change. */
  direct: SnapshotPart[];
  affected: Set<SnapshotPart>;
}

export function policyActions(): string[] {
  const policy = JSON.parse(readFileSync(new URL('../../policy/iam-policy.json', import.meta.url), 'utf8')) as { Statement: { Action: string | string[] }[] };
  return [...new Set(policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])))].sort();
}

export function clusterRoleResources(): string[] {
  return [...new Set(loadClusterRole().rules.flatMap((r) => r.resources ?? []))].sort();
}

function partsReadingResource(resource: string): SnapshotPart[] {
  return (Object.entries(COLLECTOR_SOURCES) as [SnapshotPart, PartSources][])
    .filter(([, s]) => (s.kubernetes ?? []).some((k) => 'resource' in k && k.resource === resource))
    .map(([part]) => part);
}

/** Every target the policy files grant, with what it feeds; throws for one that feeds nothing and says no reason. */
export function matrixTargets(): MatrixTarget[] {
  const targets: MatrixTarget[] = [];
  for (const action of policyActions()) {
    const direct = partsReadingAction(action);
    if (direct.length === 0 && !(action in ACTIONS_FEEDING_NO_PART)) throw new Error(`${action} is in policy/iam-policy.json but no collector declares it (src/collect/sources.ts)`);
    targets.push({ side: 'aws', name: action, direct, affected: partsAffectedBy(direct) });
  }
  for (const resource of clusterRoleResources()) {
    const direct = partsReadingResource(resource);
    if (direct.length === 0) throw new Error(`${resource} is in policy/clusterrole.yaml but no collector declares it (src/collect/sources.ts)`);
    targets.push({ side: 'kubernetes', name: resource, direct, affected: partsAffectedBy(direct) });
  }
  return targets;
}

export function faultsFor(target: MatrixTarget, kind: FaultKind): RunFaults {
  if (target.side === 'aws') {
    const rule: FaultRule =
      kind === 'deny'
        ? { action: target.name, kind: 'denied' }
        : kind === 'garbage'
          ? { action: target.name, kind: 'html' }
          : // Counted per request: every call (and page) meets two throttles, whatever the order of concurrent calls.
            { action: target.name, kind: 'throttle', first: 2, countPer: 'request' };
    return { aws: [rule] };
  }
  const fault: ResourceFault = kind === 'deny' ? { resource: target.name, kind: 'forbidden' } : kind === 'garbage' ? { resource: target.name, kind: 'garbage' } : { resource: target.name, kind: 'throttle', first: 2 };
  return { kubernetes: [fault] };
}

/** What a scenario's offline diagnosis gives when these parts could not be read: the cheap stand-in for a live fault. */
async function withoutParts(snapshot: Snapshot, parts: Set<SnapshotPart>, diagnostics: Diagnostic[]): Promise<Report> {
  const copy = structuredClone(snapshot);
  for (const part of parts) {
    const [section, key] = part.split('.') as ['aws' | 'kubernetes', string];
    delete (copy[section] as Record<string, unknown>)[key];
    copy.errors.push({ part, call: 'matrix', kind: 'denied', code: 'AccessDenied', message: 'denied' });
  }
  return diagnoseSnapshot(copy, { diagnostics, toolVersion: 'test', generatedAt: new Date(snapshot.capturedAt) });
}

const outline = (r: Report) => r.findings.map((f) => `${f.key} ${f.severity}`).sort().join('\n');

/**
 * The scenario where the target's data matters: the first (the richest first: most findings at
 * warning or above) whose diagnosis changes when the parts it feeds are missing. Baseline when none
 * does (the data then decides nothing in any scenario we have; the case still proves nothing else changes),
 * or the first scenario that reads it when baseline does not.
 */
export async function scenarioWhereItMatters(target: MatrixTarget, diagnostics: Diagnostic[], ranked: { name: string; snapshot: Snapshot; report: Report }[]): Promise<string> {
  if (target.affected.size === 0) return 'baseline';
  // Only where the mock is asked for the data at all: a part the scenario does not hold is never read.
  const reading = ranked.filter((s) => [...target.direct].some((p) => partHeld(s.snapshot, p)));
  for (const s of reading) {
    if (outline(await withoutParts(s.snapshot, target.affected, diagnostics)) !== outline(s.report)) return s.name;
  }
  // Baseline, unless baseline never reads it (custom resources installed only in some scenarios): then the
  // first scenario that does, so the fault is really served.
  return reading.some((s) => s.name === 'baseline') || reading.length === 0 ? 'baseline' : reading[0]!.name;
}

function partHeld(snapshot: Snapshot, part: SnapshotPart): boolean {
  const [section, key] = part.split('.') as ['aws' | 'kubernetes', string];
  const value = (snapshot[section] as Record<string, unknown>)[key];
  return Array.isArray(value) ? value.length > 0 : value !== undefined;
}

/** Every bundled scenario diagnosed offline, richest first (a live run gives the same: test/live/demo.test.ts). */
export async function rankedScenarios(diagnostics: Diagnostic[]): Promise<{ name: string; snapshot: Snapshot; report: Report }[]> {
  const all = await Promise.all(
    listScenarios().map(async ({ name }) => {
      const snapshot = loadScenario(name);
      // Scenarios of an API server that cannot be read serve every Kubernetes read as failed: nothing to fault there.
      const report = await diagnoseSnapshot(snapshot, { diagnostics, toolVersion: 'test', generatedAt: new Date(snapshot.capturedAt) });
      return { name, snapshot, report };
    }),
  );
  const weight = (r: Report) => r.findings.filter((f) => f.severity !== 'info').length;
  return all.filter((s) => s.snapshot.kubernetes.apiServer?.reachable !== false).sort((a, b) => weight(b.report) - weight(a.report) || a.name.localeCompare(b.name));
}

/** Whether a failed call is the injected fault, named as the user needs it: the permission to grant, or the bad answer. */
function namesTheFault(call: FailedCall, target: MatrixTarget, kind: FaultKind): boolean {
  const isTarget = target.side === 'aws' ? call.call === target.name : new RegExp(`/${target.name}(/|\\?|$)`).test(call.call);
  if (!isTarget) return false;
  if (kind === 'deny') return call.kind === 'denied' && (target.side === 'aws' ? call.permission === target.name : ` ${call.permission ?? ''}`.includes(` ${target.name}`));
  return call.kind === 'invalid-response';
}

function checkFailedCalls(check: CheckResult): FailedCall[] {
  return [...(check.failedCalls ?? []), ...(check.incomplete ?? []).flatMap((p) => p.failedCalls)];
}

const identity = (f: Finding) => `${f.id} ${f.key} ${f.severity}`;

/** Every way the faulted run breaks the contract; empty when it keeps it. */
export function judge(args: { target: MatrixTarget; kind: FaultKind; clean: LiveRun; faulted: LiveRun; diagnostics: Diagnostic[] }): string[] {
  const { target, kind, clean, faulted, diagnostics } = args;
  const problems: string[] = [];
  const byId = new Map(diagnostics.map((d) => [d.id, d]));
  const cleanFindings = (check: string) => clean.report.findings.filter((f) => f.check === check).map(identity).sort();
  const faultedFindings = (check: string) => faulted.report.findings.filter((f) => f.check === check).map(identity).sort();

  if (kind === 'throttle') {
    if (faulted.snapshot.errors.length > 0) problems.push(`throttled twice, yet recorded as failed: ${faulted.snapshot.errors.map((e) => `${e.part} ${e.call} ${e.kind}`).join(', ')}`);
    const links = (r: Report) => r.findings.map((f) => `${identity(f)} explains [${[...f.explains].sort().join(',')}] explainedBy [${[...f.explainedBy].sort().join(',')}]`).sort();
    if (links(faulted.report).join('\n') !== links(clean.report).join('\n')) problems.push(`findings or links differ from the clean run:\n  - ${links(clean.report).filter((l) => !links(faulted.report).includes(l)).join('\n  - ')}\n  + ${links(faulted.report).filter((l) => !links(clean.report).includes(l)).join('\n  + ')}`);
    for (const c of faulted.report.checks) {
      const before = clean.report.checks.find((x) => x.id === c.id)!;
      if (c.status !== before.status || (c.incomplete?.length ?? 0) !== (before.incomplete?.length ?? 0)) problems.push(`${c.id}: ${before.status} became ${c.status}${c.incomplete ? ' (incomplete)' : ''}`);
    }
    return problems;
  }

  // The declaration is honest: whatever failed is among the parts it says the target can affect.
  for (const e of faulted.snapshot.errors) if (!target.affected.has(e.part)) problems.push(`${e.part} failed (${e.call} ${e.kind}) but the declaration says ${target.name} cannot affect it`);

  const changed = new Set<string>();
  for (const c of faulted.report.checks) {
    const before = clean.report.checks.find((x) => x.id === c.id)!;
    const d = byId.get(c.id)!;
    const declares = [...d.needs, ...d.uses].some((p) => target.affected.has(p));
    const findingsChanged = cleanFindings(c.id).join('\n') !== faultedFindings(c.id).join('\n');
    const statusChanged = c.status !== before.status;
    // Named by a failed call, or (a failure further down a chain: no endpoint without DescribeCluster) in the reason.
    const reasons = [c.reason ?? '', ...(c.incomplete ?? []).map((p) => p.reason)].join('\n');
    const namesIt = checkFailedCalls(c).some((call) => namesTheFault(call, target, kind)) || (target.side === 'aws' && reasons.includes(target.name));
    const visible = (c.status === 'error' || (c.incomplete?.length ?? 0) > 0) && namesIt;
    if (findingsChanged || statusChanged) {
      changed.add(c.id);
      if (!declares) problems.push(`${c.id} changed (${before.status} -> ${c.status}) but declares none of ${[...target.affected].join(', ')}`);
      else if (!visible) problems.push(`${c.id} changed silently (${before.status} -> ${c.status}; it is neither error nor incomplete naming ${target.name} ${kind === 'deny' ? 'as the permission to grant' : 'as a bad answer'}): lost ${cleanFindings(c.id).filter((f) => !faultedFindings(c.id).includes(f)).join(', ') || 'nothing'}`);
    }
    // Nothing invented or re-graded from missing data (a verdict on eks-doctor's own access may name the denial).
    if (d.subject !== 'eks-doctor-access') {
      const invented = faultedFindings(c.id).filter((f) => !cleanFindings(c.id).includes(f));
      if (invented.length > 0) problems.push(`${c.id} reports what the clean run does not: ${invented.join(', ')}`);
    }
    if ((c.incomplete?.length ?? 0) > 0 || c.status === 'error') {
      if (!declares && before.status === c.status && !before.incomplete) problems.push(`${c.id} is ${c.status}${c.incomplete ? ' (incomplete)' : ''} but declares none of the affected parts`);
    }
  }
  for (const f of faulted.report.findings) {
    if (changed.has(f.check)) continue;
    const before = clean.report.findings.find((x) => x.key === f.key)!;
    for (const field of ['explains', 'explainedBy'] as const) {
      const gained = f[field].filter((k) => !before[field].includes(k));
      const lostToUnchanged = before[field].filter((k) => !f[field].includes(k) && !changed.has(clean.report.findings.find((x) => x.key === k)?.check ?? ''));
      if (gained.length > 0) problems.push(`${f.key} gained ${field} ${gained.join(', ')}`);
      if (lostToUnchanged.length > 0) problems.push(`${f.key} lost ${field} ${lostToUnchanged.join(', ')} (of checks that did not change)`);
    }
  }
  // The fault really happened (else the case proves nothing), unless what it feeds is read by no check (never collected).
  const read = diagnostics.some((d) => [...d.needs, ...d.uses].some((p) => target.affected.has(p)));
  if (read && faulted.injected.length === 0) problems.push(`the scenario never asked for ${target.name}: no fault was injected`);
  return problems;
}
