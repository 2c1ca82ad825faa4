/**
 * Fault and latency injection. Every rule counts the requests it matches, so "the first 2" and
 * "every 3rd" are deterministic: a test can rely on exactly which attempt fails.
 */
import type { CollectionError, Snapshot } from '../../src/snapshot/types.js';

export type FaultKind =
  /** The protocol's throttling error: RequestLimitExceeded (EC2), Throttling (query), ThrottlingException (EKS). */
  | 'throttle'
  /** A 5xx answer (status defaults to 500; 503 is "service unavailable"). */
  | 'server-error'
  /** The protocol's access-denied error (UnauthorizedOperation, AccessDenied, AccessDeniedException). */
  | 'denied'
  /** A 200 whose body is not XML/JSON at all. */
  | 'garbage'
  /** A 200 whose body is a web page (text/html), as a forward proxy or captive portal answers in the service's place. */
  | 'html'
  /** A 200 whose body is cut in half. */
  | 'truncated'
  /** Accepts the request and never answers (until the client gives up or the mock closes). */
  | 'hang'
  /** Adds latencyMs before the normal answer; other rules still apply. */
  | 'latency';

export interface FaultRule {
  /** 'ec2:DescribeSubnets', 'ec2:*' or '*'. */
  action: string;
  kind: FaultKind;
  /** Only in this region (default: every region). */
  region?: string;
  /** Fault only the first N matching requests (then answer normally). */
  first?: number;
  /** Fault every Nth matching request (the Nth, 2Nth, ...). */
  every?: number;
  /**
   * What `first` and `every` count: all matching requests together ('action', the default), or each
   * distinct request (same action, region and input) on its own. Per request, "every 2nd" fails
   * every second attempt of each call however the tool interleaves its concurrent calls, so a test
   * can promise that a retrying client always gets through.
   */
  countPer?: 'action' | 'request';
  /** For 'latency'. */
  latencyMs?: number;
  /** For 'server-error': 500 (default), 502, 503, 504. */
  status?: number;
}

export interface FaultDecision {
  fault?: FaultRule;
  latencyMs: number;
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  private readonly counters = new Map<FaultRule, Map<string, number>>();

  constructor(rules: FaultRule[] = []) {
    this.set(rules);
  }

  /** Replaces the rules and resets their counters. */
  set(rules: FaultRule[]): void {
    this.rules = [...rules];
    this.counters.clear();
  }

  /**
   * Counts the request against every matching rule and says what to do with it. `requestKey`
   * identifies the request's input, for rules counted per request.
   */
  decide(service: string, action: string, region: string, requestKey = ''): FaultDecision {
    let latencyMs = 0;
    let fault: FaultRule | undefined;
    for (const rule of this.rules) {
      if (!matchesAction(rule.action, service, action) || (rule.region !== undefined && rule.region !== region)) continue;
      const counter = this.counters.get(rule) ?? new Map<string, number>();
      this.counters.set(rule, counter);
      const key = rule.countPer === 'request' ? `${service}:${action}@${region}?${requestKey}` : '';
      const n = (counter.get(key) ?? 0) + 1;
      counter.set(key, n);
      const applies = (rule.first === undefined || n <= rule.first) && (rule.every === undefined || n % rule.every === 0);
      if (!applies) continue;
      if (rule.kind === 'latency') latencyMs += rule.latencyMs ?? 0;
      else fault ??= rule;
    }
    return { ...(fault ? { fault } : {}), latencyMs };
  }
}

function matchesAction(pattern: string, service: string, action: string): boolean {
  if (pattern === '*') return true;
  const [patternService, patternAction] = pattern.split(':');
  return patternService === service && (patternAction === '*' || patternAction === action);
}

const KIND_FOR_ERROR: Partial<Record<CollectionError['kind'], FaultKind>> = {
  denied: 'denied',
  throttled: 'throttle',
  'server-error': 'server-error',
  'invalid-response': 'garbage',
  timeout: 'hang',
};

/**
 * A snapshot's recorded AWS failures, as faults: serving a snapshot serves its failures too, so
 * collecting it again records the same errors.
 */
export function faultsFromSnapshot(snapshot: Snapshot): FaultRule[] {
  const rules: FaultRule[] = [];
  for (const error of snapshot.errors) {
    if (!error.part.startsWith('aws.')) continue;
    const kind = KIND_FOR_ERROR[error.kind];
    if (!kind || !/^[a-z0-9-]+:[A-Za-z]+$/.test(error.call)) continue;
    rules.push({ action: error.call, kind, region: snapshot.cluster.region, ...(error.httpStatus && kind === 'server-error' ? { status: error.httpStatus } : {}) });
  }
  return rules;
}
