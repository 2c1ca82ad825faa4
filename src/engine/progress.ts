import type { Tracer } from '../trace/tracer.js';
import type { Report } from './report.js';
import type { CheckEvent } from './run-checks.js';

/**
 * Progress of one diagnosis, for live displays (the TUI's spinners, --debug). Collection steps are
 * named after what they read ('eks:DescribeCluster', 'Kubernetes nodes'); checks by their id.
 */
export type CollectEvent =
  | { type: 'collect-start'; step: string }
  | { type: 'collect-end'; step: string; durationMs: number; ok: boolean; error?: string };

export type ProgressEvent = CollectEvent | CheckEvent;

/**
 * Runs one whole diagnosis (collect when live, then checks and correlation). The TUI and --watch
 * call it again to re-check; `only` narrows a re-check to some checks; `tracer` records the run (--trace).
 */
export type DiagnosisRunner = (args: { onEvent?: (event: ProgressEvent) => void; only?: string[]; tracer?: Tracer }) => Promise<Report>;
