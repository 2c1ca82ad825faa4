import { describe, expect, it } from 'vitest';
import { lowIps, makeReport, oldAddon, rootCause } from '../../test/tui/report-fixture.js';
import { reportChanges } from './changes.js';

const at = (hour: number) => `2026-11-26T${String(hour).padStart(2, '0')}:00:00.000Z`;

describe('reportChanges', () => {
  it('on the first run every active finding is new, and nothing is kept', () => {
    const first = makeReport([rootCause, { ...lowIps, suppressed: { reason: 'known' } }], { generatedAt: at(1) });
    expect(reportChanges(undefined, first, 1)).toEqual({ run: 1, new: [rootCause.key], resolved: [], escalated: [], deEscalated: [], unchanged: [] });
  });

  it('carries the first-seen time forward through unchanged, escalated and de-escalated runs', () => {
    const one = makeReport([rootCause, oldAddon], { generatedAt: at(1) });
    one.changes = reportChanges(undefined, one, 1);
    const two = makeReport([rootCause, oldAddon, lowIps], { generatedAt: at(2) });
    two.changes = reportChanges(one, two, 2);
    expect(two.changes).toEqual({
      run: 2,
      new: [lowIps.key],
      resolved: [],
      previousGeneratedAt: at(1),
      escalated: [],
      deEscalated: [],
      unchanged: [
        { key: rootCause.key, firstSeen: at(1) },
        { key: oldAddon.key, firstSeen: at(1) },
      ],
    });
    const worse = { ...oldAddon, severity: 'warning' as const };
    const milder = { ...lowIps, severity: 'warning' as const };
    const three = makeReport([worse, milder], { generatedAt: at(3) });
    three.changes = reportChanges(two, three, 3);
    expect(three.changes).toEqual({
      run: 3,
      new: [],
      resolved: [rootCause.key],
      previousGeneratedAt: at(2),
      escalated: [{ key: oldAddon.key, firstSeen: at(1), from: 'info', to: 'warning' }],
      // lowIps was new in run 2: first seen then.
      deEscalated: [{ key: lowIps.key, firstSeen: at(2), from: 'critical', to: 'warning' }],
      unchanged: [],
    });
  });

  it('a finding that comes back after being resolved is new again, first seen anew', () => {
    const one = makeReport([rootCause], { generatedAt: at(1) });
    one.changes = reportChanges(undefined, one, 1);
    const two = makeReport([], { generatedAt: at(2) });
    two.changes = reportChanges(one, two, 2);
    const three = makeReport([rootCause], { generatedAt: at(3) });
    three.changes = reportChanges(two, three, 3);
    expect(three.changes.new).toEqual([rootCause.key]);
    const four = makeReport([rootCause], { generatedAt: at(4) });
    expect(reportChanges(three, four, 4).unchanged).toEqual([{ key: rootCause.key, firstSeen: at(3) }]);
  });

  it('a previous report without changes (written by 1.0) dates its findings at its own time', () => {
    const old = makeReport([rootCause], { generatedAt: at(5) });
    expect(reportChanges(old, makeReport([rootCause], { generatedAt: at(6) }), 2).unchanged).toEqual([{ key: rootCause.key, firstSeen: at(5) }]);
  });
});
