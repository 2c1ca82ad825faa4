/** The CloudWatch part: the quotas' usage metrics. Collector in cloudwatch.ts. */
import type { AwsPartDeclarations } from '../../sources.js';

export const CLOUDWATCH_PARTS = {
  // The metric each quota names as its UsageMetric, so nothing to ask for without the quotas.
  quotaUsage: { step: 'cloudwatch:GetMetricData', actions: ['cloudwatch:GetMetricData'], uses: ['aws.serviceQuotas', 'aws.defaultServiceQuotas'] },
} as const satisfies AwsPartDeclarations;
