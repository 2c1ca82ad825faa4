/**
 * `--history DIR`: the reports of the last N runs, one directory per cluster
 * (`<account>_<region>_<cluster>`, as `--all-clusters` names its report files), one file per run
 * named by its time so the names sort in order. Each new report gets `changes` against the
 * history before it is written.
 *
 * A check that could not run says nothing about its findings: they are neither resolved nor new.
 * The comparison takes each check's findings from the latest report in which that check ran, so a
 * run with a denied permission or an unreachable API server does not resolve (and the next run
 * re-open) everything that check had found.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { EXIT_COULD_NOT_CHECK, exitCodeFor } from '../engine/exit-code.js';
import type { Report } from '../engine/report.js';
import { UserError } from '../user-error.js';
import { checkRan, firstSeenByKey, reportChanges } from './changes.js';

export interface HistoryEntry {
  /** The report as written to the history, with `changes`. */
  report: Report;
  /** What it was compared with (see comparisonBase); undefined on the first run. */
  base: Report | undefined;
  file: string;
  /** generatedAt of the latest report in the history (this one included) that could check the cluster. */
  lastSuccessAt?: string;
}

const REPORT_FILE = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z\.json$/;

/** Adds `changes` to the report, writes it to the cluster's history and drops the oldest beyond `keep`. */
export function recordInHistory(report: Report, history: { dir: string; keep: number }, catalogue: CheckCatalogue, warn: (message: string) => void): HistoryEntry {
  const dir = clusterHistoryDir(history.dir, report.cluster);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UserError(`cannot create the history directory ${dir}: ${(error as Error).message}`);
  }
  const previous = readHistory(dir, warn);
  const base = comparisonBase(previous);
  const run = (previous[0]?.report.changes?.run ?? previous.length) + 1;
  const recorded: Report = { ...report, changes: reportChanges(base, report, run) };
  const file = join(dir, `${recorded.generatedAt.replaceAll(':', '-')}.json`);
  writeAtomically(file, `${JSON.stringify(recorded, null, 2)}\n`);
  for (const old of previous.slice(Math.max(0, history.keep - 1))) rmSync(old.file, { force: true });
  const lastSuccessAt = [recorded, ...previous.map((p) => p.report)].find((r) => runSucceeded(r, catalogue))?.generatedAt;
  return { report: recorded, base, file, ...(lastSuccessAt ? { lastSuccessAt } : {}) };
}

/** The history's reports, newest first; a file that cannot be read is skipped with a warning. */
export function readHistory(dir: string, warn: (message: string) => void): { report: Report; file: string }[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => REPORT_FILE.test(n));
  } catch {
    return [];
  }
  const reports: { report: Report; file: string }[] = [];
  for (const name of names.sort().reverse()) {
    const file = join(dir, name);
    try {
      const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
      if (!Array.isArray(report.findings) || !Array.isArray(report.checks) || typeof report.generatedAt !== 'string') throw new Error('not an eks-doctor report');
      reports.push({ report, file });
    } catch (error) {
      warn(`eks-doctor: history: skipping ${file}: ${(error as Error).message}`);
    }
  }
  return reports;
}

/** The checks' catalogue, which says which checks judge eks-doctor's own access (see exitCodeFor). */
export type CheckCatalogue = Parameters<typeof exitCodeFor>[2];

/** Whether a run checked the cluster at all (exit code 2 says no check could run). */
export function runSucceeded(report: Report, catalogue: CheckCatalogue): boolean {
  return exitCodeFor(report, { failOn: 'never' }, catalogue) !== EXIT_COULD_NOT_CHECK;
}

function checksThatRan(report: Report): Set<string> {
  return new Set(report.checks.filter(checkRan).map((c) => c.id));
}

/**
 * What the next report is compared with: the latest report, with the findings (and first-seen
 * times) of each check that did not run in it taken from the latest older report where it ran.
 */
export function comparisonBase(history: readonly { report: Report }[]): Report | undefined {
  const latest = history[0]?.report;
  if (!latest) return undefined;
  const ran = checksThatRan(latest);
  const missing = latest.checks.map((c) => c.id).filter((id) => !ran.has(id));
  if (missing.length === 0) return latest;
  const findings = [...latest.findings];
  const unchanged = [...(latest.changes?.unchanged ?? [])];
  const checks = [...latest.checks];
  for (const check of missing) {
    const older = history.slice(1).find((h) => checksThatRan(h.report).has(check))?.report;
    if (!older) continue;
    const firstSeen = firstSeenByKey(older);
    for (const finding of older.findings.filter((f) => f.check === check)) {
      findings.push(finding);
      if (!finding.suppressed) unchanged.push({ key: finding.key, firstSeen: firstSeen.get(finding.key) ?? older.generatedAt });
    }
    const olderResult = older.checks.find((c) => c.id === check);
    if (olderResult) checks[checks.findIndex((c) => c.id === check)] = olderResult;
  }
  return { ...latest, findings, checks, changes: { run: latest.changes?.run ?? 1, new: latest.changes?.new ?? [], resolved: [], ...latest.changes, unchanged } };
}

/**
 * `<account>_<region>_<cluster>` under the history root. When a run could not learn the account
 * (sts and DescribeCluster both failed), the cluster's existing directory is used if there is
 * exactly one, so one bad run does not start a second history.
 */
export function clusterHistoryDir(root: string, cluster: Report['cluster']): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');
  const suffix = `_${safe(cluster.region)}_${safe(cluster.name)}`;
  if (cluster.accountId) return join(root, `${safe(cluster.accountId)}${suffix}`);
  let existing: string[] = [];
  try {
    existing = readdirSync(root).filter((n) => n.endsWith(suffix));
  } catch {
    // No history yet.
  }
  return join(root, existing.length === 1 ? existing[0]! : `unknown-account${suffix}`);
}

/** Write to a temporary file beside the target, then rename: a reader never sees half a file. */
export function writeAtomically(file: string, text: string): void {
  // Not the pid alone: the pods of an Indexed Job all run as pid 1 and may share the volume.
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new UserError(`cannot write ${file}: ${(error as Error).message}`);
  }
}

/**
 * With --redact, pseudonyms must be the same from run to run, or every finding key naming an
 * address would look new each time: the history keeps the redaction key (created once, readable
 * by its owner only). Whoever can read the history can read the unredacted reports' keys anyway.
 */
export function historyRedactionKey(root: string): Buffer {
  const file = join(root, '.redaction-key');
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  } catch {
    mkdirSync(root, { recursive: true });
    const key = randomBytes(32);
    try {
      writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another shard of a sharded run (--shard) sharing the history created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    }
    return key;
  }
}
