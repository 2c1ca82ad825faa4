/**
 * The summary of a fleet audit (`--all-clusters`): one row per cluster, the table and summary.json.
 * A sharded run (`--shard I/N`) writes its share as shard-I-of-N.json instead; merging every shard
 * of a run (`eks-doctor summarize DIR`, or the last shard to finish) gives the summary that one
 * process auditing the whole fleet would have written, or says which shard or report is missing,
 * unreadable or duplicated.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeAtomically } from '../audit/history.js';
import { EXIT_COULD_NOT_CHECK, EXIT_FINDINGS, EXIT_OK } from '../engine/exit-code.js';
import { UserError } from '../user-error.js';
import { TOOL_VERSION } from '../version.js';
import type { CommandIo } from './command.js';
import { formatShard, shardKey, type Shard } from './fleet-shard.js';

export interface FleetRow {
  profile?: string;
  account?: string;
  region: string;
  cluster?: string;
  /** clean: nothing at or above --fail-on; findings; incomplete: checks could not run; failed: no report. */
  status: 'clean' | 'findings' | 'incomplete' | 'failed';
  critical: number;
  warning: number;
  info: number;
  checksInError: number;
  topRootCause?: { id: string; title: string };
  reportFile?: string;
  error?: string;
  exitCode: number;
}

export interface FleetSummary {
  kind: 'eks-doctor.fleet-summary';
  tool: { name: 'eks-doctor'; version: string };
  generatedAt: string;
  regions: string[];
  rows: FleetRow[];
}


export const FLEET_SUMMARY_FILE = 'summary.json';

/** The summary a fleet run prints and writes, from its rows in their fixed order (whichever process made them). */
export function fleetSummary(regions: string[], rows: FleetRow[]): FleetSummary {
  const sorted = [...rows].sort((a, b) => `${a.account ?? ''}|${a.region}|${a.cluster ?? ''}`.localeCompare(`${b.account ?? ''}|${b.region}|${b.cluster ?? ''}`));
  return { kind: 'eks-doctor.fleet-summary', tool: { name: 'eks-doctor', version: TOOL_VERSION }, generatedAt: new Date().toISOString(), regions, rows: sorted };
}

/**
 * The worst cluster decides: 1 when any cluster has findings at or above --fail-on (or, with
 * --fail-on-error, could not be fully checked), 2 when no cluster at all could be audited.
 */
export function fleetExitCode(rows: FleetRow[], failOnError: boolean): number {
  if (rows.length === 0) return EXIT_OK;
  if (rows.every((r) => r.status === 'failed' || r.exitCode === EXIT_COULD_NOT_CHECK)) return EXIT_COULD_NOT_CHECK;
  if (rows.some((r) => r.exitCode === EXIT_FINDINGS)) return EXIT_FINDINGS;
  if (failOnError && rows.some((r) => r.status === 'failed' || r.status === 'incomplete')) return EXIT_FINDINGS;
  return EXIT_OK;
}

export function renderFleetTable(summary: FleetSummary, reportDir: string, shard?: Shard): string {
  const header = ['ACCOUNT', 'REGION', 'CLUSTER', 'STATUS', 'CRIT', 'WARN', 'INFO', 'TOP ROOT CAUSE'];
  const body = summary.rows.map((r) => [
    r.account ?? r.profile ?? '-',
    r.region,
    r.cluster ?? '(discovery)',
    r.status,
    String(r.critical),
    String(r.warning),
    String(r.info),
    r.error ? `error: ${r.error}` : (r.topRootCause?.title ?? (r.checksInError > 0 ? `${r.checksInError} check(s) could not run` : '-')),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (i === header.length - 1 ? 0 : row[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const counts = { clusters: summary.rows.filter((r) => r.cluster).length, failed: summary.rows.filter((r) => r.status === 'failed').length };
  const dir = reportDir.replace(/(.)\/+$/, '$1');
  const where = shard ? `Shard ${formatShard(shard)}: reports and ${shardFileName(shard)} in ${dir}/` : `Reports and summary.json in ${dir}/`;
  return `${[line(header), ...body.map(line)].join('\n')}\n\n${counts.clusters} cluster(s) in ${summary.regions.join(', ')}; ${counts.failed} could not be audited. ${where}\n`;
}

/** One shard's share of a run: its rows, and what merging needs to check that the shards belong together. */
export interface FleetShardSummary extends Omit<FleetSummary, 'kind'> {
  kind: 'eks-doctor.fleet-shard';
  shard: Shard;
  runId?: string;
  /** The shards' --fail-on-error, for the merged exit code. */
  failOnError: boolean;
}

export function shardFileName(shard: Shard): string {
  return `shard-${shard.index}-of-${shard.count}.json`;
}

const SHARD_FILE = /^shard-(\d+)-of-(\d+)\.json$/;

interface ShardFile {
  file: string;
  part: FleetShardSummary;
}

/**
 * Every shard summary under DIR (also in subdirectories: where each shard's own volume was copied),
 * optionally only those of one run and shard count. Unreadable files are problems, not skipped.
 */
function readShardFiles(dir: string, problems: string[], only?: { count: number; runId: string | undefined }): ShardFile[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch (error) {
    throw new UserError(`cannot read ${dir}: ${(error as Error).message}`, 'Give the report directory of a sharded run (its --report-dir).');
  }
  const found: ShardFile[] = [];
  for (const name of names.sort()) {
    const match = SHARD_FILE.exec(basename(name));
    if (!match) continue;
    if (only && Number(match[2]) !== only.count) continue;
    const file = join(dir, name);
    let part: FleetShardSummary;
    try {
      part = JSON.parse(readFileSync(file, 'utf8')) as FleetShardSummary;
    } catch (error) {
      problems.push(`${file} is not a readable shard summary: ${(error as Error).message}`);
      continue;
    }
    if (part?.kind !== 'eks-doctor.fleet-shard' || !Array.isArray(part.rows) || !part.shard) {
      problems.push(`${file} is not an eks-doctor shard summary (kind ${JSON.stringify(part?.kind)})`);
      continue;
    }
    if (`${part.shard.index}/${part.shard.count}` !== `${match[1]}/${match[2]}`) {
      problems.push(`${file} holds shard ${formatShard(part.shard)}, not the ${match[1]}/${match[2]} of its name`);
      continue;
    }
    if (only && part.runId !== only.runId) continue;
    found.push({ file, part });
  }
  return found;
}

/**
 * Merges the shard summaries under DIR into the fleet summary, with each row's report found beside
 * its shard summary. Throws one UserError listing every problem: a shard missing or there twice,
 * shards of different runs or shard counts, a cluster in two shards, a report missing or not the
 * report of its cluster.
 */
export function mergeShards(dir: string, only?: { count: number; runId: string | undefined }): { summary: FleetSummary; failOnError: boolean } {
  const problems: string[] = [];
  const shards = readShardFiles(dir, problems, only);
  if (shards.length === 0 && problems.length === 0) {
    throw new UserError(`no shard summaries (shard-I-of-N.json) under ${dir}`, existsSync(join(dir, FLEET_SUMMARY_FILE)) ? `${join(dir, FLEET_SUMMARY_FILE)} is there: that run was not sharded, and its summary is complete.` : 'Give the --report-dir of a run with --all-clusters --shard I/N, or the directory where each shard\'s report directory was copied.');
  }
  const counts = [...new Set(shards.map((s) => s.part.shard.count))];
  if (counts.length > 1) problems.push(`shard summaries of different shard counts: ${counts.map((n) => `${shards.filter((s) => s.part.shard.count === n).map((s) => s.file).join(', ')} of ${n}`).join('; ')}; remove the older run's`);
  const runs = [...new Set(shards.map((s) => s.part.runId ?? '(no --run-id)'))];
  if (runs.length > 1) problems.push(`shards of different runs: ${runs.map((r) => `run ${r}: ${shards.filter((s) => (s.part.runId ?? '(no --run-id)') === r).map((s) => formatShard(s.part.shard)).join(', ')}`).join('; ')}; a shard of the latest run failed or has not finished, or an older run's file is left over`);
  const count = counts[0] ?? 0;
  const byIndex = new Map<number, ShardFile>();
  for (const shard of shards) {
    const seen = byIndex.get(shard.part.shard.index);
    if (seen) problems.push(`shard ${formatShard(shard.part.shard)} is there twice: ${seen.file} and ${shard.file}`);
    else byIndex.set(shard.part.shard.index, shard);
  }
  if (counts.length === 1) {
    for (let index = 0; index < count; index++) {
      if (!byIndex.has(index)) problems.push(`shard ${index}/${count} is missing: no ${shardFileName({ index, count })} under ${dir} (did that index of the Job fail? its pod's log says why)`);
    }
  }
  const ordered = [...byIndex.values()].sort((a, b) => a.part.shard.index - b.part.shard.index);
  const regions = ordered[0]?.part.regions ?? [];
  for (const shard of ordered) {
    if (shard.part.regions.join(',') !== regions.join(',')) problems.push(`shard ${formatShard(shard.part.shard)} audited ${shard.part.regions.join(', ')}, shard ${formatShard(ordered[0]!.part.shard)} ${regions.join(', ')}: the shards were not run with the same --regions`);
  }

  const rows: FleetRow[] = [];
  const clusterShard = new Map<string, ShardFile>();
  const discovery = new Set<string>();
  for (const shard of ordered) {
    for (const row of shard.part.rows) {
      if (!row.cluster) {
        // Every shard lists every region: the same failed discovery is one row, as in a single run.
        const key = `${row.profile ?? ''}|${row.region}`;
        if (!discovery.has(key)) rows.push(row);
        discovery.add(key);
        continue;
      }
      const key = shardKey({ account: row.account ?? row.profile ?? 'default', region: row.region, cluster: row.cluster });
      const other = clusterShard.get(key);
      if (other) {
        problems.push(`cluster ${key} is in shard ${formatShard(other.part.shard)} (${other.file}) and in shard ${formatShard(shard.part.shard)} (${shard.file}): were the shards run with different --regions or --profiles?`);
        continue;
      }
      clusterShard.set(key, shard);
      rows.push(row.reportFile ? { ...row, reportFile: checkedReport(row, shard, problems) } : row);
    }
  }
  if (problems.length > 0) {
    throw new UserError(`cannot summarize ${dir}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, 'Each shard writes shard-I-of-N.json and its clusters\' reports into its --report-dir: rerun the shards named, or remove the files left over from another run.');
  }
  return { summary: fleetSummary(regions, rows), failOnError: ordered.some((s) => s.part.failOnError) };
}

/** The report a shard names, looked for beside the shard's summary (the volume may be mounted elsewhere now). */
function checkedReport(row: FleetRow, shard: ShardFile, problems: string[]): string {
  const file = join(dirname(shard.file), basename(row.reportFile!));
  const owner = `cluster ${row.cluster} (shard ${formatShard(shard.part.shard)})`;
  if (!existsSync(file)) {
    problems.push(`the report of ${owner} is missing: ${file}`);
    return file;
  }
  if (!file.endsWith('.json')) return file;
  try {
    const report = JSON.parse(readFileSync(file, 'utf8')) as { cluster?: { name?: string } };
    if (report?.cluster?.name !== row.cluster) problems.push(`${file} is not the report of ${owner}: it names cluster ${JSON.stringify(report?.cluster?.name)}`);
  } catch (error) {
    problems.push(`the report of ${owner} is not readable JSON: ${file}: ${(error as Error).message}`);
  }
  return file;
}

/**
 * Run by each shard when its own share is written: when every shard of its run is there, this was
 * the last one, and it writes summary.json. Two shards finishing at once both write the same
 * summary (atomically). A merge that finds a problem says so on stderr; the shard's exit code
 * remains that of its own clusters.
 */
export function mergeIfLastShard(reportDir: string, shard: Shard, runId: string | undefined, io: CommandIo): void {
  const present = readShardFiles(reportDir, [], { count: shard.count, runId }).map((s) => s.part.shard.index);
  if (new Set(present).size < shard.count) return;
  try {
    const { summary } = mergeShards(reportDir, { count: shard.count, runId });
    writeAtomically(join(reportDir, FLEET_SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
    io.stderr.write(`eks-doctor: all ${shard.count} shards${runId !== undefined ? ` of run ${runId}` : ''} are done: wrote ${join(reportDir, FLEET_SUMMARY_FILE)}\n`);
  } catch (error) {
    io.stderr.write(`eks-doctor: ${(error as Error).message}\n`);
  }
}
