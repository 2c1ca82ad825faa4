import { describe, expect, it } from 'vitest';
import { LONG_FIX_COMMAND, makeReport, rootCause, symptomA, unexplainedSymptom } from '../../test/tui/report-fixture.js';
import { commandLineIndex, detailLines, type DetailLine } from './detail-lines.js';

const text = (lines: DetailLine[]) => lines.map((l) => l.text).join('\n');

describe('detailLines', () => {
  const report = makeReport();

  it('shows the root cause, evidence, resources, the symptoms it explains and the fix', () => {
    const lines = detailLines(rootCause, report, 120);
    const headings = lines.filter((l) => l.kind === 'heading').map((l) => l.text);
    expect(headings).toEqual(['ROOT CAUSE', 'EVIDENCE', 'AFFECTED RESOURCES', 'EXPLAINS 2 SYMPTOMS', 'FIX', 'OR']);
    const all = text(lines);
    expect(all).toContain(rootCause.rootCause);
    expect(all).toContain('No access entry for the role');
    expect(all).toContain('demo-node-role');
    expect(all).toContain(symptomA.title);
    expect(all).toContain(rootCause.fix.docs[0]);
  });

  it('shows one way to fix at a time: the alternative under OR, its command numbered after the first way', () => {
    const lines = detailLines(rootCause, report, 120);
    const fix = lines.slice(lines.findIndex((l) => l.kind === 'heading' && l.text === 'FIX'));
    const or = fix.findIndex((l) => l.kind === 'heading' && l.text === 'OR');
    expect(or).toBeGreaterThan(0);
    expect(new Set(fix.slice(0, or).flatMap((l) => (l.kind === 'command' ? [l.command] : [])))).toEqual(new Set([0]));
    expect(fix[or + 1]!.text.trim()).toBe(rootCause.fix.alternatives![0]!.summary);
    expect(new Set(fix.slice(or).flatMap((l) => (l.kind === 'command' ? [l.command] : [])))).toEqual(new Set([1]));
  });

  it('breaks a long fix command into pieces that join back into it exactly', () => {
    for (const width of [80, 120]) {
      const lines = detailLines(rootCause, report, width);
      const pieces = lines.filter((l): l is Extract<DetailLine, { kind: 'command' }> => l.kind === 'command' && l.command === 0);
      expect(pieces.map((p) => p.text).join('')).toBe(`$ ${LONG_FIX_COMMAND}`);
      expect(pieces.every((p) => p.text.length <= width - 2)).toBe(true);
      expect(lines[commandLineIndex(lines, 0)]).toBe(pieces[0]);
    }
  });

  it('keeps every line within the width', () => {
    for (const width of [40, 80]) {
      expect(detailLines(rootCause, report, width).every((l) => l.text.length + (l.kind === 'title' || l.kind === 'symptom' ? 11 : 2) <= width + 2)).toBe(true);
    }
  });

  it('for a symptom with no cause, says what was ruled out and what could not be checked', () => {
    const all = text(detailLines(unexplainedSymptom, report, 100));
    expect(all).toContain('NO CAUSE FOUND');
    expect(all).toContain('Ruled out: subnet-tags');
    expect(all).toContain('Could not check lb-controller: could not read deployments: forbidden');
  });

  it('for an explained symptom, names its cause', () => {
    const lines = detailLines(symptomA, report, 100);
    expect(lines.map((l) => l.text)).toContain('EXPLAINED BY');
    expect(text(lines)).toContain(rootCause.title);
  });
});
