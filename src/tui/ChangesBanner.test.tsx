import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { lowIps, oldAddon, rootCause, symptomA } from '../../test/tui/report-fixture.js';
import { ChangesBanner } from './ChangesBanner.js';

const at = new Date('2026-11-26T16:05:09Z');

describe('ChangesBanner', () => {
  it('counts what was resolved and what is new, and names them', () => {
    const frame = render(<ChangesBanner change={{ at, diff: { resolved: [rootCause], new: [oldAddon], escalated: [], deEscalated: [], unchanged: [] } }} maxLines={6} />).lastFrame();
    expect(frame).toBe(
      [
        'Re-checked all checks at 16:05:09 UTC: 1 resolved, 1 new',
        `  ✓ resolved critical ${rootCause.title}`,
        `  + new      info     ${oldAddon.title}`,
      ].join('\n'),
    );
  });

  it('says "no change" and names the check of a narrowed re-check', () => {
    const frame = render(<ChangesBanner change={{ at, only: ['subnets'], diff: { resolved: [], new: [], escalated: [], deEscalated: [], unchanged: [] } }} maxLines={3} />).lastFrame();
    expect(frame).toBe('Re-checked check subnets at 16:05:09 UTC: no change');
  });

  it('fits in its lines and says how many more there are', () => {
    const frame = render(<ChangesBanner change={{ at, diff: { resolved: [rootCause, symptomA, lowIps], new: [oldAddon], escalated: [], deEscalated: [], unchanged: [] } }} maxLines={3} />).lastFrame() ?? '';
    expect(frame.split('\n')).toHaveLength(3);
    expect(frame).toContain('… and 3 more');
  });
});
