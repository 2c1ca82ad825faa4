/**
 * `--output policyreport`: the report as a `wgpolicyk8s.io/v1alpha2` ClusterPolicyReport, the API
 * of the Policy Report working group that policy-reporter, Kyverno and most dashboards read
 * (CRD: kyverno/kyverno config/crds/policyreport/wgpolicyk8s.io_clusterpolicyreports.yaml).
 *
 * One result per finding: `policy` the check, `rule` the finding id, `result` fail (critical) or
 * warn (warning, info), skip when suppressed; one `pass` result per check that passed with
 * nothing to say, one `error` per check that could not run, one `skip` per check not run.
 * Kubernetes resources are `resources` (object references); AWS resources, which no Kubernetes
 * reference can name, are `properties`. It is a file: applying it (where the CRD is installed) is
 * the user's step, with their credentials; eks-doctor never writes to a cluster.
 */
import { stringify } from 'yaml';
import type { Finding, ResourceRef, Severity } from '../engine/finding.js';
import type { Report } from '../engine/report.js';
import type { CheckResult } from '../engine/run-checks.js';

export type PolicyResultValue = 'pass' | 'fail' | 'warn' | 'error' | 'skip';
export type PolicySeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export interface PolicyReportResult {
  policy: string;
  rule?: string;
  result: PolicyResultValue;
  severity?: PolicySeverity;
  category?: string;
  message?: string;
  source: 'eks-doctor';
  scored: boolean;
  timestamp: { seconds: number; nanos: number };
  resources?: { apiVersion: string; kind: string; name: string; namespace?: string }[];
  properties?: Record<string, string>;
}

export interface ClusterPolicyReport {
  apiVersion: 'wgpolicyk8s.io/v1alpha2';
  kind: 'ClusterPolicyReport';
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  summary: Record<PolicyResultValue, number>;
  results: PolicyReportResult[];
}

export const POLICY_SEVERITY: Record<Severity, PolicySeverity> = { critical: 'critical', warning: 'medium', info: 'info' };
const FINDING_RESULT: Record<Severity, PolicyResultValue> = { critical: 'fail', warning: 'warn', info: 'warn' };

/** apiVersion of each Kubernetes kind eks-doctor names (resource types `k8s:<Kind>`). */
const KIND_API_VERSIONS: Record<string, string> = {
  Node: 'v1',
  Pod: 'v1',
  Service: 'v1',
  ServiceAccount: 'v1',
  ConfigMap: 'v1',
  Namespace: 'v1',
  DaemonSet: 'apps/v1',
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
};

function kubernetesReference(ref: ResourceRef): NonNullable<PolicyReportResult['resources']>[number] | undefined {
  if (!ref.type.startsWith('k8s:')) return undefined;
  const kind = ref.type.slice('k8s:'.length);
  const slash = ref.id.indexOf('/');
  return {
    apiVersion: KIND_API_VERSIONS[kind] ?? 'v1',
    kind,
    name: slash === -1 ? ref.id : ref.id.slice(slash + 1),
    ...(slash === -1 ? {} : { namespace: ref.id.slice(0, slash) }),
  };
}

/** A ClusterPolicyReport's name: a DNS subdomain (lower case, digits, '-', '.'), at most 253 characters. */
export function policyReportName(clusterName: string): string {
  const name = `eks-doctor-${clusterName}`.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return name.slice(0, 253).replace(/[^a-z0-9]+$/, '');
}

export function policyReport(report: Report): ClusterPolicyReport {
  const millis = new Date(report.generatedAt).getTime();
  const timestamp = { seconds: Math.floor(millis / 1000), nanos: (millis % 1000) * 1_000_000 };
  const titles = new Map(report.checks.map((c) => [c.id, c.title]));
  const base = (check: string) => ({ policy: check, source: 'eks-doctor' as const, scored: true, timestamp, ...(titles.get(check) ? { category: titles.get(check)! } : {}) });

  const findingResult = (f: Finding): PolicyReportResult => {
    const resources = f.resources.map(kubernetesReference).filter((r) => r !== undefined);
    const aws = new Map<string, string[]>();
    for (const ref of f.resources.filter((r) => !r.type.startsWith('k8s:'))) aws.set(ref.type, [...(aws.get(ref.type) ?? []), ref.id]);
    return {
      ...base(f.check),
      rule: f.id,
      result: f.suppressed ? 'skip' : FINDING_RESULT[f.severity],
      severity: POLICY_SEVERITY[f.severity],
      message: `${f.title}: ${f.rootCause}`,
      ...(resources.length > 0 ? { resources } : {}),
      properties: {
        key: f.key,
        ...Object.fromEntries([...aws].map(([type, ids]) => [type, ids.join(', ')])),
        ...(f.fix.commands[0] ? { fix: f.fix.commands[0] } : { fix: f.fix.summary }),
        ...(f.fix.docs[0] ? { docs: f.fix.docs[0] } : {}),
        ...(f.suppressed ? { suppressed: f.suppressed.reason } : {}),
      },
    };
  };
  const checkResult = (c: CheckResult): PolicyReportResult | undefined => {
    if (c.status === 'pass' && c.findings === 0) return { ...base(c.id), rule: c.id, result: 'pass', message: c.title };
    if (c.status === 'error') return { ...base(c.id), rule: c.id, result: 'error', message: `${c.title}: could not run: ${c.reason ?? 'unknown reason'}` };
    if (c.status === 'skipped') return { ...base(c.id), rule: c.id, result: 'skip', message: `${c.title}: ${c.reason ?? 'skipped'}` };
    return undefined;
  };
  const results = [...report.findings.map(findingResult), ...report.checks.map(checkResult).filter((r) => r !== undefined)];
  const summary: Record<PolicyResultValue, number> = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const r of results) summary[r.result]++;
  return {
    apiVersion: 'wgpolicyk8s.io/v1alpha2',
    kind: 'ClusterPolicyReport',
    metadata: {
      name: policyReportName(report.cluster.name),
      labels: { 'app.kubernetes.io/name': 'eks-doctor' },
      annotations: {
        'eks-doctor/cluster': report.cluster.name,
        'eks-doctor/region': report.cluster.region,
        ...(report.cluster.accountId ? { 'eks-doctor/account': report.cluster.accountId } : {}),
        'eks-doctor/generated-at': report.generatedAt,
        'eks-doctor/schema-version': report.schemaVersion,
      },
    },
    summary,
    results,
  };
}

/** YAML, ready for `kubectl apply -f` (by the user, where the CRD is installed). */
export function renderPolicyReport(report: Report): string {
  // Every result shares one timestamp object: without aliasDuplicateObjects: false, YAML would write anchors and aliases.
  return stringify(policyReport(report), { lineWidth: 0, aliasDuplicateObjects: false });
}
