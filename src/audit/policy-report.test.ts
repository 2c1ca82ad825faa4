import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ALL_FINDINGS, lowIps, makeReport, oldAddon, rootCause, unexplainedSymptom } from '../../test/tui/report-fixture.js';
import { listScenarios } from '../../mocks/bundled-scenarios.js';
import { runCli } from '../../test/support/run-cli.js';
import { policyReport, policyReportName, renderPolicyReport, type ClusterPolicyReport } from './policy-report.js';

/**
 * The CRD's openAPIV3Schema (test/fixtures/README.md says where it comes from). The API server
 * prunes fields a structural schema does not declare, silently: the strict variant forbids them,
 * so a field eks-doctor writes that a cluster would drop fails here.
 */
const crdSchema = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'wgpolicyk8s.io-v1alpha2-clusterpolicyreport.openapi.json'), 'utf8')) as Record<string, unknown>;

function withoutUndeclaredFields(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutUndeclaredFields);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, withoutUndeclaredFields(v)]));
  if ('properties' in out && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

function validator(schema: unknown) {
  const ajv = new Ajv({ allErrors: true, strict: true });
  ajvFormats.default(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addKeyword({ keyword: 'x-kubernetes-map-type' });
  ajv.addKeyword({ keyword: 'x-kubernetes-list-type' });
  return ajv.compile(schema as object);
}

const validate = validator(withoutUndeclaredFields(crdSchema));

describe('--output policyreport', () => {
  const report = makeReport([...ALL_FINDINGS, { ...lowIps, key: 'subnets/low-free-ips:subnet-0999', suppressed: { reason: 'being replaced' } }]);
  const rendered = renderPolicyReport(report);
  const document = parse(rendered) as ClusterPolicyReport;

  it('is a ClusterPolicyReport the CRD schema accepts, with nothing a cluster would prune', () => {
    expect(validate(document) ? [] : validate.errors).toEqual([]);
    // Plain YAML: no anchors or aliases (&a1, *a1), which some readers of these files do not expand.
    expect(rendered).not.toMatch(/[&*]a\d/);
    expect(document).toMatchObject({ apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'ClusterPolicyReport', metadata: { name: 'eks-doctor-demo-cluster' } });
  });

  it('the strict schema really rejects a field the CRD does not declare, and a severity it does not know', () => {
    const extra = structuredClone(document) as unknown as { results: Record<string, unknown>[] };
    extra.results[0]!.remediation = 'x';
    expect(validate(extra)).toBe(false);
    const badSeverity = structuredClone(document) as unknown as { results: Record<string, unknown>[] };
    badSeverity.results[0]!.severity = 'warning';
    expect(validate(badSeverity)).toBe(false);
  });

  it('one result per finding: the check as policy, the finding id as rule, severity mapped', () => {
    const byKey = new Map(document.results.filter((r) => r.properties?.key).map((r) => [r.properties!.key, r]));
    expect(byKey.get(rootCause.key)).toMatchObject({
      policy: 'aws-auth',
      rule: 'aws-auth/node-role-not-mapped',
      result: 'fail',
      severity: 'critical',
      source: 'eks-doctor',
      message: `${rootCause.title}: ${rootCause.rootCause}`,
      properties: { 'aws:iam:role': rootCause.resources[0]!.id, fix: rootCause.fix.commands[0], docs: rootCause.fix.docs[0] },
      timestamp: { seconds: Date.parse(report.generatedAt) / 1000, nanos: 0 },
    });
    expect(byKey.get(rootCause.key)!.resources).toBeUndefined();
    expect(byKey.get(unexplainedSymptom.key)).toMatchObject({ result: 'warn', severity: 'medium', resources: [{ apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'frontend' }] });
    expect(byKey.get(oldAddon.key)).toMatchObject({ result: 'warn', severity: 'info' });
    expect(byKey.get('subnets/low-free-ips:subnet-0999')).toMatchObject({ result: 'skip', properties: { suppressed: 'being replaced' } });
  });

  it('a check that passed is a pass, one that could not run an error; the summary counts results', () => {
    expect(document.results.filter((r) => !r.properties?.key).map((r) => [r.policy, r.result])).toEqual([['lb-controller', 'error']]);
    // A check that passed with an info finding says it through the finding, not with a pass besides.
    expect(document.results.filter((r) => r.policy === 'addons').map((r) => r.result)).toEqual(['warn']);
    const passing = policyReport(makeReport([], { checks: [{ id: 'addons', title: 'Add-ons are current', status: 'pass', durationMs: 1, findings: 0 }] }));
    expect(passing.results).toMatchObject([{ policy: 'addons', rule: 'addons', result: 'pass', message: 'Add-ons are current' }]);
    const counted = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
    for (const r of document.results) counted[r.result]++;
    expect(document.summary).toEqual(counted);
    expect(document.summary).toMatchObject({ fail: 2, error: 1, skip: 1 });
  });

  it('is written by `diagnose --output policyreport=PATH` for a bundled scenario, Kubernetes resources as references', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'eks-doctor-policyreport-')), 'report.yaml');
    const scenario = listScenarios().find((s) => s.name === 'nodes-notready-aws-node-crashloop')!.file;
    const { code } = await runCli(['diagnose', '--snapshot', scenario, '--output', `policyreport=${file}`]);
    expect(code).toBe(1);
    const written = parse(readFileSync(file, 'utf8')) as ClusterPolicyReport;
    expect(validate(written) ? [] : validate.errors).toEqual([]);
    expect(written.results.find((r) => r.rule === 'node-conditions/node-not-ready')!.resources).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'ip-10-0-1-10.eu-west-1.compute.internal' }]);
  });

  it('names the report as a DNS subdomain from any EKS cluster name', () => {
    expect(policyReportName('Shop_Prod-1')).toBe('eks-doctor-shop-prod-1');
    expect(policyReportName('a'.repeat(300))).toMatch(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/);
  });
});
