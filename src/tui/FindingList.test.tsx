import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { ALL_FINDINGS, finding, makeReport, oldAddon, rootCause } from '../../test/tui/report-fixture.js';
import { FindingList, listWindow } from './FindingList.js';
import { listRows, NO_FILTER } from './rows.js';

const rows = listRows(makeReport(), NO_FILTER);

describe('FindingList', () => {
  it('shows the root cause first with the count of symptoms it explains, and every severity as a word', () => {
    const { lastFrame } = render(<FindingList rows={rows} selectedRow={1} height={20} newKeys={new Set()} width={80} />);
    const lines = (lastFrame() ?? '').split('\n');
    expect(lines[0]).toBe('ROOT CAUSES (1)');
    // The title is whole; the tag yields the room it needs ("explains 2 symptoms" -> "2 symptoms").
    expect(lines[1]).toBe('› critical Node role demo-node-role is not mapped in aws-auth  2 symptoms');
    expect(lines.find((l) => l.includes('vpc-cni'))).toMatch(/^ {2}info {5}Add-on vpc-cni/);
    expect(lines.find((l) => l.includes('shop/frontend'))).toMatch(/^ {2}warning {2}.*no cause found$/);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
  });

  it('with room, the tag says it in full', () => {
    const { lastFrame } = render(<FindingList rows={rows} selectedRow={1} height={20} newKeys={new Set()} width={100} />);
    expect((lastFrame() ?? '').split('\n')[1]).toBe('› critical Node role demo-node-role is not mapped in aws-auth  explains 2 symptoms');
  });

  it('at 80 and 60 columns, a title longer than the row continues on the next line, whole, under itself', () => {
    const long = finding({ id: 'node-iam-role/cni-policy-missing', severity: 'critical', title: 'Node role shop-prod-node-role lacks AmazonEKS_CNI_Policy and aws-node has no role of its own' });
    const report = makeReport([long, ...ALL_FINDINGS]);
    for (const width of [80, 60]) {
      const { lastFrame } = render(<FindingList rows={listRows(report, NO_FILTER)} selectedRow={2} height={30} newKeys={new Set()} width={width} />);
      const lines = (lastFrame() ?? '').split('\n');
      expect(lines.every((l) => l.length <= width)).toBe(true);
      const first = lines.findIndex((l) => l.includes('Node role shop-prod-node-role'));
      const joined = lines.slice(first, first + 3).map((l) => l.slice(11).trim()).join(' ');
      expect(joined).toContain(long.title);
      expect(lines[first + 1]).toMatch(/^ {11}\S/);
    }
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

  it('listWindow keeps the selected row whole in the window, rows of one line or more', () => {
    const heights = Array.from({ length: 30 }, (_, i) => 1 + (i % 3));
    for (let selected = 0; selected < 30; selected += 1) {
      const { start, end } = listWindow(heights, 8, selected);
      expect(selected).toBeGreaterThanOrEqual(start);
      expect(selected).toBeLessThan(end);
      expect(heights.slice(start, end).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(7);
    }
  });
});
