import type { Finding } from '../engine/finding.js';
import type { ProgressEvent } from '../engine/progress.js';
import type { CheckStatus } from '../engine/run-checks.js';

export interface StepProgress {
  name: string;
  status: 'running' | 'ok' | 'failed';
  /** When it started (ms since the epoch), to say how long it has been waited for. */
  startedAt?: number;
  durationMs?: number;
  error?: string;
}

export interface CheckProgress {
  id: string;
  title: string;
  status: 'running' | CheckStatus;
  durationMs?: number;
  reason?: string;
  /** Not selected (--only/--skip): it ends without starting. */
  deselected?: true;
  /** As the check produced them, before correlation: shown while the rest still runs. */
  findings: Finding[];
}

/** What one diagnosis run has done so far, in the order things started. */
export interface RunProgress {
  steps: StepProgress[];
  checks: CheckProgress[];
  /** When the first step started: --timeout counts from there. */
  startedAt?: number;
}

export const EMPTY_PROGRESS: RunProgress = { steps: [], checks: [] };

/** `at`: when the event was received (ms since the epoch), when the caller knows it. */
export function applyProgressEvent(progress: RunProgress, event: ProgressEvent, at?: number): RunProgress {
  switch (event.type) {
    case 'collect-start':
      return {
        ...progress,
        ...(progress.startedAt === undefined && at !== undefined ? { startedAt: at } : {}),
        steps: upsert(progress.steps, (s) => s.name === event.step, { name: event.step, status: 'running', ...(at !== undefined ? { startedAt: at } : {}) }),
      };
    case 'collect-end':
      return {
        ...progress,
        steps: upsert(progress.steps, (s) => s.name === event.step, {
          name: event.step,
          status: event.ok ? 'ok' : 'failed',
          durationMs: event.durationMs,
          ...(event.error ? { error: event.error } : {}),
        }),
      };
    case 'check-start':
      return { ...progress, checks: upsert(progress.checks, (c) => c.id === event.id, { id: event.id, title: event.title, status: 'running', findings: [] }) };
    case 'check-end': {
      const r = event.result;
      return {
        ...progress,
        checks: upsert(progress.checks, (c) => c.id === r.id, {
          id: r.id,
          title: r.title,
          status: r.status,
          durationMs: r.durationMs,
          ...(r.reason ? { reason: r.reason } : {}),
          ...(r.deselected ? { deselected: true } : {}),
          findings: event.findings,
        }),
      };
    }
  }
}

/** Replaces the entry `matches` finds, or appends a new one: events for one step arrive in order. */
function upsert<T>(items: T[], matches: (item: T) => boolean, next: T): T[] {
  const index = items.findIndex(matches);
  if (index === -1) return [...items, next];
  return items.map((item, i) => (i === index ? next : item));
}

/** Checks deselected with --only/--skip end without starting; they are noise in a progress view. */
export function visibleChecks(progress: RunProgress): CheckProgress[] {
  return progress.checks.filter((c) => !c.deselected);
}

export function progressCounts(progress: RunProgress): { stepsDone: number; steps: number; checksDone: number; checks: number; findings: Finding[] } {
  const checks = visibleChecks(progress);
  return {
    stepsDone: progress.steps.filter((s) => s.status !== 'running').length,
    steps: progress.steps.length,
    checksDone: checks.filter((c) => c.status !== 'running').length,
    checks: checks.length,
    findings: checks.flatMap((c) => c.findings),
  };
}
