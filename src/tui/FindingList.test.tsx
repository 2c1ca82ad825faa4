import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { makeReport, oldAddon, rootCause } from '../../test/tui/report-fixture.js';
import { FindingList, windowStart } from './FindingList.js';
import { listRows, NO_FILTER } from './rows.js';

const rows = listRows(makeReport(), NO_FILTER);

describe('FindingList', () => {
  it('shows the root cause first with the count of symptoms it explains, and every severity as a word', () => {
    const { lastFrame } = render(<FindingList rows={rows} selectedRow={1} height={20} newKeys={new Set()} width={80} />);
    const lines = (lastFrame() ?? '').split('\n');
    expect(lines[0]).toBe('ROOT CAUSES (1)');
    expect(lines[1]).toMatch(/^› critical Node role demo-node-role is not mapped in aws-a.*explains 2 symptoms$/);
    expect(lines.find((l) => l.includes('vpc-cni'))).toMatch(/^ {2}info {5}Add-on vpc-cni/);
    expect(lines.find((l) => l.includes('shop/frontend'))).toMatch(/^ {2}warning {2}.*no cause found$/);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
  });

  it('marks findings that appeared at the last re-check', () => {
    const { lastFrame } = render(<FindingList rows={rows} selectedRow={1} height={20} newKeys={new Set([oldAddon.key])} width={80} />);
    expect(lastFrame()).toMatch(/Add-on vpc-cni is two versions behind {2}NEW/);
  });

  it('scrolls to keep the selected row in view and says where it is', () => {
    const last = rows.findIndex((r) => r.kind === 'finding' && r.finding.key === oldAddon.key);
    const { lastFrame } = render(<FindingList rows={rows} selectedRow={last} height={4} newKeys={new Set()} width={80} />);
    const frame = lastFrame() ?? '';
    expect(frame.split('\n')).toHaveLength(4);
    expect(frame).toContain('› info');
    expect(frame).not.toContain(rootCause.title);
    expect(frame).toMatch(/↑ rows \d+–\d+ of 10/);
  });

  it('windowStart keeps the selection in the window', () => {
    for (let selected = 0; selected < 30; selected += 1) {
      const start = windowStart(30, 7, selected);
      expect(selected).toBeGreaterThanOrEqual(start);
      expect(selected).toBeLessThan(start + 7);
    }
  });
});
