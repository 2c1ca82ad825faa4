import { describe, expect, it } from 'vitest';
import { createAwsClients } from '../collect/aws/clients.js';
import { inSpan, NO_TRACE, PHASE, RecordingTracer, STARTUP_SPAN, timedImport, type OtlpSpan } from './tracer.js';

const spansOf = (tracer: RecordingTracer, error?: string): OtlpSpan[] => tracer.finish(error).resourceSpans[0]!.scopeSpans[0]!.spans;

describe('RecordingTracer', () => {
  it('a phase named as parent is the open span of that name; once it has ended, the root', () => {
    const tracer = new RecordingTracer('run', {}, { 'service.name': 'eks-doctor' });
    const phase = tracer.start(PHASE.collectAws);
    tracer.start('inside', { parent: PHASE.collectAws, kind: 'client' }).end();
    phase.end();
    tracer.start('after', { parent: PHASE.collectAws }).end();
    const spans = spansOf(tracer);
    const id = (name: string) => spans.find((s) => s.name === name)!;
    expect(id('inside').parentSpanId).toBe(id(PHASE.collectAws).spanId);
    expect(id('inside').kind).toBe(3);
    expect(id('after').parentSpanId).toBe(id('run').spanId);
    expect(id('run').parentSpanId).toBeUndefined();
  });

  it('encodes attributes as OTLP JSON values: int64 as strings, undefined left out', () => {
    const tracer = new RecordingTracer('run', { n: 3, ratio: 0.5, ok: true, s: 'x', gone: undefined }, {});
    const root = spansOf(tracer)[0]!;
    expect(root.attributes).toEqual([
      { key: 'n', value: { intValue: '3' } },
      { key: 'ratio', value: { doubleValue: 0.5 } },
      { key: 'ok', value: { boolValue: true } },
      { key: 's', value: { stringValue: 'x' } },
    ]);
  });

  it('status: OK when ended plainly, ERROR with the description given; spans left open end with the run', async () => {
    const tracer = new RecordingTracer('run', {}, {});
    await inSpan(tracer, 'fine', () => 1);
    await expect(inSpan(tracer, 'broken', () => Promise.reject(new TypeError('boom')))).rejects.toThrow('boom');
    tracer.start('forgotten');
    const spans = spansOf(tracer, 'UserError');
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    expect(byName.fine!.status).toEqual({ code: 1 });
    // The error's name, not its message (which may quote an AWS message).
    expect(byName.broken!.status).toEqual({ code: 2, message: 'TypeError' });
    expect(byName.forgotten!.status.code).toBe(2);
    expect(byName.run!.status).toEqual({ code: 2, message: 'UserError' });
    for (const s of spans) expect(BigInt(s.endTimeUnixNano) >= BigInt(s.startTimeUnixNano)).toBe(true);
  });

  it('ending a span twice keeps the first end', () => {
    const tracer = new RecordingTracer('run', {}, {});
    const span = tracer.start('once');
    span.end();
    span.end('late error');
    expect(spansOf(tracer).find((s) => s.name === 'once')!.status).toEqual({ code: 1 });
  });
});

describe('the start of the process in the first run\'s trace', () => {
  const nanos = (s: OtlpSpan, at: 'start' | 'end') => BigInt(at === 'start' ? s.startTimeUnixNano : s.endTimeUnixNano);
  const originNanos = BigInt(Math.round(performance.timeOrigin * 1000)) * 1000n;

  it('the root and `startup` start at the time origin; startup ends as the first request starts, the loads before it inside', async () => {
    await timedImport('test/early', () => import('node:zlib'));
    const tracer = new RecordingTracer('run', {}, {}, { fromProcessStart: true });
    const phase = tracer.start(PHASE.collectAws);
    tracer.start('ec2:DescribeInstances', { parent: phase }).end();
    const request = tracer.start('ec2:DescribeInstances', { parent: PHASE.collectAws, kind: 'client' });
    await timedImport('test/late', () => import('node:dns'));
    request.end();
    phase.end();
    const spans = spansOf(tracer);
    const named = (name: string) => spans.find((s) => s.name === name)!;
    const [root, startup, early, late] = ['run', STARTUP_SPAN, 'import test/early', 'import test/late'].map(named);
    expect(nanos(root!, 'start')).toBe(originNanos);
    expect(nanos(startup!, 'start')).toBe(originNanos);
    expect(startup!.parentSpanId).toBe(root!.spanId);
    expect(nanos(startup!, 'end')).toBe(nanos(spans.find((s) => s.kind === 3)!, 'start'));
    // A load that was over before the first request is part of the start-up; one after it, of the run.
    expect(early!.parentSpanId).toBe(startup!.spanId);
    expect(nanos(early!, 'end') <= nanos(startup!, 'end')).toBe(true);
    expect(late!.parentSpanId).toBe(root!.spanId);
    expect(late!.attributes).toEqual([{ key: 'eks_doctor.module', value: { stringValue: 'test/late' } }]);
  });

  it('a run that sends no request ends its startup when its first phase starts', () => {
    const tracer = new RecordingTracer('run', {}, {}, { fromProcessStart: true });
    const read = tracer.start('read snapshot');
    read.end();
    tracer.start(PHASE.checks).end();
    const spans = spansOf(tracer);
    const startup = spans.find((s) => s.name === STARTUP_SPAN)!;
    expect(nanos(startup, 'end')).toBe(nanos(spans.find((s) => s.name === 'read snapshot')!, 'start'));
    expect(startup.status).toEqual({ code: 1 });
  });

  it('later runs (--watch) have no startup span and none of the earlier runs\' loads; a module already loaded is no load', async () => {
    await timedImport('test/before', () => import('node:querystring'));
    const tracer = new RecordingTracer('run', {}, {});
    await timedImport('test/before', () => import('node:querystring'));
    await timedImport('test/during', () => import('node:tty'));
    const names = spansOf(tracer).map((s) => s.name);
    expect(names).toEqual(['run', 'import test/during']);
    expect(nanos(spansOf(new RecordingTracer('run', {}, {}))[0]!, 'start') > originNanos).toBe(true);
  });
});

describe('without --trace', () => {
  it('NO_TRACE hands out one shared span that records nothing', () => {
    const a = NO_TRACE.start('a', { attributes: { x: 1 } });
    const b = NO_TRACE.start('b');
    expect(a).toBe(b);
    expect(NO_TRACE.enabled).toBe(false);
  });

  it('the AWS clients carry no tracing middleware at all', async () => {
    const plain = await createAwsClients({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, env: {} });
    const traced = await createAwsClients({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, env: {}, tracer: new RecordingTracer('run', {}, {}) });
    try {
      const names = (clients: typeof plain) => clients.ec2.middlewareStack.identify().filter((m) => m.includes('eksDoctorTrace'));
      expect(names(plain)).toEqual([]);
      expect(names(traced)).toHaveLength(2);
    } finally {
      plain.destroy();
      traced.destroy();
    }
  });
});
