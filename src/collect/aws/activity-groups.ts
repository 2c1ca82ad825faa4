/**
 * Which Auto Scaling groups' scaling activities a live run fetches. DescribeScalingActivities takes
 * one AutoScalingGroupName per call (without one it lists the whole account's activities for six
 * weeks), so asking for every group costs a request per 50 nodes. Only two checks read activities,
 * and only for groups in trouble:
 * - node-registration, for a group below its desired capacity (fewer InService instances than
 *   desired, after instances still launching), to quote why launches fail;
 * - nodegroup-health, for the groups of a managed node group that reports health issues, as
 *   supporting evidence.
 * So a group's activities are fetched when it has fewer InService instances than desired, when any
 * of its instances is not InService and Healthy, when it has suspended processes, or when its managed
 * node group reports a health issue. A healthy cluster makes no activity requests; its snapshot holds
 * an empty list, which the checks never consult for a healthy group.
 */
import type { AwsData } from '../../snapshot/types.js';

export function groupsWhoseActivitiesAreRead(aws: Pick<AwsData, 'autoScalingGroups' | 'nodegroups'>): string[] {
  const ofTroubledNodegroups = new Set(
    (aws.nodegroups ?? []).filter((ng) => (ng.health?.issues ?? []).length > 0).flatMap((ng) => (ng.resources?.autoScalingGroups ?? []).flatMap((a) => (a.name ? [a.name] : []))),
  );
  const names = new Set<string>();
  for (const group of aws.autoScalingGroups ?? []) {
    const name = group.AutoScalingGroupName;
    if (!name) continue;
    const members = group.Instances ?? [];
    const inService = members.filter((m) => m.LifecycleState === 'InService').length;
    const troubled =
      (group.DesiredCapacity ?? 0) > inService ||
      members.some((m) => m.LifecycleState !== 'InService' || m.HealthStatus !== 'Healthy') ||
      (group.SuspendedProcesses ?? []).length > 0 ||
      ofTroubledNodegroups.has(name);
    if (troubled) names.add(name);
  }
  return [...names];
}
