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
  ) {
    if (!(perSecond > 0)) throw new Error('the request rate must be positive');
    // A burst of one second's worth, then the steady rate.
    this.tokens = perSecond;
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
      this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(((1 - this.tokens) / this.perSecond) * 1000);
    }
  }
}
