/**
 * Reading a --trace file in tests: its structure checked against the OTLP JSON encoding and our own
 * promises (one trace, one root, parents that resolve, children inside their parents' time), and
 * its spans made easy to query.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { IMPORT_SPAN_PREFIX, STARTUP_SPAN, type OtlpAnyValue, type OtlpSpan, type OtlpTraceFile } from '../../src/trace/tracer.js';

export interface TraceSpan {
  id: string;
  parentId?: string;
  name: string;
  kind: 'internal' | 'client';
  start: bigint;
  end: bigint;
  attributes: Record<string, string | number | boolean>;
  status: { code: number; message?: string };
}

export interface Trace {
  root: TraceSpan;
  spans: TraceSpan[];
  byId: Map<string, TraceSpan>;
  children(span: TraceSpan): TraceSpan[];
  /** The span's ancestors, nearest first. */
  ancestors(span: TraceSpan): TraceSpan[];
  /** The phase span of this name under the root. */
  phase(name: string): TraceSpan;
  /** The names of the root's children in order of start, less the process's `startup` and its module loads (`import NAME`). */
  phases(): string[];
}

function attributeValue(key: string, value: OtlpAnyValue): string | number | boolean {
  const set = Object.entries(value).filter(([, v]) => v !== undefined);
  expect(set, `attribute ${key} has exactly one typed value`).toHaveLength(1);
  const [type, v] = set[0]!;
  if (type === 'stringValue') return v as string;
  if (type === 'boolValue') return v as boolean;
  if (type === 'doubleValue') return v as number;
  expect(type, `attribute ${key}`).toBe('intValue');
  // int64 travels as a decimal string in OTLP JSON.
  expect(v, `attribute ${key}`).toMatch(/^-?\d+$/);
  return Number(v);
}

/** Parses and checks a trace file; every expectation here holds for any run. */
export function readTrace(path: string): Trace {
  const document = JSON.parse(readFileSync(path, 'utf8')) as OtlpTraceFile;
  expect(document.resourceSpans).toHaveLength(1);
  const resource = Object.fromEntries(document.resourceSpans[0]!.resource.attributes.map((a) => [a.key, attributeValue(a.key, a.value)]));
  expect(resource['service.name']).toBe('eks-doctor');
  const raw: OtlpSpan[] = document.resourceSpans[0]!.scopeSpans.flatMap((s) => s.spans);
  expect(raw.length).toBeGreaterThan(0);

  const traceIds = new Set(raw.map((s) => s.traceId));
  expect(traceIds.size, 'one trace').toBe(1);
  expect([...traceIds][0]).toMatch(/^[0-9a-f]{32}$/);
  expect([...traceIds][0]).not.toMatch(/^0+$/);

  const spans: TraceSpan[] = raw.map((s) => {
    expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
    if (s.parentSpanId !== undefined) expect(s.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(s.startTimeUnixNano).toMatch(/^\d+$/);
    expect(s.endTimeUnixNano).toMatch(/^\d+$/);
    expect([1, 3]).toContain(s.kind);
    expect([1, 2]).toContain(s.status.code);
    if (s.status.code === 2) expect(s.status.message).toBeTruthy();
    return {
      id: s.spanId,
      ...(s.parentSpanId ? { parentId: s.parentSpanId } : {}),
      name: s.name,
      kind: s.kind === 3 ? 'client' : 'internal',
      start: BigInt(s.startTimeUnixNano),
      end: BigInt(s.endTimeUnixNano),
      attributes: Object.fromEntries(s.attributes.map((a) => [a.key, attributeValue(a.key, a.value)])),
      status: s.status,
    };
  });
  const byId = new Map(spans.map((s) => [s.id, s]));
  expect(byId.size, 'span ids are unique').toBe(spans.length);
  const roots = spans.filter((s) => s.parentId === undefined);
  expect(roots.map((s) => s.name), 'one root span').toHaveLength(1);
  for (const span of spans) {
    expect(span.end >= span.start, `${span.name} ends after it starts`).toBe(true);
    if (span.parentId === undefined) continue;
    const parent = byId.get(span.parentId);
    expect(parent, `${span.name}'s parent ${span.parentId} is in the trace`).toBeDefined();
    expect(span.start >= parent!.start && span.end <= parent!.end, `${span.name} lies within its parent ${parent!.name}`).toBe(true);
  }
  const childrenOf = new Map<string, TraceSpan[]>();
  for (const span of spans) if (span.parentId) childrenOf.set(span.parentId, [...(childrenOf.get(span.parentId) ?? []), span]);
  const root = roots[0]!;
  return {
    root,
    spans,
    byId,
    children: (span) => childrenOf.get(span.id) ?? [],
    ancestors(span) {
      const chain: TraceSpan[] = [];
      for (let p = span.parentId ? byId.get(span.parentId) : undefined; p; p = p.parentId ? byId.get(p.parentId) : undefined) chain.push(p);
      return chain;
    },
    phases() {
      return (childrenOf.get(root.id) ?? [])
        .filter((s) => s.name !== STARTUP_SPAN && !s.name.startsWith(IMPORT_SPAN_PREFIX))
        .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
        .map((s) => s.name);
    },
    phase(name) {
      const phases = (childrenOf.get(root.id) ?? []).filter((s) => s.name === name);
      expect(phases, `one '${name}' phase under the root`).toHaveLength(1);
      return phases[0]!;
    },
  };
}

/** 'ec2:DescribeSubnets' for an AWS request span, 'kubernetes:GET /api/v1/nodes' for a Kubernetes one: the mock log's keys. */
export function requestKey(span: TraceSpan): string {
  if (span.attributes['rpc.system'] === 'aws-api') return `${span.attributes['rpc.service']}:${span.attributes['rpc.method']}`;
  return `kubernetes:${span.attributes['http.request.method']} ${span.attributes['url.path']}`;
}

export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
