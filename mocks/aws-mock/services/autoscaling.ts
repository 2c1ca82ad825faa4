/** Auto Scaling (AWS query protocol): groups by name or tag filter, and their recent activities. */
import { applyFilters, AwsApiError, numberParam, paginate, stringList, stringParam, tagFilter, type Filter, type Handler, type HandlerContext, type Input } from '../api.js';

function page<T>(items: T[], input: Input, context: HandlerContext, limits: { max: number; default: number }) {
  const requested = numberParam(input, 'MaxRecords');
  if (requested !== undefined && (requested < 1 || requested > limits.max)) {
    throw new AwsApiError('ValidationError', `1 validation error detected: Value '${requested}' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to ${limits.max}`, 400);
  }
  return paginate(items, {
    token: stringParam(input, 'NextToken'),
    pageSize: requested,
    defaultPageSize: limits.default,
    maxPageSize: limits.max,
    context,
    invalidTokenCode: 'InvalidNextToken',
  });
}

export const AUTOSCALING_HANDLERS: Record<string, Handler> = {
  DescribeAutoScalingGroups(input, context) {
    const names = stringList(input, 'AutoScalingGroupNames');
    let groups = context.world.regional(context.region, 'autoScalingGroups');
    // Names that do not exist are simply absent from the answer, as in AWS.
    if (names && names.length > 0) groups = groups.filter((g) => names.includes(g.AutoScalingGroupName ?? ''));
    const filters = Array.isArray(input.Filters) ? (input.Filters as Filter[]) : undefined;
    groups = applyFilters(groups, filters, (name) => tagFilter(name), 'ValidationError');
    const { page: items, nextToken } = page(groups, input, context, { max: 100, default: 50 });
    return { AutoScalingGroups: items, NextToken: nextToken };
  },

  DescribeScalingActivities(input, context) {
    const group = stringParam(input, 'AutoScalingGroupName');
    const ids = stringList(input, 'ActivityIds');
    let activities = context.world.regional(context.region, 'scalingActivities');
    if (group !== undefined) activities = activities.filter((a) => a.AutoScalingGroupName === group);
    if (ids && ids.length > 0) activities = activities.filter((a) => ids.includes(a.ActivityId ?? ''));
    const { page: items, nextToken } = page(activities, input, context, { max: 100, default: 100 });
    return { Activities: items, NextToken: nextToken };
  },
};
