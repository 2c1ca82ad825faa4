import { Box, Text } from 'ink';
import { KEY_HELP } from './keys.js';

/** The keys, cut to the height; `?` or Esc closes it. */
export function HelpView({ height, watchSeconds }: { height: number; watchSeconds?: number }) {
  const lines = [
    ...KEY_HELP.map((k) => ({ keys: k.keys, action: k.action })),
    ...(watchSeconds ? [{ keys: '', action: `--watch: everything is re-checked every ${watchSeconds}s` }] : []),
  ];
  const shown = lines.slice(0, Math.max(0, height - 2));
  return (
    <Box flexDirection="column">
      <Text bold>KEYS</Text>
      {shown.map((l) => (
        <Text key={`${l.keys}:${l.action}`} wrap="truncate-end">
          {'  '}
          <Text bold>{l.keys.padEnd(16)}</Text>
          {l.action}
        </Text>
      ))}
      <Text dimColor>? or Esc to close</Text>
    </Box>
  );
}
