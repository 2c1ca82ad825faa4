import { Text } from 'ink';

const HINTS = {
  list: '↑↓/jk move · Enter open · s severity · f check · / search · r re-check · c copy · p print · ? help · q quit',
  detail: 'Esc back · ↑↓/jk scroll · Tab next command · c copy · p print & quit · R re-check this · ? help · q quit',
  help: '? or Esc close · q quit',
} as const;

/** The keys that matter in this view, most used first, cut at the terminal's width. */
export function KeyHints({ view }: { view: keyof typeof HINTS }) {
  return (
    <Text dimColor wrap="truncate-end">
      {HINTS[view]}
    </Text>
  );
}
