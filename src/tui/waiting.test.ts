import { describe, expect, it } from 'vitest';
import { waitingText } from './waiting.js';

const limits = { callTimeoutMs: 15_000, timeoutSeconds: 120 };

describe('waitingText', () => {
  it('says nothing for a call under a second: it would only flicker', () => {
    expect(waitingText({ startedAt: 1_000, now: 1_900, limits })).toBeUndefined();
  });

  it('counts a waiting call down to --call-timeout', () => {
    expect(waitingText({ startedAt: 1_000, collectionStartedAt: 0, now: 5_000, limits })).toBe('waiting 4s, gives up in 11s');
  });

  it('past the per-call limit (a retry), or nearer the collection’s end, counts down to --timeout', () => {
    expect(waitingText({ startedAt: 1_000, collectionStartedAt: 0, now: 20_000, limits })).toBe('waiting 19s, collection ends in 100s');
    expect(waitingText({ startedAt: 110_000, collectionStartedAt: 0, now: 112_000, limits })).toBe('waiting 2s, collection ends in 8s');
  });

  it('without limits (a snapshot), only how long', () => {
    expect(waitingText({ startedAt: 0, now: 3_500 })).toBe('waiting 3s');
  });
});
