import { Box, Text } from 'ink';
import { layoutRow, type RowLine } from './row-layout.js';
import { selectionKey, type ListRow } from './rows.js';
import { SeverityLabel, useColor } from './theme.js';
import { SEVERITY_WIDTH } from './detail-lines.js';

export interface FindingListProps {
  rows: ListRow[];
  /** Index into `rows` of the selected row, or -1 when nothing is selectable. */
  selectedRow: number;
  height: number;
  /** Keys of findings that appeared at the last re-check. */
  newKeys: ReadonlySet<string>;
  width: number;
}

/**
 * The results, a row per finding (a long title continues on the next lines), scrolled so the
 * selected row (and when it fits, some rows above it) is in view. A position line takes the last
 * line when the list does not fit.
 */
export function FindingList({ rows, selectedRow, height, newKeys, width }: FindingListProps) {
  if (rows.length === 0) return null;
  const laidOut = rows.map((row) => layoutRow(row, width, row.kind === 'finding' && newKeys.has(row.finding.key)));
  const { start, end, overflow } = listWindow(
    laidOut.map((l) => l.length),
    height,
    selectedRow,
  );
  return (
    <Box flexDirection="column">
      {laidOut.slice(start, end).flatMap((lines, i) =>
        lines.map((line, j) => <Line key={`${rowKey(rows[start + i]!, start + i)}:${j}`} line={line} selected={start + i === selectedRow} first={j === 0} />),
      )}
      {overflow ? (
        <Text dimColor>
          {start > 0 ? '↑ ' : '  '}rows {start + 1}–{end} of {rows.length}
          {end < rows.length ? ' ↓' : ''}
        </Text>
      ) : null}
    </Box>
  );
}

/**
 * Which rows fit in `height` lines (rows take one line or more): all of them, else a window that
 * holds the selected row whole, a third of the room above it for context, and a position line.
 */
export function listWindow(heights: number[], height: number, selected: number): { start: number; end: number; overflow: boolean } {
  const total = heights.reduce((a, b) => a + b, 0);
  if (total <= height) return { start: 0, end: heights.length, overflow: false };
  const budget = Math.max(1, height - 1);
  const anchor = Math.max(0, selected);
  let start = anchor;
  let used = heights[anchor] ?? 1;
  while (start > 0 && used + heights[start - 1]! <= Math.floor(budget / 3) + (heights[anchor] ?? 1)) used += heights[--start]!;
  let end = anchor + 1;
  while (end < heights.length && used + heights[end]! <= budget) used += heights[end++]!;
  // At the bottom of the list: use the room left for rows above instead.
  while (start > 0 && used + heights[start - 1]! <= budget) used += heights[--start]!;
  return { start, end, overflow: true };
}

function rowKey(row: ListRow, index: number): string {
  return row.kind === 'heading' || row.kind === 'note' ? `${row.kind}:${index}:${row.text}` : selectionKey(row);
}

function Line({ line, selected, first }: { line: RowLine; selected: boolean; first: boolean }) {
  const color = useColor();
  if (line.kind === 'heading') return <Text bold>{line.text}</Text>;
  if (line.kind === 'note') return <Text dimColor>{line.text}</Text>;
  const label = line.label;
  return (
    <Text>
      <Text bold={selected}>{selected && first ? '› ' : '  '}</Text>
      {label === undefined ? ' '.repeat(SEVERITY_WIDTH) : 'severity' in label ? <SeverityLabel severity={label.severity} /> : <Text color={color ? 'yellow' : undefined}>{label.status.padEnd(SEVERITY_WIDTH)}</Text>}
      <Text bold={selected} inverse={selected && color && line.text !== ''}>
        {line.text}
      </Text>
      <Text dimColor={!selected}>{line.tag}</Text>
    </Text>
  );
}
