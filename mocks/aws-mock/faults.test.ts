import { describe, expect, it } from 'vitest';
import { FaultInjector } from './faults.js';

const failed = (injector: FaultInjector, key: string) => injector.decide('iam', 'ListAttachedRolePolicies', 'us-east-1', key).fault !== undefined;

describe('FaultInjector counting', () => {
  it('counts per action by default: interleaved calls share one counter', () => {
    const injector = new FaultInjector([{ action: 'iam:ListAttachedRolePolicies', kind: 'server-error', every: 2 }]);
    // a, b, a, b: the 2nd and 4th requests fail, and both are b's.
    expect(['a', 'b', 'a', 'b'].map((key) => failed(injector, key))).toEqual([false, true, false, true]);
  });

  it('counts each distinct request on its own with countPer: request', () => {
    const injector = new FaultInjector([{ action: 'iam:ListAttachedRolePolicies', kind: 'server-error', every: 2, countPer: 'request' }]);
    expect(['a', 'b', 'a', 'b', 'a'].map((key) => failed(injector, key))).toEqual([false, false, true, true, false]);
  });

  it('keeps first-N per request too, and set() resets the counters', () => {
    const injector = new FaultInjector([{ action: 'iam:*', kind: 'throttle', first: 1, countPer: 'request' }]);
    expect(['a', 'a', 'b'].map((key) => failed(injector, key))).toEqual([true, false, true]);
    injector.set([{ action: 'iam:*', kind: 'throttle', first: 1, countPer: 'request' }]);
    expect(failed(injector, 'a')).toBe(true);
  });
});
