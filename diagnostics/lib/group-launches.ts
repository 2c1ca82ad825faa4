/**
 * How an Auto Scaling group buys the instances it launches (On-Demand or Spot): what its launches
 * count against among EC2's quotas. Its launch template and instance types: launch-templates.ts.
 */
import type { AutoScalingGroup, Nodegroup, Snapshot } from '../../src/snapshot/types.js';
import type { PurchaseOption } from '../../src/domain/ec2-vcpu-quotas.js';
import { groupLaunchTemplate } from './cluster-instances.js';
import { launchTemplateVersionOf } from './launch-templates.js';

/**
 * How the group's next `room` capacity units (from `current` up to its max) are bought: a Spot
 * managed node group or a launch template asking for Spot buys Spot; a mixed instances policy buys
 * its On-Demand base first, then its On-Demand percentage of the rest (rounded up, as Auto Scaling
 * does), the remainder Spot; anything else On-Demand.
 */
export function groupPurchaseOptions(
  snapshot: Snapshot,
  group: AutoScalingGroup,
  nodegroup: Pick<Nodegroup, 'capacityType'> | undefined,
  current: number,
  room: number,
): { purchase: PurchaseOption; units: number }[] {
  if (nodegroup?.capacityType === 'SPOT') return [{ purchase: 'spot', units: room }];
  const distribution = group.MixedInstancesPolicy?.InstancesDistribution;
  if (group.MixedInstancesPolicy) {
    const base = distribution?.OnDemandBaseCapacity ?? 0;
    const percent = distribution?.OnDemandPercentageAboveBaseCapacity ?? 100;
    const onDemandAt = (n: number) => Math.min(n, base) + Math.ceil((Math.max(0, n - base) * percent) / 100);
    const onDemand = Math.max(0, onDemandAt(current + room) - onDemandAt(current));
    return [
      { purchase: 'on-demand', units: onDemand },
      { purchase: 'spot', units: room - onDemand },
    ];
  }
  const market = launchTemplateVersionOf(snapshot, groupLaunchTemplate(group))?.LaunchTemplateData?.InstanceMarketOptions?.MarketType;
  return [{ purchase: market === 'spot' ? 'spot' : 'on-demand', units: room }];
}
