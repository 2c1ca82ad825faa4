import { partValue, type CollectionError, type Snapshot, type SnapshotPart } from '../snapshot/types.js';
import { CannotCheck, type Diagnostic, type ThresholdValues } from './diagnostic.js';
import { couldNotRead, partLabel } from './failure-text.js';
import { isFailing, type Finding } from './finding.js';
import { withSnapshotIndexesAsync } from './snapshot-memo.js';

export type CheckStatus = 'pass' | 'fail' | 'error' | 'skipped';

/** A failed call as a check result names it: what to grant, or what went wrong. */
export type FailedCall = Pick<CollectionError, 'call' | 'code' | 'kind' | 'permission'>;

/**
 * A part a check reads when present (its `uses`) that could not be read, or that the check found
 * short of what it needed (CheckInput.incomplete): the check ran on the rest, so its verdict covers
 * only what it could see.
 */
export interface IncompletePart {
  part: SnapshotPart;
  /** "could not read EC2 instances: ec2:DescribeInstances was denied (UnauthorizedOperation); grant ec2:DescribeInstances" */
  reason: string;
  failedCalls: FailedCall[];
}

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  durationMs: number;
  /** Why the check is in `error` or `skipped`. */
  reason?: string;
  /** Set when the check was not selected (--only/--skip, or the config file's only/skip); its status is then `skipped`. */
  deselected?: true;
  /** The failed calls that put it in `error`. */
  failedCalls?: FailedCall[];
  /**
   * On a check that ran (`pass` or `fail`): the parts it uses that could not be read. Its findings
   * stand, but it may have missed some; `--fail-on-error` counts it as a check that could not fully run.
   */
  incomplete?: IncompletePart[];
  findings: number;
}

export type CheckEvent =
  | { type: 'check-start'; id: string; title: string }
  | { type: 'check-end'; result: CheckResult; findings: Finding[] };

/** The reason shown for a deselected check; code tests `deselected`, never this text. */
const NOT_SELECTED_REASON = 'not selected (--only/--skip)';

/** A check that was to run but could not: in error, or skipped for want of data (a deselected check was never to run). */
export function couldNotRun(check: Pick<CheckResult, 'status' | 'deselected'>): boolean {
  return check.status === 'error' || (check.status === 'skipped' && !check.deselected);
}

export interface RunChecksOptions {
  /** Threshold values the user gave; each check fills in its own defaults. */
  options?: ThresholdValues;
  /** Check ids not selected by --only/--skip; reported as skipped. */
  deselected?: ReadonlySet<string>;
  onEvent?: (event: CheckEvent) => void;
}

/** Why a check cannot run on this snapshot, or undefined when it can. */
export function missingNeeds(snapshot: Snapshot, needs: SnapshotPart[]): { status: 'error' | 'skipped'; reason: string; failed: CollectionError[] } | undefined {
  const failed: CollectionError[] = [];
  const absent: SnapshotPart[] = [];
  for (const part of needs) {
    const errors = snapshot.errors.filter((e) => e.part === part);
    if (errors.length > 0) failed.push(...errors);
    else if (partValue(snapshot, part) === undefined) absent.push(part);
  }
  if (failed.length > 0) {
    const parts = [...new Set(failed.map((e) => e.part))];
    const reason = parts.map((p) => couldNotRead(p, failed.find((e) => e.part === p)!)).join('; ');
    return { status: 'error', reason, failed };
  }
  if (absent.length > 0) {
    return { status: 'skipped', reason: `the snapshot holds no ${absent.map((p) => partLabel(p).replace(/^the /, '')).join(', ')}`, failed };
  }
  return undefined;
}

/** The parts of `uses` whose collection failed: what a check that runs could not see. */
export function unseenParts(snapshot: Snapshot, uses: SnapshotPart[]): IncompletePart[] {
  const unseen: IncompletePart[] = [];
  for (const part of uses) {
    const errors = snapshot.errors.filter((e) => e.part === part);
    if (errors.length === 0) continue;
    unseen.push({ part, reason: couldNotRead(part, errors[0]!), failedCalls: errors.map(failedCall) });
  }
  return unseen;
}

function failedCall({ call, code, kind, permission }: CollectionError): FailedCall {
  return { call, code, kind, ...(permission ? { permission } : {}) };
}

/** A check that ran but could not see all it uses. */
export function isIncomplete(check: CheckResult): boolean {
  return (check.status === 'pass' || check.status === 'fail') && (check.incomplete?.length ?? 0) > 0;
}

/**
 * Runs every diagnostic against the snapshot. A check whose needs are missing reports error or
 * skipped; a check that throws reports error; neither stops the others.
 */
export async function runChecks(snapshot: Snapshot, diagnostics: Diagnostic[], run: RunChecksOptions): Promise<{ checks: CheckResult[]; findings: Finding[] }> {
  // The checks share per-snapshot indexes (src/engine/snapshot-memo.ts) for the length of the run.
  return withSnapshotIndexesAsync(snapshot, () => runEach(snapshot, diagnostics, run));
}

async function runEach(snapshot: Snapshot, diagnostics: Diagnostic[], run: RunChecksOptions): Promise<{ checks: CheckResult[]; findings: Finding[] }> {
  const checks: CheckResult[] = [];
  const findings: Finding[] = [];
  const now = new Date(snapshot.capturedAt);
  for (const diagnostic of diagnostics) {
    const base = { id: diagnostic.id, title: diagnostic.title };
    if (run.deselected?.has(diagnostic.id)) {
      const result: CheckResult = { ...base, status: 'skipped', durationMs: 0, reason: NOT_SELECTED_REASON, deselected: true, findings: 0 };
      checks.push(result);
      run.onEvent?.({ type: 'check-end', result, findings: [] });
      continue;
    }
    run.onEvent?.({ type: 'check-start', ...base });
    const started = performance.now();
    let result: CheckResult;
    let produced: Finding[] = [];
    const missing = missingNeeds(snapshot, diagnostic.needs);
    if (missing) {
      result = {
        ...base,
        status: missing.status,
        durationMs: 0,
        reason: missing.reason,
        ...(missing.failed.length > 0
          ? { failedCalls: missing.failed.map(failedCall) }
          : {}),
        findings: 0,
      };
    } else {
      try {
        const noticed: IncompletePart[] = [];
        produced = uniqueKeys(diagnostic.check({ snapshot, options: run.options ?? {}, now, incomplete: (unseen) => noticed.push(unseen) }));
        const failing = produced.some(isFailing);
        const incomplete = [...unseenParts(snapshot, diagnostic.uses), ...noticed];
        result = { ...base, status: failing ? 'fail' : 'pass', durationMs: 0, ...(incomplete.length > 0 ? { incomplete } : {}), findings: produced.length };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const reason = error instanceof CannotCheck ? error.reason : `the check failed unexpectedly: ${message}`;
        const failed = error instanceof CannotCheck ? error.failed : [];
        result = { ...base, status: 'error', durationMs: 0, reason, ...(failed.length > 0 ? { failedCalls: failed.map(failedCall) } : {}), findings: 0 };
        produced = [];
      }
    }
    result.durationMs = Math.round((performance.now() - started) * 100) / 100;
    checks.push(result);
    findings.push(...produced);
    run.onEvent?.({ type: 'check-end', result, findings: produced });
    // Let a live UI paint between checks.
    if (run.onEvent) await new Promise((resolve) => setImmediate(resolve));
  }
  return { checks, findings };
}

/** Keys must be unique per occurrence; a check that repeats one gets a deterministic suffix. */
function uniqueKeys(findings: Finding[]): Finding[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const n = (seen.get(f.key) ?? 0) + 1;
    seen.set(f.key, n);
    return n === 1 ? f : { ...f, key: `${f.key}#${n}` };
  });
}
