import { Box, Text } from 'ink';
import type { RunChange } from './session.js';
import { SeverityLabel, useColor } from './theme.js';

/**
 * What the last re-check changed, by finding key: what the fix resolved and what appeared. At most
 * `maxLines` lines, the first of them the counts.
 */
export function ChangesBanner({ change, maxLines }: { change: RunChange; maxLines: number }) {
  const color = useColor();
  const { resolved, new: added } = change.diff;
  const scope = change.only ? `check ${change.only.join(', ')}` : 'all checks';
  const time = change.at.toISOString().slice(11, 19);
  const items = [...resolved.map((f) => ({ f, resolved: true })), ...added.map((f) => ({ f, resolved: false }))];
  const room = Math.max(0, maxLines - 1);
  const shown = items.length > room ? items.slice(0, Math.max(0, room - 1)) : items;
  const hidden = items.length - shown.length;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>Re-checked {scope} at {time} UTC: </Text>
        {resolved.length === 0 && added.length === 0 ? (
          'no change'
        ) : (
          <Text>
            <Text color={color && resolved.length > 0 ? 'green' : undefined}>{resolved.length} resolved</Text>, {added.length} new
          </Text>
        )}
      </Text>
      {shown.map(({ f, resolved: isResolved }) => (
        <Text key={`${isResolved ? 'r' : 'n'}:${f.key}`} wrap="truncate-end">
          {isResolved ? <Text color={color ? 'green' : undefined}>  ✓ resolved </Text> : <Text>  + new      </Text>}
          <SeverityLabel severity={f.severity} />
          {f.title}
        </Text>
      ))}
      {hidden > 0 && room > 0 ? <Text dimColor>  … and {hidden} more</Text> : null}
    </Box>
  );
}
