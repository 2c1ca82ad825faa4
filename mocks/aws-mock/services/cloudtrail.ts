/**
 * CloudTrail (AWS JSON 1.1, X-Amz-Target com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.*):
 * LookupEvents over the events the snapshots' lookups hold, in the region they were recorded in
 * (IAM's in us-east-1), as the API answers them: newest first, one lookup attribute, StartTime and
 * EndTime, MaxResults up to 50 with NextToken, and each event's `CloudTrailEvent` the JSON string
 * CloudTrail writes (its record format: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
 */
import type { CloudTrailEventSummary } from '../../../src/snapshot/types.js';
import { AwsApiError, numberParam, paginate, stringParam, type Handler, type HandlerContext, type Input } from '../api.js';

/** The attributes LookupEvents accepts, and what each matches in an event. */
const ATTRIBUTES: Record<string, (e: CloudTrailEventSummary) => (string | undefined)[]> = {
  EventId: (e) => [e.EventId],
  EventName: (e) => [e.EventName],
  EventSource: (e) => [e.EventSource],
  ResourceName: (e) => (e.Resources ?? []).map((r) => r.ResourceName),
  ResourceType: (e) => (e.Resources ?? []).map((r) => r.ResourceType),
  Username: (e) => [usernameOf(e)],
  // The snapshot keeps write events only.
  ReadOnly: () => ['false'],
};

/** What LookupEvents calls Username: the role session name of an assumed role, the user name of an IAM user. */
function usernameOf(e: CloudTrailEventSummary): string | undefined {
  const arn = e.CloudTrailEvent?.userIdentity?.arn;
  return arn?.slice(arn.lastIndexOf('/') + 1);
}

/** Every event the region's lookups found, once each, newest first. */
function eventsIn(context: HandlerContext): CloudTrailEventSummary[] {
  const byId = new Map<string, CloudTrailEventSummary>();
  for (const lookup of context.world.global('cloudTrailLookups')) {
    if (lookup.region !== context.region) continue;
    for (const e of lookup.events) if (e.EventId && !byId.has(e.EventId)) byId.set(e.EventId, e);
  }
  return [...byId.values()].sort((a, b) => Date.parse(b.EventTime ?? '') - Date.parse(a.EventTime ?? ''));
}

function time(input: Input, name: string): number | undefined {
  const value = stringParam(input, name);
  return value === undefined ? undefined : Date.parse(value);
}

/** The record CloudTrail keeps for the call, as the JSON string LookupEvents returns. */
function record(e: CloudTrailEventSummary, region: string): string {
  const identity = e.CloudTrailEvent?.userIdentity;
  const account = /:(\d{12}):/.exec(identity?.arn ?? '')?.[1];
  return JSON.stringify({
    eventVersion: '1.09',
    userIdentity: {
      ...(identity?.type ? { type: identity.type } : {}),
      ...(identity?.arn ? { arn: identity.arn } : {}),
      ...(account ? { accountId: account } : {}),
      ...(identity?.invokedBy ? { invokedBy: identity.invokedBy } : {}),
    },
    eventTime: e.EventTime ? new Date(e.EventTime).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined,
    eventSource: e.EventSource,
    eventName: e.EventName,
    awsRegion: region,
    sourceIPAddress: e.CloudTrailEvent?.sourceIPAddress,
    userAgent: 'aws-cli/2.22.0',
    ...(e.CloudTrailEvent?.errorCode ? { errorCode: e.CloudTrailEvent.errorCode } : {}),
    requestParameters: null,
    responseElements: null,
    eventID: e.EventId,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    ...(account ? { recipientAccountId: account } : {}),
    eventCategory: 'Management',
  });
}

export const CLOUDTRAIL_HANDLERS: Record<string, Handler> = {
  LookupEvents(input, context) {
    const attributes = Array.isArray(input.LookupAttributes) ? (input.LookupAttributes as { AttributeKey?: string; AttributeValue?: string }[]) : [];
    if (attributes.length > 1) throw new AwsApiError('InvalidLookupAttributesException', 'You can only specify one lookup attribute.', 400);
    const attribute = attributes[0];
    const match = attribute ? ATTRIBUTES[attribute.AttributeKey ?? ''] : undefined;
    if (attribute && !match) throw new AwsApiError('InvalidLookupAttributesException', `The attribute key ${attribute.AttributeKey ?? ''} is not valid.`, 400);
    const start = time(input, 'StartTime');
    const end = time(input, 'EndTime');
    if (start !== undefined && end !== undefined && start > end) throw new AwsApiError('InvalidTimeRangeException', 'The start time must be before the end time.', 400);
    const requested = numberParam(input, 'MaxResults');
    if (requested !== undefined && (requested < 1 || requested > 50)) throw new AwsApiError('InvalidMaxResultsException', 'MaxResults must be between 1 and 50.', 400);
    const events = eventsIn(context).filter((e) => {
      const t = Date.parse(e.EventTime ?? '');
      if ((start !== undefined && t < start) || (end !== undefined && t > end)) return false;
      return !match || match(e).includes(attribute!.AttributeValue);
    });
    const { page, nextToken } = paginate(events, { token: stringParam(input, 'NextToken'), pageSize: requested, defaultPageSize: 50, maxPageSize: 50, context, invalidTokenCode: 'InvalidNextTokenException' });
    return {
      Events: page.map((e) => ({
        EventId: e.EventId,
        EventName: e.EventName,
        ReadOnly: 'false',
        AccessKeyId: 'ASIAEKSDOCTORMOCK001',
        EventTime: e.EventTime,
        EventSource: e.EventSource,
        Username: usernameOf(e),
        Resources: e.Resources,
        CloudTrailEvent: record(e, context.region),
      })),
      NextToken: nextToken,
    };
  },
};
