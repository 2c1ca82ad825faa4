import { describe, expect, it } from 'vitest';
import { RequestRateLimiter } from './rate-limit.js';

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
