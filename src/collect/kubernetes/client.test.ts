/**
 * How the client reads an answer off the wire: decoded as it arrives (a character split between
 * two network chunks survives), and refused past the size cap.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KubernetesClient } from './client.js';
import { KubernetesRequestError } from './failure.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A plain HTTP server that answers every request by writing `parts` one after the other. */
async function serveParts(parts: (Buffer | string)[]): Promise<KubernetesClient> {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const writeFrom = (i: number): void => {
      if (i === parts.length) return void res.end();
      // Each part leaves as its own chunk: flushed before the next is written.
      res.write(parts[i], () => setImmediate(() => writeFrom(i + 1)));
    };
    writeFrom(0);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const connection = { method: 'kubeconfig' as const, server: `http://127.0.0.1:${port}`, requestOptions: async () => ({ agent: undefined, headers: {} }), close: () => {} };
  return new KubernetesClient(connection, { requestTimeoutMs: 5000 });
}

describe('KubernetesClient reading an answer', () => {
  it('keeps a multi-byte character that arrives split between two chunks', async () => {
    const body = Buffer.from(JSON.stringify({ items: [{ metadata: { name: 'café-7d9c' } }] }), 'utf8');
    const split = body.indexOf(Buffer.from('é', 'utf8')) + 1; // between the two bytes of é
    const client = await serveParts([body.subarray(0, split), body.subarray(split)]);
    expect(await client.list<{ metadata: { name: string } }>('/api/v1/namespaces/kube-system/pods')).toEqual([{ metadata: { name: 'café-7d9c' } }]);
  });

  it('refuses an answer past the size cap, naming it', async () => {
    const megabyte = 'x'.repeat(1024 * 1024);
    const client = await serveParts(['{"items":["', ...Array.from({ length: 65 }, () => megabyte), '"]}']);
    const failure = await client.get('/api/v1/nodes').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KubernetesRequestError);
    expect(failure).toMatchObject({ kind: 'invalid-response', code: 'ResponseTooLarge' });
  });
});
