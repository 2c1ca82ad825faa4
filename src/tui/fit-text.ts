import type { Report } from '../engine/report.js';
import { listedCounts, listedText, plural, reportSections, summaryLine, type ListedCounts } from '../render/sections.js';
import { truncateText } from './wrap-text.js';

/** The first of `variants` (longest and fullest first) that fits in `width`; the last one cut otherwise. */
export function firstThatFits(variants: string[], width: number): string {
  return variants.find((v) => v.length <= width) ?? truncateText(variants[variants.length - 1] ?? '', width);
}

/**
 * The report's one-line summary at `width`: the plain reports' line when it fits, then shorter
 * forms that keep, to the last, how the counts relate to the rows and how many checks could not
 * run ("could not check" is not "nothing wrong").
 */
export function fittedSummary(report: Report, width: number): string {
  const s = report.summary;
  const counts = listedCounts(report, reportSections(report));
  const short = shortListed(counts);
  const notRun = `${s.checks.error} could not run`;
  return firstThatFits(
    [
      summaryLine(report),
      `${listedText(counts)} (${s.critical} critical, ${s.warning} warning, ${s.info} info) · ${notRun}`,
      `${short} · ${s.critical} crit, ${s.warning} warn, ${s.info} info · ${notRun}`,
      `${short} · ${notRun}`,
      `${short} · ${s.checks.error} not run`,
    ],
    width,
  );
}

/** "2 causes → 5 symptoms, 1 unexplained, 1 other" */
function shortListed(counts: ListedCounts): string {
  const parts: string[] = [];
  if (counts.rootCauses > 0) parts.push(`${plural(counts.rootCauses, 'cause')} → ${plural(counts.explainedSymptoms, 'symptom')}`);
  if (counts.unexplainedSymptoms > 0) parts.push(`${counts.unexplainedSymptoms} unexplained`);
  if (counts.other > 0) parts.push(`${counts.other} other`);
  return parts.length > 0 ? parts.join(', ') : 'no findings';
}

/**
 * Key hints at `width`: as many of `hints` as fit, most used first, and always `tail` (how to get
 * help and how to quit), which must never be cut off.
 */
export function fittedHints(hints: string[], tail: string, width: number): string {
  const shown = [...hints];
  const line = () => [...shown, tail].join(' · ');
  while (shown.length > 0 && line().length > width) shown.pop();
  return truncateText(line(), width);
}
