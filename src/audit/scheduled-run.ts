/**
 * A scheduled run's extra outputs, around the ordinary report: the history (before the report is
 * written, so the report carries `changes`), then notifications, the Pushgateway and the metrics
 * file (after it). Only the history can fail the run (it is what the next run compares with);
 * notifications and metrics that cannot be delivered are said on stderr and change nothing else.
 */
import type { Report } from '../engine/report.js';
import { recordInHistory, runSucceeded, writeAtomically, type CheckCatalogue, type HistoryEntry } from './history.js';
import { pushMetrics, renderMetrics, type RunMetrics } from './metrics.js';
import { notifyAll, type NotifyOutcome } from './notify.js';
import type { AuditSettings } from './options.js';
import { targetName } from './http-post.js';

export interface AuditRecord {
  report: Report;
  entry?: HistoryEntry;
  metrics: RunMetrics;
}

export interface AuditIo {
  env: NodeJS.ProcessEnv;
  stderr: { write(s: string): unknown };
}

/** Records the report in the history when there is one; the returned report carries `changes`. */
export function recordAudit(report: Report, durationSeconds: number, audit: AuditSettings, io: AuditIo, catalogue: CheckCatalogue): AuditRecord {
  const warn = (message: string) => io.stderr.write(`${message}\n`);
  const entry = audit.history ? recordInHistory(report, audit.history, catalogue, warn) : undefined;
  const recorded = entry?.report ?? report;
  const lastSuccessAt = entry ? entry.lastSuccessAt : runSucceeded(report, catalogue) ? report.generatedAt : undefined;
  return { report: recorded, ...(entry ? { entry } : {}), metrics: { report: recorded, durationSeconds, ...(lastSuccessAt ? { lastSuccessAt } : {}) } };
}

export interface PublishOutcome {
  notifications: NotifyOutcome[];
  pushed: number;
  metricsFile?: string;
}

/** Notifies and pushes each cluster's run, then writes every run's metrics to --metrics-file. */
export async function publishAudit(records: AuditRecord[], audit: AuditSettings, io: AuditIo, now: Date = new Date()): Promise<PublishOutcome> {
  const warn = (message: string) => io.stderr.write(`${message}\n`);
  const outcome: PublishOutcome = { notifications: [], pushed: 0 };
  await Promise.all(
    records.map(async (record) => {
      if (record.entry && audit.notify.length > 0) {
        outcome.notifications.push(...(await notifyAll(record.entry, audit.notify, { env: io.env, now, scheduleIntervalSeconds: audit.scheduleIntervalSeconds, warn })));
      }
      if (audit.pushgateway) {
        try {
          await pushMetrics(audit.pushgateway, record.metrics, io.env);
          outcome.pushed++;
        } catch (error) {
          warn(`eks-doctor: could not push metrics to the Pushgateway at ${targetName(audit.pushgateway)}: ${(error as Error).message} (the report and the exit code are unaffected)`);
        }
      }
    }),
  );
  if (audit.metricsFile && records.length > 0) {
    try {
      writeAtomically(audit.metricsFile, renderMetrics(records.map((r) => r.metrics)));
      outcome.metricsFile = audit.metricsFile;
    } catch (error) {
      warn(`eks-doctor: ${(error as Error).message} (the report and the exit code are unaffected)`);
    }
  }
  return outcome;
}
