import { setTimeout as sleep } from 'node:timers/promises';
import type { DiagnosisRunner } from '../engine/progress.js';
import { reportChanges } from '../audit/changes.js';
import type { Report } from '../engine/report.js';
import type { Diagnostic } from '../engine/diagnostic.js';
import { UserError } from '../user-error.js';
import { expiredSuppressionWarnings } from '../engine/suppress.js';
import { inSpan, NO_TRACE, PHASE } from '../trace/tracer.js';
import type { CommandIo } from './command.js';
import { reportExitCode, writeReportFiles } from './report-output.js';
import type { ReportSettings } from './report-settings.js';
import { maybeTraced, type TraceWriter } from './trace-option.js';

/**
 * `--watch` for machines: re-runs the whole diagnosis every `seconds` (counted from the end of the
 * previous run) and writes each report as one JSON line with `changes`. Files given with
 * FORMAT=PATH are rewritten after each run. A run that fails after the first is reported on
 * stderr and the watch goes on; --watch-count ends it, with the exit code of the last report.
 * --trace rewrites its file after every run with that run's trace.
 */
export async function watchNdjson(runner: DiagnosisRunner, settings: ReportSettings, io: CommandIo, diagnostics: readonly Diagnostic[], trace?: TraceWriter): Promise<number> {
  const watch = settings.watch!;
  let previous: Report | undefined;
  let exitCode = 0;
  for (let run = 1; ; run++) {
    try {
      const report = await maybeTraced(trace, async (tracer) => {
        const report = await runner(tracer ? { tracer } : {});
        const changes = reportChanges(previous, report, run);
        if (run === 1) for (const warning of expiredSuppressionWarnings(report)) io.stderr.write(`${warning}\n`);
        const line: Report = { ...report, changes };
        await inSpan(tracer ?? NO_TRACE, PHASE.render, () => {
          // Files first: whoever reads the line may go and read the files.
          writeReportFiles(line, settings.files, diagnostics);
          io.stdout.write(`${JSON.stringify(line)}\n`);
        });
        tracer?.run.set({ 'eks_doctor.watch_run': run, 'eks_doctor.exit_code': reportExitCode(report, settings, diagnostics) });
        // With its changes: the next run carries each finding's first-seen time forward from it.
        return line;
      });
      exitCode = reportExitCode(report, settings, diagnostics);
      previous = report;
    } catch (error) {
      if (run === 1) throw error;
      const message = error instanceof UserError ? error.message : error instanceof Error ? error.message : String(error);
      io.stderr.write(`eks-doctor: watch run ${run} failed: ${message}; trying again in ${watch.seconds}s\n`);
    }
    if (watch.count !== undefined && run >= watch.count) return exitCode;
    await sleep(watch.seconds * 1000);
  }
}
