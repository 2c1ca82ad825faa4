/**
 * Per-snapshot indexes shared by the checks of one run. Checks are pure functions of the snapshot,
 * so an index built once (instances by subnet, Nodes by instance ID, the parsed aws-auth map) can
 * serve every check instead of each re-scanning thousands of instances inside its own loops.
 *
 * An index is kept only while the snapshot is being checked: from the start to the end of a
 * `runChecks` call, or of a single check called on its own. Outside that window `memoised` simply
 * builds the value. Tests (and the property test) edit snapshots between runs, so nothing built for
 * one run may outlive it; within a run nothing edits the snapshot.
 */
import type { Snapshot } from '../snapshot/types.js';

const active = new WeakMap<Snapshot, { depth: number; values: Map<string, unknown> }>();

/**
 * The value `build` computes for this snapshot, built at most once per run. `purpose` names the
 * index and must be unique per builder (two builders under one name would hand each other's values).
 */
export function memoised<T>(snapshot: Snapshot, purpose: string, build: () => T): T {
  const scope = active.get(snapshot);
  if (!scope) return build();
  if (scope.values.has(purpose)) return scope.values.get(purpose) as T;
  const value = build();
  scope.values.set(purpose, value);
  return value;
}

/** Runs `work` with the snapshot's indexes kept; nested windows share them and the outermost drops them. */
export function withSnapshotIndexes<T>(snapshot: Snapshot, work: () => T): T {
  const leave = enter(snapshot);
  try {
    return work();
  } finally {
    leave();
  }
}

/** Async form for `runChecks`, which yields between checks so a live UI can paint. */
export async function withSnapshotIndexesAsync<T>(snapshot: Snapshot, work: () => Promise<T>): Promise<T> {
  const leave = enter(snapshot);
  try {
    return await work();
  } finally {
    leave();
  }
}

function enter(snapshot: Snapshot): () => void {
  const scope = active.get(snapshot) ?? { depth: 0, values: new Map<string, unknown>() };
  scope.depth += 1;
  active.set(snapshot, scope);
  return () => {
    scope.depth -= 1;
    if (scope.depth === 0) active.delete(snapshot);
  };
}
