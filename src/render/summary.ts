import type { Report } from '../engine/report.js';
import { clusterLine, reportSections, summaryLine } from './sections.js';
import { createStyle } from './style.js';

const MAX_OTHER_LINES = 5;

/**
 * The few lines the terminal shows when the report itself went to files (--output-file,
 * --output FORMAT=PATH): the verdict, the root causes, and where the report is.
 */
export function renderSummary(report: Report, written: { format: string; path: string }[], options: { color?: boolean } = {}): string {
  const style = createStyle(options.color ?? false);
  const sections = reportSections(report);
  const lines = [style.bold(`eks-doctor ${report.tool.version}: ${clusterLine(report)}`), summaryLine(report)];
  for (const { cause, symptoms } of sections.rootCauses) {
    const explains = symptoms.length > 0 ? `, explains ${symptoms.length} symptom${symptoms.length === 1 ? '' : 's'}` : '';
    lines.push(`  ${style.severity(cause.severity, `[${cause.severity}]`)} ${cause.title}  ${style.dim(`${cause.id}${explains}`)}`);
  }
  // Then what no root cause covers, most severe first (report order), a few at most.
  const rest = [...sections.unexplainedSymptoms, ...sections.other].filter((f) => f.severity !== 'info');
  for (const f of rest.slice(0, MAX_OTHER_LINES)) lines.push(`  ${style.severity(f.severity, `[${f.severity}]`)} ${f.title}  ${style.dim(f.id)}`);
  if (rest.length > MAX_OTHER_LINES) lines.push(`  ... and ${rest.length - MAX_OTHER_LINES} more in the report`);
  for (const s of report.config?.suppressions.filter((x) => x.status === 'expired') ?? []) {
    lines.push(style.severity('warning', `  Suppression of ${s.id} (${report.config!.file} line ${s.line}) expired on ${s.expires}: its findings count again`));
  }
  for (const w of written) lines.push(`Wrote ${w.format} report to ${w.path}`);
  return `${lines.join('\n')}\n`;
}
