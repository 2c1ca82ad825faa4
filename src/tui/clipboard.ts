/**
 * The OSC 52 escape sequence that asks the terminal to put text on the system clipboard. Terminals
 * that do not support it ignore it; tmux keeps it in a paste buffer (with `set-clipboard on`) and
 * forwards it to the outer terminal.
 */
export function osc52(text: string): string {
  return `\u001b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
}
