import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { HelpView } from './HelpView.js';
import { KEY_HELP } from './keys.js';
import { KeyHints } from './KeyHints.js';
import { StatusLine } from './StatusLine.js';

describe('HelpView', () => {
  it('lists every key', () => {
    const frame = render(<HelpView height={40} />).lastFrame() ?? '';
    for (const k of KEY_HELP) expect(frame).toContain(k.action);
  });
  it('mentions the watch interval when watching', () => {
    expect(render(<HelpView height={40} watchSeconds={15} />).lastFrame()).toContain('every 15s');
  });
});

describe('KeyHints', () => {
  it('names the keys of each view on one line', () => {
    expect(render(<KeyHints view="list" width={200} />).lastFrame()).toMatch(/^↑↓\/jk move · Enter open/);
    expect(render(<KeyHints view="detail" width={200} />).lastFrame()).toMatch(/^Esc back · f fix/);
  });

  it('keeps "? help · q quit" whole at every width from 60 columns up, dropping the least used keys first', () => {
    for (let width = 60; width <= 100; width += 1) {
      for (const view of ['list', 'detail'] as const) {
        const frame = render(<KeyHints view={view} width={width} />).lastFrame() ?? '';
        expect(frame.length).toBeLessThanOrEqual(width);
        expect(frame).toMatch(/ · \? help · q quit$/);
      }
    }
  });
});

describe('StatusLine', () => {
  it('shows the search being typed', () => {
    expect(render(<StatusLine filter={{ query: 'node' }} searching />).lastFrame()).toContain('Search titles and resources: /node');
  });
  it('shows the active filters and the watch countdown', () => {
    const frame = render(<StatusLine filter={{ query: 'node', severity: 'warning', check: 'subnets' }} searching={false} secondsToWatch={12} />).lastFrame();
    expect(frame).toBe('Filter: severity warning · check subnets · search "node" (Esc clears) · watching: re-check in 12s');
  });
  it('a message takes the line', () => {
    expect(render(<StatusLine filter={{ query: '' }} searching={false} message="Copied" />).lastFrame()).toBe('Copied');
  });
});
