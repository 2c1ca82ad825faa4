import { fixWays, type Finding, type Severity } from '../engine/finding.js';
import type { Report } from '../engine/report.js';
import type { CheckResult } from '../engine/run-checks.js';
import { describeFailure } from '../engine/failure-text.js';
import { resourceText } from '../render/sections.js';
import { breakCommand, wrapText } from './wrap-text.js';

export type DetailLine =
  /**
   * The severity word (or, for a check, its status) is shown before the `first` piece; the others
   * are indented under it.
   */
  | { kind: 'title'; text: string; label: { severity: Severity } | { status: string }; first: boolean }
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

  wrapText(finding.title, Math.max(10, width - SEVERITY_WIDTH)).forEach((piece, i) => lines.push({ kind: 'title', text: piece, label: { severity: finding.severity }, first: i === 0 }));
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
  // One way at a time: the alternatives follow under "OR", and command numbers run on across them.
  let index = 0;
  fixWays(finding.fix).forEach((way, w) => {
    if (w > 0) lines.push({ kind: 'heading', text: 'OR' });
    paragraph(way.summary);
    for (const command of way.commands) {
      const number = index++;
      breakCommand(`$ ${command}`, body).forEach((piece, i) => lines.push({ kind: 'command', text: piece, command: number, first: i === 0 }));
    }
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

/**
 * What would let a check that could not run run: the full reason, each failed call with the
 * permission to grant or the condition to mend, and the symptoms it could have explained.
 */
export function checkDetailLines(check: CheckResult, report: Report, width: number): DetailLine[] {
  const body = Math.max(10, width - INDENT.length);
  const lines: DetailLine[] = [];
  const paragraph = (text: string, prefix = '') =>
    wrapText(text, body - prefix.length).forEach((piece, i) => lines.push({ kind: 'text', text: `${INDENT}${i === 0 ? prefix : ' '.repeat(prefix.length)}${piece}` }));
  const status = check.status === 'error' ? 'error' : 'skipped';
  const title = `Check ${check.id} ${check.status === 'error' ? 'could not run' : 'was skipped'}: ${check.title}`;
  wrapText(title, Math.max(10, width - SEVERITY_WIDTH)).forEach((piece, i) => lines.push({ kind: 'title', text: piece, label: { status }, first: i === 0 }));
  lines.push({ kind: 'heading', text: 'WHY' });
  paragraph(check.reason ?? 'no reason recorded');

  const calls = check.failedCalls ?? [];
  if (calls.length > 0) {
    lines.push({ kind: 'heading', text: `FAILED CALL${calls.length === 1 ? '' : 'S'}` });
    for (const call of calls) {
      const recorded = report.collectionErrors.find((e) => e.call === call.call && e.code === call.code);
      paragraph(recorded ? describeFailure(recorded) : `${call.call}: ${call.kind} (${call.code})`, '- ');
    }
  }
  lines.push({ kind: 'heading', text: 'TO LET IT RUN' });
  const who = report.identity?.arn ? ` to ${report.identity.arn}` : ' to the identity eks-doctor runs as';
  const remedies = new Set<string>();
  for (const call of calls) remedies.add(remedy(call, who));
  if (remedies.size === 0) remedies.add(check.status === 'error' ? 'See why above; once that is mended, r re-checks.' : 'The check applies only when the snapshot holds what it names above; nothing to do otherwise.');
  for (const r of remedies) paragraph(r, '- ');

  const explainable = report.findings.filter((f) => f.unexplained?.couldNotCheck.some((c) => c.check === check.id));
  if (explainable.length > 0) {
    lines.push({ kind: 'heading', text: 'COULD HAVE EXPLAINED' });
    for (const f of explainable) paragraph(f.title, '- ');
  }
  return lines;
}

/** The permission to grant or the condition to mend for one failed call. */
function remedy(call: NonNullable<CheckResult['failedCalls']>[number], who: string): string {
  const kubernetes = call.call.startsWith('GET ');
  switch (call.kind) {
    case 'denied':
      if (!call.permission) return `Allow ${call.call}${who}.`;
      return kubernetes
        ? `Grant Kubernetes RBAC "${call.permission}"${who} (policy/clusterrole.yaml has every read eks-doctor makes); kubectl auth can-i ${call.permission} checks it.`
        : `Allow ${call.permission}${who} (policy/iam-policy.json has every read eks-doctor makes).`;
    case 'unauthorized':
      return kubernetes ? `Map the identity in the cluster (an access entry, or aws-auth)${who.replace(' to ', ' for ')}.` : `Refresh the AWS credentials (aws sts get-caller-identity checks them).`;
    case 'timeout':
    case 'unreachable':
      return kubernetes
        ? 'Reach the API server from here: its endpoint access (public access CIDRs, or a private endpoint from outside the VPC), a proxy, or the network path; --timeout gives slow links longer.'
        : 'Reach the AWS endpoint from here (proxy, VPC endpoint, DNS); --timeout gives slow links longer.';
    case 'throttled':
      return 'Run again when the account is quieter; the calls were throttled past the retry limit.';
    case 'tls':
      return 'Trust the certificate the endpoint presents (the kubeconfig certificate-authority-data, or a proxy that re-signs).';
    default:
      return `See the failed call above (${call.code}).`;
  }
}

/** The FIX heading, where `f` jumps: the first screen of a long finding may not reach it. */
export function fixLineIndex(lines: DetailLine[]): number {
  return lines.findIndex((l) => l.kind === 'heading' && l.text === 'FIX');
}

/** The first line of fix command `index`, to scroll it into view when it is selected. */
export function commandLineIndex(lines: DetailLine[], index: number): number {
  return lines.findIndex((l) => l.kind === 'command' && l.command === index && l.first);
}
