import { describe, expect, it } from 'vitest';
import { CLOUDTRAIL_LOOKUPS_PER_SECOND, KeyedRateLimiters, RequestBudget, RequestRateLimiter } from './rate-limit.js';

/** A fake clock: sleeping advances it, so the pacing is checked without waiting or timing. */
function fakeClock() {
  let t = 0;
  const sleeps: number[] = [];
  return { now: () => t, sleep: async (ms: number) => { sleeps.push(ms); t += ms; }, sleeps, elapsed: () => t };
}

describe('RequestRateLimiter', () => {
  it('lets a burst of one second through, then paces at the rate', async () => {
    const clock = fakeClock();
    const limiter = new RequestRateLimiter(5, clock.now, clock.sleep);
    for (let i = 0; i < 5; i++) await limiter.acquire();
    expect(clock.elapsed()).toBe(0);
    for (let i = 0; i < 10; i++) await limiter.acquire();
    // Ten more at 5 per second take two (simulated) seconds.
    expect(clock.elapsed()).toBeCloseTo(2000, 5);
  });

  it('serves concurrent callers in order without exceeding the rate', async () => {
    const clock = fakeClock();
    const limiter = new RequestRateLimiter(2, clock.now, clock.sleep);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 6 }, (_, i) => limiter.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(clock.elapsed()).toBeCloseTo(2000, 5);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new RequestRateLimiter(0)).toThrow();
  });
});

describe('CloudTrail pace and budget', () => {
  it('paces LookupEvents at 2 a second per account and region, shared by every run that asks', async () => {
    const clock = fakeClock();
    const limiters = new KeyedRateLimiters(CLOUDTRAIL_LOOKUPS_PER_SECOND, clock.now, clock.sleep);
    const sent: number[] = [];
    // Two runs (two clusters of --all-clusters, or two --watch runs) share the account and region's limiter.
    const first = limiters.for('111122223333/eu-west-1');
    const second = limiters.for('111122223333/eu-west-1');
    expect(second).toBe(first);
    await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? first : second).acquire().then(() => sent.push(clock.elapsed()))));
    // One every 500 ms from the first: never more than 2 in any second.
    expect(sent).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000, 3500]);
    for (const t of sent) expect(sent.filter((u) => u > t - 1000 && u <= t).length).toBeLessThanOrEqual(2);
    // Another region (us-east-1, where IAM records) has its own pace.
    const elsewhere = limiters.for('111122223333/us-east-1');
    const before = clock.elapsed();
    await elsewhere.acquire();
    expect(clock.elapsed()).toBe(before);
  });

  it('a budget allows exactly its number of requests', () => {
    const budget = new RequestBudget(3);
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([true, true, true, false]);
    expect(budget.spent).toBe(3);
    expect(budget.exhausted).toBe(true);
    expect(() => new RequestBudget(1.5)).toThrow();
  });
});
