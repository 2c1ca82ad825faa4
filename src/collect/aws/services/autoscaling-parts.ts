/** The Auto Scaling parts: the groups that run the nodes, and why launches fail. Collectors in autoscaling.ts. */
import type { AwsPartDeclarations } from '../../sources.js';

export const AUTOSCALING_PARTS = {
  // Managed node groups name their groups: found by name even when the groups lost their tags.
  autoScalingGroups: { step: 'autoscaling:DescribeAutoScalingGroups', actions: ['autoscaling:DescribeAutoScalingGroups'], uses: ['aws.nodegroups'] },
  // Only for groups in trouble (activity-groups.ts), which a node group's health issues can make so.
  scalingActivities: {
    step: 'autoscaling:DescribeScalingActivities',
    actions: ['autoscaling:DescribeScalingActivities'],
    needs: ['aws.autoScalingGroups'],
    uses: ['aws.nodegroups'],
  },
} as const satisfies AwsPartDeclarations;
