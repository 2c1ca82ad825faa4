/**
 * How every AWS call is retried: the SDK's standard strategy (exponential backoff with full jitter,
 * Retry-After honoured, a retry quota per client), with a larger attempt count for throttling.
 *
 * eks-doctor is run when an account is busy, and every call it makes is a read: a throttled read is
 * worth waiting for. With four attempts, sustained 30% throttling loses one call in 123 (0.3⁴): a
 * large cluster makes hundreds. With ten, it loses one in 170,000 (0.3¹⁰).
 *
 * The quota (from memory of @smithy/util-retry's StandardRetryStrategy, re-read in node_modules):
 * 500 tokens per client; a retry takes 5 (throttling) or 14 (anything else); a call that succeeds
 * gives back what its retries took, or 1 if it needed none. It stops retries when most calls fail
 * for good (an outage, not a busy account). At 30% throttling the calls that retry succeed and give
 * their tokens back, so the quota stays near full; what could drain it is only many calls retrying
 * at once, which the per-service concurrency cap (8) bounds at 8 × 5 tokens. A throttling retry
 * keeps its cost at 5, so the longer throttling budget cannot drain the quota faster per attempt.
 *
 * The overall deadline bounds it all: the SDK races each wait with the call's abort signal, which
 * the collection aborts at --timeout. The client-side request rate shared by all clients of a
 * service (and a fleet's clusters) is rate-limit.ts's, not the SDK's adaptive mode, whose token
 * bucket is per client.
 */
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_THROTTLING_MAX_ATTEMPTS } from './defaults.js';

export interface RetryBudget {
  /** Attempts, the first included, for transient failures (5xx, timeouts, connection resets). */
  maxAttempts: number;
  /** Attempts, the first included, while the answer is throttling. */
  throttlingMaxAttempts: number;
  /** Backoff: a random wait up to base·2^retry, at most maxDelayMs (the SDK's 50 ms and 1 s bases, 20 s cap). */
  baseDelayMs: number;
  throttlingBaseDelayMs: number;
  maxDelayMs: number;
  random: () => number;
}

/** The SDK's standard quota (see above). */
export const RETRY_QUOTA = { capacity: 500, throttlingCost: 5, cost: 14, successIncrement: 1 } as const;

export const DEFAULT_RETRY_BUDGET: RetryBudget = {
  maxAttempts: DEFAULT_MAX_ATTEMPTS,
  throttlingMaxAttempts: DEFAULT_THROTTLING_MAX_ATTEMPTS,
  baseDelayMs: 50,
  throttlingBaseDelayMs: 1000,
  maxDelayMs: 20_000,
  random: Math.random,
};

class ReadRetryToken implements StandardRetryToken {
  constructor(
    private readonly count: number,
    private readonly delay: number,
    private readonly cost: number | undefined,
  ) {}
  getRetryCount(): number {
    return this.count;
  }
  getRetryDelay(): number {
    return this.delay;
  }
  getRetryCost(): number | undefined {
    return this.cost;
  }
}

export class ReadRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'standard';
  private capacity: number = RETRY_QUOTA.capacity;
  private readonly budget: RetryBudget;

  constructor(budget: Partial<RetryBudget> = {}) {
    this.budget = { ...DEFAULT_RETRY_BUDGET, ...budget };
  }

  /** Tokens left in the quota (tests). */
  get quota(): number {
    return this.capacity;
  }

  async acquireInitialRetryToken(): Promise<StandardRetryToken> {
    return new ReadRetryToken(0, 0, undefined);
  }

  async refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<StandardRetryToken> {
    const throttled = errorInfo.errorType === 'THROTTLING';
    if (!throttled && errorInfo.errorType !== 'TRANSIENT') throw new Error('not a retryable error');
    const attempts = token.getRetryCount() + 1;
    if (attempts >= (throttled ? this.budget.throttlingMaxAttempts : this.budget.maxAttempts)) throw new Error(`no attempts left after ${attempts}`);
    const cost = throttled ? RETRY_QUOTA.throttlingCost : RETRY_QUOTA.cost;
    if (this.capacity < cost) throw new Error('the retry quota is spent');
    this.capacity -= cost;
    const base = throttled ? this.budget.throttlingBaseDelayMs : this.budget.baseDelayMs;
    const backoff = Math.floor(this.budget.random() * Math.min(this.budget.maxDelayMs, base * 2 ** token.getRetryCount()));
    // Retry-After, as the standard strategy takes it: at least the backoff, at most 5 s more.
    const hinted = errorInfo.retryAfterHint ? Math.min(errorInfo.retryAfterHint.getTime() - Date.now(), backoff + 5000) : 0;
    return new ReadRetryToken(attempts, Math.max(backoff, hinted), cost);
  }

  recordSuccess(token: StandardRetryToken): void {
    this.capacity = Math.min(RETRY_QUOTA.capacity, this.capacity + (token.getRetryCost() ?? RETRY_QUOTA.successIncrement));
  }
}
