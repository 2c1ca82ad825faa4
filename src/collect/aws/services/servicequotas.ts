/** Collectors for the Service Quotas parts (declared in servicequotas-parts.ts). */
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, type ServiceQuota } from '@aws-sdk/client-service-quotas';
import { ALWAYS_READ_VCPU_QUOTAS, EC2_SERVICE_CODE, vcpuQuotaClass } from '../../../domain/ec2-vcpu-quotas.js';
import type { AwsClients } from '../clients.js';
import { each, toSnapshotJson, type AwsCollection, type Collectors } from '../collection.js';
import { SERVICEQUOTAS_PARTS } from './servicequotas-parts.js';
import { unique } from './shared.js';

const NO_APPLIED_VALUE = { codes: ['NoSuchResourceException'] } as const;

/**
 * The vCPU quotas to read: On-Demand and Spot of the Standard class (what Karpenter and most groups
 * launch) and of every class the groups' instance types fall in. Types come from what names them
 * before any instance runs: node groups, launch templates, mixed instances policies, group members.
 */
export const vcpuQuotaCodes = (c: AwsCollection): Promise<string[]> =>
  c.shared('vcpuQuotaCodes', async () => {
    const [nodegroups, templates, groups] = await Promise.all([c.part('nodegroups'), c.part('launchTemplateVersions'), c.part('autoScalingGroups')]);
    const types = unique<string>([
      ...(nodegroups ?? []).flatMap((g) => g.instanceTypes ?? []),
      ...(templates ?? []).map((t) => t.LaunchTemplateData?.InstanceType),
      ...(groups ?? []).flatMap((g) => [...(g.Instances ?? []).map((i) => i.InstanceType), ...(g.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? []).map((o) => o.InstanceType)]),
    ]);
    const classes = types.map(vcpuQuotaClass);
    return unique<string>([...ALWAYS_READ_VCPU_QUOTAS, ...classes.flatMap((q) => (q ? [q.onDemand, q.spot] : []))]).sort();
  });

/**
 * One quota per call (neither API takes a list): each answer's Quota, those that have none left out.
 * NoSuchResourceException means no applied value (GetServiceQuota) or a quota unknown in the region.
 */
async function eachQuota(
  c: AwsCollection,
  part: keyof typeof SERVICEQUOTAS_PARTS,
  codes: string[],
  send: (QuotaCode: string, abortSignal: AbortSignal) => Promise<{ Quota?: ServiceQuota }>,
): Promise<ServiceQuota[]> {
  const quotas = await each(codes, async (QuotaCode) => (await c.call(part, SERVICEQUOTAS_PARTS[part].step, (abortSignal) => send(QuotaCode, abortSignal), NO_APPLIED_VALUE))?.Quota);
  return quotas.filter((q): q is ServiceQuota => q !== undefined);
}

export function serviceQuotasCollectors({ serviceQuotas }: AwsClients): Collectors<keyof typeof SERVICEQUOTAS_PARTS> {
  return {
    async serviceQuotas(c) {
      const quotas = await eachQuota(c, 'serviceQuotas', await vcpuQuotaCodes(c), (QuotaCode, abortSignal) =>
        serviceQuotas.send(new GetServiceQuotaCommand({ ServiceCode: EC2_SERVICE_CODE, QuotaCode }), { abortSignal }),
      );
      return toSnapshotJson(quotas);
    },

    async defaultServiceQuotas(c) {
      const [codes, applied] = await Promise.all([vcpuQuotaCodes(c), c.part('serviceQuotas')]);
      // When GetServiceQuota failed, every quota's default: a floor under the applied value, which is never lower.
      const have = new Set((applied ?? []).map((q) => q.QuotaCode));
      const quotas = await eachQuota(
        c,
        'defaultServiceQuotas',
        codes.filter((code) => !have.has(code)),
        (QuotaCode, abortSignal) => serviceQuotas.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode: EC2_SERVICE_CODE, QuotaCode }), { abortSignal }),
      );
      return toSnapshotJson(quotas);
    },
  };
}
