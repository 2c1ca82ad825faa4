/** What the enrichment pass adds to a snapshot, and adding it. No I/O, no SDK: bundle keepers import it on every path. */
import type { AwsData, CollectionError, Snapshot } from '../snapshot/types.js';

export interface SnapshotChanges {
  aws: Pick<AwsData, 'eksUpdates' | 'cloudTrailLookups'>;
  errors: CollectionError[];
}

/** The snapshot with the enrichment's parts and failures added (a new object: the input is not modified). */
export function withChanges(snapshot: Snapshot, changes: SnapshotChanges): Snapshot {
  return { ...snapshot, aws: { ...snapshot.aws, ...changes.aws }, errors: [...snapshot.errors, ...changes.errors] };
}
