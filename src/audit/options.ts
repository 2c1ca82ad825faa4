/**
 * The scheduled audit's options: --history, --notify, --metrics-file, --pushgateway. Declared with
 * the report options (src/cli/report-options.ts), parsed here, without I/O: nothing is read or
 * sent until a report exists.
 */
import { UserError } from '../user-error.js';
import { numberValue, stringValue, type OptionSpec, type ParsedArgs } from '../cli/command.js';

export const DEFAULT_HISTORY_KEEP = 30;
/** deploy/kubernetes/cronjob.yaml runs hourly; its alerts must outlive one missed run. */
export const DEFAULT_SCHEDULE_INTERVAL_SECONDS = 3600;

export const NOTIFY_FORMATS = ['slack', 'webhook', 'alertmanager'] as const;
export type NotifyFormat = (typeof NOTIFY_FORMATS)[number];

export const AUDIT_OPTIONS: OptionSpec[] = [
  { name: 'history', type: 'string', valueName: 'DIR', description: 'Keep each report in DIR/<account>_<region>_<cluster>/ and add what changed since the last one (changes); needed by --notify' },
  { name: 'history-keep', type: 'string', valueName: 'N', description: `Reports kept per cluster in --history (default ${DEFAULT_HISTORY_KEEP})` },
  {
    name: 'notify',
    type: 'string',
    multiple: true,
    valueName: '[FORMAT=]URL',
    description: 'Send what changed to a Slack incoming webhook, a JSON webhook or Alertmanager (/api/v2/alerts); repeat for several. FORMAT: slack, webhook, alertmanager (default: from the URL)',
  },
  { name: 'notify-format', type: 'string', valueName: 'FORMAT', description: 'Format of every --notify URL that names none: slack, webhook, alertmanager', choices: NOTIFY_FORMATS },
  {
    name: 'schedule-interval',
    type: 'string',
    valueName: 'SECONDS',
    description: `How often the audit runs; Alertmanager alerts end 2 intervals after the run that sent them (default ${DEFAULT_SCHEDULE_INTERVAL_SECONDS})`,
  },
  { name: 'metrics-file', type: 'string', valueName: 'PATH', description: 'Write Prometheus metrics (text format) to PATH, atomically, for a textfile collector' },
  { name: 'pushgateway', type: 'string', valueName: 'URL', description: 'Push the same metrics to a Prometheus Pushgateway, grouped by account, region and cluster' },
];

export interface NotifyTarget {
  format: NotifyFormat;
  url: string;
}

export interface AuditSettings {
  history?: { dir: string; keep: number };
  notify: NotifyTarget[];
  scheduleIntervalSeconds: number;
  metricsFile?: string;
  pushgateway?: string;
}

/** The audit settings, or undefined when no audit option was given (a plain diagnosis). */
export function auditSettings(args: ParsedArgs, context: { watch: boolean }): AuditSettings | undefined {
  const v = args.values;
  const given = AUDIT_OPTIONS.filter((o) => v[o.name] !== undefined).map((o) => `--${o.name}`);
  if (given.length === 0) return undefined;
  if (context.watch) throw new UserError(`${given[0]} is for scheduled runs; it does not combine with --watch`, 'A --watch keeps its own changes on each line; run eks-doctor from a schedule (a CronJob) for a history.');
  const dir = stringValue(v.history);
  const keep = numberValue('history-keep', v['history-keep'], { min: 1, integer: true });
  if (keep !== undefined && dir === undefined) throw new UserError('--history-keep needs --history DIR');
  const notifyValues = Array.isArray(v.notify) ? v.notify : typeof v.notify === 'string' ? [v.notify] : [];
  const defaultFormat = stringValue(v['notify-format']) as NotifyFormat | undefined;
  if (defaultFormat !== undefined && notifyValues.length === 0) throw new UserError('--notify-format needs --notify URL');
  const notify = notifyValues.map((value) => notifyTarget(value, defaultFormat));
  if (notify.length > 0 && dir === undefined) {
    throw new UserError('--notify needs --history DIR', 'Notifications say what changed since the previous run, which is read from the history: add --history /reports/history (a directory that survives between runs).');
  }
  const interval = numberValue('schedule-interval', v['schedule-interval'], { min: 1 });
  const pushgateway = stringValue(v.pushgateway);
  if (pushgateway !== undefined) httpUrl('--pushgateway', pushgateway);
  const metricsFile = stringValue(v['metrics-file']);
  return {
    ...(dir !== undefined ? { history: { dir, keep: keep ?? DEFAULT_HISTORY_KEEP } } : {}),
    notify,
    scheduleIntervalSeconds: interval ?? DEFAULT_SCHEDULE_INTERVAL_SECONDS,
    ...(metricsFile !== undefined ? { metricsFile } : {}),
    ...(pushgateway !== undefined ? { pushgateway: pushgateway.replace(/\/+$/, '') } : {}),
  };
}

/** `slack=https://…`, or a bare URL whose format --notify-format or the URL itself gives. */
export function notifyTarget(value: string, defaultFormat?: NotifyFormat): NotifyTarget {
  const prefixed = /^([a-z]+)=(.*)$/s.exec(value);
  if (prefixed && (NOTIFY_FORMATS as readonly string[]).includes(prefixed[1]!)) {
    return { format: prefixed[1] as NotifyFormat, url: httpUrl('--notify', prefixed[2]!).href };
  }
  const url = httpUrl('--notify', value);
  return { format: defaultFormat ?? formatFromUrl(url), url: url.href };
}

/** Slack's incoming webhooks live on hooks.slack.com; Alertmanager's API ends in /api/v2/alerts; anything else gets the JSON webhook. */
export function formatFromUrl(url: URL): NotifyFormat {
  if (url.hostname === 'hooks.slack.com') return 'slack';
  if (/\/api\/v2\/alerts\/?$/.test(url.pathname)) return 'alertmanager';
  return 'webhook';
}

function httpUrl(flag: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(`${flag} needs an http:// or https:// URL; got '${value}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError(`${flag} needs an http:// or https:// URL; got '${value}'`);
  return url;
}
