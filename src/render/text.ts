import type { Finding } from '../engine/finding.js';
import type { ChangeHistory, Report } from '../engine/report.js';
import { beforeText, changeHistoryNotes, changeText, minuteText } from '../enrich/attach.js';
import { couldNotRun } from '../engine/run-checks.js';
import { clusterLine, fixWayLines, INCOMPLETE_HEADING, INCOMPLETE_MEANING, incompleteChecks, incompleteText, reportSections, resourceText, summaryLine } from './sections.js';
import { createStyle, type Style } from './style.js';

export function renderText(report: Report, options: { color?: boolean } = {}): string {
  const style = createStyle(options.color ?? false);
  const out: string[] = [];
  const sections = reportSections(report);
  out.push(style.bold(`eks-doctor ${report.tool.version}: ${clusterLine(report)}`));
  if (report.snapshot.description) out.push(style.dim(`Snapshot: ${report.snapshot.description}`));
  if (report.kubernetesAccess && !report.kubernetesAccess.reachable) {
    out.push(style.severity('warning', `Kubernetes API not reachable: ${report.kubernetesAccess.failure?.message ?? 'unknown reason'}`));
  }
  out.push('');

  if (sections.rootCauses.length > 0) {
    out.push(style.bold(`ROOT CAUSES (${sections.rootCauses.length})`), '');
    sections.rootCauses.forEach(({ cause, symptoms }, i) => {
      out.push(...findingBlock(cause, `${i + 1}. `, style));
      out.push(`   Explains ${symptoms.length} symptom${symptoms.length === 1 ? '' : 's'}:`);
      for (const s of symptoms) out.push(`     - ${style.severity(s.severity, s.severity)} ${s.title}  ${style.dim(s.key)}`);
      if (cause.unexplained) out.push('   Itself a symptom without a found cause.', ...unexplainedLines(cause.unexplained));
      out.push('');
    });
  }
  if (report.changeHistory) out.push(...changeHistoryBlock(report.changeHistory, style));
  if (sections.unexplainedSymptoms.length > 0) {
    out.push(style.bold(`SYMPTOMS WITHOUT A FOUND CAUSE (${sections.unexplainedSymptoms.length})`), '');
    for (const s of sections.unexplainedSymptoms) {
      out.push(...findingBlock(s, '- ', style));
      out.push(...unexplainedLines(s.unexplained!), '');
    }
  }
  if (sections.other.length > 0) {
    out.push(style.bold(`OTHER FINDINGS (${sections.other.length})`), '');
    for (const f of sections.other) {
      out.push(...findingBlock(f, '- ', style));
      out.push('');
    }
  }
  if (report.findings.length === 0) out.push(style.ok('No problems found.'), '');

  const notRun = report.checks.filter(couldNotRun);
  if (notRun.length > 0) {
    out.push(style.bold('CHECKS THAT COULD NOT RUN'));
    for (const c of notRun) out.push(`  ${c.status === 'error' ? style.severity('warning', 'error  ') : style.dim('skipped')} ${c.id}: ${c.reason ?? ''}`);
    out.push('');
  }
  const incomplete = incompleteChecks(report);
  if (incomplete.length > 0) {
    out.push(style.bold(INCOMPLETE_HEADING), style.dim(`  ${INCOMPLETE_MEANING}`));
    for (const c of incomplete) out.push(`  ${style.severity('warning', 'incomplete')} ${c.id} (${c.status}): ${incompleteText(c)}`);
    out.push('');
  }
  if (sections.suppressed.length > 0) {
    out.push(style.dim(`Suppressed: ${sections.suppressed.map((f) => `${f.key} (${f.suppressed!.reason})`).join('; ')}`), '');
  }
  for (const e of report.config?.suppressions.filter((x) => x.status === 'expired') ?? []) {
    out.push(style.severity('warning', `Expired suppression: ${e.id} (${report.config!.file} line ${e.line}) stopped working after ${e.expires}; its findings count again.`));
  }
  const unused = report.config?.suppressions.filter((x) => x.status === 'unused') ?? [];
  if (unused.length > 0) {
    out.push(style.dim(`Unused suppressions (they match nothing; remove them once the problem is fixed): ${unused.map((u) => `${u.id} (line ${u.line})`).join(', ')}`));
  }
  out.push(summaryLine(report));
  return `${out.join('\n')}\n`;
}

/** After the root causes: every change found, newest first, each with the findings it touches. */
function changeHistoryBlock(history: ChangeHistory, style: Style): string[] {
  const lines = [style.bold(`WHAT CHANGED BEFORE THE DIAGNOSIS (${history.changes.length})`), ''];
  for (const c of history.changes) {
    lines.push(`  ${minuteText(Date.parse(c.time))}  ${style.dim(`${beforeText(c, history.until)}:`)} ${changeText(c)}`);
    lines.push(style.dim(`      touches ${c.findings.join(', ')}`));
  }
  if (history.changes.length === 0) lines.push('  No change found on the resources of the findings above.');
  for (const note of changeHistoryNotes(history)) lines.push(style.dim(`  ${note}`));
  lines.push('');
  return lines;
}

function unexplainedLines(u: NonNullable<Finding['unexplained']>): string[] {
  return [`   Ruled out: ${u.ruledOut.length > 0 ? u.ruledOut.join(', ') : 'nothing (no check that could explain it ran)'}`, ...u.couldNotCheck.map((c) => `   Could not check ${c.check}: ${c.reason}`)];
}

function findingBlock(f: Finding, bullet: string, style: Style): string[] {
  const pad = ' '.repeat(3);
  const lines = [`${bullet}${style.severity(f.severity, `[${f.severity}]`)} ${style.bold(f.title)}  ${style.dim(f.id)}`];
  lines.push(`${pad}Why: ${f.rootCause}`);
  if (f.evidence.length > 0) {
    lines.push(`${pad}Evidence:`);
    for (const e of f.evidence) lines.push(`${pad}  - ${e}`);
  }
  if (f.resources.length > 0) lines.push(`${pad}Resources: ${f.resources.map(resourceText).join(', ')}`);
  if (f.explainedBy.length > 0) lines.push(`${pad}Explained by: ${f.explainedBy.join(', ')}`);
  lines.push(...fixWayLines(f.fix, pad));
  for (const d of f.fix.docs) lines.push(`${pad}  ${style.dim(d)}`);
  return lines;
}
