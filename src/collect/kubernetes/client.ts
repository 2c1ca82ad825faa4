/**
 * GET-only access to the API server: one request at a time through `get`, whole collections
 * through `list` (limit/continue paging, so a large cluster is read in bounded pages).
 *
 * Objects are kept exactly as the API serialises them (JSON parsed, nothing converted): the
 * snapshot then reads like `kubectl get -o json`, and fields newer than client-node's models survive.
 * client-node supplies the connection (kubeconfig, CA, auth plugins, proxy); the request is ours so
 * that every call has a deadline and its failure is classified.
 *
 * Retries, at least as client-go does them (rest/with_retry.go and rest/request.go, from memory):
 * client-go retries a 429 or 5xx that carries Retry-After, waiting exactly that long, up to 10 times,
 * and retries a GET whose connection was reset. Every request of ours is a read, so we also retry
 * 429 without the header and 500/502/503/504 without it, after a jittered exponential backoff (fewer
 * times: client-go would not retry those at all). Each attempt is bounded by the request timeout; no
 * wait runs past the run's deadline (a retry that could not start before it is not made), and an
 * error that outlived its retries says how many attempts were made. Timeouts are not retried: a
 * server that does not answer would cost each read several request timeouts.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import { SharedStrings } from '../../snapshot/sanitize.js';
import { NO_TRACE, PHASE, type Tracer } from '../../trace/tracer.js';
import { TOOL_VERSION } from '../../version.js';
import type { KubernetesConnection } from './connection.js';
import { classifyHttpStatus, classifyTransportError, KubernetesRequestError } from './failure.js';

/** One request as --debug prints it. Never carries headers (they hold the bearer token). */
export interface KubernetesRequestRecord {
  method: 'GET';
  /** Path and query: '/api/v1/pods?limit=500&fieldSelector=...' */
  path: string;
  status?: number;
  durationMs: number;
  error?: string;
}

export interface KubernetesClientSettings {
  /** Bounds each request (connect, TLS, answer). */
  requestTimeoutMs: number;
  /** Aborts every request when the run's overall --timeout is reached. */
  deadline?: AbortSignal;
  /** When that deadline falls (Date.now() scale): a retry whose wait would end later is not made. */
  deadlineAt?: number;
  retry?: Partial<KubernetesRetrySettings>;
  onRequest?: (record: KubernetesRequestRecord) => void;
  /** --trace: a CLIENT span per request, under the open 'collect Kubernetes' phase. */
  tracer?: Tracer;
}

export interface ListOptions {
  fieldSelector?: string;
  labelSelector?: string;
  /** Items per page (the API's `limit`). */
  pageSize?: number;
}

export interface KubernetesList<T> {
  metadata?: { continue?: string; resourceVersion?: string };
  items?: T[];
}

export interface KubernetesRetrySettings {
  /** Attempts, the first included, for answers that carry Retry-After: client-go's 1 + maxRetries (10). */
  maxAttempts: number;
  /** Attempts for what client-go would not retry: 429 and 500/502/503/504 without Retry-After, connection resets. */
  maxAttemptsWithoutRetryAfter: number;
  /** Backoff without Retry-After: a random wait up to baseDelayMs·2^(retry−1), at most maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  random: () => number;
  /** Waits `ms` or until `signal` aborts (tests record the waits instead). */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const DEFAULT_KUBERNETES_RETRY: KubernetesRetrySettings = {
  maxAttempts: 11,
  maxAttemptsWithoutRetryAfter: 4,
  baseDelayMs: 250,
  maxDelayMs: 8000,
  random: Math.random,
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** Statuses every read may retry without Retry-After (the API server's and its load balancer's transient answers). */
const TRANSIENT_STATUSES = new Set([429, 500, 502, 503, 504]);
/** Transport failures of a connection that was open: a reset, a write to a closed socket, an answer cut off mid-body. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ResponseCutOff']);

/** Answers above this are refused rather than buffered: a list page is far smaller. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_PAGE_SIZE = 500;

export class KubernetesClient {
  constructor(
    readonly connection: KubernetesConnection,
    private readonly settings: KubernetesClientSettings,
  ) {}

  async get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(key, String(value));
    const pathAndQuery = search.size > 0 ? `${path}?${search.toString()}` : path;
    const retry = { ...DEFAULT_KUBERNETES_RETRY, ...this.settings.retry };
    for (let attempts = 1; ; attempts++) {
      try {
        return await this.attempt<T>(path, search, pathAndQuery);
      } catch (error) {
        if (!(error instanceof KubernetesRequestError)) throw error;
        const withRetryAfter = error.retryAfterSeconds !== undefined && error.httpStatus !== undefined && (error.httpStatus === 429 || error.httpStatus >= 500);
        const retryable = withRetryAfter || (error.httpStatus !== undefined && TRANSIENT_STATUSES.has(error.httpStatus)) || RESET_CODES.has(error.code);
        if (!retryable) throw attempts > 1 ? afterAttempts(error, attempts) : error;
        if (attempts >= (withRetryAfter ? retry.maxAttempts : retry.maxAttemptsWithoutRetryAfter)) throw afterAttempts(error, attempts);
        // Retry-After exactly as the server asked (client-go does the same); otherwise full jitter.
        const waitMs = withRetryAfter ? error.retryAfterSeconds! * 1000 : retry.random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempts - 1));
        const { deadlineAt, deadline } = this.settings;
        if (deadlineAt !== undefined && Date.now() + waitMs >= deadlineAt) {
          throw afterAttempts(error, attempts, `${withRetryAfter ? `the ${error.retryAfterSeconds}s Retry-After` : 'the next retry'} would pass the run's --timeout`);
        }
        await retry.sleep(waitMs, deadline);
        if (deadline?.aborted) throw afterAttempts(error, attempts, "the run's --timeout was reached while waiting to retry");
      }
    }
  }

  /** One attempt: the answer parsed, or a classified failure (with the Retry-After it carried). */
  private async attempt<T>(path: string, search: URLSearchParams, pathAndQuery: string): Promise<T> {
    const started = performance.now();
    // The path without its query: a continue token is an opaque server cursor, and selectors can name nodes.
    const span = (this.settings.tracer ?? NO_TRACE).start(`GET ${path}`, {
      kind: 'client',
      parent: PHASE.collectKubernetes,
      attributes: { 'http.request.method': 'GET', 'url.path': path, 'eks_doctor.continued': search.has('continue') },
    });
    try {
      const { status, body, retryAfter } = await this.send(pathAndQuery);
      span.set({ 'http.response.status_code': status });
      this.settings.onRequest?.({ method: 'GET', path: pathAndQuery, status, durationMs: Math.round(performance.now() - started) });
      if (status < 200 || status >= 300) throw classifyHttpStatus(status, statusMessage(body) ?? `HTTP ${status}`, retryAfterSeconds(retryAfter));
      try {
        const parsed = JSON.parse(body) as T;
        span.end();
        return parsed;
      } catch (error) {
        throw new KubernetesRequestError('invalid-response', 'InvalidJSON', notJson(`the answer to GET ${path}`, body, error), status);
      }
    } catch (error) {
      const code = error instanceof KubernetesRequestError ? error.code : error instanceof Error ? error.name : 'Error';
      span.set({ 'error.type': code });
      span.end(code);
      if (error instanceof KubernetesRequestError && error.httpStatus === undefined) {
        this.settings.onRequest?.({ method: 'GET', path: pathAndQuery, durationMs: Math.round(performance.now() - started), error: `${error.code}: ${error.message}` });
      }
      throw error;
    }
  }

  /**
   * Every item of a collection, page by page. With `project`, each page's items are projected as
   * that page arrives, before the next is asked for: only the projections are kept, so the page's
   * parsed objects can be collected while later pages load (peak memory is one raw page, not all).
   */
  async list<T>(path: string, options?: ListOptions): Promise<T[]>;
  async list<T, U>(path: string, options: ListOptions, project: (item: T) => U): Promise<U[]>;
  async list<T, U>(path: string, options: ListOptions = {}, project?: (item: T) => U): Promise<(T | U)[]> {
    let items: (T | U)[] = [];
    // The items keep one copy of each string they repeat (see SharedStrings): a page's copies die with it.
    const strings = new SharedStrings();
    let continueToken: string | undefined;
    let restarted = false;
    for (;;) {
      let page: KubernetesList<T>;
      try {
        page = await this.get<KubernetesList<T>>(path, {
          limit: options.pageSize ?? DEFAULT_PAGE_SIZE,
          continue: continueToken,
          fieldSelector: options.fieldSelector,
          labelSelector: options.labelSelector,
        });
      } catch (error) {
        const expired = continueToken !== undefined && error instanceof KubernetesRequestError && error.httpStatus === 410;
        if (!expired) throw error;
        if (restarted) throw new KubernetesRequestError(error.kind, error.code, `${error.message} (the list had already been started again from the beginning once after its continue token expired)`, error.httpStatus);
        // The continue token is too old (etcd compacted past it). client-go's pager falls back to one
        // unpaginated list; we start the paged list again instead, once: an unpaginated list of every
        // kube-system pod of a large cluster would exceed the answer cap, and pages keep memory bounded.
        restarted = true;
        items = [];
        continueToken = undefined;
        continue;
      }
      for (const item of page.items ?? []) items.push(strings.share(project ? project(item) : item));
      continueToken = page.metadata?.continue || undefined;
      if (!continueToken) return items;
    }
  }

  private async send(pathAndQuery: string): Promise<{ status: number; body: string; retryAfter?: string }> {
    const { agent, headers } = await this.connection.requestOptions();
    const url = new URL(this.connection.server.replace(/\/+$/, '') + pathAndQuery);
    const timeout = AbortSignal.timeout(this.settings.requestTimeoutMs);
    const signal = this.settings.deadline ? AbortSignal.any([timeout, this.settings.deadline]) : timeout;
    const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise((resolve, reject) => {
      const failed = (error: unknown): void =>
        reject(
          error instanceof KubernetesRequestError
            ? error
            : classifyTransportError(error, {
                timedOut: timeout.aborted,
                deadline: this.settings.deadline?.aborted ?? false,
                timeoutMs: this.settings.requestTimeoutMs,
                ...(this.connection.proxy ? { proxy: this.connection.proxy, target: url.host } : {}),
              }),
        );
      const req = request(
        url,
        { method: 'GET', agent, headers: { ...headers, Accept: 'application/json', 'User-Agent': `eks-doctor/${TOOL_VERSION}` }, signal },
        (res) => {
          // Decoded chunk by chunk: the socket's buffers die young, where keeping them for one
          // Buffer.concat held each page twice more outside the heap until a full collection.
          const decoder = new StringDecoder('utf8');
          let body = '';
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy(new KubernetesRequestError('invalid-response', 'ResponseTooLarge', `the answer exceeds ${MAX_RESPONSE_BYTES} bytes`));
              return;
            }
            body += decoder.write(chunk);
          });
          const retryAfter = res.headers['retry-after'];
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body + decoder.end(), ...(retryAfter !== undefined ? { retryAfter } : {}) }));
          res.on('error', (error) => {
            // Past the headers, a reset that no deadline caused is an answer cut off, not an unreachable server.
            if (timeout.aborted || this.settings.deadline?.aborted || error instanceof KubernetesRequestError) return failed(error);
            const promised = res.headers['content-length'];
            failed(
              new KubernetesRequestError(
                'invalid-response',
                'ResponseCutOff',
                `the connection closed after ${size}${promised ? ` of the ${promised}` : ''} bytes of the answer to GET ${url.pathname} (HTTP ${res.statusCode ?? '?'}): it was cut off`,
                res.statusCode,
              ),
            );
          });
        },
      );
      req.on('error', failed);
      req.end();
    });
  }
}

/** Why an answer is not JSON, in words that point at the likely culprit. */
function notJson(what: string, body: string, error: unknown): string {
  if (body.trim() === '') return `${what} is empty`;
  if (/^\s*</.test(body)) return `${what} is an HTML or XML page, not JSON: something other than the API server answered (a proxy or load balancer?)`;
  const reason = error instanceof Error ? error.message : String(error);
  // V8 says "Unexpected end of JSON input", or names a position at the very end, for a document cut short.
  const position = /at position (\d+)/.exec(reason)?.[1];
  if (/end of JSON input/.test(reason) || (position !== undefined && Number(position) >= body.length)) {
    return `${what} ends mid-document after ${body.length} characters: it was cut off`;
  }
  return `${what} is not JSON (${reason})`;
}

/** Retry-After in seconds, as client-go reads it (a whole number of seconds; anything else is ignored). */
function retryAfterSeconds(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

/** The failure that ended the retries, saying how many attempts were made and, when it was the deadline, why no more. */
function afterAttempts(error: KubernetesRequestError, attempts: number, stoppedBecause?: string): KubernetesRequestError {
  const note = `${attempts} attempt${attempts === 1 ? '' : 's'}${stoppedBecause ? `; ${stoppedBecause}` : ''}`;
  return new KubernetesRequestError(error.kind, error.code, `${error.message} (${note})`, error.httpStatus);
}

function statusMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { kind?: string; message?: string };
    return parsed.kind === 'Status' && parsed.message ? parsed.message : undefined;
  } catch {
    return body.trim().slice(0, 200) || undefined;
  }
}
