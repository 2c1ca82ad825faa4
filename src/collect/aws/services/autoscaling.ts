/** Collectors for the Auto Scaling parts (declared in autoscaling-parts.ts). */
import {
  DescribeAutoScalingGroupsCommand,
  paginateDescribeAutoScalingGroups,
  paginateDescribeScalingActivities,
  type Activity,
  type AutoScalingGroup,
  type Filter as AsgFilter,
} from '@aws-sdk/client-auto-scaling';
import { groupsWhoseActivitiesAreRead } from '../activity-groups.js';
import type { AwsClients } from '../clients.js';
import { chunks, each, toSnapshotJson, type Collectors } from '../collection.js';
import type { AUTOSCALING_PARTS } from './autoscaling-parts.js';
import { clusterName, nodegroupAsgNames } from './shared.js';

/** Scaling activities kept per Auto Scaling group, newest first. */
const RECENT_ACTIVITIES_PER_GROUP = 50;

export function autoScalingCollectors({ autoScaling }: AwsClients): Collectors<keyof typeof AUTOSCALING_PARTS> {
  return {
    async autoScalingGroups(c) {
      const name = clusterName(c);
      const byFilters = async (Filters: AsgFilter[]) => {
        const pages = await c.pages(
          'autoScalingGroups',
          'autoscaling:DescribeAutoScalingGroups',
          paginateDescribeAutoScalingGroups({ client: autoScaling, pageSize: 100 }, { Filters }, { abortSignal: c.settings.signal }),
        );
        return (pages ?? []).flatMap((p) => p.AutoScalingGroups ?? []);
      };
      // Self-managed groups carry kubernetes.io/cluster/<name>; managed node groups' carry eks:cluster-name.
      const [tagged, managed, nodegroupNames] = await Promise.all([
        byFilters([{ Name: 'tag-key', Values: [`kubernetes.io/cluster/${name}`] }]),
        byFilters([{ Name: 'tag:eks:cluster-name', Values: [name] }]),
        nodegroupAsgNames(c),
      ]);
      const found = new Map<string, AutoScalingGroup>();
      for (const g of [...managed, ...tagged]) if (g.AutoScalingGroupName && !found.has(g.AutoScalingGroupName)) found.set(g.AutoScalingGroupName, g);
      // Node groups whose groups lost their tags are still found by name.
      const missing = nodegroupNames.filter((n) => !found.has(n));
      for (const names of chunks(missing, 50)) {
        const out = await c.call('autoScalingGroups', 'autoscaling:DescribeAutoScalingGroups', (abortSignal) =>
          autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names, MaxRecords: 100 }), { abortSignal }),
        );
        for (const g of out?.AutoScalingGroups ?? []) if (g.AutoScalingGroupName) found.set(g.AutoScalingGroupName, g);
      }
      return toSnapshotJson([...found.values()]);
    },

    async scalingActivities(c) {
      const [groups, nodegroups] = await Promise.all([c.need('autoScalingGroups', 'scalingActivities'), c.part('nodegroups')]);
      // Only the groups a check reads activities for (activity-groups.ts): one request per group otherwise.
      // The most recent activities of each (AWS lists newest first): enough to see why launches fail.
      const perGroup = await each(groupsWhoseActivitiesAreRead({ autoScalingGroups: groups, nodegroups }), async (AutoScalingGroupName) => {
        const activities: Activity[] = [];
        const paginator = paginateDescribeScalingActivities({ client: autoScaling, pageSize: 50 }, { AutoScalingGroupName }, { abortSignal: c.settings.signal });
        while (activities.length < RECENT_ACTIVITIES_PER_GROUP) {
          const step = await c.call('scalingActivities', 'autoscaling:DescribeScalingActivities', () => paginator.next());
          if (!step || step.done) break;
          activities.push(...(step.value.Activities ?? []));
        }
        return activities.slice(0, RECENT_ACTIVITIES_PER_GROUP);
      });
      return toSnapshotJson(perGroup.flat());
    },
  };
}
