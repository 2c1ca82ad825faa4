/**
 * Service Quotas (AWS JSON 1.1, X-Amz-Target ServiceQuotasV20190624.*): the quotas a snapshot holds.
 * GetServiceQuota answers the applied value; a quota with none answers NoSuchResourceException, as
 * AWS does, and GetAWSDefaultServiceQuota then gives the default.
 */
import { describeVcpuQuota } from '../../../src/domain/ec2-vcpu-quotas.js';
import type { ServiceQuota } from '../../../src/snapshot/types.js';
import { AwsApiError, requiredString, type Handler, type HandlerContext, type Input } from '../api.js';

function find(quotas: ServiceQuota[], input: Input): ServiceQuota | undefined {
  const service = requiredString(input, 'ServiceCode', 'IllegalArgumentException');
  const code = requiredString(input, 'QuotaCode', 'IllegalArgumentException');
  return quotas.find((q) => q.ServiceCode === service && q.QuotaCode === code);
}

const noSuchResource = () => new AwsApiError('NoSuchResourceException', 'The request failed because the specified resource does not exist.', 400);

/**
 * AWS's default for a quota the snapshot holds only with its applied value (a snapshot records a
 * default only where no value was applied): the documented defaults of a new account, 5 vCPUs for
 * the Standard classes and 0 for the accelerated and memory ones (EC2 User Guide, "Spot Instance
 * quotas"; the Service Quotas console's EC2 page).
 */
function documentedDefault(applied: ServiceQuota): ServiceQuota {
  const known = describeVcpuQuota(applied.QuotaCode ?? '');
  const { ErrorReason: _reason, QuotaAppliedAtLevel: _level, QuotaContext: _context, ...rest } = applied;
  return { ...rest, Value: known?.quotaClass.onDemand === 'L-1216C47A' ? 5 : 0 };
}

export const SERVICEQUOTAS_HANDLERS: Record<string, Handler> = {
  GetServiceQuota(input, context: HandlerContext) {
    const quota = find(context.world.regional(context.region, 'serviceQuotas'), input);
    if (!quota) throw noSuchResource();
    return { Quota: quota };
  },

  GetAWSDefaultServiceQuota(input, context: HandlerContext) {
    const recorded = find(context.world.regional(context.region, 'defaultServiceQuotas'), input);
    if (recorded) return { Quota: recorded };
    const applied = find(context.world.regional(context.region, 'serviceQuotas'), input);
    if (!applied) throw noSuchResource();
    return { Quota: documentedDefault(applied) };
  },
};
