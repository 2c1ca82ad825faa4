import { Box, Text } from 'ink';
import { SEVERITY_WIDTH } from './detail-lines.js';
import type { ListRow } from './rows.js';
import { truncateText } from './wrap-text.js';
import { SeverityLabel, useColor } from './theme.js';

export interface FindingListProps {
  rows: ListRow[];
  /** Index into `rows` of the selected finding row, or -1 when nothing is selectable. */
  selectedRow: number;
  height: number;
  /** Keys of findings that appeared at the last re-check. */
  newKeys: ReadonlySet<string>;
  width: number;
}

/**
 * The results, one line per row, scrolled so the selected row (and when it fits, the heading above
 * it) is in view. A position line replaces the last row when the list does not fit.
 */
export function FindingList({ rows, selectedRow, height, newKeys, width }: FindingListProps) {
  if (rows.length === 0) return null;
  const overflow = rows.length > height;
  const visible = overflow ? Math.max(1, height - 1) : rows.length;
  const start = windowStart(rows.length, visible, selectedRow);
  const shown = rows.slice(start, start + visible);
  return (
    <Box flexDirection="column">
      {shown.map((row, i) => (
        <Row key={rowKey(row, start + i)} row={row} selected={start + i === selectedRow} isNew={row.kind === 'finding' && newKeys.has(row.finding.key)} width={width} />
      ))}
      {overflow ? (
        <Text dimColor>
          {start > 0 ? '↑ ' : '  '}rows {start + 1}–{start + shown.length} of {rows.length}
          {start + visible < rows.length ? ' ↓' : ''}
        </Text>
      ) : null}
    </Box>
  );
}

/** Keeps the selection a third of the way down, so there is context above and room below. */
export function windowStart(total: number, visible: number, selected: number): number {
  if (total <= visible || selected < 0) return 0;
  const preferred = selected - Math.floor(visible / 3);
  return Math.max(0, Math.min(preferred, total - visible));
}

function rowKey(row: ListRow, index: number): string {
  return row.kind === 'finding' ? `f:${row.finding.key}` : `${row.kind}:${index}:${row.text}`;
}

/**
 * One line, laid out by hand rather than by flexbox: the title is cut so that the tags at the end
 * (explains N symptoms, no cause found, NEW) always stay visible.
 */
function Row({ row, selected, isNew, width }: { row: ListRow; selected: boolean; isNew: boolean; width: number }) {
  const color = useColor();
  if (row.kind === 'heading') return <Text bold>{truncateText(row.text, width)}</Text>;
  if (row.kind === 'note') return <Text dimColor>{truncateText(`  ${row.text}`, width)}</Text>;
  const f = row.finding;
  const tags: string[] = [];
  if (isNew) tags.push('NEW');
  if (row.symptoms) tags.push(`explains ${row.symptoms.length} symptom${row.symptoms.length === 1 ? '' : 's'}`);
  if (f.unexplained) tags.push('no cause found');
  const tagText = tags.length > 0 ? `  ${tags.join(' · ')}` : '';
  const title = truncateText(f.title, width - 2 - SEVERITY_WIDTH - tagText.length);
  return (
    <Text>
      <Text bold={selected}>{selected ? '› ' : '  '}</Text>
      <SeverityLabel severity={f.severity} />
      <Text bold={selected} inverse={selected && color}>
        {title}
      </Text>
      <Text dimColor={!selected}>{tagText}</Text>
    </Text>
  );
}
