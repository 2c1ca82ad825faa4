/**
 * The critical path of a run: the longest chain of requests in which each one started only after
 * the previous one had answered, and the latency it adds up to.
 *
 * Two sources of requests: the tool's own `--trace` (preferred: its CLIENT spans are the requests
 * as the client saw them, AWS and Kubernetes alike, each retry an attempt, timed from the moment
 * the request left the SDK to the moment its answer was read, so client-side queueing for sockets
 * counts), or the mock's request log (server-side times, what the mock answered). Neither can tell
 * "had to wait for" from "happened to start later", so the result is an upper bound on the real
 * dependency chain: wall time close to it means the tool overlapped everything it could.
 */
import type { RequestLogEntry } from '../mocks/request-log.js';
import type { OtlpTraceFile } from '../src/trace/tracer.js';

/** One request: what it was ('ec2:DescribeSubnets', 'GET /api/v1/nodes') and when (ms, any common origin). */
export interface TimedRequest {
  label: string;
  startedAt: number;
  endedAt: number;
}

export interface CriticalPath {
  /** Summed duration of the chain's requests (ms), i.e. the latency it adds up to. */
  ms: number;
  /** The chain, first request first: 'eks:DescribeCluster', ... */
  chain: string[];
}

/** The mock's log entries as requests: 'ec2:DescribeSubnets', 'kubernetes:GET /api/v1/nodes'. */
export function requestsFromLog(entries: readonly RequestLogEntry[]): TimedRequest[] {
  return entries.map((e) => ({ label: `${e.service}:${e.action}`, startedAt: e.startedAt, endedAt: e.endedAt }));
}

/**
 * A --trace file's CLIENT spans (one per HTTP request) as requests, in ms from the first one's
 * start, labelled as the mock's log labels them.
 */
export function requestsFromTrace(trace: OtlpTraceFile): TimedRequest[] {
  const spans = trace.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)).filter((s) => s.kind === 3);
  if (spans.length === 0) return [];
  // Unix nanoseconds exceed a double's exact range: subtract as bigints first.
  const origin = spans.reduce((min, s) => (BigInt(s.startTimeUnixNano) < min ? BigInt(s.startTimeUnixNano) : min), BigInt(spans[0]!.startTimeUnixNano));
  const ms = (nanos: string) => Number(BigInt(nanos) - origin) / 1e6;
  return spans.map((s) => {
    const attribute = (key: string) => s.attributes.find((a) => a.key === key)?.value.stringValue;
    const label = attribute('rpc.system') === 'aws-api' ? `${attribute('rpc.service')}:${attribute('rpc.method')}` : `kubernetes:${s.name}`;
    return { label, startedAt: ms(s.startTimeUnixNano), endedAt: ms(s.endTimeUnixNano) };
  });
}

export function criticalPath(requests: readonly TimedRequest[]): CriticalPath {
  if (requests.length === 0) return { ms: 0, chain: [] };
  const byStart = [...requests].sort((a, b) => a.startedAt - b.startedAt);
  const byEnd = [...byStart.keys()].sort((a, b) => byStart[a]!.endedAt - byStart[b]!.endedAt);
  // best[i]: longest chain ending with request i; a request extends the best chain of any request
  // that ended at or before it started. Sweep in start order, folding in requests as they end.
  const best = new Array<number>(byStart.length).fill(0);
  const previous = new Array<number>(byStart.length).fill(-1);
  let bestEnded = 0;
  let bestEndedIndex = -1;
  let next = 0;
  for (let i = 0; i < byStart.length; i++) {
    const request = byStart[i]!;
    while (next < byEnd.length && byStart[byEnd[next]!]!.endedAt <= request.startedAt) {
      const j = byEnd[next]!;
      if (best[j]! > bestEnded) {
        bestEnded = best[j]!;
        bestEndedIndex = j;
      }
      next++;
    }
    best[i] = bestEnded + (request.endedAt - request.startedAt);
    previous[i] = bestEndedIndex;
  }
  // best[] of requests not yet folded in are final too: the sweep visits each start once.
  let end = 0;
  for (let i = 1; i < best.length; i++) if (best[i]! > best[end]!) end = i;
  const chain: string[] = [];
  for (let i = end; i !== -1; i = previous[i]!) chain.unshift(byStart[i]!.label);
  return { ms: best[end]!, chain };
}
