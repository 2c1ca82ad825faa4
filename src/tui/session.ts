import type { Finding } from '../engine/finding.js';
import type { ProgressEvent } from '../engine/progress.js';
import type { Report } from '../engine/report.js';
import { diffFindings, type FindingsDiff } from '../engine/report-diff.js';
import { applyProgressEvent, EMPTY_PROGRESS, type RunProgress } from './progress-state.js';

/** The outcome of one finished re-check, compared with what was known before it. */
export interface RunChange {
  at: Date;
  /** The checks the run was narrowed to; undefined for a full run. */
  only?: string[];
  diff: FindingsDiff;
}

/** The diagnosis runs of one UI session: the one in flight, the report shown, what changed. */
export interface SessionState {
  running: boolean;
  /** Narrowing of the run in flight or of the report shown (undefined: all checks). */
  only?: string[];
  progress: RunProgress;
  /** The report on screen: the last run's, narrowed when that run was. */
  report?: Report;
  /** The last full run's report: it earns the exit code, since a narrowed run says nothing of the others. */
  fullReport?: Report;
  /** The latest findings of each check that ran, whichever run it was: the baseline for diffs. */
  knownByCheck: ReadonlyMap<string, Finding[]>;
  /** Changes of the last re-check (not set after the first run: nothing to compare with). */
  lastChange?: RunChange;
  runError?: string;
  completedRuns: number;
}

export type SessionAction =
  | { type: 'run-start'; only?: string[] }
  /** Events in the order they happened; several at once when they came in a burst. */
  | { type: 'progress'; events: ProgressEvent[]; at?: number }
  | { type: 'run-end'; report: Report; at: Date }
  | { type: 'run-failed'; message: string };

export const INITIAL_SESSION: SessionState = { running: false, progress: EMPTY_PROGRESS, knownByCheck: new Map(), completedRuns: 0 };

export function sessionReducer(state: SessionState, action: SessionAction): SessionState {
  switch (action.type) {
    case 'run-start': {
      const { runError: _cleared, only: _previous, ...rest } = state;
      return { ...rest, running: true, progress: EMPTY_PROGRESS, ...(action.only ? { only: action.only } : {}) };
    }
    case 'progress':
      return state.running ? { ...state, progress: action.events.reduce((progress, event) => applyProgressEvent(progress, event, action.at), state.progress) } : state;
    case 'run-end': {
      const ran = checksThatRan(action.report);
      const narrowed = state.only !== undefined;
      const previous = [...state.knownByCheck.values()].flat();
      const knownByCheck = new Map(state.knownByCheck);
      for (const check of ran) knownByCheck.set(check, action.report.findings.filter((f) => f.check === check));
      const change: RunChange | undefined =
        state.completedRuns > 0 ? { at: action.at, ...(narrowed ? { only: state.only } : {}), diff: diffFindings(previous, action.report.findings, narrowed ? { checks: ran } : {}) } : undefined;
      const { lastChange: _old, ...rest } = state;
      return {
        ...rest,
        running: false,
        report: action.report,
        ...(narrowed ? {} : { fullReport: action.report }),
        knownByCheck,
        ...(change ? { lastChange: change } : {}),
        completedRuns: state.completedRuns + 1,
      };
    }
    case 'run-failed': {
      // A failed re-check keeps the last report on screen, and its narrowing.
      const only = state.report && state.report !== state.fullReport ? state.only : undefined;
      const { only: _failed, ...rest } = state;
      return { ...rest, running: false, runError: action.message, ...(only ? { only } : {}) };
    }
  }
}

/** Checks that ran in a report: deselected ones report nothing about their findings. */
function checksThatRan(report: Report): string[] {
  return report.checks.filter((c) => !c.deselected).map((c) => c.id);
}
