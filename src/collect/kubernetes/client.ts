/**
 * GET-only access to the API server: one request at a time through `get`, whole collections
 * through `list` (limit/continue paging, so a large cluster is read in bounded pages).
 *
 * Objects are kept exactly as the API serialises them (JSON parsed, nothing converted): the
 * snapshot then reads like `kubectl get -o json`, and fields newer than client-node's models survive.
 * client-node supplies the connection (kubeconfig, CA, auth plugins, proxy); the request is ours so
 * that every call has a deadline and its failure is classified.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { StringDecoder } from 'node:string_decoder';
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
    const started = performance.now();
    // The path without its query: a continue token is an opaque server cursor, and selectors can name nodes.
    const span = (this.settings.tracer ?? NO_TRACE).start(`GET ${path}`, {
      kind: 'client',
      parent: PHASE.collectKubernetes,
      attributes: { 'http.request.method': 'GET', 'url.path': path, 'eks_doctor.continued': search.has('continue') },
    });
    try {
      const { status, body } = await this.send(pathAndQuery);
      span.set({ 'http.response.status_code': status });
      this.settings.onRequest?.({ method: 'GET', path: pathAndQuery, status, durationMs: Math.round(performance.now() - started) });
      if (status < 200 || status >= 300) throw classifyHttpStatus(status, statusMessage(body) ?? `HTTP ${status}`);
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
    const items: (T | U)[] = [];
    let continueToken: string | undefined;
    do {
      const page = await this.get<KubernetesList<T>>(path, {
        limit: options.pageSize ?? DEFAULT_PAGE_SIZE,
        continue: continueToken,
        fieldSelector: options.fieldSelector,
        labelSelector: options.labelSelector,
      });
      for (const item of page.items ?? []) items.push(project ? project(item) : item);
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
    return items;
  }

  private async send(pathAndQuery: string): Promise<{ status: number; body: string }> {
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
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body + decoder.end() }));
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

function statusMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { kind?: string; message?: string };
    return parsed.kind === 'Status' && parsed.message ? parsed.message : undefined;
  } catch {
    return body.trim().slice(0, 200) || undefined;
  }
}
