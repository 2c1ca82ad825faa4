/**
 * The enrichment pass's second collection: the change data the plan names (EKS updates, CloudTrail
 * lookups), read with the same machinery as the first (per-service caps, the deadline, failures
 * kept as data against their part) and returned as what to add to the snapshot. A failure costs
 * only the change history: no check reads these parts.
 */
import type { AwsClients } from '../collect/aws/clients.js';
import { AwsCollection, type EnrichmentReads } from '../collect/aws/collection.js';
import { awsCollectors } from '../collect/aws/collectors.js';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_SECONDS } from '../collect/aws/defaults.js';
import { CLOUDTRAIL_LOOKUPS_PER_SECOND, KeyedRateLimiters, RequestBudget } from '../collect/aws/rate-limit.js';
import { CloudTrailLookupCache } from '../collect/aws/services/cloudtrail.js';
import type { CollectEvent } from '../engine/progress.js';
import type { Snapshot } from '../snapshot/types.js';
import type { Tracer } from '../trace/tracer.js';
import type { SnapshotChanges } from './snapshot-changes.js';
import { CLOUDTRAIL_DELIVERY_DELAY_MINUTES, DEFAULT_CLOUDTRAIL_REQUEST_BUDGET, type EnrichmentPlan } from './plan.js';

/**
 * What the runs of one process share: CloudTrail's pace per account and region (every cluster of
 * --all-clusters, every --watch run) and the lookups already made (a --watch run asks only for
 * what came since the last).
 */
export interface ChangeLookupShared {
  limiters: KeyedRateLimiters;
  cache: CloudTrailLookupCache;
}

export function newChangeLookupShared(limiters = new KeyedRateLimiters(CLOUDTRAIL_LOOKUPS_PER_SECOND)): ChangeLookupShared {
  return { limiters, cache: new CloudTrailLookupCache() };
}

/** The one this process's runs share. */
export const PROCESS_CHANGE_LOOKUPS: ChangeLookupShared = newChangeLookupShared();

/** The account the snapshot's calls were made in: the key of CloudTrail's pace and of the cache. */
export function snapshotAccount(snapshot: Snapshot): string {
  return snapshot.aws.callerIdentity?.Account ?? snapshot.aws.cluster?.arn?.split(':')[4] ?? 'unknown-account';
}

/** The limiter of an account and region, as createAwsClients' `cloudTrailPace` takes it. */
export function cloudTrailPace(shared: ChangeLookupShared, account: string): (region: string) => { acquire(): Promise<void> } {
  return (region) => shared.limiters.for(`${account}/${region}`);
}

export async function collectChanges(args: {
  snapshot: Snapshot;
  plan: EnrichmentPlan;
  clients: AwsClients;
  shared?: ChangeLookupShared;
  /** CloudTrail requests this diagnosis may make. */
  budget?: number;
  timeoutSeconds?: number;
  onEvent?: (event: CollectEvent) => void;
  tracer?: Tracer;
}): Promise<SnapshotChanges> {
  const { plan, snapshot } = args;
  const shared = args.shared ?? PROCESS_CHANGE_LOOKUPS;
  const budget = new RequestBudget(args.budget ?? DEFAULT_CLOUDTRAIL_REQUEST_BUDGET);
  const timeoutSeconds = args.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const deadline = AbortSignal.timeout(timeoutSeconds * 1000);
  const wantsUpdates = plan.eksUpdates.cluster || plan.eksUpdates.nodegroups.length > 0 || plan.eksUpdates.addons.length > 0;
  const enrichment: EnrichmentReads = {
    ...(wantsUpdates ? { eksUpdates: plan.eksUpdates } : {}),
    ...(plan.cloudTrail.length > 0
      ? {
          cloudTrail: {
            targets: plan.cloudTrail,
            since: plan.since,
            until: plan.until,
            account: snapshotAccount(snapshot),
            takeRequest: () => budget.take(),
            cache: shared.cache,
            deliveryDelayMinutes: CLOUDTRAIL_DELIVERY_DELAY_MINUTES,
          },
        }
      : {}),
  };
  const collection = new AwsCollection(
    {
      clusterName: snapshot.cluster.name,
      signal: deadline,
      deadlineSeconds: timeoutSeconds,
      concurrency: DEFAULT_CONCURRENCY,
      enrichment,
      ...(args.onEvent ? { onEvent: args.onEvent } : {}),
      ...(args.tracer ? { tracer: args.tracer } : {}),
    },
    awsCollectors(args.clients, Promise.resolve([])),
  );
  await Promise.all([wantsUpdates ? collection.part('eksUpdates') : undefined, plan.cloudTrail.length > 0 ? collection.part('cloudTrailLookups') : undefined]);
  return {
    aws: {
      ...(collection.aws.eksUpdates ? { eksUpdates: collection.aws.eksUpdates } : {}),
      ...(collection.aws.cloudTrailLookups ? { cloudTrailLookups: collection.aws.cloudTrailLookups } : {}),
    },
    errors: collection.errors,
  };
}
