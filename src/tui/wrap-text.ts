/**
 * Wraps text to a width ourselves instead of letting ink do it, so the detail view knows how many
 * lines it has and can scroll them. Words longer than the width (ARNs, URLs) are broken hard.
 */
export function wrapText(text: string, width: number): string[] {
  const limit = Math.max(1, width);
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      let rest = word;
      if (line !== '' && line.length + 1 + rest.length <= limit) {
        line += ` ${rest}`;
        continue;
      }
      if (line !== '') lines.push(line);
      while (rest.length > limit) {
        lines.push(rest.slice(0, limit));
        rest = rest.slice(limit);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

/**
 * Breaks a shell command at exactly the width, keeping every character (no trimmed spaces), so that
 * the pieces joined give back the command. Word-wrapping would hide where a space was.
 */
export function breakCommand(command: string, width: number): string[] {
  const limit = Math.max(1, width);
  const pieces: string[] = [];
  for (let i = 0; i < command.length; i += limit) pieces.push(command.slice(i, i + limit));
  return pieces.length > 0 ? pieces : [''];
}

/** Cuts text to the width with an ellipsis, for one-line rows whose tail must stay visible. */
export function truncateText(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}
