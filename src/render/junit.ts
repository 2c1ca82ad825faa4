import type { Finding } from '../engine/finding.js';
import type { Report } from '../engine/report.js';
import { isIncomplete, type CheckResult } from '../engine/run-checks.js';
import { clusterLine, fixWayLines, INCOMPLETE_MEANING, incompleteText, resourceText } from './sections.js';

/**
 * JUnit XML, so CI systems show a diagnosis the way they show tests: one <testcase> per check.
 *   pass    -> an empty testcase
 *   fail    -> one <failure> per active critical or warning finding (type = finding id)
 *   error   -> <error> with why the check could not run (a denied call, an unreachable API)
 *   skipped -> <skipped> with why (not selected, or the snapshot lacks the data)
 * Info and suppressed findings are not failures: they are listed in the testcase's <system-out>.
 * A check that ran without some of the data it uses keeps its verdict and says so in <system-err>
 * (its status stays pass or fail); --fail-on-error turns it into exit code 1.
 * Counts follow the usual convention: `failures` and `errors` count testcases, not findings.
 */
export function renderJunit(report: Report): string {
  const byCheck = new Map<string, Finding[]>();
  for (const f of report.findings) byCheck.set(f.check, [...(byCheck.get(f.check) ?? []), f]);
  const cases = report.checks.map((check) => testcase(check, byCheck.get(check.id) ?? []));
  const failures = cases.filter((c) => c.failed).length;
  const errors = report.checks.filter((c) => c.status === 'error').length;
  const skipped = report.checks.filter((c) => c.status === 'skipped').length;
  const seconds = formatSeconds(report.checks.reduce((sum, c) => sum + c.durationMs, 0));
  const counts = `tests="${report.checks.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds}"`;
  const properties: [string, string | undefined][] = [
    ['eks-doctor.schemaVersion', report.schemaVersion],
    ['eks-doctor.version', report.tool.version],
    ['cluster.name', report.cluster.name],
    ['cluster.region', report.cluster.region],
    ['cluster.arn', report.cluster.arn],
    ['snapshot.capturedAt', report.snapshot.capturedAt],
  ];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="eks-doctor" ${counts}>`,
    `  <testsuite name="${attr(`eks-doctor: ${clusterLine(report)}`)}" ${counts} timestamp="${attr(report.generatedAt)}">`,
    '    <properties>',
    ...properties.filter(([, v]) => v !== undefined).map(([name, value]) => `      <property name="${attr(name)}" value="${attr(value!)}"/>`),
    '    </properties>',
    ...cases.flatMap((c) => c.lines.map((l) => `    ${l}`)),
    '  </testsuite>',
    '</testsuites>',
  ];
  return `${lines.join('\n')}\n`;
}

function testcase(check: CheckResult, findings: Finding[]): { lines: string[]; failed: boolean } {
  const failing = findings.filter((f) => !f.suppressed && f.severity !== 'info');
  const quiet = findings.filter((f) => f.suppressed || f.severity === 'info');
  const open = `<testcase classname="eks-doctor.${attr(check.id)}" name="${attr(`${check.id}: ${check.title}`)}" time="${formatSeconds(check.durationMs)}"`;
  const body: string[] = [];
  const incomplete = isIncomplete(check);
  if (check.status === 'error') {
    const calls = (check.failedCalls ?? []).map((c) => `${c.call}: ${c.code}${c.permission ? ` (needs ${c.permission})` : ''}`);
    body.push(`  <error type="could-not-run" message="${attr(check.reason ?? 'could not run')}">${text([check.reason ?? '', ...calls].join('\n'))}</error>`);
  } else if (check.status === 'skipped') {
    body.push(`  <skipped message="${attr(check.reason ?? 'skipped')}"/>`);
  }
  for (const f of failing) {
    body.push(`  <failure type="${attr(f.id)}" message="${attr(`[${f.severity}] ${f.title}`)}">${text(findingText(f))}</failure>`);
  }
  if (quiet.length > 0) {
    const out = quiet.map((f) => (f.suppressed ? `suppressed ${f.key}: ${f.suppressed.reason}` : `[info] ${f.title} (${f.key})\n${findingText(f)}`));
    body.push(`  <system-out>${text(out.join('\n\n'))}</system-out>`);
  }
  if (incomplete) body.push(`  <system-err>${text(`Incomplete: ${incompleteText(check)}\n${INCOMPLETE_MEANING}`)}</system-err>`);
  const lines = body.length === 0 ? [`${open}/>`] : [`${open}>`, ...body, '</testcase>'];
  return { lines, failed: failing.length > 0 };
}

function findingText(f: Finding): string {
  const lines = [`key: ${f.key}`, `Why: ${f.rootCause}`];
  if (f.evidence.length > 0) lines.push('Evidence:', ...f.evidence.map((e) => `  - ${e}`));
  if (f.resources.length > 0) lines.push(`Resources: ${f.resources.map(resourceText).join(', ')}`);
  if (f.explainedBy.length > 0) lines.push(`Explained by: ${f.explainedBy.join(', ')}`);
  if (f.explains.length > 0) lines.push(`Explains: ${f.explains.join(', ')}`);
  lines.push(...fixWayLines(f.fix), ...f.fix.docs.map((d) => `  ${d}`));
  return lines.join('\n');
}

function formatSeconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** XML 1.0 cannot carry most control characters at all, even escaped: they are dropped. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

function text(s: string): string {
  return clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
