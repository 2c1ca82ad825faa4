/**
 * The UI's first frame, drawn with plain escapes the moment a command knows it will be interactive:
 * before the AWS SDK, the mock cluster and ink load (seconds on a cold or busy machine),
 * so the screen is never blank. This module imports nothing heavy; ink's first frame replaces it.
 */

// The UI takes the whole screen like less or top, and gives the shell its screen back on quit.
export const ENTER_ALTERNATE_SCREEN = '\u001b[?1049h';
export const LEAVE_ALTERNATE_SCREEN = '\u001b[?1049l';
const HOME_AND_CLEAR = '\u001b[H\u001b[2J';
const BOLD = (s: string) => `\u001b[1m${s}\u001b[22m`;
const DIM = (s: string) => `\u001b[2m${s}\u001b[22m`;

/** The header's three lines until the first report names the cluster: the same text ink draws. */
export function pendingHeader(target: string): [string, string, string] {
  return [`eks-doctor · ${target}`, 'identity: known once collected', 'Kubernetes API: known once collected'];
}

let shownOn: { write(s: string): unknown } | undefined;

/** Enters the alternate screen and draws the header and what is being started. */
export function showFirstFrame(stdout: { write(s: string): unknown; columns?: number }, target: string, doing: string): void {
  const width = stdout.columns && stdout.columns > 0 ? stdout.columns : 80;
  const cut = (s: string) => (s.length <= width ? s : `${s.slice(0, Math.max(0, width - 1))}…`);
  const [title, identity, access] = pendingHeader(target);
  shownOn = stdout;
  stdout.write(`${ENTER_ALTERNATE_SCREEN}${HOME_AND_CLEAR}${BOLD(cut(title))}\n${DIM(cut(identity))}\n${DIM(cut(access))}\n${cut(doing)}\n`);
  // Whatever happens before the UI takes over (Ctrl-C, a crash), the shell gets its screen back.
  process.once('exit', leaveFirstFrame);
}

/** The UI takes over the screen: clears the first frame so ink draws from the top. */
export function takeOverFirstFrame(stdout: { write(s: string): unknown }): void {
  stdout.write(shownOn ? HOME_AND_CLEAR : `${ENTER_ALTERNATE_SCREEN}${HOME_AND_CLEAR}`);
  process.off('exit', leaveFirstFrame);
  shownOn = undefined;
}

/**
 * Leaves the first frame's screen when the UI never started (a wrong option found late, a failed
 * mock server): the message that follows must land on the shell's screen, where it stays.
 */
export function leaveFirstFrame(): void {
  if (!shownOn) return;
  shownOn.write(LEAVE_ALTERNATE_SCREEN);
  shownOn = undefined;
  process.off('exit', leaveFirstFrame);
}
