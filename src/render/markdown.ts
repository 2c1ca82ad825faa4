import { fixWays, type Finding } from '../engine/finding.js';
import type { Report } from '../engine/report.js';
import { beforeText, changeHistoryNotes, changeText, minuteText } from '../enrich/attach.js';
import { clusterLine, INCOMPLETE_MEANING, incompleteText, reportSections, resourceText, summaryLine } from './sections.js';
import { isIncomplete } from '../engine/run-checks.js';

const escapeCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(report: Report): string {
  const sections = reportSections(report);
  const out: string[] = [`# eks-doctor report: ${report.cluster.name}`, '', `${clusterLine(report)}. Captured ${report.snapshot.capturedAt}.`, '', `**Summary:** ${summaryLine(report)}`, ''];
  if (report.kubernetesAccess && !report.kubernetesAccess.reachable) {
    out.push(`> **Kubernetes API not reachable:** ${report.kubernetesAccess.failure?.message ?? 'unknown reason'}`, '');
  }
  if (sections.rootCauses.length > 0) {
    out.push('## Root causes', '');
    sections.rootCauses.forEach(({ cause, symptoms }, i) => {
      out.push(...findingBlock(cause, `### ${i + 1}. `));
      out.push(`**Explains ${symptoms.length} symptom${symptoms.length === 1 ? '' : 's'}:**`, '');
      for (const s of symptoms) out.push(`- \`${s.severity}\` ${s.title} (\`${s.key}\`)`);
      out.push('');
      if (cause.unexplained) out.push('**Itself a symptom without a found cause.**', '', ...unexplainedLines(cause.unexplained));
    });
  }
  if (report.changeHistory) {
    const history = report.changeHistory;
    out.push(`## What changed before the diagnosis (${history.changes.length})`, '');
    if (history.changes.length > 0) {
      out.push('| When | What | Touches |', '| --- | --- | --- |');
      for (const c of history.changes) out.push(`| ${minuteText(Date.parse(c.time))} (${beforeText(c, history.until)}) | ${escapeCell(changeText(c))} | ${c.findings.map((k) => `\`${escapeCell(k)}\``).join(', ')} |`);
      out.push('');
    } else out.push('No change found on the resources of the findings above.', '');
    out.push(...changeHistoryNotes(history).map((n) => `- ${n}`), '');
  }
  if (sections.unexplainedSymptoms.length > 0) {
    out.push('## Symptoms without a found cause', '');
    for (const s of sections.unexplainedSymptoms) {
      out.push(...findingBlock(s, '### '));
      out.push(...unexplainedLines(s.unexplained!));
    }
  }
  if (sections.other.length > 0) {
    out.push('## Other findings', '');
    for (const f of sections.other) out.push(...findingBlock(f, '### '));
  }
  out.push('## Checks', '', '| Check | Status | Findings | Notes |', '| --- | --- | --- | --- |');
  for (const c of report.checks) {
    const incomplete = isIncomplete(c);
    const notes = incomplete ? `incomplete: ${incompleteText(c)}` : (c.reason ?? '');
    out.push(`| \`${c.id}\` | ${c.status}${incomplete ? ' (incomplete)' : ''} | ${c.findings} | ${escapeCell(notes)} |`);
  }
  out.push('');
  if (report.checks.some(isIncomplete)) out.push(`Checks marked *incomplete* ran without some of the data they use. ${INCOMPLETE_MEANING}`, '');
  if (sections.suppressed.length > 0) {
    out.push('## Suppressed', '');
    for (const f of sections.suppressed) out.push(`- \`${f.key}\`: ${f.suppressed!.reason}`);
    out.push('');
  }
  const expired = report.config?.suppressions.filter((x) => x.status === 'expired') ?? [];
  if (expired.length > 0) {
    out.push('## Expired suppressions', '');
    for (const e of expired) out.push(`- \`${e.id}\` (${report.config!.file} line ${e.line}) expired on ${e.expires}: ${e.reason}`);
    out.push('');
  }
  return out.join('\n');
}

function unexplainedLines(u: NonNullable<Finding['unexplained']>): string[] {
  return [`**Ruled out:** ${u.ruledOut.map((c) => `\`${c}\``).join(', ') || 'nothing'}`, '', ...u.couldNotCheck.map((c) => `- Could not check \`${c.check}\`: ${c.reason}`), ''];
}

function findingBlock(f: Finding, heading: string): string[] {
  const lines = [`${heading}\`${f.severity}\` ${f.title}`, '', `\`${f.id}\` · key \`${f.key}\``, '', f.rootCause, ''];
  if (f.evidence.length > 0) lines.push('**Evidence:**', '', ...f.evidence.map((e) => `- ${e}`), '');
  if (f.resources.length > 0) lines.push(`**Resources:** ${f.resources.map((r) => `\`${resourceText(r)}\``).join(', ')}`, '');
  if (f.explainedBy.length > 0) lines.push(`**Explained by:** ${f.explainedBy.map((k) => `\`${k}\``).join(', ')}`, '');
  fixWays(f.fix).forEach((way, i) => {
    lines.push(`**${i === 0 ? 'Fix' : 'Or'}:** ${way.summary}`, '');
    if (way.commands.length > 0) lines.push('```sh', ...way.commands, '```', '');
  });
  if (f.fix.docs.length > 0) lines.push(...f.fix.docs.map((d) => `- ${d}`), '');
  return lines;
}
