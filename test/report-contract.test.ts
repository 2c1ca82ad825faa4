/**
 * The published contract: every report eks-doctor writes validates against the shipped
 * schema/report.schema.json, whose version matches the code's.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_SCHEMA_VERSION, type Report } from '../src/engine/report.js';
import { SYMPTOM_KINDS } from '../src/engine/symptoms.js';
import { listScenarios } from '../mocks/bundled-scenarios.js';
import { reportSchema, reportValidator, writeVariants } from './support/report-contract.js';
import { runCli } from './support/run-cli.js';

const validate = reportValidator();

function expectValid(report: unknown, label: string): void {
  const ok = validate(report);
  expect(ok ? [] : validate.errors, `${label} does not match schema/report.schema.json`).toEqual([]);
}

describe('schema/report.schema.json', () => {
  it.each(listScenarios())('validates the JSON report of scenario $name', async (scenario) => {
    const { stdout } = await runCli(['diagnose', '--snapshot', scenario.file, '--output', 'json']);
    const report = JSON.parse(stdout) as Report;
    expect(report.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expectValid(report, scenario.name);
  });

  it('validates reports with findings, errors, suppressions and a config file', async () => {
    const variants = writeVariants();
    const config = join(variants.dir, 'config.yaml');
    writeFileSync(
      config,
      [
        'suppressions:',
        '  - id: aws-auth/node-role-not-mapped',
        '    resources: [arn:aws:iam::111122223333:role/KarpenterNodeRole-shop-prod]',
        '    reason: Karpenter nodes are being retired this week',
        '    expires: 2999-12-31',
        '  - id: aws-auth/duplicate-mapping',
        '    reason: old, expired',
        '    expires: 2000-01-01',
        '  - id: aws-auth/configmap-missing',
        '    reason: matches nothing',
        '',
      ].join('\n'),
    );
    for (const file of [variants.critical, variants.warning, variants.error, variants.incomplete]) {
      const { stdout } = await runCli(['diagnose', '--snapshot', file, '--output', 'json', '--config', config]);
      const report = JSON.parse(stdout) as Report;
      expect(report.config?.suppressions.map((s) => s.status).length).toBe(3);
      expectValid(report, file);
    }
  });

  it('declares the version the code writes', () => {
    const pattern = new RegExp((reportSchema.properties as Record<string, { pattern: string }>).schemaVersion.pattern);
    expect(REPORT_SCHEMA_VERSION).toMatch(pattern);
    expect(REPORT_SCHEMA_VERSION).toMatch(/^\d+\.\d+$/);
  });

  it('accepts every symptom kind and every catalogue id the code has', async () => {
    const defs = reportSchema.$defs as Record<string, { pattern: string }>;
    for (const kind of Object.keys(SYMPTOM_KINDS)) expect(kind).toMatch(new RegExp(defs.symptomKind.pattern));
    const { stdout } = await runCli(['list', '--output', 'json']);
    const catalogue = JSON.parse(stdout) as { id: string; codes: { id: string }[] }[];
    for (const check of catalogue) {
      expect(check.id).toMatch(new RegExp(defs.checkId.pattern));
      for (const code of check.codes) expect(code.id).toMatch(new RegExp(defs.findingId.pattern));
    }
  });

  it('is strict: an unknown field or a missing one fails validation (so the schema cannot drift from the code)', async () => {
    const { stdout } = await runCli(['diagnose', '--snapshot', listScenarios()[0]!.file, '--output', 'json']);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(validate({ ...report, surprise: true })).toBe(false);
    const { schemaVersion: _dropped, ...withoutVersion } = report;
    expect(validate(withoutVersion)).toBe(false);
  });

  it('is shipped in the package', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schema/');
  });
});

describe('resource types the schema accepts', () => {
  it.each(['aws:ec2:instance', 'aws:eks:access-entry', 'aws:resource', 'k8s:Node', 'k8s:ServiceAccount'])('%s', (type) => {
    const defs = reportSchema.$defs as Record<string, { properties: { type: { pattern: string } } }>;
    expect(type).toMatch(new RegExp(defs.resourceRef.properties.type.pattern));
  });
});
