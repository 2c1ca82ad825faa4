import type { CollectionError, Snapshot, ApiServerAccess } from '../snapshot/types.js';
import type { Finding, ResourceRef, Severity } from './finding.js';
import { isRootCause } from './correlate.js';
import { isIncomplete, type CheckResult } from './run-checks.js';
import type { SuppressionRule } from './suppress.js';

/** Bumped on any change to the report's shape; see schema/report.schema.json and the README. */
export const REPORT_SCHEMA_VERSION = '1.2';

export interface Report {
  schemaVersion: string;
  tool: { name: 'eks-doctor'; version: string };
  cluster: {
    name: string;
    region: string;
    arn?: string;
    version?: string;
    status?: string;
    accountId?: string;
  };
  generatedAt: string;
  snapshot: { capturedAt: string; description?: string; scenario?: string };
  identity?: { arn?: string; account?: string };
  kubernetesAccess?: ApiServerAccess;
  summary: {
    critical: number;
    warning: number;
    info: number;
    suppressed: number;
    rootCauses: number;
    /** `incomplete`: of the checks that passed or failed, those that could not see a part they use (schema 1.1). */
    checks: { total: number; pass: number; fail: number; error: number; skipped: number; incomplete: number };
  };
  checks: CheckResult[];
  findings: Finding[];
  /** API calls that failed while collecting, and what they cost. */
  collectionErrors: CollectionError[];
  /** The config file in effect (.eks-doctor.yaml or --config) and what each suppression did. */
  config?: { file: string; suppressions: SuppressionOutcome[] };
  /** In `--watch` output and with `--history`: what changed since the previous report (src/audit/changes.ts). */
  changes?: ReportChanges;
  /** Since 1.2: what changed on the resources of the root causes (and of unexplained symptoms) before the diagnosis (src/enrich). */
  changeHistory?: ChangeHistory;
}

/** Where a change was read. */
export const CHANGE_SOURCES = ['cloudtrail', 'eks-update', 'scaling-activity', 'managed-fields'] as const;
export type ChangeSource = (typeof CHANGE_SOURCES)[number];

/** One change to a resource a finding names, from one of the change sources. */
export interface ResourceChange {
  time: string;
  source: ChangeSource;
  /** The API call (DeleteNatGateway), the EKS update type (VersionUpdate), the activity, or the field manager's operation (Update, Apply). */
  action: string;
  resource: ResourceRef;
  /** Who: the identity ARN (with its role session), the field manager (kubectl-edit, eksctl, helm), or the service. */
  actor?: string;
  /** From where: the caller's address, or the AWS service that called on its behalf. */
  sourceAddress?: string;
  /** An EKS update's or a scaling activity's status (Successful, Failed, InProgress). */
  status?: string;
  /** An EKS update's parameters and errors. */
  detail?: string;
  /** Keys of the findings whose resources it touches. */
  findings: string[];
}

export interface ChangeSourceStatus {
  source: ChangeSource;
  /** `incomplete`: read in part (the request budget ran out); `failed`: the reads failed (`detail` says why). */
  status: 'read' | 'incomplete' | 'failed' | 'not-collected';
  detail?: string;
}

export interface ChangeHistory {
  /** The window looked at: from `since` to `until` (the snapshot's capture time). */
  since: string;
  until: string;
  /**
   * CloudTrail delivers an event minutes after the call: a change made in the last minutes before
   * `until` may not show yet, so an empty answer about them proves nothing.
   */
  deliveryDelayMinutes: number;
  /** Newest first. */
  changes: ResourceChange[];
  sources: ChangeSourceStatus[];
}

/**
 * One suppression from the config file and its effect on this report: `applied` silenced the
 * findings in `matched`; `expired` no longer silences them (they count again); `unused` matched
 * nothing (the problem is gone, or the entry has a typo).
 */
export interface SuppressionOutcome extends SuppressionRule {
  status: 'applied' | 'expired' | 'unused';
  /** Keys of the findings the entry matches. */
  matched: string[];
}

export interface ReportChanges {
  /** 1 for the first report of a watch, or of a history directory; one more on each run after. */
  run: number;
  /** Keys of active findings not in the previous report (on run 1: every active finding). */
  new: string[];
  /** Keys of active findings of the previous report that are gone (or now suppressed). */
  resolved: string[];
  /** Since 1.1: when the previous report compared with was made; absent on run 1. */
  previousGeneratedAt?: string;
  /** Since 1.1: active in both, more severe now. */
  escalated?: SeverityChange[];
  /** Since 1.1: active in both, less severe now. */
  deEscalated?: SeverityChange[];
  /** Since 1.1: active in both with the same severity. */
  unchanged?: KeptFinding[];
}

/** A finding active in the previous report and in this one. */
export interface KeptFinding {
  key: string;
  /** `generatedAt` of the first report of the unbroken run of reports that had it active. */
  firstSeen: string;
}

export interface SeverityChange extends KeptFinding {
  from: Severity;
  to: Severity;
}

export function buildReport(args: { snapshot: Snapshot; checks: CheckResult[]; findings: Finding[]; toolVersion: string; generatedAt?: Date; config?: Report['config'] }): Report {
  const { snapshot, checks, findings } = args;
  const cluster = snapshot.aws.cluster;
  const accountId = snapshot.aws.callerIdentity?.Account ?? cluster?.arn?.split(':')[4];
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'eks-doctor', version: args.toolVersion },
    cluster: {
      name: snapshot.cluster.name,
      region: snapshot.cluster.region,
      ...(cluster?.arn ? { arn: cluster.arn } : {}),
      ...(cluster?.version ? { version: cluster.version } : {}),
      ...(cluster?.status ? { status: cluster.status } : {}),
      ...(accountId ? { accountId } : {}),
    },
    generatedAt: (args.generatedAt ?? new Date()).toISOString(),
    snapshot: {
      capturedAt: snapshot.capturedAt,
      ...(snapshot.meta?.description ? { description: snapshot.meta.description } : {}),
      ...(snapshot.meta?.scenario ? { scenario: snapshot.meta.scenario } : {}),
    },
    ...(snapshot.aws.callerIdentity ? { identity: { arn: snapshot.aws.callerIdentity.Arn, account: snapshot.aws.callerIdentity.Account } } : {}),
    ...(snapshot.kubernetes.apiServer ? { kubernetesAccess: snapshot.kubernetes.apiServer } : {}),
    summary: summarize(checks, findings),
    checks,
    findings,
    collectionErrors: snapshot.errors,
    ...(args.config ? { config: args.config } : {}),
  };
}

/** The counts in `summary`, of the findings and check statuses after suppressions. */
function summarize(checks: CheckResult[], findings: Finding[]): Report['summary'] {
  const active = findings.filter((f) => !f.suppressed);
  const count = (s: Severity) => active.filter((f) => f.severity === s).length;
  const statusCount = (s: CheckResult['status']) => checks.filter((c) => c.status === s).length;
  return {
    critical: count('critical'),
    warning: count('warning'),
    info: count('info'),
    suppressed: findings.length - active.length,
    rootCauses: active.filter(isRootCause).length,
    checks: {
      total: checks.length,
      pass: statusCount('pass'),
      fail: statusCount('fail'),
      error: statusCount('error'),
      skipped: statusCount('skipped'),
      incomplete: checks.filter(isIncomplete).length,
    },
  };
}
