import { describe, expect, it } from 'vitest';
import type { Report } from '../engine/report.js';
import { LONG_FIX_COMMAND, lowIps, makeReport, narrowedReport, rootCause } from '../../test/tui/report-fixture.js';
import { detailLayout } from './FindingDetail.js';
import { INITIAL_SESSION, sessionReducer, type SessionState } from './session.js';
import { INITIAL_UI, reduceKey, screenOf, type Effect, type KeyFlags, type UiState } from './ui-state.js';

const SIZE = { columns: 80, rows: 24 };

/** A session after runs of these reports; a report given with `only` is a narrowed re-check (R). */
function sessionAfter(...runs: { report: Report; only?: string[] }[]): SessionState {
  return runs.reduce(
    (state, run) => sessionReducer(sessionReducer(state, { type: 'run-start', ...(run.only ? { only: run.only } : {}) }), { type: 'run-end', report: run.report, at: new Date('2026-11-26T16:05:00Z') }),
    INITIAL_SESSION,
  );
}

/** Presses keys in turn ('Enter', 'Esc', 'Tab', 'Down' by name, else typed), gathering the effects. */
function pressAll(session: SessionState, keys: string[], ui: UiState = INITIAL_UI, size = SIZE): { ui: UiState; effects: Effect[] } {
  const named: Record<string, KeyFlags> = { Enter: { return: true }, Esc: { escape: true }, Tab: { tab: true }, Down: { downArrow: true } };
  const effects: Effect[] = [];
  for (const k of keys) {
    const next = reduceKey(ui, session, size, named[k] ? '' : k, named[k] ?? {});
    ui = next.ui;
    effects.push(...next.effects);
  }
  return { ui, effects };
}

const session = sessionAfter({ report: makeReport() });

describe('the UI state as a reducer (no ink)', () => {
  it('j then Enter opens the row j moved to, Esc goes back to the list', () => {
    const { ui } = pressAll(session, ['j', 'Enter']);
    expect(ui.view).toBe('detail');
    expect(screenOf(ui, session, SIZE).current).toMatchObject({ kind: 'finding', finding: { key: lowIps.key } });
    expect(pressAll(session, ['Esc'], ui).ui.view).toBe('list');
  });

  it('c copies the selected fix command; Tab in a finding selects the next; q quits', () => {
    expect(pressAll(session, ['c']).effects).toEqual([{ type: 'copy', text: LONG_FIX_COMMAND }]);
    // The second command is the alternative way's: Tab moves over every way's commands.
    expect(pressAll(session, ['Enter', 'Tab', 'c']).effects).toEqual([{ type: 'copy', text: rootCause.fix.alternatives![0]!.commands[0] }]);
    expect(pressAll(session, ['q']).effects).toEqual([{ type: 'quit', print: [] }]);
    expect(pressAll(session, ['p']).effects).toEqual([{ type: 'quit', print: rootCause.fix.commands }]);
  });

  it('p in a finding prints the steps of the selected command’s way only, never of two ways', () => {
    expect(pressAll(session, ['Enter', 'p']).effects).toEqual([{ type: 'quit', print: rootCause.fix.commands }]);
    expect(pressAll(session, ['Enter', 'Tab', 'p']).effects).toEqual([{ type: 'quit', print: rootCause.fix.alternatives![0]!.commands }]);
  });

  it('typed search narrows the rows; Enter keeps it, Esc clears it', () => {
    const { ui } = pressAll(session, ['/', 'v', 'p', 'c', 'Enter']);
    expect(ui.searching).toBe(false);
    expect(screenOf(ui, session, SIZE).selectable.map((r) => (r.kind === 'finding' ? r.finding.title : r.check.id))).toEqual(['Add-on vpc-cni is two versions behind']);
    expect(pressAll(session, ['Esc'], ui).ui.filter.query).toBe('');
  });

  it('R re-checks the selected finding’s check; r everything', () => {
    expect(pressAll(session, ['j', 'R']).effects).toEqual([{ type: 'run', only: ['subnets'] }]);
    expect(pressAll(session, ['r']).effects).toEqual([{ type: 'run' }]);
  });

  it('a check that could not run is a row: selected, opened, it says why in full and what would let it run', () => {
    const { ui } = pressAll(session, ['G', 'Enter']);
    const screen = screenOf(ui, session, SIZE);
    expect(screen.current).toMatchObject({ kind: 'check', check: { id: 'lb-controller' } });
    const text = screen.lines.map((l) => l.text).join('\n');
    expect(text).toContain('could not read deployments: forbidden');
    expect(text).toMatch(/TO LET IT RUN/);
    expect(text).toMatch(/COULD HAVE EXPLAINED\n {2}- Service shop\/frontend has no load balancer address/);
    expect(pressAll(session, ['c'], ui).effects).toEqual([]);
  });

  it('the permission to grant for a denied call, with the identity in use', () => {
    const denied = makeReport(undefined, {
      checks: [{ id: 'subnets', title: 'Subnets', status: 'error', durationMs: 0, findings: 0, reason: 'could not read subnets: ec2:DescribeSubnets was denied (UnauthorizedOperation); grant ec2:DescribeSubnets', failedCalls: [{ call: 'ec2:DescribeSubnets', code: 'UnauthorizedOperation', kind: 'denied', permission: 'ec2:DescribeSubnets' }] }],
      collectionErrors: [{ part: 'aws.subnets', call: 'ec2:DescribeSubnets', kind: 'denied', code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.', permission: 'ec2:DescribeSubnets' }],
    });
    const s = sessionAfter({ report: denied });
    const text = screenOf(pressAll(s, ['G', 'Enter']).ui, s, SIZE).lines.map((l) => l.text.trim()).join(' ');
    expect(text).toContain('Allow ec2:DescribeSubnets to arn:aws:sts::111122223333:assumed-role/OnCall/alex');
    expect(text).toContain('policy/iam-policy.json');
  });

  it('f jumps from the first screen of a finding to its FIX', () => {
    const small = { columns: 80, rows: 14 };
    const opened = pressAll(session, ['Enter'], INITIAL_UI, small).ui;
    const screen = screenOf(opened, session, small);
    const fixShown = (offset: number) => detailLayout(screen.lines, screen.detailHeight, offset).shown.some((l) => l.kind === 'heading' && l.text === 'FIX');
    expect(fixShown(opened.detailOffset)).toBe(false);
    expect(fixShown(pressAll(session, ['f'], opened, small).ui.detailOffset)).toBe(true);
  });

  describe('after R, a partial view', () => {
    const partial = sessionAfter({ report: makeReport() }, { report: narrowedReport('aws-auth', []), only: ['aws-auth'] });

    it('keeps the full report’s structure, marks the re-checked rows, and Esc shows the full view', () => {
      const screen = screenOf(INITIAL_UI, partial, SIZE);
      expect(screen.partial?.only).toEqual(['aws-auth']);
      const rows = screen.rows;
      expect(rows[0]).toEqual({ kind: 'heading', text: 'ROOT CAUSES (1)' });
      expect(rows[1]).toMatchObject({ kind: 'finding', finding: { key: rootCause.key }, recheck: 'resolved' });
      // Rows of checks that did not run again are the full run's, unmarked.
      expect(rows.find((r) => r.kind === 'finding' && r.finding.key === lowIps.key)).not.toHaveProperty('recheck');
      const left = pressAll(partial, ['Esc']).ui;
      expect(screenOf(left, partial, SIZE).partial).toBeUndefined();
    });

    it('the next re-check’s partial view shows again', () => {
      const left = pressAll(partial, ['Esc']).ui;
      const again = sessionReducer(sessionReducer(partial, { type: 'run-start', only: ['subnets'] }), { type: 'run-end', report: narrowedReport('subnets', []), at: new Date() });
      expect(screenOf(left, again, SIZE).partial?.only).toEqual(['subnets']);
    });
  });
});
