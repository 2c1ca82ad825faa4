import { Text } from 'ink';
import { fittedHints } from './fit-text.js';

const HINTS = {
  list: ['↑↓/jk move', 'Enter open', 's severity', 'f check', '/ search', 't timeline', 'r re-check', 'c copy', 'p print'],
  detail: ['Esc back', 'f fix', '↑↓/jk scroll', 'Tab next command', 'c copy', 'p print & quit', 'R re-check this'],
  timeline: ['↑↓/jk move', 'Enter open the finding', 't or Esc back'],
  help: ['? or Esc close'],
} as const;

/** The keys that matter in this view, most used first; "? help · q quit" always shows. */
export function KeyHints({ view, width }: { view: keyof typeof HINTS; width: number }) {
  return <Text dimColor>{fittedHints([...HINTS[view]], view === 'help' ? 'q quit' : '? help · q quit', width)}</Text>;
}
