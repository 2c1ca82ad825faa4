/**
 * CloudWatch GetMetricData (AWS JSON 1.0, X-Amz-Target GraniteServiceVersion20100801.GetMetricData):
 * the quotas' usage metrics a snapshot holds. A query's metric is matched to the quota whose
 * UsageMetric names it (namespace, name and the same dimensions), then to that quota's recorded
 * datapoints inside [StartTime, EndTime). A metric with no data answers an empty result, as AWS does.
 */
import type { QuotaUsage, ServiceQuota } from '../../../src/snapshot/types.js';
import { AwsApiError, stringParam, type Handler } from '../api.js';

interface Query {
  Id?: string;
  Label?: string;
  ReturnData?: boolean;
  MetricStat?: { Metric?: { Namespace?: string; MetricName?: string; Dimensions?: { Name?: string; Value?: string }[] } };
}

function sameMetric(quota: ServiceQuota, metric: NonNullable<Query['MetricStat']>['Metric']): boolean {
  const usage = quota.UsageMetric;
  if (!usage || !metric || usage.MetricNamespace !== metric.Namespace || usage.MetricName !== metric.MetricName) return false;
  const wanted = Object.entries(usage.MetricDimensions ?? {}).map(([k, v]) => `${k}=${v}`).sort();
  const asked = (metric.Dimensions ?? []).map((d) => `${d.Name}=${d.Value}`).sort();
  return wanted.join('\n') === asked.join('\n');
}

function points(usage: QuotaUsage | undefined, start: number, end: number, newestFirst: boolean): { Timestamps: string[]; Values: number[] } {
  const pairs = (usage?.Timestamps ?? []).map((t, i) => [t, usage!.Values?.[i]] as const).filter(([t, v]) => v !== undefined && Date.parse(t) >= start && Date.parse(t) < end);
  pairs.sort(([a], [b]) => (newestFirst ? Date.parse(b) - Date.parse(a) : Date.parse(a) - Date.parse(b)));
  return { Timestamps: pairs.map(([t]) => t), Values: pairs.map(([, v]) => v!) };
}

export const CLOUDWATCH_HANDLERS: Record<string, Handler> = {
  GetMetricData(input, context) {
    const queries = Array.isArray(input.MetricDataQueries) ? (input.MetricDataQueries as Query[]) : [];
    if (queries.length === 0) throw new AwsApiError('ValidationError', 'The parameter MetricDataQueries is required.', 400);
    const start = Date.parse(stringParam(input, 'StartTime') ?? '');
    const end = Date.parse(stringParam(input, 'EndTime') ?? '');
    if (Number.isNaN(start) || Number.isNaN(end)) throw new AwsApiError('ValidationError', 'The parameters StartTime and EndTime are required.', 400);
    const newestFirst = stringParam(input, 'ScanBy') !== 'TimestampAscending';
    const quotas = [...context.world.regional(context.region, 'serviceQuotas'), ...context.world.regional(context.region, 'defaultServiceQuotas')];
    const usage = context.world.regional(context.region, 'quotaUsage');
    const results = queries
      .filter((q) => q.ReturnData !== false)
      .map((q) => {
        const quota = quotas.find((candidate) => sameMetric(candidate, q.MetricStat?.Metric));
        const recorded = quota ? usage.find((u) => u.QuotaCode === quota.QuotaCode) : undefined;
        return { Id: q.Id, Label: q.Label ?? q.MetricStat?.Metric?.MetricName, ...points(recorded, start, end, newestFirst), StatusCode: 'Complete' };
      });
    return { MetricDataResults: results, Messages: [] };
  },
};
