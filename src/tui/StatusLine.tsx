import { Text } from 'ink';
import type { ListFilter } from './rows.js';
import { useColor } from './theme.js';

export interface StatusLineProps {
  filter: ListFilter;
  searching: boolean;
  message?: string;
  /** A re-check that failed; the last report stays on screen. */
  error?: string;
  secondsToWatch?: number;
}

/** One line: the search being typed, else a message, else the active filters and the watch timer. */
export function StatusLine({ filter, searching, message, error, secondsToWatch }: StatusLineProps) {
  const color = useColor();
  if (searching) {
    return (
      <Text wrap="truncate-start">
        Search titles and resources: /{filter.query}
        <Text inverse> </Text>
      </Text>
    );
  }
  if (message) return <Text wrap="truncate-end">{message}</Text>;
  if (error) return <Text color={color ? 'yellow' : undefined} wrap="truncate-end">Re-check failed: {error}</Text>;
  const parts: string[] = [];
  if (filter.severity) parts.push(`severity ${filter.severity}`);
  if (filter.check) parts.push(`check ${filter.check}`);
  if (filter.query) parts.push(`search "${filter.query}"`);
  const filterText = parts.length > 0 ? `Filter: ${parts.join(' · ')} (Esc clears)` : '';
  const watchText = secondsToWatch !== undefined ? `watching: re-check in ${secondsToWatch}s` : '';
  return <Text wrap="truncate-end">{[filterText, watchText].filter((s) => s !== '').join(' · ') || ' '}</Text>;
}
