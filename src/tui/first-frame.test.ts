import { describe, expect, it } from 'vitest';
import { leaveFirstFrame, showFirstFrame, takeOverFirstFrame } from './first-frame.js';

function terminal(columns = 80) {
  const written: string[] = [];
  return { written, stdout: { columns, write: (s: string) => written.push(s) } };
}

describe('the first frame', () => {
  it('draws the header and what is being started on the UI’s screen, cut to the width', () => {
    const t = terminal(40);
    showFirstFrame(t.stdout, 'demo scenario node-role-not-mapped (cluster shop-prod, served locally)', 'Starting the local AWS and Kubernetes APIs…');
    const text = t.written.join('');
    expect(text.startsWith('\u001b[?1049h')).toBe(true);
    // eslint-disable-next-line no-control-regex -- the frame's own escapes are not its text
    const lines = text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').split('\n');
    expect(lines.slice(0, 4)).toEqual(['eks-doctor · demo scenario node-role-no…', 'identity: known once collected', 'Kubernetes API: known once collected', 'Starting the local AWS and Kubernetes A…']);
    takeOverFirstFrame(t.stdout);
    // Handed to the UI: leaving it is the UI's business now.
    leaveFirstFrame();
    expect(t.written.join('')).not.toContain('\u001b[?1049l');
  });

  it('gives the shell its screen back when the UI never starts (an error found late)', () => {
    const t = terminal();
    showFirstFrame(t.stdout, 'snapshot bundle.json', 'Loading the checks…');
    leaveFirstFrame();
    expect(t.written.at(-1)).toBe('\u001b[?1049l');
  });
});
