/**
 * `--notify`: what changed, told to people and to Alertmanager.
 *
 * - Slack (Block Kit, incoming webhook) and the JSON webhook get only what changed: new,
 *   escalated and resolved findings; nothing is sent when nothing changed, so a finding is told
 *   once, when it appears, and once more when it goes.
 * - Alertmanager gets what its client contract asks for (https://prometheus.io/docs/alerting/latest/clients/):
 *   every open finding on every run, with `endsAt` two schedule intervals ahead, so an alert stays
 *   firing between runs and ends by itself if the audit stops; a resolved finding once, with
 *   `endsAt` now. Alertmanager's grouping and inhibition then notify once.
 *
 * A notification that fails is said on stderr; it never changes the report or the exit code.
 * Payloads are built from the report, so --redact applies to them as to the report.
 */
import { findingHeadline, type Finding, type Severity } from '../engine/finding.js';
import type { Report } from '../engine/report.js';
import { TOOL_VERSION } from '../version.js';
import { checkRan, firstSeenByKey } from './changes.js';
import type { HistoryEntry } from './history.js';
import { expectSuccess, httpSend, targetName } from './http-post.js';
import type { NotifyFormat, NotifyTarget } from './options.js';

/** The findings behind a report's `changes` keys. */
export interface ChangedFindings {
  new: Finding[];
  escalated: { finding: Finding; from: Severity; firstSeen: string }[];
  resolved: Finding[];
}

export function changedFindings(entry: Pick<HistoryEntry, 'report' | 'base'>): ChangedFindings {
  const { report, base } = entry;
  const now = new Map(report.findings.map((f) => [f.key, f]));
  const before = new Map((base?.findings ?? []).map((f) => [f.key, f]));
  const changes = report.changes;
  return {
    new: (changes?.new ?? []).map((k) => now.get(k)).filter((f): f is Finding => f !== undefined),
    escalated: (changes?.escalated ?? []).flatMap((e) => (now.has(e.key) ? [{ finding: now.get(e.key)!, from: e.from, firstSeen: e.firstSeen }] : [])),
    resolved: (changes?.resolved ?? []).map((k) => before.get(k)).filter((f): f is Finding => f !== undefined),
  };
}

export function somethingChanged(changed: ChangedFindings): boolean {
  return changed.new.length + changed.escalated.length + changed.resolved.length > 0;
}

function firstFix(finding: Finding): string {
  return finding.fix.commands[0] ?? finding.fix.summary;
}

function clusterLabel(report: Report): string {
  return `${report.cluster.name} (${[report.cluster.accountId, report.cluster.region].filter(Boolean).join(', ')})`;
}

// ---- Slack ----------------------------------------------------------------------------------

/** Slack allows 50 blocks a message and 3,000 characters a text block; a long list is cut with a count. */
const SLACK_MAX_FINDING_BLOCKS = 40;
const SLACK_TEXT_LIMIT = 2900;
const SEVERITY_EMOJI: Record<Severity, string> = { critical: ':red_circle:', warning: ':large_orange_circle:', info: ':large_blue_circle:' };

/** Slack's mrkdwn needs &, < and > escaped (https://api.slack.com/reference/surfaces/formatting#escaping). */
function slackEscape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

export function slackMessage(report: Report, changed: ChangedFindings): { text: string; blocks: unknown[] } {
  const counts = [`${changed.new.length} new`, `${changed.escalated.length} escalated`, `${changed.resolved.length} resolved`].join(', ');
  const headline = `eks-doctor: ${clusterLabel(report)}: ${counts}`;
  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text, SLACK_TEXT_LIMIT) } });
  const items: { type: string; text: { type: string; text: string } }[] = [
    ...changed.new.map((f) => section(`${SEVERITY_EMOJI[f.severity]} *New ${f.severity}*: ${slackEscape(f.title)}\n${slackEscape(f.rootCause)}\n\`\`\`${slackEscape(firstFix(f))}\`\`\``)),
    ...changed.escalated.map(({ finding: f, from }) =>
      section(`${SEVERITY_EMOJI[f.severity]} *Escalated ${from} → ${f.severity}*: ${slackEscape(f.title)}\n${slackEscape(f.rootCause)}\n\`\`\`${slackEscape(firstFix(f))}\`\`\``),
    ),
    ...changed.resolved.map((f) => section(`:white_check_mark: *Resolved* (was ${f.severity}): ${slackEscape(f.title)}`)),
  ];
  const shown = items.slice(0, SLACK_MAX_FINDING_BLOCKS);
  const more = items.length - shown.length;
  return {
    text: headline,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(`eks-doctor: ${clusterLabel(report)}`, 150) } },
      section(`*${counts}* since the previous run${report.changes?.previousGeneratedAt ? ` (${report.changes.previousGeneratedAt})` : ''}`),
      ...shown,
      ...(more > 0 ? [section(`…and ${more} more: see the report`)] : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: `eks-doctor ${TOOL_VERSION} · run ${report.changes?.run ?? 1} · ${report.generatedAt}` }] },
    ],
  };
}

// ---- JSON webhook ---------------------------------------------------------------------------

export interface WebhookFinding {
  key: string;
  id: string;
  check: string;
  severity: Severity;
  title: string;
  rootCause: string;
  resources: Finding['resources'];
  fix: { summary: string; command?: string; docs: string[] };
}

export interface WebhookPayload {
  kind: 'eks-doctor.changes';
  cluster: Report['cluster'];
  generatedAt: string;
  run: number;
  previousGeneratedAt?: string;
  new: (WebhookFinding & { firstSeen: string })[];
  escalated: (WebhookFinding & { from: Severity; firstSeen: string })[];
  resolved: WebhookFinding[];
}

function webhookFinding(f: Finding): WebhookFinding {
  return {
    ...findingHeadline(f),
    resources: f.resources,
    fix: { summary: f.fix.summary, ...(f.fix.commands[0] ? { command: f.fix.commands[0] } : {}), docs: f.fix.docs },
  };
}

export function webhookPayload(report: Report, changed: ChangedFindings): WebhookPayload {
  return {
    kind: 'eks-doctor.changes',
    cluster: report.cluster,
    generatedAt: report.generatedAt,
    run: report.changes?.run ?? 1,
    ...(report.changes?.previousGeneratedAt ? { previousGeneratedAt: report.changes.previousGeneratedAt } : {}),
    new: changed.new.map((f) => ({ ...webhookFinding(f), firstSeen: report.generatedAt })),
    escalated: changed.escalated.map(({ finding, from, firstSeen }) => ({ ...webhookFinding(finding), from, firstSeen })),
    resolved: changed.resolved.map(webhookFinding),
  };
}

// ---- Alertmanager ---------------------------------------------------------------------------

/** One alert of Alertmanager's API v2 (`POST /api/v2/alerts`, postableAlert). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

function alertLabels(report: Report, f: Finding): Record<string, string> {
  return {
    alertname: f.id,
    cluster: report.cluster.name,
    ...(report.cluster.accountId ? { account: report.cluster.accountId } : {}),
    region: report.cluster.region,
    check: f.check,
    severity: f.severity,
    // Two findings of one id on two resources are two alerts: the key tells them apart.
    key: f.key,
  };
}

function alertFor(report: Report, f: Finding, startsAt: string, endsAt: Date): PostableAlert {
  return {
    labels: alertLabels(report, f),
    annotations: {
      title: f.title,
      root_cause: f.rootCause,
      fix_command: firstFix(f),
      ...(f.fix.docs[0] ? { runbook_url: f.fix.docs[0] } : {}),
    },
    startsAt,
    endsAt: endsAt.toISOString(),
  };
}

/**
 * Every open finding (and, for a check that could not run this time, what it found last time: not
 * known to be fixed) firing until two intervals from now; resolved findings, and the old severity
 * of an escalated or de-escalated one (its labels changed), ended now.
 */
export function alertmanagerAlerts(entry: Pick<HistoryEntry, 'report' | 'base'>, now: Date, scheduleIntervalSeconds: number): PostableAlert[] {
  const { report, base } = entry;
  const firing = new Date(now.getTime() + 2 * scheduleIntervalSeconds * 1000);
  const firstSeen = new Map<string, string>([
    ...(report.changes?.unchanged ?? []).map((k) => [k.key, k.firstSeen] as const),
    ...(report.changes?.escalated ?? []).map((k) => [k.key, k.firstSeen] as const),
    ...(report.changes?.deEscalated ?? []).map((k) => [k.key, k.firstSeen] as const),
  ]);
  const since = (f: Finding) => firstSeen.get(f.key) ?? report.generatedAt;
  const seenBefore = base ? firstSeenByKey(base) : new Map<string, string>();
  const notRun = new Set(report.checks.filter((c) => !checkRan(c)).map((c) => c.id));
  const open = report.findings.filter((f) => !f.suppressed);
  const carried = (base?.findings ?? []).filter((f) => !f.suppressed && notRun.has(f.check) && !open.some((o) => o.key === f.key));
  const before = new Map((base?.findings ?? []).map((f) => [f.key, f]));
  const ended = [
    ...(report.changes?.resolved ?? []).map((k) => before.get(k)),
    ...[...(report.changes?.escalated ?? []), ...(report.changes?.deEscalated ?? [])].map((k) => before.get(k.key)),
  ].filter((f): f is Finding => f !== undefined);
  return [
    ...open.map((f) => alertFor(report, f, since(f), firing)),
    ...carried.map((f) => alertFor(report, f, seenBefore.get(f.key) ?? report.generatedAt, firing)),
    ...ended.map((f) => alertFor(report, f, seenBefore.get(f.key) ?? report.generatedAt, now)),
  ];
}

// ---- Sending ---------------------------------------------------------------------------------

export interface NotifyOutcome {
  format: NotifyFormat;
  target: string;
  /** sent; skipped (nothing changed); failed (said on stderr). */
  status: 'sent' | 'skipped' | 'failed';
  error?: string;
}

export interface NotifyContext {
  env: NodeJS.ProcessEnv;
  now: Date;
  scheduleIntervalSeconds: number;
  warn: (message: string) => void;
}

export async function notifyAll(entry: Pick<HistoryEntry, 'report' | 'base'>, targets: NotifyTarget[], context: NotifyContext): Promise<NotifyOutcome[]> {
  const changed = changedFindings(entry);
  return Promise.all(
    targets.map(async (t): Promise<NotifyOutcome> => {
      const base = { format: t.format, target: targetName(t.url) };
      const body =
        t.format === 'alertmanager'
          ? alertmanagerAlerts(entry, context.now, context.scheduleIntervalSeconds)
          : !somethingChanged(changed)
            ? undefined
            : t.format === 'slack'
              ? slackMessage(entry.report, changed)
              : webhookPayload(entry.report, changed);
      if (body === undefined || (Array.isArray(body) && body.length === 0)) return { ...base, status: 'skipped' };
      try {
        expectSuccess(await httpSend('POST', t.url, JSON.stringify(body), 'application/json', context.env));
        return { ...base, status: 'sent' };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        context.warn(`eks-doctor: could not notify ${t.format} at ${base.target}: ${message} (the report and the exit code are unaffected)`);
        return { ...base, status: 'failed', error: message };
      }
    }),
  );
}
