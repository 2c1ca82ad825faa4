/**
 * `--metrics-file` and `--pushgateway`: the last run in the Prometheus text exposition format
 * (https://prometheus.io/docs/instrumenting/exposition_formats/), without timestamps (the
 * node_exporter textfile collector rejects them, and the Pushgateway refuses them). Names follow
 * https://prometheus.io/docs/practices/naming/: an `eks_doctor_` prefix, base units (seconds),
 * `_timestamp_seconds` for Unix times, and an enum as one series per value (check status).
 *
 * Every series carries `cluster`, `account` and `region`, so the clusters of one file (from
 * `--all-clusters`) or of one Pushgateway never overwrite each other.
 */
import type { Report } from '../engine/report.js';
import type { CheckStatus } from '../engine/run-checks.js';
import { TOOL_VERSION } from '../version.js';
import { expectSuccess, httpSend } from './http-post.js';

const CHECK_STATUSES: CheckStatus[] = ['pass', 'fail', 'error', 'skipped'];

export interface RunMetrics {
  report: Report;
  durationSeconds: number;
  /** When the last run that could check the cluster ended (this one, or one kept in --history). */
  lastSuccessAt?: string;
}

interface Family {
  name: string;
  help: string;
  type: 'gauge';
  samples: { labels: Record<string, string>; value: number }[];
}

/** The documented metric families (docs/scheduled-audits.md#metrics), in the order they are written. */
export const METRIC_FAMILIES = {
  findings: { name: 'eks_doctor_findings', help: 'Active (not suppressed) findings of the last run, by check, finding id and severity.' },
  suppressed: { name: 'eks_doctor_suppressed_findings', help: 'Findings of the last run silenced by a suppression in the config file, by check, finding id and severity.' },
  checkStatus: { name: 'eks_doctor_check_status', help: 'Status of each check in the last run: 1 for its status (pass, fail, error, skipped), 0 for the others.' },
  collectionErrors: { name: 'eks_doctor_collection_errors', help: 'API calls that failed while collecting in the last run, by call and failure kind.' },
  duration: { name: 'eks_doctor_run_duration_seconds', help: 'How long the last run took, collection and checks.' },
  lastRun: { name: 'eks_doctor_last_run_timestamp_seconds', help: 'When the last run made its report (Unix time).' },
  lastSuccess: { name: 'eks_doctor_last_success_timestamp_seconds', help: 'When the last run that could check the cluster made its report (Unix time); stale when runs fail or stop.' },
  buildInfo: { name: 'eks_doctor_build_info', help: 'The eks-doctor version that made the report; always 1.' },
} as const;

export function clusterLabels(report: Report): Record<string, string> {
  return { cluster: report.cluster.name, account: report.cluster.accountId ?? '', region: report.cluster.region };
}

function families(runs: RunMetrics[]): Family[] {
  const family = (key: keyof typeof METRIC_FAMILIES): Family => ({ ...METRIC_FAMILIES[key], type: 'gauge', samples: [] });
  const f = {
    findings: family('findings'),
    suppressed: family('suppressed'),
    checkStatus: family('checkStatus'),
    collectionErrors: family('collectionErrors'),
    duration: family('duration'),
    lastRun: family('lastRun'),
    lastSuccess: family('lastSuccess'),
    buildInfo: family('buildInfo'),
  };
  for (const { report, durationSeconds, lastSuccessAt } of runs) {
    const cluster = clusterLabels(report);
    const findingCounts = new Map<string, { labels: Record<string, string>; active: number; suppressed: number }>();
    for (const finding of report.findings) {
      const id = `${finding.id}\u0000${finding.severity}`;
      const entry = findingCounts.get(id) ?? { labels: { ...cluster, check: finding.check, id: finding.id, severity: finding.severity }, active: 0, suppressed: 0 };
      if (finding.suppressed) entry.suppressed++;
      else entry.active++;
      findingCounts.set(id, entry);
    }
    for (const { labels, active, suppressed } of findingCounts.values()) {
      if (active > 0) f.findings.samples.push({ labels, value: active });
      if (suppressed > 0) f.suppressed.samples.push({ labels, value: suppressed });
    }
    for (const check of report.checks) {
      for (const status of CHECK_STATUSES) f.checkStatus.samples.push({ labels: { ...cluster, check: check.id, status }, value: check.status === status ? 1 : 0 });
    }
    const errors = new Map<string, { labels: Record<string, string>; value: number }>();
    for (const error of report.collectionErrors) {
      const id = `${error.call}\u0000${error.kind}`;
      const entry = errors.get(id) ?? { labels: { ...cluster, call: error.call, kind: error.kind }, value: 0 };
      entry.value++;
      errors.set(id, entry);
    }
    f.collectionErrors.samples.push(...errors.values());
    f.duration.samples.push({ labels: cluster, value: Math.round(durationSeconds * 1000) / 1000 });
    f.lastRun.samples.push({ labels: cluster, value: unixSeconds(report.generatedAt) });
    if (lastSuccessAt) f.lastSuccess.samples.push({ labels: cluster, value: unixSeconds(lastSuccessAt) });
    f.buildInfo.samples.push({ labels: { ...cluster, version: TOOL_VERSION }, value: 1 });
  }
  return Object.values(f);
}

function unixSeconds(iso: string): number {
  return new Date(iso).getTime() / 1000;
}

/** Label values escape backslash, double quote and line feed; HELP text backslash and line feed. */
function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function sampleLine(name: string, labels: Record<string, string>, value: number): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return `${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${Number.isFinite(value) ? String(value) : 'NaN'}`;
}

/** The text exposition of one or more runs (one per cluster), each family once, HELP and TYPE first. */
export function renderMetrics(runs: RunMetrics[]): string {
  const lines: string[] = [];
  for (const family of families(runs)) {
    lines.push(`# HELP ${family.name} ${family.help.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')}`, `# TYPE ${family.name} ${family.type}`);
    for (const s of family.samples) lines.push(sampleLine(family.name, s.labels, s.value));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The Pushgateway group of one cluster: /metrics/job/eks-doctor/account/…/region/…/cluster/….
 * Values are base64url-encoded (`label@base64/…`) when they hold a '/' or are empty, as the
 * Pushgateway's README specifies.
 */
export function pushgatewayGroupUrl(base: string, report: Report): string {
  const part = (label: string, value: string) =>
    value === '' || value.includes('/') ? `${label}@base64/${value === '' ? '=' : Buffer.from(value).toString('base64url')}` : `${label}/${encodeURIComponent(value)}`;
  const { account, region, cluster } = clusterLabels(report);
  return `${base}/metrics/${part('job', 'eks-doctor')}/${part('account', account)}/${part('region', region)}/${part('cluster', cluster)}`;
}

/** PUT replaces the cluster's whole group, so a finding gone since the last push disappears. */
export async function pushMetrics(base: string, run: RunMetrics, env: NodeJS.ProcessEnv): Promise<void> {
  expectSuccess(await httpSend('PUT', pushgatewayGroupUrl(base, run.report), renderMetrics([run]), 'text/plain; version=0.0.4; charset=utf-8', env));
}
