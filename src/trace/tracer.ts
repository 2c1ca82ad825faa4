/**
 * `--trace FILE`: the run as OpenTelemetry spans, written as OTLP JSON (the body of an OTLP/HTTP
 * ExportTraceServiceRequest: resourceSpans > scopeSpans > spans), so any OTLP viewer can show
 * where a slow diagnosis spent its time. One trace per run: a root span, a span per phase
 * (collect AWS, collect Kubernetes, checks, correlation, render), a CLIENT span per HTTP request
 * and an INTERNAL span per check.
 *
 * The first run of a process starts its root span at the process's own time origin
 * (`performance.timeOrigin`), with a child span `startup` until the first request is sent (or, in a
 * run that sends none, until its first phase starts) and a span `import NAME` per module loaded on
 * demand (see timedImport): what the user waits for before eks-doctor asks anything is in the trace.
 *
 * Our own small tracer rather than the OpenTelemetry SDK: eks-doctor needs no exporter, sampler or
 * context propagation, only spans recorded in memory and one file at the end. Without --trace every
 * caller holds NO_TRACE, whose spans are one shared object that records nothing.
 */
import { randomBytes } from 'node:crypto';

export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue | undefined>;

/** The phases of a run, by name: request spans find their parent phase by it (see SpanOptions.parent). */
export const PHASE = {
  collectAws: 'collect AWS',
  collectKubernetes: 'collect Kubernetes',
  checks: 'checks',
  correlation: 'correlation',
  /** The enrichment pass's reads after the diagnosis (src/enrich): CloudTrail, EKS updates. */
  changeHistory: 'change history',
  render: 'render',
} as const;
export type PhaseName = (typeof PHASE)[keyof typeof PHASE];

/** The span that covers a process's start, up to its first request. */
export const STARTUP_SPAN = 'startup';
/** Spans of modules loaded on demand are named `import NAME`. */
export const IMPORT_SPAN_PREFIX = 'import ';
/** The performance-timeline measures that time those loads (global: a load can precede the tracer). */
const IMPORT_MEASURE_PREFIX = 'eks-doctor import ';
const measuredImports = new Set<string>();

/**
 * Loads a module that only some paths need, timing its first load on the process's performance
 * timeline (`performance.measure`), where the run's trace finds it (a span `import NAME`). Later
 * calls find the module cached: they are not loads and are not timed. `load` must be a literal
 * `() => import('./x.js')`, so the bundler can split that module into a chunk of its own.
 */
export async function timedImport<T>(name: string, load: () => Promise<T>): Promise<T> {
  if (measuredImports.has(name)) return load();
  const start = performance.now();
  const module = await load();
  if (!measuredImports.has(name)) {
    measuredImports.add(name);
    performance.measure(`${IMPORT_MEASURE_PREFIX}${name}`, { start, end: performance.now() });
  }
  return module;
}

/** Each module load timed so far, from `start` (ms on the performance clock) on. */
function importsSince(start: number): { name: string; start: number; end: number }[] {
  return performance
    .getEntriesByType('measure')
    .filter((m) => m.name.startsWith(IMPORT_MEASURE_PREFIX) && m.startTime >= start)
    .map((m) => ({ name: m.name.slice(IMPORT_MEASURE_PREFIX.length), start: m.startTime, end: m.startTime + m.duration }));
}

export interface Span {
  /** Adds or replaces attributes; undefined values are left out. */
  set(attributes: Attributes): void;
  /** Ends the span: status OK, or ERROR with this description. Only the first call counts. */
  end(error?: string): void;
}

export interface SpanOptions {
  /** CLIENT for a request that leaves the process; INTERNAL (the default) for work inside it. */
  kind?: 'client' | 'internal';
  /**
   * The parent: a span, or the name of a phase, meaning the most recently started span of that
   * name still open (for spans started where the phase is out of reach, such as SDK middleware);
   * the run's root span when absent or when no such phase is open.
   */
  parent?: Span | PhaseName;
  attributes?: Attributes;
}

export interface Tracer {
  /** False for NO_TRACE: callers skip building attributes they would only throw away. */
  readonly enabled: boolean;
  start(name: string, options?: SpanOptions): Span;
}

const NOOP_SPAN: Span = {
  set() {},
  end() {},
};

/** The tracer when --trace is not given. */
export const NO_TRACE: Tracer = {
  enabled: false,
  start: () => NOOP_SPAN,
};

/**
 * Runs `body` inside a span that ends when it settles: ERROR with the error's name when it throws
 * (not its message, which can quote an AWS message naming an account).
 */
export async function inSpan<T>(tracer: Tracer, name: string, body: (span: Span) => Promise<T> | T, options?: SpanOptions): Promise<T> {
  const span = tracer.start(name, options);
  try {
    const result = await body(span);
    span.end();
    return result;
  } catch (error) {
    span.end(error instanceof Error ? error.name : 'Error');
    throw error;
  }
}

/** OTLP's SpanKind enumeration (trace.proto). */
const SPAN_KIND = { internal: 1, client: 3 } as const;
/** OTLP's Status.StatusCode (trace.proto): 0 unset, 1 ok, 2 error. */
const STATUS_OK = 1;
const STATUS_ERROR = 2;

export interface OtlpAnyValue {
  stringValue?: string;
  /** int64: a decimal string in the OTLP JSON encoding. */
  intValue?: string;
  doubleValue?: number;
  boolValue?: boolean;
}
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  /** Nanoseconds since the Unix epoch, as a decimal string (fixed64 in the JSON encoding). */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  status: { code: number; message?: string };
}
/** What `--trace FILE` writes: an ExportTraceServiceRequest in the OTLP JSON encoding. */
export interface OtlpTraceFile {
  resourceSpans: {
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: { scope: { name: string; version: string }; spans: OtlpSpan[] }[];
  }[];
}

/** A monotonic clock in Unix nanoseconds: wall-clock jumps during a run cannot make a span end before it starts. */
const ORIGIN_NANOS = BigInt(Math.round(performance.timeOrigin * 1000)) * 1000n;
function nanosAt(performanceNowMs: number): bigint {
  return ORIGIN_NANOS + BigInt(Math.round(performanceNowMs * 1e6));
}
function nowNanos(): bigint {
  return nanosAt(performance.now());
}

function hexId(bytes: number): string {
  // An all-zero id is invalid in OTLP; 8 random bytes are never all zero in practice, but be exact.
  for (;;) {
    const id = randomBytes(bytes).toString('hex');
    if (/[^0]/.test(id)) return id;
  }
}

function otlpValue(value: AttributeValue): OtlpAnyValue {
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  return { stringValue: value };
}

export function otlpAttributes(attributes: Attributes): OtlpKeyValue[] {
  return Object.entries(attributes).flatMap(([key, value]) => (value === undefined ? [] : [{ key, value: otlpValue(value) }]));
}

class RecordedSpan implements Span {
  readonly spanId = hexId(8);
  ended: bigint | undefined;
  error: string | undefined;
  readonly attributes: Attributes;

  constructor(
    readonly name: string,
    readonly kind: 'client' | 'internal',
    readonly parent: RecordedSpan | undefined,
    attributes: Attributes,
    private readonly onEnd: (span: RecordedSpan) => void,
    readonly started: bigint = nowNanos(),
  ) {
    this.attributes = { ...attributes };
  }

  set(attributes: Attributes): void {
    Object.assign(this.attributes, attributes);
  }

  end(error?: string, at: bigint = nowNanos()): void {
    if (this.ended !== undefined) return;
    this.ended = at;
    this.error = error;
    this.onEnd(this);
  }
}

export interface RecordingOptions {
  /**
   * The process's first run: the root span starts at the process's time origin, with the
   * `startup` span under it. Later runs (--watch) start when they are constructed.
   */
  fromProcessStart?: boolean;
}

/** Records one run: its root span is open from construction until finish(). */
export class RecordingTracer implements Tracer {
  readonly enabled = true;
  readonly traceId = hexId(16);
  private readonly spans: RecordedSpan[] = [];
  /** Open spans by name, most recent last: how `parent: PHASE.x` finds its phase. */
  private readonly open = new Map<string, RecordedSpan[]>();
  private readonly root: RecordedSpan;
  /** Open until the first request starts (or, if none does, the first phase). */
  private readonly startup: RecordedSpan | undefined;
  /** When the first child of the root other than `startup` started: where a run without requests ends its startup. */
  private firstPhaseStarted: bigint | undefined;
  /** Module loads before this (performance clock, ms) belong to an earlier run. */
  private readonly since: number;

  constructor(
    rootName: string,
    rootAttributes: Attributes,
    private readonly resource: Attributes,
    options: RecordingOptions = {},
  ) {
    this.since = options.fromProcessStart ? 0 : performance.now();
    const rootStart = options.fromProcessStart ? ORIGIN_NANOS : nanosAt(this.since);
    this.root = this.record(rootName, 'internal', undefined, rootAttributes, rootStart);
    this.startup = options.fromProcessStart ? this.record(STARTUP_SPAN, 'internal', this.root, {}, rootStart) : undefined;
  }

  start(name: string, options: SpanOptions = {}): Span {
    const named = typeof options.parent === 'string' ? this.openSpan(options.parent) : (options.parent as RecordedSpan | undefined);
    const parent = named instanceof RecordedSpan ? named : this.root;
    const kind = options.kind ?? 'internal';
    const span = this.record(name, kind, parent, options.attributes ?? {});
    if (parent === this.root) this.firstPhaseStarted ??= span.started;
    if (kind === 'client') this.startup?.end(undefined, span.started);
    return span;
  }

  /** The root span, for attributes known only at the end (the exit code). */
  get run(): Span {
    return this.root;
  }

  /**
   * Ends the root span (and any span left open, at the same moment, so the file stays well formed)
   * and returns the OTLP document.
   */
  finish(error?: string): OtlpTraceFile {
    const now = nowNanos();
    this.startup?.end(undefined, this.firstPhaseStarted ?? now);
    this.recordImports();
    for (const span of this.spans) if (span !== this.root && span.ended === undefined) span.end('still open when the run ended', now);
    this.root.end(error, now);
    const scope = { name: 'eks-doctor', version: String(this.resource['service.version'] ?? '') };
    return {
      resourceSpans: [
        {
          resource: { attributes: otlpAttributes(this.resource) },
          scopeSpans: [{ scope, spans: this.spans.map((span) => this.otlp(span)) }],
        },
      ],
    };
  }

  /** A span per module loaded during this run: under `startup` when the load was over before the first request, else under the root. */
  private recordImports(): void {
    const startupEnd = this.startup?.ended;
    for (const load of importsSince(this.since)) {
      const [started, ended] = [nanosAt(load.start), nanosAt(load.end)];
      const parent = this.startup && startupEnd !== undefined && ended <= startupEnd ? this.startup : this.root;
      this.record(`${IMPORT_SPAN_PREFIX}${load.name}`, 'internal', parent, { 'eks_doctor.module': load.name }, started).end(undefined, ended);
    }
  }

  private record(name: string, kind: 'client' | 'internal', parent: RecordedSpan | undefined, attributes: Attributes, started?: bigint): RecordedSpan {
    const span = new RecordedSpan(
      name,
      kind,
      parent,
      attributes,
      (ended) => {
        const same = this.open.get(ended.name);
        const at = same?.lastIndexOf(ended) ?? -1;
        if (at !== -1) same!.splice(at, 1);
      },
      started,
    );
    this.spans.push(span);
    const same = this.open.get(name);
    if (same) same.push(span);
    else this.open.set(name, [span]);
    return span;
  }

  private openSpan(name: string): RecordedSpan | undefined {
    const same = this.open.get(name);
    return same?.[same.length - 1];
  }

  private otlp(span: RecordedSpan): OtlpSpan {
    return {
      traceId: this.traceId,
      spanId: span.spanId,
      ...(span.parent ? { parentSpanId: span.parent.spanId } : {}),
      name: span.name,
      kind: SPAN_KIND[span.kind],
      startTimeUnixNano: String(span.started),
      endTimeUnixNano: String(span.ended ?? span.started),
      attributes: otlpAttributes(span.attributes),
      status: span.error === undefined ? { code: STATUS_OK } : { code: STATUS_ERROR, message: span.error },
    };
  }
}
