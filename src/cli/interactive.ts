import type { Diagnostic } from '../engine/diagnostic.js';
import type { DiagnosisRunner } from '../engine/progress.js';
import { showFirstFrame } from '../tui/first-frame.js';
import { interactiveWanted, launchTui } from '../tui/launch.js';
import type { WaitLimits } from '../tui/waiting.js';
import type { CommandIo } from './command.js';
import { deliverReport } from './deliver-report.js';
import { reportExitCode } from './report-output.js';
import type { ReportSettings } from './report-settings.js';
import type { TraceWriter } from './trace-option.js';

/**
 * Whether the report goes to the interactive UI: a person at a terminal on both ends who asked for
 * no other output, no --debug (its lines would tear the screen), and not a scheduled audit.
 */
export function interactiveReport(io: CommandIo, settings: ReportSettings, debug: boolean): boolean {
  return interactiveWanted(io, settings.outputGiven) && !debug && !settings.audit;
}

/**
 * When the UI will run, draws its header now, before the checks, the SDK and ink load (seconds on
 * a cold machine), and says what is being started; returns whether the UI will run.
 */
export function startInteractiveScreen(io: CommandIo, settings: ReportSettings, args: { debug: boolean; target: string; doing: string }): boolean {
  const interactive = interactiveReport(io, settings, args.debug);
  if (interactive) showFirstFrame(io.stdout, args.target, args.doing);
  return interactive;
}

/**
 * The output decision every report command (diagnose, demo) shares: a person at a terminal (stdin
 * and stdout both TTYs) who asked for no --output gets the interactive UI; everyone else the plain
 * end (report, files, NDJSON --watch). Both earn the exit code the same way.
 */
export async function reportInteractivelyOrPlain(args: {
  runner: DiagnosisRunner;
  settings: ReportSettings;
  io: CommandIo;
  diagnostics: Diagnostic[];
  /** What is diagnosed, for the UI's header until the first report names the cluster. */
  target: string;
  /** The command's own decision when it has more reasons than the terminals (--debug); else interactiveWanted. */
  interactive?: boolean;
  /** --trace: every run recorded (in the UI, each re-check rewrites the file). */
  trace?: TraceWriter;
  /** A live collection's --call-timeout and --timeout: the UI counts a waiting call down to them. */
  waitLimits?: WaitLimits;
}): Promise<number> {
  const { runner, settings, io, diagnostics, target, trace } = args;
  // A scheduled run's outputs (--history, --notify, metrics) belong to the plain path.
  const interactive = (args.interactive ?? interactiveWanted(io, settings.outputGiven)) && !settings.audit;
  if (!interactive) return deliverReport(runner, settings, io, diagnostics, trace);
  return launchTui({
    runner: trace ? trace.traced(runner) : runner,
    target,
    exitCode: (report) => reportExitCode(report, settings, diagnostics),
    color: settings.color,
    // A re-check every 0 seconds would hammer a live cluster's APIs: at least one second between runs.
    ...(settings.watch ? { watchSeconds: Math.max(1, settings.watch.seconds) } : {}),
    ...(args.waitLimits ? { waitLimits: args.waitLimits } : {}),
  });
}
