/**
 * The machinery every AWS collector shares: memoised parts (each part is fetched once, however
 * many others depend on it, so independent parts run concurrently and dependent ones wait only
 * for what they read), a cap on calls in flight, the overall deadline, and failures kept as data.
 */
import type { CollectEvent } from '../../engine/progress.js';
import { SharedStrings } from '../../snapshot/sanitize.js';
import type { AwsData, CollectionError, NotFoundResource, Serialized, SnapshotPart } from '../../snapshot/types.js';
import { NO_TRACE, PHASE, type Tracer } from '../../trace/tracer.js';
import { classifyAwsError } from './failure.js';
import type { CloudTrailRequest } from './services/cloudtrail.js';
import { AWS_PART_DECLARATIONS } from './parts.js';

export type AwsKey = Exclude<keyof AwsData, 'notFound'>;

/** Fills one AWS part; throws CallFailed when a call it cannot do without failed. */
export type Collector<K extends AwsKey> = (c: AwsCollection) => Promise<NonNullable<AwsData[K]>>;
export type Collectors<Keys extends AwsKey> = { [K in Keys]: Collector<K> };

/** Thrown inside a collector when a call it cannot do without failed; recorded against the part. */
export class CallFailed extends Error {
  constructor(readonly failure: CollectionError) {
    super(`${failure.call}: ${failure.message}`);
  }
}

class CallLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly limit: number) {}

  /** Whether a call started now would wait for a free slot. */
  get full(): boolean {
    return this.active >= this.limit;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export interface CollectionSettings {
  clusterName: string;
  signal: AbortSignal;
  deadlineSeconds: number;
  concurrency: number;
  onEvent?: (event: CollectEvent) => void;
  /** When the snapshot is taken: the end of time windows (metrics) asked for. Default: the wall clock. */
  capturedAt?: Date;
  /** --trace: a span for each wait for a free slot under the cap (the requests themselves are traced by the clients). */
  tracer?: Tracer;
  /** The enrichment pass's reads (src/enrich/collect.ts): what the change parts look up. */
  enrichment?: EnrichmentReads;
}

/** What the change-history parts (eksUpdates, cloudTrailLookups) are asked to read. */
export interface EnrichmentReads {
  eksUpdates?: { cluster: boolean; nodegroups: string[]; addons: string[] };
  cloudTrail?: CloudTrailRequest;
}

export class AwsCollection {
  readonly aws: AwsData = {};
  readonly errors: CollectionError[] = [];
  private readonly notFoundSeen = new Set<string>();
  readonly notFound: NotFoundResource[] = [];
  private readonly tasks = new Map<string, Promise<unknown>>();
  /** One cap per service: AWS throttles per service, and a service that hangs must not starve the others. */
  private readonly limiters = new Map<string, CallLimiter>();

  constructor(
    readonly settings: CollectionSettings,
    private readonly collectors: Collectors<AwsKey>,
  ) {}

  /**
   * A part's value, collecting it on first use. Resolves to undefined when it failed (the failure
   * is recorded once, against the part) so a collector that can do without it carries on.
   */
  part<K extends AwsKey>(key: K): Promise<AwsData[K] | undefined> {
    let task = this.tasks.get(key) as Promise<AwsData[K] | undefined> | undefined;
    if (!task) {
      task = this.runPart(key);
      this.tasks.set(key, task);
    }
    return task;
  }

  /** Like part(), but a failure of the dependency fails the caller with the same cause. */
  async need<K extends AwsKey>(key: K, forPart: AwsKey): Promise<NonNullable<AwsData[K]>> {
    const value = await this.part(key);
    if (value !== undefined && value !== null) return value as NonNullable<AwsData[K]>;
    const cause = this.errors.find((e) => e.part === `aws.${key}`);
    throw new CallFailed({
      ...(cause ?? { call: AWS_PART_DECLARATIONS[key].step, kind: 'other', code: 'DependencyMissing', message: `${key} could not be read` }),
      part: `aws.${forPart}`,
    });
  }

  /** A value several collectors share that is not itself a snapshot part (e.g. the role ARNs to look up). */
  shared<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let task = this.tasks.get(`shared:${key}`) as Promise<T> | undefined;
    if (!task) {
      task = compute();
      this.tasks.set(`shared:${key}`, task);
    }
    return task;
  }

  private async runPart<K extends AwsKey>(key: K): Promise<AwsData[K] | undefined> {
    const collect = this.collectors[key] as Collector<K>;
    const { step } = AWS_PART_DECLARATIONS[key];
    const started = performance.now();
    this.settings.onEvent?.({ type: 'collect-start', step });
    try {
      const value = await collect(this);
      this.aws[key] = value;
      this.settings.onEvent?.({ type: 'collect-end', step, durationMs: Math.round(performance.now() - started), ok: true });
      return value;
    } catch (error) {
      const failure = error instanceof CallFailed ? { ...error.failure, part: `aws.${key}` as SnapshotPart } : this.unexpected(key, error);
      this.errors.push(failure);
      this.settings.onEvent?.({ type: 'collect-end', step, durationMs: Math.round(performance.now() - started), ok: false, error: `${failure.call}: ${failure.code}` });
      return undefined;
    }
  }

  private unexpected(key: AwsKey, error: unknown): CollectionError {
    return { part: `aws.${key}`, call: AWS_PART_DECLARATIONS[key].step, kind: 'other', code: 'InternalError', message: `eks-doctor failed while reading ${key}: ${error instanceof Error ? error.message : String(error)}` };
  }

  /**
   * One API call (or one page of one), under its service's concurrency cap and the overall deadline. A
   * failure throws CallFailed, except codes listed in `notFound`, which resolve to undefined.
   */
  async call<T>(part: AwsKey, call: string, send: (signal: AbortSignal) => Promise<T>, notFound?: { codes: readonly string[] }): Promise<T | undefined> {
    const { signal, deadlineSeconds } = this.settings;
    if (signal.aborted) throw new CallFailed(classifyAwsError(new Error('aborted'), `aws.${part}`, call, { deadlineExceeded: true, deadlineSeconds }));
    try {
      const service = call.slice(0, call.indexOf(':'));
      let limiter = this.limiters.get(service);
      if (!limiter) this.limiters.set(service, (limiter = new CallLimiter(this.settings.concurrency)));
      const tracer = this.settings.tracer ?? NO_TRACE;
      // Client-side queueing, visible in a trace: the time this call waited behind the cap.
      const queued = tracer.enabled && limiter.full ? tracer.start(`queued ${call}`, { parent: PHASE.collectAws, attributes: { 'eks_doctor.call': call, 'eks_doctor.concurrency': limiter.limit } }) : undefined;
      return await limiter.run(() => {
        queued?.end();
        if (signal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
        return send(signal);
      });
    } catch (error) {
      if (notFound && notFound.codes.includes((error as { name?: string }).name ?? '')) return undefined;
      throw new CallFailed(classifyAwsError(error, `aws.${part}`, call, { deadlineExceeded: signal.aborted, deadlineSeconds }));
    }
  }

  /** Every page of a paginator, each page one call() so the cap and the deadline apply per request. */
  async pages<P>(part: AwsKey, call: string, paginator: AsyncGenerator<P, unknown, unknown>, notFound?: { codes: readonly string[] }): Promise<P[] | undefined> {
    const pages: P[] = [];
    for (;;) {
      const step = await this.call(part, call, () => paginator.next(), notFound);
      if (step === undefined) return pages.length === 0 ? undefined : pages;
      if (step.done) return pages;
      pages.push(step.value);
    }
  }

  /** Records a resource asked for by ID that does not exist (once per resource). */
  addNotFound(resource: NotFoundResource): void {
    const key = `${resource.resourceType}:${resource.id}`;
    if (this.notFoundSeen.has(key)) return;
    this.notFoundSeen.add(key);
    this.notFound.push(resource);
  }
}

/**
 * SDK output -> snapshot JSON: Dates become ISO strings, undefined members and $metadata disappear.
 * The parsed copy keeps one copy of each string it repeats (SharedStrings): 5,000 instances' zones,
 * VPC, subnets, security groups, AMI, types and tag keys took 12.7 MB of heap, 6.7 MB shared.
 */
export function toSnapshotJson<T>(value: T): Serialized<T> {
  return new SharedStrings().share(JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === '$metadata' ? undefined : v)))) as never;
}

/** Splits a list into chunks an API accepts in one request. */
export function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/** Runs fn over items concurrently (the call limiter bounds how many requests are in flight). */
export function each<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  return Promise.all(items.map(fn));
}
