import { beforeEach, describe, expect, it, vi } from 'vitest';

const setFlagsFromString = vi.fn();
vi.mock('node:v8', () => ({ setFlagsFromString }));
const { HEAP_GROWING_PERCENT, limitHeapGrowth } = await import('./heap-growth.js');

describe('limitHeapGrowth', () => {
  beforeEach(() => setFlagsFromString.mockClear());

  it('sets the growing factor eks-doctor runs with', () => {
    limitHeapGrowth({}, []);
    expect(setFlagsFromString).toHaveBeenCalledWith(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  });

  it.each([
    ['NODE_OPTIONS', { NODE_OPTIONS: '--max-old-space-size=512 --heap-growing-percent=30' }, []],
    ['NODE_OPTIONS, with underscores', { NODE_OPTIONS: '--heap_growing_percent=30' }, []],
    ["node's command line", {}, ['--heap-growing-percent=30']],
  ] as const)("leaves the user's own factor alone (%s)", (_where, env, execArgv) => {
    limitHeapGrowth(env, execArgv);
    expect(setFlagsFromString).not.toHaveBeenCalled();
  });
});
