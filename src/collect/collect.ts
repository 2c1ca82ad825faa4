/**
 * Builds a Snapshot from live sources. The AWS side comes from src/collect/aws; the Kubernetes side
 * (src/collect/kubernetes) plugs in next to it and runs concurrently, feeding the IRSA role ARNs it
 * finds on service accounts to the AWS side's IAM lookups.
 */
import type { CollectEvent } from '../engine/progress.js';
import { SNAPSHOT_KIND, SNAPSHOT_SCHEMA_VERSION, type Snapshot } from '../snapshot/types.js';
import { TOOL_VERSION } from '../version.js';
import type { AwsClients } from './aws/clients.js';
import { collectAws } from './aws/collect-aws.js';
import type { CollectionPlan } from './plan.js';

export interface CollectSnapshotOptions {
  clusterName: string;
  plan: CollectionPlan;
  aws: AwsClients;
  timeoutSeconds?: number;
  concurrency?: number;
  /** IRSA role ARNs to look up in IAM besides those AWS itself names. */
  extraRoleArns?: string[] | Promise<string[]>;
  onEvent?: (event: CollectEvent) => void;
  endpointDescription?: string;
  /** The clock (tests pin it). */
  now?: () => Date;
}

export async function collectSnapshot(options: CollectSnapshotOptions): Promise<Snapshot> {
  const capturedAt = (options.now?.() ?? new Date()).toISOString();
  const { aws, errors } = await collectAws({
    clients: options.aws,
    clusterName: options.clusterName,
    parts: options.plan.aws,
    ...(options.extraRoleArns ? { extraRoleArns: options.extraRoleArns } : {}),
    ...(options.timeoutSeconds !== undefined ? { timeoutSeconds: options.timeoutSeconds } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.endpointDescription ? { endpointDescription: options.endpointDescription } : {}),
  });
  return {
    kind: SNAPSHOT_KIND,
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    capturedAt,
    cluster: { name: options.clusterName, region: options.aws.region },
    meta: { collectedBy: TOOL_VERSION },
    aws,
    kubernetes: {},
    errors,
  };
}
