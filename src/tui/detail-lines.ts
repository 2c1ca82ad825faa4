import type { Finding, Severity } from '../engine/finding.js';
import type { Report } from '../engine/report.js';
import { resourceText } from '../render/sections.js';
import { breakCommand, wrapText } from './wrap-text.js';

export type DetailLine =
  /** The severity word is shown before the `first` piece; the others are indented under it. */
  | { kind: 'title'; text: string; severity: Severity; first: boolean }
  | { kind: 'heading'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'dim'; text: string }
  | { kind: 'symptom'; text: string; severity: Severity; first: boolean }
  /** One piece of fix command number `command`; `first` on the piece that starts it. */
  | { kind: 'command'; text: string; command: number; first: boolean };

const INDENT = '  ';
/** 'critical' and a space: the column the severity word takes before a title. */
export const SEVERITY_WIDTH = 9;

/**
 * Everything the detail view shows for one finding, already wrapped to the width, so the view can
 * scroll by lines. Symptoms and causes are looked up by key in the same report.
 */
export function detailLines(finding: Finding, report: Report, width: number): DetailLine[] {
  const body = Math.max(10, width - INDENT.length);
  const byKey = new Map(report.findings.map((f) => [f.key, f]));
  const lines: DetailLine[] = [];
  const paragraph = (text: string, prefix = '') =>
    wrapText(text, body - prefix.length).forEach((piece, i) => lines.push({ kind: 'text', text: `${INDENT}${i === 0 ? prefix : ' '.repeat(prefix.length)}${piece}` }));

  wrapText(finding.title, Math.max(10, width - SEVERITY_WIDTH)).forEach((piece, i) => lines.push({ kind: 'title', text: piece, severity: finding.severity, first: i === 0 }));
  for (const piece of wrapText(`${finding.id} · check ${finding.check}`, width)) lines.push({ kind: 'dim', text: piece });

  lines.push({ kind: 'heading', text: finding.explains.length > 0 && finding.explainedBy.length === 0 ? 'ROOT CAUSE' : 'WHY' });
  paragraph(finding.rootCause);

  if (finding.evidence.length > 0) {
    lines.push({ kind: 'heading', text: 'EVIDENCE' });
    for (const e of finding.evidence) paragraph(e, '- ');
  }
  if (finding.resources.length > 0) {
    lines.push({ kind: 'heading', text: 'AFFECTED RESOURCES' });
    for (const r of finding.resources) paragraph(`${resourceText(r)}  [${r.type}]`, '- ');
  }
  if (finding.explains.length > 0) {
    const n = finding.explains.length;
    lines.push({ kind: 'heading', text: `EXPLAINS ${n} SYMPTOM${n === 1 ? '' : 'S'}` });
    for (const key of finding.explains) {
      const symptom = byKey.get(key);
      const text = symptom ? symptom.title : key;
      wrapText(text, body - SEVERITY_WIDTH).forEach((piece, i) => lines.push({ kind: 'symptom', text: piece, severity: symptom?.severity ?? 'info', first: i === 0 }));
    }
  }
  if (finding.explainedBy.length > 0) {
    lines.push({ kind: 'heading', text: 'EXPLAINED BY' });
    for (const key of finding.explainedBy) paragraph(byKey.get(key)?.title ?? key, '- ');
  }
  if (finding.unexplained) {
    const u = finding.unexplained;
    lines.push({ kind: 'heading', text: 'NO CAUSE FOUND' });
    paragraph(`Ruled out: ${u.ruledOut.length > 0 ? u.ruledOut.join(', ') : 'nothing (no check that could explain it ran)'}`);
    for (const c of u.couldNotCheck) paragraph(`Could not check ${c.check}: ${c.reason}`, '- ');
  }

  lines.push({ kind: 'heading', text: 'FIX' });
  paragraph(finding.fix.summary);
  finding.fix.commands.forEach((command, index) => {
    breakCommand(`$ ${command}`, body).forEach((piece, i) => lines.push({ kind: 'command', text: piece, command: index, first: i === 0 }));
  });
  for (const d of finding.fix.docs) for (const piece of breakCommand(d, body)) lines.push({ kind: 'dim', text: `${INDENT}${piece}` });
  // The key is what re-check diffs and suppressions use; last, since it is long and rarely read.
  for (const piece of breakCommand(`key ${finding.key}`, width)) lines.push({ kind: 'dim', text: piece });
  if (finding.suppressed) {
    lines.push({ kind: 'heading', text: 'SUPPRESSED' });
    paragraph(`${finding.suppressed.reason}${finding.suppressed.expires ? ` (until ${finding.suppressed.expires})` : ''}`);
  }
  return lines;
}

/** The first line of fix command `index`, to scroll it into view when it is selected. */
export function commandLineIndex(lines: DetailLine[], index: number): number {
  return lines.findIndex((l) => l.kind === 'command' && l.command === index && l.first);
}
