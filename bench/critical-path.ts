/**
 * The critical path of a run, read from the mock's request log: the longest chain of requests in
 * which each one started only after the previous one had answered. Without the tool's own trace
 * the log cannot tell "had to wait" from "happened to start later", so this is an upper bound on
 * the real dependency chain: wall time close to it means the tool overlapped everything it could.
 */
import type { RequestLogEntry } from '../mocks/request-log.js';

export interface CriticalPath {
  /** Summed duration of the chain's requests (ms), i.e. the latency it adds up to. */
  ms: number;
  /** The chain, first request first: 'eks:DescribeCluster', ... */
  chain: string[];
}

export function criticalPath(entries: readonly RequestLogEntry[]): CriticalPath {
  if (entries.length === 0) return { ms: 0, chain: [] };
  const byStart = [...entries].sort((a, b) => a.startedAt - b.startedAt);
  const byEnd = [...byStart.keys()].sort((a, b) => byStart[a]!.endedAt - byStart[b]!.endedAt);
  // best[i]: longest chain ending with request i; a request extends the best chain of any request
  // that ended at or before it started. Sweep in start order, folding in requests as they end.
  const best = new Array<number>(byStart.length).fill(0);
  const previous = new Array<number>(byStart.length).fill(-1);
  let bestEnded = 0;
  let bestEndedIndex = -1;
  let next = 0;
  for (let i = 0; i < byStart.length; i++) {
    const entry = byStart[i]!;
    while (next < byEnd.length && byStart[byEnd[next]!]!.endedAt <= entry.startedAt) {
      const j = byEnd[next]!;
      if (best[j]! > bestEnded) {
        bestEnded = best[j]!;
        bestEndedIndex = j;
      }
      next++;
    }
    best[i] = bestEnded + (entry.endedAt - entry.startedAt);
    previous[i] = bestEndedIndex;
  }
  // best[] of requests not yet folded in are final too: the sweep visits each start once.
  let end = 0;
  for (let i = 1; i < best.length; i++) if (best[i]! > best[end]!) end = i;
  const chain: string[] = [];
  for (let i = end; i !== -1; i = previous[i]!) chain.unshift(`${byStart[i]!.service}:${byStart[i]!.action}`);
  return { ms: best[end]!, chain };
}
