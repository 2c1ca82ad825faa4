import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { makeReport, rootCause } from '../../test/tui/report-fixture.js';
import { detailLines } from './detail-lines.js';
import { FindingDetail, maxDetailOffset } from './FindingDetail.js';

const lines = detailLines(rootCause, makeReport(), 80);

describe('FindingDetail', () => {
  it('shows the title with its severity, then root cause, evidence and resources', () => {
    const { lastFrame } = render(<FindingDetail lines={lines} offset={0} height={40} selectedCommand={0} />);
    const frame = lastFrame() ?? '';
    expect(frame.split('\n')[0]).toBe('critical Node role demo-node-role is not mapped in aws-auth');
    expect(frame).toContain('ROOT CAUSE\n  Nodes authenticate with the node role');
    expect(frame).toContain('EXPLAINS 2 SYMPTOMS\n  warning  Instance i-0aaa has not joined');
    expect(frame).toContain('▶ $ eksctl create iamidentitymapping');
  });

  it('scrolls the body under a pinned title, with a position line', () => {
    const { lastFrame } = render(<FindingDetail lines={lines} offset={maxDetailOffset(lines, 10)} height={10} selectedCommand={1} />);
    const frame = lastFrame() ?? '';
    const shown = frame.split('\n');
    expect(shown).toHaveLength(10);
    expect(shown[0]).toContain('Node role demo-node-role is not mapped');
    expect(frame).toContain('key aws-auth/node-role-not-mapped');
    expect(shown[shown.length - 1]).toMatch(/^↑ lines \d+–\d+ of \d+$/);
  });

  it('marks the selected fix command, the one `c` copies', () => {
    const { lastFrame } = render(<FindingDetail lines={lines} offset={0} height={60} selectedCommand={1} />);
    expect(lastFrame()).toContain('▶ $ aws eks create-access-entry');
    expect(lastFrame()).not.toContain('▶ $ eksctl');
  });
});
