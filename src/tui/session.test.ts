import { describe, expect, it } from 'vitest';
import { ALL_FINDINGS, lowIps, makeReport, rootCause, symptomA, symptomB } from '../../test/tui/report-fixture.js';
import { INITIAL_SESSION, sessionReducer, type SessionAction, type SessionState } from './session.js';

const at = new Date('2026-11-26T16:05:00Z');
const run = (state: SessionState, report = makeReport(), only?: string[]): SessionState =>
  [{ type: 'run-start', ...(only ? { only } : {}) } as SessionAction, { type: 'run-end', report, at } as SessionAction].reduce(sessionReducer, state);

describe('sessionReducer', () => {
  it('shows the first report without a change banner: there is nothing to compare with', () => {
    const state = run(INITIAL_SESSION);
    expect(state.report?.findings).toHaveLength(ALL_FINDINGS.length);
    expect(state.fullReport).toBe(state.report);
    expect(state.lastChange).toBeUndefined();
  });

  it('after a re-check, says what was resolved and what is new by key', () => {
    const fixed = makeReport(ALL_FINDINGS.filter((f) => ![rootCause.key, symptomA.key, symptomB.key].includes(f.key)));
    const state = run(run(INITIAL_SESSION), fixed);
    expect(state.lastChange?.diff.resolved.map((f) => f.key).sort()).toEqual([rootCause.key, symptomA.key, symptomB.key].sort());
    expect(state.lastChange?.diff.new).toEqual([]);
    expect(state.lastChange?.at).toEqual(at);
  });

  it('a re-check of one check compares only that check and leaves the full report to earn the exit code', () => {
    const first = run(INITIAL_SESSION);
    const onlySubnets = makeReport([], {
      checks: makeReport().checks.map((c) => (c.id === 'subnets' ? { ...c, status: 'pass' as const, findings: 0 } : { ...c, status: 'skipped' as const, reason: 'not selected (--only/--skip)', deselected: true as const })),
    });
    const state = run(first, onlySubnets, ['subnets']);
    expect(state.lastChange?.only).toEqual(['subnets']);
    expect(state.lastChange?.diff.resolved.map((f) => f.key)).toEqual([lowIps.key]);
    expect(state.report).toBe(onlySubnets);
    expect(state.fullReport).toBe(first.fullReport);
    // A full re-check afterwards compares with what each check last said: subnets is already resolved.
    const full = run(state, makeReport(ALL_FINDINGS.filter((f) => f.key !== lowIps.key)));
    expect(full.lastChange?.diff).toMatchObject({ resolved: [], new: [], escalated: [], deEscalated: [] });
  });

  it('keeps the last report on screen when a re-check fails', () => {
    const first = run(INITIAL_SESSION);
    const failed = [{ type: 'run-start' } as SessionAction, { type: 'run-failed', message: 'credentials expired' } as SessionAction].reduce(sessionReducer, first);
    expect(failed.running).toBe(false);
    expect(failed.report).toBe(first.report);
    expect(failed.runError).toBe('credentials expired');
  });

  it('collects progress only while a run is in flight', () => {
    const running = sessionReducer(INITIAL_SESSION, { type: 'run-start' });
    const progressed = sessionReducer(running, {
      type: 'progress',
      events: [
        { type: 'collect-start', step: 'snapshot' },
        { type: 'collect-end', step: 'snapshot', durationMs: 3, ok: true },
      ],
    });
    expect(progressed.progress.steps).toEqual([{ name: 'snapshot', status: 'ok', durationMs: 3 }]);
    expect(sessionReducer(INITIAL_SESSION, { type: 'progress', events: [{ type: 'collect-start', step: 'x' }] })).toBe(INITIAL_SESSION);
  });
});
