import { Box, Text } from 'ink';
import { fixLineIndex, SEVERITY_WIDTH, type DetailLine } from './detail-lines.js';
import { SeverityLabel, useColor } from './theme.js';

export interface FindingDetailProps {
  lines: DetailLine[];
  /** First scrolled line shown; clamped here. */
  offset: number;
  height: number;
  /** The fix command `c` copies, marked with ▶. */
  selectedCommand: number;
}

/**
 * How the detail view fills `height`: the title stays pinned at the top, the rest scrolls, and a
 * position line takes the last row when it does not all fit.
 */
export function detailLayout(lines: DetailLine[], height: number, offset: number) {
  const headLength = lines.findIndex((l) => l.kind !== 'title');
  const head = headLength === -1 ? lines : lines.slice(0, headLength);
  const body = headLength === -1 ? [] : lines.slice(headLength);
  const room = Math.max(1, height - head.length);
  const overflow = body.length > room;
  const visible = overflow ? Math.max(1, room - 1) : body.length;
  const maxOffset = Math.max(0, body.length - visible);
  const start = Math.max(0, Math.min(offset, maxOffset));
  return { head, body, shown: body.slice(start, start + visible), start, overflow, maxOffset, visible };
}

/** The largest useful offset: scrolling stops when the last line is in view. */
export function maxDetailOffset(lines: DetailLine[], height: number): number {
  return detailLayout(lines, height, 0).maxOffset;
}

/** Where fix command line `index` of `lines` sits among the scrolled lines (the title excluded). */
export function scrolledIndex(lines: DetailLine[], index: number): number {
  const headLength = lines.findIndex((l) => l.kind !== 'title');
  return index - Math.max(0, headLength);
}

/** One finding: root cause, evidence, resources, symptoms, fix commands; scrolled by lines. */
export function FindingDetail({ lines, offset, height, selectedCommand }: FindingDetailProps) {
  const { head, body, shown, start, overflow } = detailLayout(lines, height, offset);
  // Where FIX starts among the scrolled lines: said on the position line while it is below the screen.
  const fix = scrolledIndex(lines, fixLineIndex(lines));
  const fixBelow = fixLineIndex(lines) !== -1 && fix >= start + shown.length;
  return (
    <Box flexDirection="column">
      {head.map((line, i) => (
        <Line key={`h${i}`} line={line} selectedCommand={selectedCommand} />
      ))}
      {shown.map((line, i) => (
        <Line key={start + i} line={line} selectedCommand={selectedCommand} />
      ))}
      {overflow ? (
        <Text dimColor>
          {start > 0 ? '↑ ' : '  '}lines {start + 1}–{start + shown.length} of {body.length}
          {start + shown.length < body.length ? ' ↓ (j/k to scroll)' : ''}
          {fixBelow ? ` · f: FIX (line ${fix + 1})` : ''}
        </Text>
      ) : null}
    </Box>
  );
}

function Line({ line, selectedCommand }: { line: DetailLine; selectedCommand: number }) {
  const color = useColor();
  switch (line.kind) {
    case 'title':
      return (
        <Text>
          {!line.first ? ' '.repeat(SEVERITY_WIDTH) : 'severity' in line.label ? <SeverityLabel severity={line.label.severity} /> : <Text color={color ? 'yellow' : undefined}>{line.label.status.padEnd(SEVERITY_WIDTH)}</Text>}
          <Text bold>{line.text}</Text>
        </Text>
      );
    case 'heading':
      return <Text bold>{line.text}</Text>;
    case 'text':
      return <Text>{line.text}</Text>;
    case 'dim':
      return <Text dimColor>{line.text}</Text>;
    case 'symptom':
      return (
        <Text>
          {'  '}
          {line.first ? <SeverityLabel severity={line.severity} /> : ' '.repeat(SEVERITY_WIDTH)}
          {line.text}
        </Text>
      );
    case 'command': {
      const selected = line.command === selectedCommand;
      return (
        <Text>
          <Text bold>{selected && line.first ? '▶ ' : '  '}</Text>
          <Text color={color ? 'green' : undefined} bold={selected}>
            {line.text}
          </Text>
        </Text>
      );
    }
  }
}
