import { publishAudit, recordAudit } from '../audit/scheduled-run.js';
import type { Diagnostic } from '../engine/diagnostic.js';
import type { DiagnosisRunner } from '../engine/progress.js';
import { inSpan, NO_TRACE, PHASE } from '../trace/tracer.js';
import type { CommandIo } from './command.js';
import { emitReport } from './report-output.js';
import type { ReportSettings } from './report-settings.js';
import { maybeTraced, type TraceWriter } from './trace-option.js';
import { watchNdjson } from './watch-ndjson.js';

/**
 * The non-interactive end of every report command (diagnose, demo): either writes one report
 * (stdout, files, summary) or, with --watch, one JSON line per run. Returns the exit code. With --trace,
 * each run and its rendering are one trace.
 */
export async function deliverReport(runner: DiagnosisRunner, settings: ReportSettings, io: CommandIo, diagnostics: Diagnostic[], trace?: TraceWriter): Promise<number> {
  if (settings.watch) return watchNdjson(runner, settings, io, diagnostics, trace);
  return maybeTraced(trace, async (tracer) => {
    const started = performance.now();
    const fresh = await runner(tracer ? { tracer } : {});
    // --history first: the report written carries what changed since the last run.
    const audited = settings.audit ? recordAudit(fresh, (performance.now() - started) / 1000, settings.audit, io, diagnostics) : undefined;
    const report = audited?.report ?? fresh;
    const exitCode = await inSpan(tracer ?? NO_TRACE, PHASE.render, () => emitReport(report, settings, io, diagnostics));
    if (audited) await publishAudit([audited], settings.audit!, io);
    tracer?.run.set({ 'eks_doctor.exit_code': exitCode });
    return exitCode;
  });
}
