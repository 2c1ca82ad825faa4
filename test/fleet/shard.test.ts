/**
 * --shard I/N: parsing (with JOB_COMPLETION_INDEX, as the Job controller sets it in an Indexed Job's
 * pods), and the rendezvous hash's promises: every cluster in exactly one shard, a cluster's shard
 * moved by nothing but the number of shards, and growing from N to N+1 shards moving only what the
 * new shard takes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseShard, shardKey, shardOf } from '../../src/cli/fleet-shard.js';

describe('parseShard', () => {
  it('reads I/N, and /N with the index from JOB_COMPLETION_INDEX', () => {
    expect(parseShard('0/3', {})).toEqual({ index: 0, count: 3 });
    expect(parseShard('2/3', { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 2, count: 3 });
    expect(parseShard('/3', { JOB_COMPLETION_INDEX: '1' })).toEqual({ index: 1, count: 3 });
    expect(parseShard('0/1', {})).toEqual({ index: 0, count: 1 });
  });

  it.each([
    ['3/3', {}, /--shard 3\/3 is not one of the 3 shard\(s\): the index must be 0 to 2/],
    ['1/0', {}, /the number of shards must be at least 1/],
    ['3', {}, /--shard 3 is not a shard/],
    ['a/3', {}, /is not a shard/],
    ['-1/3', {}, /is not a shard/],
    ['/3', {}, /takes the shard index from JOB_COMPLETION_INDEX, which is not set/],
    ['/3', { JOB_COMPLETION_INDEX: '3' }, /JOB_COMPLETION_INDEX=3 is not one of the 3 shard\(s\)/],
    ['/3', { JOB_COMPLETION_INDEX: 'x' }, /JOB_COMPLETION_INDEX=x is not one of the 3 shard\(s\)/],
  ] as const)('--shard %s (env %j) is refused: %s', (value, env, message) => {
    expect(() => parseShard(value, env)).toThrow(message);
  });

  it('says what to do next', () => {
    expect(() => parseShard('/3', {})).toThrow(expect.objectContaining({ hint: expect.stringMatching(/Indexed Job.*--shard 0\/3/) }));
    expect(() => parseShard('/3', { JOB_COMPLETION_INDEX: '5' })).toThrow(expect.objectContaining({ hint: expect.stringMatching(/completions \(and parallelism\) to 3/) }));
  });
});

const clusterKey = fc.record({ account: fc.stringMatching(/^\d{12}$/), region: fc.constantFrom('eu-west-1', 'us-east-1', 'ap-south-1'), cluster: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/) }).map(shardKey);

describe('rendezvous sharding', () => {
  it('puts every cluster in one shard of 0..N-1, the same one every time', () => {
    fc.assert(
      fc.property(clusterKey, fc.integer({ min: 1, max: 64 }), (key, count) => {
        const shard = shardOf(key, count);
        expect(shard).toBeGreaterThanOrEqual(0);
        expect(shard).toBeLessThan(count);
        expect(shardOf(key, count)).toBe(shard);
      }),
    );
  });

  it('moves a cluster only to the new shard when going from N to N+1', () => {
    fc.assert(
      fc.property(clusterKey, fc.integer({ min: 1, max: 32 }), (key, count) => {
        const after = shardOf(key, count + 1);
        expect([shardOf(key, count), count]).toContain(after);
      }),
    );
  });

  it('spreads a fleet evenly and moves about 1/(N+1) of it when a shard is added', () => {
    const keys = Array.from({ length: 3000 }, (_, i) => shardKey({ account: `1111222233${String(i % 7).padStart(2, '0')}`, region: ['eu-west-1', 'us-east-1', 'ap-south-1'][i % 3]!, cluster: `cluster-${i}` }));
    const sizes = [0, 0, 0];
    for (const key of keys) sizes[shardOf(key, 3)]!++;
    // 1,000 each on average; the hash is fixed, so this is a fact about these keys, not a chance.
    for (const size of sizes) expect(Math.abs(size - 1000)).toBeLessThan(100);
    const moved = keys.filter((key) => shardOf(key, 3) !== shardOf(key, 4)).length;
    expect(Math.abs(moved - 750)).toBeLessThan(100);
  });

  it('tells clusters apart by account, region and name', () => {
    const keys = [
      shardKey({ account: '111122223333', region: 'eu-west-1', cluster: 'shop' }),
      shardKey({ account: '111122223334', region: 'eu-west-1', cluster: 'shop' }),
      shardKey({ account: '111122223333', region: 'eu-west-2', cluster: 'shop' }),
    ];
    expect(new Set(keys).size).toBe(3);
    // Over 16 shards, the same name in another account or region lands elsewhere at least once.
    expect(new Set(keys.map((k) => shardOf(k, 16))).size).toBeGreaterThan(1);
  });
});
