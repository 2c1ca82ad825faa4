/**
 * Shared by the AWS tests: collect a scenario back from the mock, and compare snapshots the way the
 * round trip defines equality (docs/aws.md, "Round trip").
 */
import { createAwsClients, type AwsConnectionOptions } from '../../src/collect/aws/clients.js';
import { collectSnapshot } from '../../src/collect/collect.js';
import { planFromParts, type CollectionPlan } from '../../src/collect/plan.js';
import { AWS_PART_DECLARATIONS } from '../../src/collect/aws/parts.js';
import type { AwsPartDeclaration } from '../../src/collect/sources.js';
import type { EnrichmentPlan } from '../../src/enrich/plan.js';
import type { CollectEvent } from '../../src/engine/progress.js';
import { groupsWhoseActivitiesAreRead } from '../../src/collect/aws/activity-groups.js';
import { failingImagePulls } from '../../src/domain/image-pull-errors.js';
import type { AwsData, Snapshot, SnapshotPart } from '../../src/snapshot/types.js';
import type { Tracer } from '../../src/trace/tracer.js';
import { MOCK_CREDENTIALS } from '../../mocks/aws-mock/index.js';

/** The AWS parts a snapshot holds, or recorded as failed: what collecting it again must fetch. */
export function planForSnapshot(snapshot: Snapshot): CollectionPlan {
  const parts: SnapshotPart[] = Object.entries(snapshot.aws)
    .filter(([key, value]) => key !== 'notFound' && value !== undefined && !AFTER_DIAGNOSIS.has(key))
    .map(([key]) => `aws.${key}` as SnapshotPart);
  for (const e of snapshot.errors) if (e.part.startsWith('aws.')) parts.push(e.part);
  return planFromParts(parts);
}

const AFTER_DIAGNOSIS = new Set(Object.entries(AWS_PART_DECLARATIONS).filter(([, d]) => (d as AwsPartDeclaration).afterDiagnosis).map(([key]) => key));

/** The enrichment plan that reads back the change data a snapshot holds: its CloudTrail lookups, and its EKS updates. */
export function changePlanOf(snapshot: Snapshot): EnrichmentPlan {
  const lookups = snapshot.aws.cloudTrailLookups ?? [];
  const updates = snapshot.aws.eksUpdates ?? [];
  const deniedLookups = snapshot.errors.some((e) => e.part === 'aws.cloudTrailLookups');
  return {
    since: lookups[0]?.startTime ?? new Date(Date.parse(snapshot.capturedAt) - 24 * 3_600_000).toISOString(),
    until: snapshot.capturedAt,
    // A denied lookup is asked for again (any resource: the call is denied whatever it names).
    cloudTrail: deniedLookups ? [{ resourceName: snapshot.cluster.name, region: snapshot.cluster.region }] : lookups.map((l) => ({ resourceName: l.resourceName, region: l.region })),
    eksUpdates: {
      cluster: updates.some((u) => !u.nodegroupName && !u.addonName),
      nodegroups: [...new Set(updates.flatMap((u) => (u.nodegroupName ? [u.nodegroupName] : [])))],
      addons: [...new Set(updates.flatMap((u) => (u.addonName ? [u.addonName] : [])))],
    },
  };
}

/** The IRSA role ARNs the Kubernetes side would hand the AWS side: its service accounts' annotations (its failing pulls: failingImagePulls). */
export function irsaRoleArns(snapshot: Snapshot): string[] {
  return (snapshot.kubernetes.serviceAccounts ?? []).flatMap((sa) => {
    const arn = sa.metadata?.annotations?.['eks.amazonaws.com/role-arn'];
    return arn ? [arn] : [];
  });
}

export async function collectFromMock(
  snapshot: Snapshot,
  url: string,
  options: {
    plan?: CollectionPlan;
    connection?: Partial<AwsConnectionOptions>;
    timeoutSeconds?: number;
    onEvent?: (e: CollectEvent) => void;
    clusterName?: string;
    concurrency?: number;
    /** --trace: given to the clients and the collection alike. */
    tracer?: Tracer;
  } = {},
): Promise<Snapshot> {
  const clients = await createAwsClients({
    region: snapshot.cluster.region,
    endpointUrl: url,
    credentials: MOCK_CREDENTIALS,
    env: {},
    maxAttempts: 4,
    ...(options.tracer ? { tracer: options.tracer } : {}),
    ...options.connection,
  });
  try {
    return await collectSnapshot({
      clusterName: options.clusterName ?? snapshot.cluster.name,
      plan: options.plan ?? planForSnapshot(snapshot),
      aws: clients,
      extraRoleArns: irsaRoleArns(snapshot),
      failingPulls: failingImagePulls([snapshot.kubernetes.problemPods, snapshot.kubernetes.kubeSystemPods], snapshot.kubernetes.warningEvents),
      // The mock's world stands at the scenario's capture time, as in the demo: time windows (quota usage) end there.
      now: () => new Date(snapshot.capturedAt),
      ...(options.timeoutSeconds !== undefined ? { timeoutSeconds: options.timeoutSeconds } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.tracer ? { tracer: options.tracer } : {}),
    });
  } finally {
    clients.destroy();
  }
}

/**
 * The AWS side a live collection of this snapshot gives back: scaling activities only of the groups
 * the collector asks about (src/collect/aws/activity-groups.ts), everything else as it is.
 */
export function asCollected(aws: AwsData): AwsData {
  // The change history is read by the enrichment pass after the diagnosis, not by a collection.
  aws = Object.fromEntries(Object.entries(aws).filter(([key]) => !AFTER_DIAGNOSIS.has(key))) as AwsData;
  if (aws.scalingActivities === undefined) return aws;
  const asked = new Set(groupsWhoseActivitiesAreRead(aws));
  return { ...aws, scalingActivities: aws.scalingActivities.filter((a) => a.AutoScalingGroupName !== undefined && asked.has(a.AutoScalingGroupName)) };
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The round trip's notion of "the same": timestamps compared as instants (the SDK prints
 * milliseconds), and the items of each top-level list compared as a set (collectors merge several
 * queries, so a part's order is the order answers arrived in). Nested order is kept.
 */
export function canonical(value: unknown, topLevel = true): unknown {
  if (typeof value === 'string' && ISO_TIMESTAMP.test(value)) return new Date(value).toISOString();
  if (Array.isArray(value)) {
    const items = value.map((v) => canonical(v, false));
    return topLevel ? items.map((i) => JSON.stringify(i)).sort().map((s) => JSON.parse(s) as unknown) : items;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v, false)]),
    );
  }
  return value;
}

export function errorSummary(snapshot: Snapshot, options: { changeHistory?: boolean } = {}): string[] {
  return snapshot.errors
    .filter((e) => e.part.startsWith('aws.') && (options.changeHistory !== false || !AFTER_DIAGNOSIS.has(e.part.slice('aws.'.length))))
    .map((e) => `${e.part} ${e.call} ${e.kind} ${e.code}${e.permission ? ` grant ${e.permission}` : ''}`)
    .sort();
}
