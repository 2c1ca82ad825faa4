/**
 * `diagnose --all-clusters`: every cluster of the given regions (and of each profile's account),
 * several at a time, under one shared AWS request rate; one report file per cluster and a summary
 * table. A cluster that cannot be audited (denied, unreachable, deleted mid-run) is a row of the
 * summary, never the end of the run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomically } from '../audit/history.js';
import { publishAudit, recordAudit, type AuditRecord } from '../audit/scheduled-run.js';
import { planCollection } from '../collect/plan.js';
import { RequestRateLimiter } from '../collect/aws/rate-limit.js';
import { isRootCause } from '../engine/correlate.js';
import { diagnosisRunner } from '../engine/diagnose.js';
import type { Diagnostic } from '../engine/diagnostic.js';
import { EXIT_COULD_NOT_CHECK, EXIT_FINDINGS } from '../engine/exit-code.js';
import type { Report } from '../engine/report.js';
import { renderPlain, type PlainFormat } from '../render/index.js';
import { UserError } from '../user-error.js';
import { listValue, numberValue, stringValue, type CommandIo, type OptionSpec, type ParsedArgs } from './command.js';
import { collectLive, connectAws, withLiveChangeHistory } from './live-collection.js';
import { connectionSettings, type LiveSettings } from './live-settings.js';
import { reportExitCode } from './report-output.js';
import { diagnosisSetup, type ReportSettings } from './report-settings.js';
import { parseShard, shardKey, shardOf } from './fleet-shard.js';
import { FLEET_SUMMARY_FILE, fleetExitCode, fleetSummary, mergeIfLastShard, renderFleetTable, shardFileName, type FleetRow, type FleetShardSummary } from './fleet-summary.js';

export const FLEET_OPTIONS: OptionSpec[] = [
  { name: 'all-clusters', type: 'boolean', description: 'Audit every cluster of --regions (and of each --profiles account): one report per cluster and a summary table' },
  { name: 'regions', type: 'string', valueName: 'A,B', description: 'Regions for --all-clusters (default: --region, AWS_REGION, AWS_DEFAULT_REGION)' },
  { name: 'profiles', type: 'string', valueName: 'A,B', description: 'Profiles (accounts) for --all-clusters; a profile with role_arn assumes that role (default: --profile or the default chain)' },
  { name: 'concurrency', type: 'string', valueName: 'N', description: 'Clusters audited at once with --all-clusters (default 3)' },
  { name: 'max-requests-per-second', type: 'string', valueName: 'N', description: 'AWS requests per second across all clusters of --all-clusters (default 20)' },
  { name: 'report-dir', type: 'string', valueName: 'DIR', description: 'Where --all-clusters writes one report per cluster and summary.json (default ./eks-doctor-reports)' },
  { name: 'shard', type: 'string', valueName: 'I/N', description: 'With --all-clusters, audit only shard I of N (from 0) of the clusters, by a stable hash of account/region/cluster; /N takes I from JOB_COMPLETION_INDEX' },
  { name: 'run-id', type: 'string', valueName: 'ID', description: 'With --shard, the run the shard belongs to (e.g. the Job name): only shards of one run are merged into summary.json' },
];

/** --shard and --run-id split the clusters of --all-clusters; alone they would be silently ignored. */
export function checkFleetOnlyOptions(args: ParsedArgs): void {
  if (args.values['all-clusters'] === true) return;
  for (const name of ['shard', 'run-id'] as const) {
    if (args.values[name] !== undefined) throw new UserError(`--${name} splits the clusters of --all-clusters between processes; it does not go with a single cluster`, 'Add --all-clusters (and --regions), or drop --' + name + '.');
  }
}

const DEFAULTS = { concurrency: 3, requestsPerSecond: 20, reportDir: 'eks-doctor-reports' };

interface Target {
  profile?: string;
  account?: string;
  region: string;
  cluster: string;
}

export async function auditAllClusters(args: ParsedArgs, settings: ReportSettings, io: CommandIo, diagnostics: Diagnostic[]): Promise<number> {
  const v = args.values;
  if (stringValue(v.cluster) !== undefined) throw new UserError('--all-clusters audits every cluster; drop --cluster (or drop --all-clusters to audit one)');
  if (v['snapshot'] !== undefined) throw new UserError('--all-clusters reads live clusters; it does not take --snapshot');
  if (settings.watch) throw new UserError('--watch follows one cluster; it does not combine with --all-clusters');
  const regions = listValue(v.regions) ?? [stringValue(v.region) ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION].filter((r): r is string => !!r);
  if (regions.length === 0) throw new UserError('--all-clusters needs the regions to audit', 'Pass --regions eu-west-1,us-east-1 (or --region, or set AWS_REGION).');
  const profiles: (string | undefined)[] = listValue(v.profiles) ?? [stringValue(v.profile)];
  const concurrency = numberValue('concurrency', v.concurrency, { min: 1, integer: true }) ?? DEFAULTS.concurrency;
  const perSecond = numberValue('max-requests-per-second', v['max-requests-per-second'], { min: 1 }) ?? DEFAULTS.requestsPerSecond;
  const reportDir = stringValue(v['report-dir']) ?? DEFAULTS.reportDir;
  const shardValue = stringValue(v.shard);
  const shard = shardValue === undefined ? undefined : parseShard(shardValue, io.env);
  const runId = stringValue(v['run-id']);
  if (runId !== undefined && !shard) throw new UserError('--run-id names the run a shard belongs to; it goes with --shard I/N');
  const format: PlainFormat = settings.outputGiven && settings.stdout === 'report' && settings.format !== 'text' ? settings.format : 'json';
  const base = baseLiveSettings(args, new RequestRateLimiter(perSecond));
  const catalogue = diagnostics;
  const setup = diagnosisSetup(settings, diagnostics);
  try {
    mkdirSync(reportDir, { recursive: true });
  } catch (error) {
    throw new UserError(`cannot create the report directory ${reportDir}: ${(error as Error).message}`);
  }

  const rows: FleetRow[] = [];
  const targets: Target[] = [];
  const audited: AuditRecord[] = [];
  // Discovery: which clusters each profile sees in each region. A failure is a row, not the end.
  await inParallel(
    profiles.flatMap((profile) => regions.map((region) => ({ profile, region }))),
    concurrency,
    async ({ profile, region }) => {
      try {
        const found = await listClusters({ ...base, region, ...(profile ? { profile } : {}) }, io);
        if (shard && !found.account) {
          // The account is part of every cluster's shard key: guessing it could put a cluster in two shards, or none.
          const error = `could not tell the account (sts:GetCallerIdentity: ${found.identityError ?? 'no account'}), so not which shard its ${found.clusters.length} cluster(s) belong to`;
          rows.push({ ...(profile ? { profile } : {}), region, status: 'failed', critical: 0, warning: 0, info: 0, checksInError: 0, error, exitCode: EXIT_COULD_NOT_CHECK });
          return;
        }
        for (const cluster of found.clusters) {
          if (shard && shardOf(shardKey({ account: found.account!, region, cluster }), shard.count) !== shard.index) continue;
          targets.push({ ...(profile ? { profile } : {}), ...(found.account ? { account: found.account } : {}), region, cluster });
        }
      } catch (error) {
        rows.push({ ...(profile ? { profile } : {}), region, status: 'failed', critical: 0, warning: 0, info: 0, checksInError: 0, error: `could not list clusters: ${messageOf(error)}`, exitCode: EXIT_COULD_NOT_CHECK });
      }
    },
  );

  await inParallel(targets, concurrency, async (target) => {
    const live: LiveSettings = { ...base, clusterName: target.cluster, region: target.region, ...(target.profile ? { profile: target.profile } : {}) };
    const runner = diagnosisRunner(({ checks, onEvent }) => collectLive(live, planCollection(checks), io, onEvent), withLiveChangeHistory(setup, live, io));
    try {
      const started = performance.now();
      const fresh = await runner({});
      // With --history, each cluster's report is kept in its own directory and carries its changes.
      const record = settings.audit ? recordAudit(fresh, (performance.now() - started) / 1000, settings.audit, io, diagnostics) : undefined;
      if (record) audited.push(record);
      const report = record?.report ?? fresh;
      const file = join(reportDir, `${fileStem(target, report)}.${EXTENSIONS[format]}`);
      writeFileSync(file, renderPlain(format, report, { color: false, catalogue }));
      rows.push(rowFor(target, report, file, reportExitCode(report, settings, diagnostics)));
    } catch (error) {
      rows.push({ ...target, status: 'failed', critical: 0, warning: 0, info: 0, checksInError: 0, error: messageOf(error), exitCode: EXIT_COULD_NOT_CHECK });
    }
  });

  const summary = fleetSummary(regions, rows);
  if (shard) {
    // Each shard writes its own part: shards share the report directory (a ReadWriteMany volume), so
    // none may write summary.json alone. The last one of the run to finish merges them all.
    const part: FleetShardSummary = { ...summary, kind: 'eks-doctor.fleet-shard', shard, ...(runId !== undefined ? { runId } : {}), failOnError: settings.failOnError };
    writeAtomically(join(reportDir, shardFileName(shard)), `${JSON.stringify(part, null, 2)}\n`);
  } else {
    writeAtomically(join(reportDir, FLEET_SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  }
  if (settings.audit) await publishAudit(audited, settings.audit, io);
  io.stdout.write(format === 'json' && settings.outputGiven ? `${JSON.stringify(summary, null, 2)}\n` : renderFleetTable(summary, reportDir, shard));
  if (shard) mergeIfLastShard(reportDir, shard, runId, io);
  return fleetExitCode(rows, settings.failOnError);
}

const EXTENSIONS: Record<PlainFormat, string> = { json: 'json', markdown: 'md', junit: 'xml', sarif: 'sarif', text: 'txt', policyreport: 'policyreport.yaml' };

function rowFor(target: Target, report: Report, reportFile: string, exitCode: number): FleetRow {
  const active = report.findings.filter((f) => !f.suppressed);
  const top = active.find(isRootCause) ?? active[0];
  const checksInError = report.summary.checks.error;
  const status: FleetRow['status'] = exitCode === EXIT_FINDINGS && active.some((f) => f.severity !== 'info') ? 'findings' : checksInError > 0 ? 'incomplete' : exitCode === EXIT_FINDINGS ? 'findings' : 'clean';
  return {
    ...target,
    account: report.cluster.accountId ?? target.account,
    status,
    critical: report.summary.critical,
    warning: report.summary.warning,
    info: report.summary.info,
    checksInError,
    ...(top ? { topRootCause: { id: top.id, title: top.title } } : {}),
    reportFile,
    exitCode,
  } as FleetRow;
}

function fileStem(target: Target, report: Report): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');
  return [report.cluster.accountId ?? target.account ?? target.profile ?? 'default', target.region, target.cluster].map(safe).join('_');
}

function baseLiveSettings(args: ParsedArgs, rateLimiter: RequestRateLimiter): Omit<LiveSettings, 'clusterName'> {
  return { ...connectionSettings(args), rateLimiter };
}

async function listClusters(settings: Omit<LiveSettings, 'clusterName'>, io: CommandIo): Promise<{ account?: string; identityError?: string; clusters: string[] }> {
  const aws = await connectAws({ ...settings, clusterName: '' }, io);
  try {
    const [{ paginateListClusters }, { GetCallerIdentityCommand }] = await Promise.all([import('@aws-sdk/client-eks'), import('@aws-sdk/client-sts')]);
    let identityError: string | undefined;
    const identity = await aws.sts.send(new GetCallerIdentityCommand({})).catch((error: unknown) => {
      identityError = messageOf(error);
      return undefined;
    });
    const clusters: string[] = [];
    for await (const page of paginateListClusters({ client: aws.eks, pageSize: 100 }, {})) clusters.push(...(page.clusters ?? []));
    return { ...(identity?.Account ? { account: identity.Account } : {}), ...(identityError ? { identityError } : {}), clusters: clusters.sort() };
  } finally {
    aws.destroy();
  }
}

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(workers);
}

function messageOf(error: unknown): string {
  if (error instanceof UserError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
