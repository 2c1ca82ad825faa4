import { expect, it } from 'vitest';
import { criticalPath } from '../bench/critical-path.js';
import type { RequestLogEntry } from '../mocks/request-log.js';

const request = (action: string, startedAt: number, endedAt: number): RequestLogEntry => ({ service: 'ec2', action, status: 200, startedAt, endedAt });

it('the critical path is the longest chain of requests each starting after the previous answered', () => {
  const log = [
    request('DescribeCluster', 0, 40),
    // Two independent requests in parallel after it; the longer one is on the path.
    request('DescribeSubnets', 40, 80),
    request('DescribeInstances', 41, 141),
    // Waits for the page before it.
    request('DescribeInstances', 141, 241),
    // Overlaps the second page: cannot extend it.
    request('GetRole', 200, 240),
  ];
  expect(criticalPath(log)).toEqual({ ms: 240, chain: ['ec2:DescribeCluster', 'ec2:DescribeInstances', 'ec2:DescribeInstances'] });
  expect(criticalPath([])).toEqual({ ms: 0, chain: [] });
});
