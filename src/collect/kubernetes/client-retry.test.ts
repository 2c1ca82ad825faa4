/**
 * Retries and list restarts, against a plain HTTP server that answers each request as a script
 * says. The waits are recorded, not slept: what is asserted is how long the client asked to wait.
 * Error shapes as kube-apiserver sends them: a 429 is a Status with reason TooManyRequests and a
 * Retry-After header (apiserver/pkg/server/filters/maxinflight.go, from memory); an expired continue
 * token is 410 with reason Expired (apiserver/pkg/storage/errors.go, from memory).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EXPIRED_CONTINUE_MESSAGE } from '../../../mocks/k8s-mock/api-server.js';
import { KubernetesClient, type KubernetesClientSettings } from './client.js';
import type { KubernetesRequestError } from './failure.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

const status = (code: number, reason: string, message: string, headers: Record<string, string> = {}): Answer => (_req, res) => {
  res.writeHead(code, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
};
const tooManyRequests = (retryAfter?: string): Answer =>
  status(429, 'TooManyRequests', 'Too many requests, please try again later.', retryAfter !== undefined ? { 'Retry-After': retryAfter } : {});
const ok = (body: unknown): Answer => (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const reset: Answer = (req) => req.socket.destroy();

/** Serves answers in order (the last one repeats); returns the client, the paths asked and the waits asked for. */
async function serve(answers: Answer[], settings: Partial<KubernetesClientSettings> = {}) {
  const paths: string[] = [];
  server = createServer((req, res) => {
    paths.push(req.url ?? '');
    (answers[Math.min(paths.length - 1, answers.length - 1)] as Answer)(req, res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const waits: number[] = [];
  const connection = { method: 'kubeconfig' as const, server: `http://127.0.0.1:${port}`, requestOptions: async () => ({ agent: undefined, headers: {} }), close: () => {} };
  const client = new KubernetesClient(connection, {
    requestTimeoutMs: 5000,
    ...settings,
    retry: { random: () => 0.5, sleep: async (ms) => void waits.push(ms), ...settings.retry },
  });
  return { client, paths, waits };
}

const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as KubernetesRequestError);

describe('KubernetesClient retries reads', () => {
  it('retries a 429 after exactly the Retry-After it carries, as client-go does', async () => {
    const { client, paths, waits } = await serve([tooManyRequests('1'), tooManyRequests('2'), ok({ major: '1', minor: '31' })]);
    expect(await client.get('/version')).toEqual({ major: '1', minor: '31' });
    expect(paths).toHaveLength(3);
    expect(waits).toEqual([1000, 2000]);
  });

  it('retries a 503 that carries Retry-After up to client-go\'s ten retries, then says how many attempts it made', async () => {
    const { client, paths } = await serve([status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request', { 'Retry-After': '1' })]);
    const failure = await failureOf(client.get('/api/v1/nodes'));
    expect(paths).toHaveLength(11);
    expect(failure).toMatchObject({ kind: 'server-error', httpStatus: 503, message: 'the server is currently unable to handle the request (11 attempts)' });
  });

  it.each([
    ['429 without Retry-After', tooManyRequests()],
    ['500', status(500, 'InternalError', 'an error on the server ("") has prevented the request from succeeding')],
    ['502', status(502, 'InternalError', 'bad gateway')],
    ['504', status(504, 'Timeout', 'the server was unable to return a response in the time allotted')],
    ['a connection reset', reset],
  ])('retries %s, every request being a read, after a jittered backoff', async (_name, failing) => {
    const { client, paths, waits } = await serve([failing, failing, ok({ items: [] })]);
    expect(await client.list('/api/v1/nodes')).toEqual([]);
    expect(paths).toHaveLength(3);
    // random() = 0.5 of 250 ms · 2^(retry − 1).
    expect(waits).toEqual([125, 250]);
  });

  it('gives up on answers without Retry-After after four attempts, saying so', async () => {
    const { client, paths } = await serve([tooManyRequests()]);
    const failure = await failureOf(client.get('/api/v1/pods'));
    expect(paths).toHaveLength(4);
    expect(failure).toMatchObject({ kind: 'throttled', code: 'HTTP 429', message: 'Too many requests, please try again later. (4 attempts)' });
  });

  it('does not retry what a retry cannot mend (403), and leaves its message alone', async () => {
    const { client, paths } = await serve([status(403, 'Forbidden', 'nodes is forbidden: User "x" cannot list resource "nodes"')]);
    const failure = await failureOf(client.get('/api/v1/nodes'));
    expect(paths).toHaveLength(1);
    expect(failure).toMatchObject({ kind: 'denied', message: 'nodes is forbidden: User "x" cannot list resource "nodes"' });
  });

  it('does not wait past the run\'s deadline: a Retry-After longer than the time left ends the read at once', async () => {
    const { client, paths, waits } = await serve([tooManyRequests('30'), ok({})], { deadlineAt: Date.now() + 5000 });
    const failure = await failureOf(client.get('/api/v1/nodes'));
    expect(paths).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(failure?.message).toBe("Too many requests, please try again later. (1 attempt; the 30s Retry-After would pass the run's --timeout)");
  });
});

describe('KubernetesClient restarts a list whose continue token expired', () => {
  const page = (names: string[], next?: string): Answer => ok({ metadata: { resourceVersion: '7', ...(next ? { continue: next } : {}) }, items: names.map((name) => ({ metadata: { name } })) });
  const expired = status(410, 'Expired', EXPIRED_CONTINUE_MESSAGE);

  it('starts the paged list again from the beginning, once, keeping no item twice', async () => {
    const { client, paths } = await serve([page(['a', 'b'], 'c1'), expired, page(['a', 'b'], 'c2'), page(['c'])]);
    const names = await client.list<{ metadata: { name: string } }, string>('/api/v1/nodes', { pageSize: 2 }, (n) => n.metadata.name);
    expect(names).toEqual(['a', 'b', 'c']);
    expect(paths).toEqual(['/api/v1/nodes?limit=2', '/api/v1/nodes?limit=2&continue=c1', '/api/v1/nodes?limit=2', '/api/v1/nodes?limit=2&continue=c2']);
  });

  it('fails when the restarted list expires too, saying it was restarted', async () => {
    const { client, paths } = await serve([page(['a'], 'c1'), expired, page(['a'], 'c2'), expired]);
    const failure = await failureOf(client.list('/api/v1/nodes', { pageSize: 1 }));
    expect(paths).toHaveLength(4);
    expect(failure).toMatchObject({ httpStatus: 410 });
    expect(failure?.message).toBe(`${EXPIRED_CONTINUE_MESSAGE} (the list had already been started again from the beginning once after its continue token expired)`);
  });

  it('does not restart a list whose first page is refused with 410 (nothing to restart)', async () => {
    const { client, paths } = await serve([expired]);
    expect(await failureOf(client.list('/api/v1/nodes'))).toMatchObject({ httpStatus: 410 });
    expect(paths).toHaveLength(1);
  });
});
