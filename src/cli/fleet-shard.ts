/**
 * `--all-clusters --shard I/N`: which clusters of the fleet this process audits. Every shard lists the
 * same clusters and keeps those whose rendezvous (highest-random-weight) hash picks its index, so the
 * shards of one run never overlap and together cover the fleet, with no coordination between them.
 * A cluster's shard depends on its own key and N only: adding or removing a cluster moves no other
 * cluster, and going from N to N+1 shards moves only the clusters the new shard wins (about 1/(N+1)).
 */
import { createHash } from 'node:crypto';
import { UserError } from '../user-error.js';

export interface Shard {
  /** 0-based, as Kubernetes numbers an Indexed Job's completions (JOB_COMPLETION_INDEX). */
  index: number;
  count: number;
}

const SHARD_USAGE = 'Give --shard I/N (shard I of N, counting from 0 like JOB_COMPLETION_INDEX), or --shard /N in an Indexed Job, where I comes from JOB_COMPLETION_INDEX.';

/** Parses `I/N` or `/N` (the index then from JOB_COMPLETION_INDEX, which the Job controller sets in an Indexed Job's pods). */
export function parseShard(value: string, env: NodeJS.ProcessEnv): Shard {
  const match = /^\s*(\d*)\s*\/\s*(\d+)\s*$/.exec(value);
  if (!match) throw new UserError(`--shard ${value} is not a shard`, SHARD_USAGE);
  const count = Number(match[2]);
  if (!Number.isSafeInteger(count) || count < 1) throw new UserError(`--shard ${value}: the number of shards must be at least 1`, SHARD_USAGE);
  const fromEnv = match[1] === '';
  const raw = fromEnv ? env.JOB_COMPLETION_INDEX : match[1]!;
  if (raw === undefined || raw === '') {
    throw new UserError(`--shard ${value} takes the shard index from JOB_COMPLETION_INDEX, which is not set`, `Run it in an Indexed Job (completionMode: Indexed), or give the index: --shard 0/${count}.`);
  }
  const index = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(index) || index >= count) {
    const source = fromEnv ? `JOB_COMPLETION_INDEX=${raw}` : `--shard ${value}`;
    const next = fromEnv ? `Set the Job's completions (and parallelism) to ${count}, the N of --shard /${count}.` : SHARD_USAGE;
    throw new UserError(`${source} is not one of the ${count} shard(s): the index must be 0 to ${count - 1}`, next);
  }
  return { index, count };
}

/** The fleet-wide identity of a cluster that decides its shard: the same in every shard's discovery. */
export function shardKey(target: { account: string; region: string; cluster: string }): string {
  return `${target.account}/${target.region}/${target.cluster}`;
}

/** Rendezvous hashing: the shard whose (index, key) hash is highest; ties, however unlikely, go to the lower index. */
export function shardOf(key: string, count: number): number {
  let best = 0;
  let bestWeight = -1n;
  for (let index = 0; index < count; index++) {
    const weight = createHash('sha256').update(`${index}\u0000${key}`).digest().readBigUInt64BE(0);
    if (weight > bestWeight) {
      best = index;
      bestWeight = weight;
    }
  }
  return best;
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
