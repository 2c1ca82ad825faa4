/**
 * Builds a Snapshot from live sources. The AWS side comes from src/collect/aws; the Kubernetes side
 * (src/collect/kubernetes) plugs in next to it and runs concurrently, feeding the IRSA role ARNs it
 * finds on service accounts to the AWS side's IAM lookups.
 */
import type { CollectEvent } from '../engine/progress.js';
import { SNAPSHOT_KIND, SNAPSHOT_SCHEMA_VERSION, type AwsData, type CollectionError, type KubernetesData, type Snapshot } from '../snapshot/types.js';
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
  /**
   * The Kubernetes side: started as soon as DescribeCluster has answered (it needs the endpoint and
   * CA), run alongside the rest of the AWS side; the IRSA role ARNs it finds feed the IAM lookups.
   */
  kubernetes?: (cluster: AwsData['cluster']) => Promise<KubernetesSide>;
  onEvent?: (event: CollectEvent) => void;
  endpointDescription?: string;
  /** The clock (tests pin it). */
  now?: () => Date;
}

export interface KubernetesSide {
  kubernetes: KubernetesData;
  errors: CollectionError[];
  /** Role ARNs annotated on service accounts (eks.amazonaws.com/role-arn). */
  irsaRoleArns: string[];
}

export async function collectSnapshot(options: CollectSnapshotOptions): Promise<Snapshot> {
  const capturedAt = (options.now?.() ?? new Date()).toISOString();
  let clusterKnown: (cluster: AwsData['cluster']) => void = () => undefined;
  const kubernetesSide = options.kubernetes
    ? new Promise<AwsData['cluster']>((resolve) => (clusterKnown = resolve)).then(options.kubernetes)
    : undefined;
  // IAM lookups wait for the Kubernetes side's role ARNs; if it fails, they go on without them.
  const kubernetesRoles = kubernetesSide?.then((side) => side.irsaRoleArns, () => [] as string[]);
  const extraRoleArns = Promise.all([options.extraRoleArns ?? [], kubernetesRoles ?? []]).then(([a, b]) => [...a, ...b]);
  const { aws, errors } = await collectAws({
    clients: options.aws,
    clusterName: options.clusterName,
    parts: options.plan.aws,
    extraRoleArns,
    onCluster: clusterKnown,
    ...(options.timeoutSeconds !== undefined ? { timeoutSeconds: options.timeoutSeconds } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.endpointDescription ? { endpointDescription: options.endpointDescription } : {}),
  });
  const side = kubernetesSide ? await kubernetesSide : undefined;
  return {
    kind: SNAPSHOT_KIND,
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    capturedAt,
    cluster: { name: options.clusterName, region: options.aws.region },
    meta: { collectedBy: TOOL_VERSION },
    aws,
    kubernetes: side?.kubernetes ?? {},
    errors: [...errors, ...(side?.errors ?? [])],
  };
}
