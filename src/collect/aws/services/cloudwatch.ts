/** Collector for the CloudWatch part (declared in cloudwatch-parts.ts): each quota's usage metric. */
import { paginateGetMetricData, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { ServiceQuota } from '../../../snapshot/types.js';
import type { AwsClients } from '../clients.js';
import { toSnapshotJson, type Collectors } from '../collection.js';
import type { CLOUDWATCH_PARTS } from './cloudwatch-parts.js';

/**
 * How far back to look: AWS/Usage publishes EC2's vCPU usage every minute, and the console's quota
 * page reads the last hour. Five-minute periods with the quota's recommended statistic (Maximum for
 * the vCPU quotas) keep the answer to 12 points per quota.
 */
const USAGE_WINDOW_MS = 60 * 60 * 1000;
const USAGE_PERIOD_SECONDS = 300;
/** GetMetricData takes up to 500 queries per request; a cluster's quotas are a handful. */
const MAX_QUERIES = 500;

/** A query Id must start with a lower-case letter: 'L-1216C47A' -> 'l_1216c47a'. */
export function usageQueryId(quotaCode: string): string {
  return quotaCode.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/** The GetMetricData query for a quota's UsageMetric, or undefined when the quota names none. */
export function usageQuery(quota: Pick<ServiceQuota, 'QuotaCode' | 'UsageMetric'>): MetricDataQuery | undefined {
  const metric = quota.UsageMetric;
  if (!quota.QuotaCode || !metric?.MetricNamespace || !metric.MetricName) return undefined;
  return {
    Id: usageQueryId(quota.QuotaCode),
    MetricStat: {
      Metric: {
        Namespace: metric.MetricNamespace,
        MetricName: metric.MetricName,
        Dimensions: Object.entries(metric.MetricDimensions ?? {}).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: USAGE_PERIOD_SECONDS,
      Stat: metric.MetricStatisticRecommendation ?? 'Maximum',
    },
    ReturnData: true,
  };
}

export function cloudWatchCollectors({ cloudWatch }: AwsClients): Collectors<keyof typeof CLOUDWATCH_PARTS> {
  return {
    async quotaUsage(c) {
      const [applied, defaults] = await Promise.all([c.part('serviceQuotas'), c.part('defaultServiceQuotas')]);
      // A quota's usage metric is the same whichever answer named it; the applied one first.
      const byCode = new Map<string, ServiceQuota>();
      for (const quota of [...(applied ?? []), ...(defaults ?? [])]) if (quota.QuotaCode && !byCode.has(quota.QuotaCode)) byCode.set(quota.QuotaCode, quota);
      const queries = [...byCode.values()].map(usageQuery).filter((q): q is MetricDataQuery => q !== undefined).slice(0, MAX_QUERIES);
      if (queries.length === 0) return [];
      const end = c.settings.capturedAt ?? new Date();
      const pages = await c.pages(
        'quotaUsage',
        'cloudwatch:GetMetricData',
        paginateGetMetricData(
          { client: cloudWatch },
          { MetricDataQueries: queries, StartTime: new Date(end.getTime() - USAGE_WINDOW_MS), EndTime: end, ScanBy: 'TimestampDescending' },
          { abortSignal: c.settings.signal },
        ),
      );
      // A long answer comes in pages, each carrying more points of the same queries: join them per query.
      const byId = new Map<string, MetricDataResult>();
      for (const result of (pages ?? []).flatMap((p) => p.MetricDataResults ?? [])) {
        const id = result.Id ?? '';
        const seen = byId.get(id);
        if (!seen) byId.set(id, { ...result, Timestamps: [...(result.Timestamps ?? [])], Values: [...(result.Values ?? [])] });
        else {
          seen.Timestamps!.push(...(result.Timestamps ?? []));
          seen.Values!.push(...(result.Values ?? []));
          seen.StatusCode = result.StatusCode;
        }
      }
      const codeOf = new Map([...byCode.keys()].map((code) => [usageQueryId(code), code]));
      return toSnapshotJson([...byId.values()].flatMap((result) => (codeOf.has(result.Id ?? '') ? [{ ...result, QuotaCode: codeOf.get(result.Id ?? '')! }] : [])));
    },
  };
}
