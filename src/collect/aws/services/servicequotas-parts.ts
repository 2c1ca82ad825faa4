/** The Service Quotas parts: EC2's running-instance vCPU quotas. Collectors in servicequotas.ts. */
import type { AwsPartDeclarations } from '../../sources.js';

/** The groups' instance types say which quota classes to read (src/domain/ec2-vcpu-quotas.ts). */
const fromTheGroups = ['aws.nodegroups', 'aws.launchTemplateVersions', 'aws.autoScalingGroups'] as const;

export const SERVICEQUOTAS_PARTS = {
  serviceQuotas: { step: 'servicequotas:GetServiceQuota', actions: ['servicequotas:GetServiceQuota'], uses: fromTheGroups },
  // AWS's default for each quota GetServiceQuota did not give: no applied value, or the call failed.
  defaultServiceQuotas: {
    step: 'servicequotas:GetAWSDefaultServiceQuota',
    actions: ['servicequotas:GetAWSDefaultServiceQuota'],
    uses: [...fromTheGroups, 'aws.serviceQuotas'],
  },
} as const satisfies AwsPartDeclarations;
