import { describe, expect, it } from 'vitest';
import { makeReport } from '../../test/tui/report-fixture.js';

// Colour support is decided when chalk (inside ink) is first imported: force it on for this file
// (each test file runs in its own process), so that "no colour" below is our doing, not the CI's.
process.env.FORCE_COLOR = '1';
const { render } = await import('ink-testing-library');
const { ColorContext } = await import('./theme.js');
const { FindingList } = await import('./FindingList.js');
const { listRows, NO_FILTER } = await import('./rows.js');

// SGR foreground colours 30–37, 90–97 and 38;… (256/true colour); bold, dim and inverse stay allowed.
// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const COLOUR_ESCAPE = /\u001b\[(3[0-8]|9[0-7])[;m]/;

function frame(color: boolean): string {
  const rows = listRows(makeReport(), NO_FILTER);
  return (
    render(
      <ColorContext.Provider value={color}>
        <FindingList rows={rows} selectedRow={1} height={20} newKeys={new Set()} width={80} />
      </ColorContext.Provider>,
    ).lastFrame() ?? ''
  );
}

describe('colour', () => {
  it('colours severities when colour is on', () => {
    expect(frame(true)).toMatch(COLOUR_ESCAPE);
  });

  it('writes no colour at all when it is off (NO_COLOR, --no-color), and the severity words remain', () => {
    const plain = frame(false);
    expect(plain).not.toMatch(COLOUR_ESCAPE);
    expect(plain).toContain('critical');
    expect(plain).toContain('warning');
  });
});
