import { describe, expect, it } from 'vitest';
import type { Finding } from '../engine/finding.js';
import type { Report } from '../engine/report.js';
import { sarifValidator } from '../../test/support/report-contract.js';
import { renderSarif } from './sarif.js';
import { reportFixture } from '../../test/support/report-fixture.js';

const finding = (code: string, extra: Partial<Finding> = {}): Finding => ({
  id: `alpha/${code}`, key: `alpha/${code}:i-1`, check: 'alpha', severity: 'warning', title: 't', rootCause: 'r', evidence: [],
  resources: [{ type: 'aws:ec2:instance', id: 'i-1', name: 'web-1' }], fix: { summary: 's', commands: [], docs: [] }, explains: [], explainedBy: [], ...extra,
});

const report = reportFixture({
  toolVersion: '1.2.3',
  cluster: { name: 'c', region: 'eu-west-1' },
  summary: { critical: 0, warning: 1, info: 0, suppressed: 1, rootCauses: 0, checks: { total: 1, pass: 0, fail: 1, error: 0, skipped: 0, incomplete: 0 } },
  checks: [{ id: 'alpha', title: 'a', status: 'fail', durationMs: 1, findings: 2 }],
  findings: [finding('known'), finding('unknown-to-catalogue', { key: 'alpha/unknown-to-catalogue:i-1', severity: 'info', suppressed: { reason: 'accepted', expires: '2030-01-01' } })],
});

const catalogue = [{ id: 'alpha', title: 'Alpha', docs: ['https://docs.aws.amazon.com/eks/latest/userguide/'], codes: { known: { severity: 'warning' as const, title: 'Known', description: 'What it means' } } }];

type Log = { runs: { results: { ruleId: string; locations: { physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } } }[]; partialFingerprints: Record<string, string> }[] }[] };

describe('renderSarif for GitHub code scanning', () => {
  const withAccount = { ...report, cluster: { name: 'shop prod', region: 'eu-west-1', accountId: '111122223333' } };
  const results = (r: Report) => (JSON.parse(renderSarif(r, catalogue)) as Log).runs[0]!.results;

  it('gives every result a physical location: one artifact per cluster and check, line 1', () => {
    for (const r of results(withAccount)) {
      expect(r.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'eks/111122223333/eu-west-1/shop%20prod/alpha' }, region: { startLine: 1 } });
    }
  });

  it('derives both partial fingerprints from the finding key: stable across runs, distinct per finding', () => {
    const first = results(withAccount);
    const again = results({ ...withAccount, generatedAt: '2026-02-01T00:00:00.000Z' });
    expect(first.map((r) => r.partialFingerprints)).toEqual(again.map((r) => r.partialFingerprints));
    expect(first.map((r) => r.partialFingerprints['eksDoctorKey/v1'])).toEqual(withAccount.findings.map((f) => f.key));
    const hashes = first.map((r) => r.partialFingerprints['primaryLocationLineHash']);
    expect(hashes.every((h) => /^[0-9a-f]{16}:1$/.test(h ?? ''))).toBe(true);
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});

describe('renderSarif', () => {
  const log = JSON.parse(renderSarif(report, catalogue)) as { runs: { tool: { driver: { rules: { id: string; helpUri?: string }[] } }; results: { ruleIndex: number; level: string; suppressions?: unknown[]; locations: unknown[] }[]; invocations: { executionSuccessful: boolean }[] }[] };

  it('is valid SARIF 2.1.0', () => {
    const validate = sarifValidator();
    expect(validate(log) ? [] : validate.errors).toEqual([]);
  });

  it('describes a code the catalogue lacks from the finding, and marks suppressed results', () => {
    const run = log.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['alpha/known', 'alpha/unknown-to-catalogue']);
    expect(run.tool.driver.rules[0]!.helpUri).toBe('https://docs.aws.amazon.com/eks/latest/userguide/');
    expect(run.results.map((r) => [r.ruleIndex, r.level])).toEqual([[0, 'warning'], [1, 'note']]);
    expect(run.results[1]!.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'accepted', properties: { expires: '2030-01-01' } }]);
    expect(run.results[0]!.locations).toEqual([
      {
        physicalLocation: { artifactLocation: { uri: 'eks/unknown-account/eu-west-1/c/alpha' }, region: { startLine: 1 } },
        logicalLocations: [{ name: 'i-1 (web-1)', fullyQualifiedName: 'aws:ec2:instance/i-1', kind: 'resource' }],
      },
    ]);
    expect(run.invocations[0]!.executionSuccessful).toBe(true);
  });
});
