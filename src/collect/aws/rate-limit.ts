/**
 * A token bucket shared by every AWS client of one run, so an audit of many clusters at once stays
 * under a request rate the account's API limits can bear (EKS and EC2 throttle per account and
 * region, and a throttled audit slows every other tool using the same account).
 */
export class RequestRateLimiter {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    /** Requests allowed at once before the steady rate applies: by default one second's worth. */
    private readonly burst: number = perSecond,
  ) {
    if (!(perSecond > 0)) throw new Error('the request rate must be positive');
    if (!(burst >= 1)) throw new Error('the burst must allow at least one request');
    this.tokens = burst;
    this.last = this.now();
  }

  /** Resolves when one more request may be sent. Callers are served in arrival order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.take());
    this.queue = turn;
    return turn;
  }

  private async take(): Promise<void> {
    for (;;) {
      const now = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(((1 - this.tokens) / this.perSecond) * 1000);
    }
  }
}

/**
 * CloudTrail's LookupEvents allows about 2 requests per second per account and region
 * (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html: "The rate of
 * lookup requests is limited to two per second, per account, per Region").
 */
export const CLOUDTRAIL_LOOKUPS_PER_SECOND = 2;

/**
 * One limiter per key (an account and region), created on first use: every cluster of an
 * --all-clusters run and every --watch run shares the one for its account and region. No burst:
 * requests are evenly spaced, so no second ever holds more than `perSecond` of them.
 */
export class KeyedRateLimiters {
  private readonly limiters = new Map<string, RequestRateLimiter>();

  constructor(
    readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  for(key: string): RequestRateLimiter {
    let limiter = this.limiters.get(key);
    if (!limiter) this.limiters.set(key, (limiter = new RequestRateLimiter(this.perSecond, this.now, this.sleep, 1)));
    return limiter;
  }
}

/** A number of requests one run may make; `take` says whether one more is allowed. */
export class RequestBudget {
  private used = 0;

  constructor(readonly limit: number) {
    if (!(limit >= 0) || !Number.isInteger(limit)) throw new Error('the request budget must be a whole number');
  }

  take(): boolean {
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }

  get spent(): number {
    return this.used;
  }

  get exhausted(): boolean {
    return this.used >= this.limit;
  }
}
