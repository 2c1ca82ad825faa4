import { Box, Text } from 'ink';
import { entryHeight, firstVisible, type Timeline as TimelineContent } from './timeline-entries.js';

/**
 * `t`: every change found before the diagnosis, newest first, each with the findings it touches;
 * the selected one marked with ▶ (Enter opens the first finding it touches). The notes (what
 * could not be read, the last minutes CloudTrail may not show yet) close the view.
 */
export function Timeline({ timeline, selected, height }: { timeline: TimelineContent; selected: number; height: number }) {
  const room = Math.max(3, height - 1 - Math.min(timeline.notes.length, 2));
  const first = firstVisible(timeline.entries, selected, room);
  let used = 0;
  const shown = timeline.entries.slice(first).filter((entry) => (used += entryHeight(entry)) <= room);
  return (
    <Box flexDirection="column">
      <Text bold>
        WHAT CHANGED BEFORE THE DIAGNOSIS ({timeline.entries.length}){timeline.entries.length > shown.length ? ` · ${first + 1}–${first + shown.length}` : ''}
      </Text>
      {timeline.entries.length === 0 ? <Text>No change found on the resources of the root causes.</Text> : null}
      {shown.map((entry, i) => {
        const mark = first + i === selected ? '▶ ' : '  ';
        return (
          <Box key={`${entry.change.time}:${entry.what}`} flexDirection="column">
            <Text wrap="truncate-end" bold={first + i === selected}>
              {mark}
              {entry.when}
            </Text>
            <Text wrap="truncate-end">
              {'    '}
              {entry.what}
            </Text>
            {entry.touches.map((t) => (
              <Text key={t.key} dimColor wrap="truncate-end">
                {'      → '}
                {t.title}
              </Text>
            ))}
          </Box>
        );
      })}
      {timeline.notes.slice(-2).map((note) => (
        <Text key={note} dimColor wrap="truncate-end">
          {note}
        </Text>
      ))}
    </Box>
  );
}
