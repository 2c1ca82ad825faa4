import { createHash } from 'node:crypto';
import type { Finding, Severity } from '../engine/finding.js';
import type { Report } from '../engine/report.js';
import { isIncomplete } from '../engine/run-checks.js';
import type { FindingCatalogue } from './catalogue.js';
import { fixWayLines, resourceText } from './sections.js';

/**
 * SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/): one run; its rules are the finding
 * codes of the catalogue, its results the findings. A cluster has no source files, yet GitHub code
 * scanning rejects a result without a physical location: each result's location names a stable
 * artifact per cluster and check, eks/ACCOUNT/REGION/CLUSTER/CHECK (line 1), with the resources as
 * logical locations (kind 'resource', fullyQualifiedName '<type>/<id>'). Code scanning computes
 * fingerprints from file contents, which these artifacts do not have, so both partial fingerprints
 * come from the finding key: viewers track one problem across runs. Checks that could not run become
 * tool execution notifications (level error), and so do checks that ran without some of the data
 * they use (level warning). Suppressed findings carry an external suppression.
 */
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', warning: 'warning', info: 'note' };

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  helpUri?: string;
  help: { text: string };
  defaultConfiguration: { level: 'error' | 'warning' | 'note' };
  properties: { check: string; severity: Severity; tags: string[] };
}

export function renderSarif(report: Report, catalogue: FindingCatalogue): string {
  const rules: SarifRule[] = catalogue.flatMap((check) =>
    Object.entries(check.codes).map(([code, c]) => ({
      id: `${check.id}/${code}`,
      name: pascalCase(`${check.id}-${code}`),
      shortDescription: { text: c.title },
      fullDescription: { text: c.description },
      ...(check.docs[0] ? { helpUri: check.docs[0] } : {}),
      help: { text: `${c.description}${check.docs.length > 0 ? `\n${check.docs.join('\n')}` : ''}` },
      defaultConfiguration: { level: LEVEL[c.severity] },
      properties: { check: check.id, severity: c.severity, tags: ['eks', check.id] },
    })),
  );
  // A report may hold codes the given catalogue lacks (another version wrote it): describe them from the finding.
  for (const f of report.findings) {
    if (rules.some((r) => r.id === f.id)) continue;
    rules.push({
      id: f.id,
      name: pascalCase(f.id.replace('/', '-')),
      shortDescription: { text: f.title },
      fullDescription: { text: f.title },
      help: { text: f.fix.summary },
      defaultConfiguration: { level: LEVEL[f.severity] },
      properties: { check: f.check, severity: f.severity, tags: ['eks', f.check] },
    });
  }
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const notRun = report.checks.filter((c) => c.status === 'error');
  const incomplete = report.checks.filter(isIncomplete);
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'eks-doctor',
            version: report.tool.version,
            semanticVersion: report.tool.version,
            rules,
          },
        },
        automationDetails: { id: `eks-doctor/${report.cluster.region}/${report.cluster.name}/` },
        invocations: [
          {
            // Some checks could not run, or ran half-blind: the run did not fully succeed even though it completed.
            executionSuccessful: notRun.length === 0 && incomplete.length === 0,
            endTimeUtc: report.generatedAt,
            toolExecutionNotifications: notRun.map((c) => ({
              level: 'error',
              message: { text: `Check ${c.id} could not run: ${c.reason ?? 'unknown reason'}` },
              descriptor: { id: c.id },
            })).concat(incomplete.map((c) => ({
              level: 'warning',
              message: { text: `Check ${c.id} ran without some of its data (its results may be incomplete): ${(c.incomplete ?? []).map((p) => p.reason).join('; ')}` },
              descriptor: { id: c.id },
            }))),
          },
        ],
        results: report.findings.map((f) => result(f, ruleIndex.get(f.id)!, report.cluster)),
        properties: {
          schemaVersion: report.schemaVersion,
          cluster: report.cluster,
          capturedAt: report.snapshot.capturedAt,
          summary: report.summary,
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** The artifact a finding is reported against: one per cluster and check, the same every run. */
export function sarifArtifactUri(cluster: Report['cluster'], check: string): string {
  return ['eks', cluster.accountId ?? 'unknown-account', cluster.region, cluster.name, check].map(encodeURIComponent).join('/');
}

function result(f: Finding, ruleIndex: number, cluster: Report['cluster']): object {
  const message = [`${f.title}. ${f.rootCause}`, ...fixWayLines(f.fix)].join('\n');
  return {
    ruleId: f.id,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: message },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: sarifArtifactUri(cluster, f.check) }, region: { startLine: 1 } },
        ...(f.resources.length > 0 ? { logicalLocations: f.resources.map((r) => ({ name: resourceText(r), fullyQualifiedName: `${r.type}/${r.id}`, kind: 'resource' })) } : {}),
      },
    ],
    // primaryLocationLineHash is the fingerprint code scanning computes from a file's line; with no
    // file, it is the key's hash, so an alert stays one alert across runs and closes when fixed.
    partialFingerprints: { 'eksDoctorKey/v1': f.key, primaryLocationLineHash: `${createHash('sha256').update(f.key).digest('hex').slice(0, 16)}:1` },
    ...(f.suppressed
      ? { suppressions: [{ kind: 'external', status: 'accepted', justification: f.suppressed.reason, ...(f.suppressed.expires ? { properties: { expires: f.suppressed.expires } } : {}) }] }
      : {}),
    properties: {
      key: f.key,
      severity: f.severity,
      evidence: f.evidence,
      fix: f.fix,
      ...(f.symptom ? { symptom: f.symptom } : {}),
      explains: f.explains,
      explainedBy: f.explainedBy,
    },
  };
}

function pascalCase(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}
