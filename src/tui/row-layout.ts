import type { Severity } from '../engine/finding.js';
import { SEVERITY_WIDTH } from './detail-lines.js';
import type { ListRow } from './rows.js';
import { truncateText, wrapText } from './wrap-text.js';

/** One screen line of the results list. */
export type RowLine =
  | { kind: 'heading'; text: string }
  | { kind: 'note'; text: string }
  | {
      kind: 'item';
      /** The severity word (or the check's status) on the row's first line; blank under it. */
      label?: { severity: Severity } | { status: string };
      text: string;
      /** The tags after the title: NEW, the re-check's mark, explains N symptoms, no cause found. */
      tag: string;
    };

/** '› ' or '  ' before each row. */
export const MARKER_WIDTH = 2;
/** A title longer than this many lines is cut: the rows around it must stay in view. */
const MAX_TITLE_LINES = 3;

/**
 * The lines of one row at `width`. A title that does not fit continues on the next lines (indented
 * under itself), so the part that tells findings apart (the policy name, the node group, the reason
 * code) is never cut at 80 columns; the tags yield first: they shorten, then go, before any of the
 * title does.
 */
export function layoutRow(row: ListRow, width: number, isNew: boolean): RowLine[] {
  if (row.kind === 'heading') return [{ kind: 'heading', text: truncateText(row.text, width) }];
  if (row.kind === 'note') return [{ kind: 'note', text: truncateText(`  ${row.text}`, width) }];
  const room = Math.max(1, width - MARKER_WIDTH - SEVERITY_WIDTH);
  if (row.kind === 'check') {
    const status = row.check.status === 'error' ? 'error' : 'skipped';
    return [{ kind: 'item', label: { status }, text: truncateText(`${row.check.id}: ${row.check.reason ?? ''}`, room), tag: '' }];
  }
  const f = row.finding;
  const marks = [isNew ? 'NEW' : '', row.recheck ?? ''].filter((t) => t !== '');
  const symptoms = row.symptoms ? row.symptoms.length : undefined;
  const variants = [
    [...marks, ...(symptoms !== undefined ? [`explains ${symptoms} symptom${symptoms === 1 ? '' : 's'}`] : []), ...(f.unexplained ? ['no cause found'] : [])],
    [...marks, ...(symptoms !== undefined ? [`${symptoms} symptom${symptoms === 1 ? '' : 's'}`] : [])],
    marks,
  ].map((tags) => (tags.length > 0 ? `  ${tags.join(' · ')}` : ''));

  let pieces = wrapText(f.title, room);
  if (pieces.length > MAX_TITLE_LINES) pieces = [...pieces.slice(0, MAX_TITLE_LINES - 1), truncateText(pieces.slice(MAX_TITLE_LINES - 1).join(' '), room)];
  const last = pieces[pieces.length - 1]!;
  const tag = variants.find((t) => last.length + t.length <= room);
  const lines: RowLine[] = pieces.map((text, i) => ({ kind: 'item', ...(i === 0 ? { label: { severity: f.severity } } : {}), text, tag: '' }));
  if (tag !== undefined) (lines[lines.length - 1] as Extract<RowLine, { kind: 'item' }>).tag = tag;
  // Even the marks do not fit after the title: they get a line of their own (a re-check's
  // "resolved" must not be lost to a long title).
  else lines.push({ kind: 'item', text: '', tag: truncateText(variants[2]!.trimStart(), room) });
  return lines;
}
