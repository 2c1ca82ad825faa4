/**
 * The CloudTrail collector (declared in cloudtrail-parts.ts): LookupEvents by ResourceName for each
 * resource the enrichment plan names, over the change window, in the region that records it. Its
 * rules (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html): one
 * lookup attribute per call, at most 50 events a page, about 2 requests a second per account and
 * region (paced by the client, rate-limit.ts), here also a request budget per diagnosis. Only write
 * events are kept, cut to who, what, when and from where (CloudTrailEventSummary). The SDK is
 * loaded on first use (clients.ts), so a run without enrichment never loads it.
 */
import type { LookupEventsCommandOutput } from '@aws-sdk/client-cloudtrail';
import type { CloudTrailEventSummary, CloudTrailLookup } from '../../../snapshot/types.js';
import type { AwsClients } from '../clients.js';
import type { AwsCollection, Collectors } from '../collection.js';
import type { CLOUDTRAIL_PARTS } from './cloudtrail-parts.js';

/** LookupEvents' page size limit. */
export const LOOKUP_EVENTS_PAGE_SIZE = 50;

type LookedUpEvent = NonNullable<LookupEventsCommandOutput['Events']>[number];

/** The fields of the `CloudTrailEvent` JSON string that are kept; nothing from requestParameters or responseElements. */
function decodedRecord(text: string | undefined): CloudTrailEventSummary['CloudTrailEvent'] {
  if (!text) return undefined;
  let record: { userIdentity?: { type?: unknown; arn?: unknown; invokedBy?: unknown }; sourceIPAddress?: unknown; errorCode?: unknown };
  try {
    record = JSON.parse(text) as typeof record;
  } catch {
    return undefined;
  }
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const identity = record.userIdentity;
  const userIdentity = identity ? { ...(str(identity.type) ? { type: str(identity.type) } : {}), ...(str(identity.arn) ? { arn: str(identity.arn) } : {}), ...(str(identity.invokedBy) ? { invokedBy: str(identity.invokedBy) } : {}) } : undefined;
  return {
    ...(userIdentity ? { userIdentity } : {}),
    ...(str(record.sourceIPAddress) ? { sourceIPAddress: str(record.sourceIPAddress) } : {}),
    ...(str(record.errorCode) ? { errorCode: str(record.errorCode) } : {}),
  };
}

/** One looked-up event as the snapshot keeps it; read-only events (Describe*, Get*) are no change and are dropped. */
export function eventSummary(event: LookedUpEvent): CloudTrailEventSummary | undefined {
  if (event.ReadOnly === 'true') return undefined;
  const record = decodedRecord(event.CloudTrailEvent);
  return {
    ...(event.EventId ? { EventId: event.EventId } : {}),
    ...(event.EventName ? { EventName: event.EventName } : {}),
    ...(event.EventTime ? { EventTime: new Date(event.EventTime).toISOString() } : {}),
    ...(event.EventSource ? { EventSource: event.EventSource } : {}),
    ...(event.Resources ? { Resources: event.Resources.map((r) => ({ ...(r.ResourceType ? { ResourceType: r.ResourceType } : {}), ...(r.ResourceName ? { ResourceName: r.ResourceName } : {}) })) } : {}),
    ...(record ? { CloudTrailEvent: record } : {}),
  };
}

/** What one earlier run (--watch) found for a resource: the next run asks only for what came since. */
export interface CachedLookup {
  startTime: string;
  endTime: string;
  events: CloudTrailEventSummary[];
}

/** Lookups kept across the runs of one process (--watch, the clusters of --all-clusters), by account, region and resource. */
export class CloudTrailLookupCache {
  private readonly entries = new Map<string, CachedLookup>();
  get(key: string): CachedLookup | undefined {
    return this.entries.get(key);
  }
  set(key: string, value: CachedLookup): void {
    this.entries.set(key, value);
  }
}

/** What the enrichment pass hands the CloudTrail collector. */
export interface CloudTrailRequest {
  targets: { resourceName: string; region: string }[];
  since: string;
  until: string;
  /** The caller's account: the cache and the rate limit are per account and region. */
  account: string;
  /** Says whether one more request may be made in this diagnosis. */
  takeRequest: () => boolean;
  cache?: CloudTrailLookupCache;
  /** How late CloudTrail may deliver an event: a cached lookup is asked again from this long before its end. */
  deliveryDelayMinutes: number;
}

export function cloudTrailCollectors(clients: AwsClients): Collectors<keyof typeof CLOUDTRAIL_PARTS> {
  return {
    async cloudTrailLookups(c) {
      const request = c.settings.enrichment?.cloudTrail;
      if (!request || request.targets.length === 0) return [];
      // One resource after another, in the plan's order: the budget serves the first root cause's resources first.
      const lookups: CloudTrailLookup[] = [];
      for (const target of request.targets) lookups.push(await lookUp(c, clients, request, target));
      return lookups;
    },
  };
}

async function lookUp(c: AwsCollection, clients: AwsClients, request: CloudTrailRequest, target: { resourceName: string; region: string }): Promise<CloudTrailLookup> {
  const cacheKey = `${request.account}|${target.region}|${target.resourceName}`;
  const cached = request.cache?.get(cacheKey);
  const since = Date.parse(request.since);
  // A cached answer covering the window's start is asked again only from shortly before its end: events arrive late.
  const reuse = cached && Date.parse(cached.startTime) <= since && Date.parse(cached.endTime) > since ? cached : undefined;
  const from = reuse ? new Date(Math.max(since, Date.parse(reuse.endTime) - request.deliveryDelayMinutes * 60_000)) : new Date(since);
  const events = new Map<string, CloudTrailEventSummary>();
  for (const e of reuse?.events ?? []) if (e.EventId && e.EventTime && Date.parse(e.EventTime) >= since) events.set(e.EventId, e);
  const client = await clients.cloudTrail(target.region);
  let nextToken: string | undefined;
  let budgetExhausted = false;
  do {
    if (!request.takeRequest()) {
      budgetExhausted = true;
      break;
    }
    const page: LookupEventsCommandOutput | undefined = await c.call('cloudTrailLookups', 'cloudtrail:LookupEvents', (abortSignal) =>
      client.lookupEvents(
        {
          // One lookup attribute per call: that is all LookupEvents takes.
          LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: target.resourceName }],
          StartTime: from,
          EndTime: new Date(request.until),
          MaxResults: LOOKUP_EVENTS_PAGE_SIZE,
          ...(nextToken ? { NextToken: nextToken } : {}),
        },
        abortSignal,
      ),
    );
    for (const event of page?.Events ?? []) {
      const summary = eventSummary(event);
      if (summary) events.set(summary.EventId ?? `${summary.EventTime}|${summary.EventName}|${events.size}`, summary);
    }
    nextToken = page?.NextToken;
  } while (nextToken);
  const sorted = [...events.values()].sort((a, b) => Date.parse(b.EventTime ?? '') - Date.parse(a.EventTime ?? ''));
  const lookup: CloudTrailLookup = { resourceName: target.resourceName, region: target.region, startTime: request.since, endTime: request.until, events: sorted, ...(budgetExhausted ? { budgetExhausted: true as const } : {}) };
  if (!budgetExhausted) request.cache?.set(cacheKey, { startTime: request.since, endTime: request.until, events: sorted });
  return lookup;
}

