/**
 * COLLECTOR_SOURCES: for every snapshot part, which AWS actions (spelled as in policy/iam-policy.json)
 * and which Kubernetes reads (as policy/clusterrole.yaml grants them) fill it, and which other parts
 * its collector reads first. Declared next to each collector (src/collect/aws/services/*-parts.ts,
 * `resources` in src/collect/kubernetes/collect-kubernetes.ts) and gathered here, so that a test can
 * start from the policy files, find for each permission the parts that depend on it, and fail for a
 * permission that no part declares.
 *
 * A part is affected by a failed action or read when it declares it, or when it `needs` a part so
 * affected (it then fails with the same cause) or `uses` one (it is then read with less to go on:
 * fewer IDs to look up). The closure over needs/uses is `partsAffectedBy`.
 */
import type { AwsKey } from './aws/collection.js';
import { AWS_PART_DECLARATIONS } from './aws/parts.js';
import { KUBERNETES_READS } from './kubernetes/collect-kubernetes.js';
import type { SnapshotPart } from '../snapshot/types.js';

/** One Kubernetes permission, in the terms of a ClusterRole rule. */
export type KubernetesSource =
  | { apiGroup: string; resource: string; verb: 'get' | 'list'; /** Only in this namespace. */ namespace?: string; /** Only this object. */ resourceName?: string }
  | { nonResourceURL: string; verb: 'get' };

export interface PartSources {
  /** AWS actions the collector may call, as policy/iam-policy.json spells them. */
  actions?: readonly string[];
  /** Kubernetes reads the collector makes. */
  kubernetes?: readonly KubernetesSource[];
  /** Parts it cannot do without: when one fails, this part fails with the same cause. */
  needs?: readonly SnapshotPart[];
  /** Parts it reads when they are there: when one fails, this part is read with less to go on. */
  uses?: readonly SnapshotPart[];
}

export interface AwsPartDeclaration extends PartSources {
  /** Progress label; also the call named when a part it needs failed without a recorded cause. */
  step: string;
  actions: readonly string[];
  /** Read by the enrichment pass after the diagnosis, for what the findings name (src/enrich): never planned for a check nor by `collect`. */
  afterDiagnosis?: true;
}

export type AwsPartDeclarations = Partial<Record<AwsKey, AwsPartDeclaration>>;

/** The reachability probe every Kubernetes read waits for; its failure costs every Kubernetes part. */
const API_SERVER_PROBE: KubernetesSource = { nonResourceURL: '/version', verb: 'get' };

/** Every snapshot part and what fills it. */
export const COLLECTOR_SOURCES: Readonly<Record<SnapshotPart, PartSources>> = gatherSources();

function gatherSources(): Record<SnapshotPart, PartSources> {
  const sources: Partial<Record<SnapshotPart, PartSources>> = {};
  for (const [key, { actions, needs, uses }] of Object.entries(AWS_PART_DECLARATIONS) as [AwsKey, AwsPartDeclaration][]) {
    sources[`aws.${key}`] = { actions, ...(needs ? { needs } : {}), ...(uses ? { uses } : {}) };
  }
  // The endpoint and CA come from DescribeCluster unless a kubeconfig names them.
  sources['kubernetes.apiServer'] = { kubernetes: [API_SERVER_PROBE], uses: ['aws.cluster'] };
  for (const [key, read] of Object.entries(KUBERNETES_READS)) {
    sources[`kubernetes.${key}` as SnapshotPart] = { kubernetes: read.resources, needs: ['kubernetes.apiServer'], ...(read.uses ? { uses: read.uses } : {}) };
  }
  return sources as Record<SnapshotPart, PartSources>;
}

/**
 * Actions in policy/iam-policy.json that feed no part: what they are for. ListClusters names the
 * clusters that do exist when DescribeCluster answers ResourceNotFound (the run stops there anyway).
 */
export const ACTIONS_FEEDING_NO_PART: Readonly<Record<string, string>> = {
  'eks:ListClusters': 'names the clusters in the region when the one asked for does not exist; the run stops with that message',
};

/** The parts a failure of these parts can change: themselves and, transitively, every part that needs or uses them. */
export function partsAffectedBy(failed: Iterable<SnapshotPart>): Set<SnapshotPart> {
  const affected = new Set(failed);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [part, sources] of Object.entries(COLLECTOR_SOURCES) as [SnapshotPart, PartSources][]) {
      if (affected.has(part)) continue;
      if ([...(sources.needs ?? []), ...(sources.uses ?? [])].some((p) => affected.has(p))) {
        affected.add(part);
        grew = true;
      }
    }
  }
  return affected;
}

/** The parts that declare this AWS action directly. */
export function partsReadingAction(action: string): SnapshotPart[] {
  return (Object.entries(COLLECTOR_SOURCES) as [SnapshotPart, PartSources][]).filter(([, s]) => s.actions?.includes(action)).map(([part]) => part);
}
