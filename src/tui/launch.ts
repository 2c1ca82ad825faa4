import type { DiagnosisRunner } from '../engine/progress.js';
import type { Report } from '../engine/report.js';
import type { WaitLimits } from './waiting.js';
import { timedImport } from '../trace/tracer.js';

/**
 * The door to the interactive UI. This module imports neither ink nor React: the plain paths
 * (`--output json`, pipes, `--version`) import only this, and pay nothing for the UI.
 */
export interface TuiOptions {
  runner: DiagnosisRunner;
  /** What is diagnosed, shown until the first report names the cluster ("snapshot bundle.json"). */
  target: string;
  /** The exit code a report earns, exactly as in the plain modes (--fail-on, --fail-on-error). */
  exitCode: (report: Report) => number;
  color: boolean;
  /** Re-check every this many seconds (--watch). */
  watchSeconds?: number;
  /** --call-timeout and --timeout of a live collection: a waiting call counts down to them. */
  waitLimits?: WaitLimits;
}

/** The UI runs only when a person is at a terminal on both ends and asked for no other format. */
export function interactiveWanted(io: { stdin: { isTTY?: boolean }; stdout: { isTTY?: boolean } }, outputGiven: boolean): boolean {
  return !outputGiven && io.stdin.isTTY === true && io.stdout.isTTY === true;
}

/** Loads ink and React now, runs the UI on this process's terminal, and resolves to the exit code. */
export async function launchTui(options: TuiOptions): Promise<number> {
  const { runTui } = await timedImport('tui', () => import('./run.js'));
  return runTui(options, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
}
