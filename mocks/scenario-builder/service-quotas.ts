/**
 * EC2's vCPU quotas and their usage metrics, shaped as Service Quotas and CloudWatch return them
 * (from memory of the Service Quotas API reference's GetServiceQuota example and the EC2 quotas'
 * `aws service-quotas get-service-quota --service-code ec2 --quota-code L-1216C47A` output): the
 * quota names its usage metric, AWS/Usage ResourceCount with dimensions Service=EC2, Type=Resource,
 * Resource=vCPU and Class=<class>/<OnDemand|Spot>, statistic Maximum.
 */
import { describeVcpuQuota, EC2_SERVICE_CODE } from '../../src/domain/ec2-vcpu-quotas.js';
import type { QuotaUsage, ServiceQuota, Snapshot } from '../../src/snapshot/types.js';

/** The Class dimension of each class's usage metric, by the class's name in src/domain/ec2-vcpu-quotas.ts. */
const USAGE_CLASS: Readonly<Record<string, string>> = {
  'Standard (A, C, D, H, I, M, R, T, Z)': 'Standard',
  'G and VT': 'G',
  P: 'P',
  X: 'X',
  F: 'F',
  Inf: 'Inf',
  DL: 'DL',
  Trn: 'Trn',
  HPC: 'HPC',
  'High Memory': 'HighMem',
};

/** The quota as GetServiceQuota answers it ('applied', with the account in its ARN) or GetAWSDefaultServiceQuota ('default'). */
export function vcpuQuota(snapshot: Pick<Snapshot, 'cluster' | 'aws'>, code: string, value: number, answer: 'applied' | 'default' = 'applied'): ServiceQuota {
  const known = describeVcpuQuota(code);
  if (!known) throw new Error(`${code} is not an EC2 vCPU quota of src/domain/ec2-vcpu-quotas.ts`);
  const { quotaClass, purchase } = known;
  const name = purchase === 'spot' ? `All ${quotaClass.name} Spot Instance Requests` : `Running On-Demand ${quotaClass.name} instances`;
  const account = answer === 'applied' ? (snapshot.aws.callerIdentity?.Account ?? '') : '';
  return {
    ServiceCode: EC2_SERVICE_CODE,
    ServiceName: 'Amazon Elastic Compute Cloud (Amazon EC2)',
    QuotaArn: `arn:aws:servicequotas:${snapshot.cluster.region}:${account}:${EC2_SERVICE_CODE}/${code}`,
    QuotaCode: code,
    QuotaName: name,
    Value: value,
    Unit: 'None',
    Adjustable: true,
    GlobalQuota: false,
    UsageMetric: {
      MetricNamespace: 'AWS/Usage',
      MetricName: 'ResourceCount',
      MetricDimensions: { Class: `${USAGE_CLASS[quotaClass.name]}/${purchase === 'spot' ? 'Spot' : 'OnDemand'}`, Resource: 'vCPU', Service: 'EC2', Type: 'Resource' },
      MetricStatisticRecommendation: 'Maximum',
    },
    ...(answer === 'applied' ? { QuotaAppliedAtLevel: 'ACCOUNT' as const } : {}),
    Description: `Maximum number of vCPUs assigned to the ${name.replace(/^All /, '')}`,
  };
}

/**
 * GetMetricData's result for a quota's usage: one point per 5 minutes over the hour before the
 * snapshot, newest first, each the Maximum of its period; `values[0]` is the newest (those that
 * would fall before the hour are left out).
 */
export function vcpuUsage(snapshot: Pick<Snapshot, 'capturedAt'>, code: string, values: number[]): QuotaUsage {
  const end = Date.parse(snapshot.capturedAt);
  // Periods start on 5-minute boundaries; the newest is the last whole one before the capture.
  const newest = Math.floor(end / 300_000) * 300_000 - 300_000;
  // Only points inside the hour asked for.
  const inWindow = values.map((value, i) => ({ at: newest - i * 300_000, value })).filter((p) => p.at >= end - 3_600_000);
  return {
    QuotaCode: code,
    Id: code.toLowerCase().replace(/[^a-z0-9_]/g, '_'),
    Label: 'ResourceCount',
    Timestamps: inWindow.map((p) => new Date(p.at).toISOString()),
    Values: inWindow.map((p) => p.value),
    StatusCode: 'Complete',
  };
}

/** Sets a quota's applied value (adding the quota when the snapshot has none). */
export function setVcpuQuota(snapshot: Snapshot, code: string, value: number): void {
  const quotas = (snapshot.aws.serviceQuotas ??= []);
  const existing = quotas.find((q) => q.QuotaCode === code);
  if (existing) existing.Value = value;
  else quotas.push(vcpuQuota(snapshot, code, value));
}

/** Sets a quota's recent usage: `newest` now, the hour before it steady at `earlier` (default the same). */
export function setVcpuUsage(snapshot: Snapshot, code: string, newest: number, earlier = newest): void {
  const usage = (snapshot.aws.quotaUsage ??= []).filter((u) => u.QuotaCode !== code);
  usage.push(vcpuUsage(snapshot, code, [newest, ...Array.from({ length: 11 }, () => earlier)]));
  snapshot.aws.quotaUsage = usage.sort((a, b) => a.QuotaCode.localeCompare(b.QuotaCode));
}
