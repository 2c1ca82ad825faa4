import { describe, expect, it } from 'vitest';
import { criticalPath, requestsFromLog, requestsFromTrace } from '../bench/critical-path.js';
import type { RequestLogEntry } from '../mocks/request-log.js';
import type { OtlpSpan, OtlpTraceFile } from '../src/trace/tracer.js';

const request = (action: string, startedAt: number, endedAt: number): RequestLogEntry => ({ service: 'ec2', action, status: 200, startedAt, endedAt });

describe('criticalPath', () => {
  it('is the longest chain of requests each starting after the previous answered', () => {
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
    expect(criticalPath(requestsFromLog(log))).toEqual({ ms: 240, chain: ['ec2:DescribeCluster', 'ec2:DescribeInstances', 'ec2:DescribeInstances'] });
    expect(criticalPath([])).toEqual({ ms: 0, chain: [] });
  });
});

describe('requestsFromTrace', () => {
  // Unix nanoseconds of late 2026: beyond a double's exact integers, so the arithmetic must not lose them.
  const T0 = 1_795_718_666_596_094_739n;
  const at = (ms: number) => String(T0 + BigInt(ms) * 1_000_000n);
  const string = (key: string, value: string) => ({ key, value: { stringValue: value } });
  let ids = 0;
  const span = (name: string, kind: number, startMs: number, endMs: number, attributes: OtlpSpan['attributes'] = []): OtlpSpan => ({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: (++ids).toString(16).padStart(16, '0'),
    name,
    kind,
    startTimeUnixNano: at(startMs),
    endTimeUnixNano: at(endMs),
    attributes,
    status: { code: 1 },
  });
  const aws = (service: string, method: string, startMs: number, endMs: number, kind = 3) =>
    span(`${service}:${method}`, kind, startMs, endMs, [string('rpc.system', 'aws-api'), string('rpc.service', service), string('rpc.method', method)]);
  const file = (spans: OtlpSpan[]): OtlpTraceFile => ({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'eks-doctor', version: '0' }, spans }] }] });

  it('takes the CLIENT spans only, AWS and Kubernetes, in ms from the first request, labelled as the mock logs them', () => {
    const trace = file([
      span('eks-doctor diagnose', 1, 0, 1000),
      span('collect AWS', 1, 1, 900),
      // The call (INTERNAL) spans its attempts and the back-off between them: not a request itself.
      aws('eks', 'DescribeCluster', 5, 300, 1),
      aws('eks', 'DescribeCluster', 10, 50),
      aws('eks', 'DescribeCluster', 250, 300),
      span('GET /api/v1/nodes', 3, 301, 311, [string('http.request.method', 'GET'), string('url.path', '/api/v1/nodes')]),
      span('GET /api/v1/nodes', 3, 311, 322, [string('http.request.method', 'GET'), string('url.path', '/api/v1/nodes')]),
      aws('ec2', 'DescribeSubnets', 301, 341),
    ]);
    const requests = requestsFromTrace(trace);
    expect(requests).toEqual([
      { label: 'eks:DescribeCluster', startedAt: 0, endedAt: 40 },
      { label: 'eks:DescribeCluster', startedAt: 240, endedAt: 290 },
      { label: 'kubernetes:GET /api/v1/nodes', startedAt: 291, endedAt: 301 },
      { label: 'kubernetes:GET /api/v1/nodes', startedAt: 301, endedAt: 312 },
      { label: 'ec2:DescribeSubnets', startedAt: 291, endedAt: 331 },
    ]);
    // After DescribeCluster's two attempts, the subnets (40 ms) outweigh the two pages of nodes (10 + 11 ms).
    expect(criticalPath(requests)).toEqual({ ms: 130, chain: ['eks:DescribeCluster', 'eks:DescribeCluster', 'ec2:DescribeSubnets'] });
    expect(requestsFromTrace(file([span('eks-doctor diagnose', 1, 0, 5)]))).toEqual([]);
  });
});
