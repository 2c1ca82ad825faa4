/**
 * What a live run must fetch: the union of the selected checks' `needs` and `uses`. Collectors
 * add what those parts depend on (instances come from Auto Scaling groups, roles from node groups
 * and instance profiles, ...), so this plan is the floor, never more than the checks read.
 */
import type { Diagnostic } from '../engine/diagnostic.js';
import type { AwsData, KubernetesData, SnapshotPart } from '../snapshot/types.js';
import { AWS_PART_DECLARATIONS } from './aws/parts.js';
import type { AwsPartDeclaration } from './sources.js';

export type AwsPartKey = Exclude<keyof AwsData, 'notFound'>;

/**
 * Every AWS part a collection may plan, in the order snapshots list them (the order of AwsData), as
 * the services declare them; not the change history's, which the enrichment pass reads after the diagnosis.
 */
export const AWS_PARTS = (Object.keys(AWS_PART_DECLARATIONS) as AwsPartKey[]).filter((p) => !(AWS_PART_DECLARATIONS[p] as AwsPartDeclaration).afterDiagnosis) as readonly AwsPartKey[];

/** Parts every live run reads: who am I (and are the credentials good), and does the cluster exist. */
export const ALWAYS_COLLECTED: readonly AwsPartKey[] = ['callerIdentity', 'cluster'];

export interface CollectionPlan {
  aws: AwsPartKey[];
  kubernetes: (keyof KubernetesData)[];
}

export function planFromParts(parts: Iterable<SnapshotPart>): CollectionPlan {
  const wanted = new Set(parts);
  return {
    aws: AWS_PARTS.filter((p) => ALWAYS_COLLECTED.includes(p) || wanted.has(`aws.${p}`)),
    kubernetes: [...wanted].filter((p) => p.startsWith('kubernetes.')).map((p) => p.slice('kubernetes.'.length) as keyof KubernetesData).sort(),
  };
}

export function planCollection(diagnostics: Diagnostic[]): CollectionPlan {
  return planFromParts(diagnostics.flatMap((d) => [...d.needs, ...d.uses]));
}
