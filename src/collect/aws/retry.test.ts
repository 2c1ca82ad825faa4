/**
 * The AWS retry budget, driven the way the SDK's retry middleware drives a RetryStrategyV2: one
 * token per call, refreshed after each failed attempt, recorded on success. Failures are decided by
 * counter, so the 30% is exact.
 */
import type { RetryErrorType } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { ReadRetryStrategy, RETRY_QUOTA } from './retry.js';

/** Runs one call: `fails(attempt)` says what each attempt meets; resolves to the attempts made, or throws when retries stopped. */
async function call(strategy: ReadRetryStrategy, fails: (attempt: number) => RetryErrorType | undefined): Promise<number> {
  let token = await strategy.acquireInitialRetryToken();
  for (let attempt = 1; ; attempt++) {
    const error = fails(attempt);
    if (!error) {
      strategy.recordSuccess(token);
      return attempt;
    }
    token = await strategy.refreshRetryTokenForRetry(token, { errorType: error });
  }
}

const noWait = { random: () => 0 };

describe('ReadRetryStrategy', () => {
  it('gives a throttled read ten attempts: nine throttles in a row, then the answer', async () => {
    const strategy = new ReadRetryStrategy(noWait);
    expect(await call(strategy, (n) => (n <= 9 ? 'THROTTLING' : undefined))).toBe(10);
    await expect(call(strategy, () => 'THROTTLING')).rejects.toThrow('no attempts left after 10');
  });

  it('keeps four attempts for other transient failures', async () => {
    const strategy = new ReadRetryStrategy(noWait);
    expect(await call(strategy, (n) => (n <= 3 ? 'TRANSIENT' : undefined))).toBe(4);
    await expect(call(strategy, () => 'TRANSIENT')).rejects.toThrow('no attempts left after 4');
    await expect(call(strategy, () => 'CLIENT_ERROR')).rejects.toThrow('not a retryable error');
  });

  it('loses no call at sustained 30% throttling, and its quota stays full', async () => {
    const strategy = new ReadRetryStrategy(noWait);
    // Every request counted: the 3rd, 6th and 9th of each ten are throttled (30%), whichever call sends them.
    let sent = 0;
    const thirtyPercent = (): RetryErrorType | undefined => ([3, 6, 9].includes(++sent % 10) ? 'THROTTLING' : undefined);
    // Eight calls in flight at a time (the per-service cap), 5,000 calls in all.
    for (let round = 0; round < 625; round++) {
      const attempts = await Promise.all(Array.from({ length: 8 }, () => call(strategy, thirtyPercent)));
      expect(Math.max(...attempts)).toBeLessThanOrEqual(10);
    }
    expect(sent).toBeGreaterThan(5000);
    expect(strategy.quota).toBe(RETRY_QUOTA.capacity);
  });

  it('still stops retrying when most calls fail for good (an outage, not a busy account): the quota runs out', async () => {
    const strategy = new ReadRetryStrategy(noWait);
    let stopped = 0;
    for (let i = 0; i < 100; i++) await call(strategy, () => 'TRANSIENT').catch((error: Error) => (stopped += error.message === 'the retry quota is spent' ? 1 : 0));
    expect(stopped).toBeGreaterThan(0);
    expect(strategy.quota).toBeLessThan(RETRY_QUOTA.cost);
  });

  it('waits longer for throttling than for other failures, with full jitter, and honours Retry-After up to 5 s beyond it', async () => {
    const strategy = new ReadRetryStrategy({ random: () => 0.5 });
    const first = await strategy.acquireInitialRetryToken();
    expect((await strategy.refreshRetryTokenForRetry(first, { errorType: 'TRANSIENT' })).getRetryDelay()).toBe(25);
    const throttled = await strategy.refreshRetryTokenForRetry(first, { errorType: 'THROTTLING' });
    expect(throttled.getRetryDelay()).toBe(500);
    expect((await strategy.refreshRetryTokenForRetry(throttled, { errorType: 'THROTTLING' })).getRetryDelay()).toBe(1000);
    const hinted = await strategy.refreshRetryTokenForRetry(first, { errorType: 'THROTTLING', retryAfterHint: new Date(Date.now() + 60_000) });
    expect(hinted.getRetryDelay()).toBe(5500);
  });
});
