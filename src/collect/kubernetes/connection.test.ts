/**
 * One keep-alive agent per connection: requests share TLS connections, while what client-node
 * applies per request (the EKS token as it renews, a CA file as it is now) still applies.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCertificateAuthority, type CertificateAuthority } from '../../../mocks/k8s-mock/certificates.js';
import { KubernetesClient } from './client.js';
import { eksTokenConnection, kubeconfigConnection, type KubernetesConnection } from './connection.js';
import { EksTokenSource, TOKEN_RENEW_AFTER_MS } from './eks-token.js';

const hosts = { dns: ['localhost'], ips: ['127.0.0.1'] };

interface TlsServer {
  url: string;
  ca: CertificateAuthority;
  server: Server;
  /** TLS connections accepted, and the ones still open. */
  handshakes: number;
  open: Set<Socket>;
  authorizations: string[];
}

let servers: TlsServer[] = [];
let connections: KubernetesConnection[] = [];
afterEach(async () => {
  for (const c of connections) c.close();
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.server.close(() => resolve()))));
  servers = [];
  connections = [];
});

async function serve(): Promise<TlsServer> {
  const ca = createCertificateAuthority('connection test CA');
  const certificate = ca.issueServerCertificate(hosts);
  const server = createServer({ key: certificate.keyPem, cert: certificate.certPem });
  const state: TlsServer = { url: '', ca, server, handshakes: 0, open: new Set(), authorizations: [] };
  server.on('secureConnection', (socket: Socket) => {
    state.handshakes += 1;
    state.open.add(socket);
    socket.on('close', () => state.open.delete(socket));
  });
  server.on('request', (req, res) => {
    state.authorizations.push(String(req.headers.authorization));
    // A little latency, so that concurrent requests overlap.
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"major":"1","minor":"31"}'), 5);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push(state);
  return state;
}

const until = async (condition: () => boolean): Promise<void> => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('a Kubernetes connection', () => {
  it('sends its requests over kept-alive TLS connections, each with the token of its moment', async () => {
    const s = await serve();
    let clock = Date.parse('2026-12-07T12:00:00Z');
    const tokens = new EksTokenSource({
      clusterName: 'shop',
      region: 'eu-west-1',
      credentials: async () => ({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' }),
      now: () => clock,
    });
    const connection = eksTokenConnection({ clusterName: 'shop', endpoint: s.url, certificateAuthorityData: Buffer.from(s.ca.certPem).toString('base64'), tokens });
    connections.push(connection);
    const client = new KubernetesClient(connection, { requestTimeoutMs: 5000 });

    for (let i = 0; i < 3; i++) await client.get('/version');
    expect(s.handshakes).toBe(1);
    // The token renews during the run: the next requests carry the new one, over the same connection.
    clock += TOKEN_RENEW_AFTER_MS;
    for (let i = 0; i < 3; i++) await client.get('/version');
    expect(s.handshakes).toBe(1);
    const [first, , , renewed] = s.authorizations;
    expect(first).toMatch(/^Bearer k8s-aws-v1\./);
    expect(renewed).toMatch(/^Bearer k8s-aws-v1\./);
    expect(renewed).not.toBe(first);
    expect(s.authorizations).toEqual([first, first, first, renewed, renewed, renewed]);

    // Concurrent requests open more connections (the idle one is reused) and keep them for the next ones.
    const concurrent = 20;
    await Promise.all(Array.from({ length: concurrent }, () => client.get('/version')));
    expect(s.handshakes).toBe(concurrent);
    await Promise.all(Array.from({ length: concurrent }, () => client.get('/version')));
    expect(s.handshakes).toBe(concurrent);

    // close() ends them, and a request after it (a retry outliving its collection) opens nothing.
    connection.close();
    await until(() => s.open.size === 0);
    await expect(client.get('/version')).rejects.toThrow(/closed/);
    expect(s.handshakes).toBe(concurrent);
  });

  it('takes a new agent when the CA it reads changes, and verifies against the new CA', async () => {
    const before = await serve();
    const after = await serve();
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-connection-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, before.ca.certPem);
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{ name: c, cluster: { server: "${before.url}", certificate-authority: ${caFile} } }]`,
        'users: [{ name: u, user: { token: t } }]',
        'contexts: [{ name: x, context: { cluster: c, user: u } }]',
        'current-context: x',
      ].join('\n'),
    );
    const connection = kubeconfigConnection({ files: [kubeconfig] });
    connections.push(connection);
    const first = await connection.requestOptions();
    expect((await connection.requestOptions()).agent).toBe(first.agent);
    expect(first.headers).toEqual({ Authorization: 'Bearer t' });

    // client-node re-reads the CA file for every request: the new CA makes a new agent, which the
    // other server's certificate passes and the first server's would not.
    writeFileSync(caFile, after.ca.certPem);
    const second = await connection.requestOptions();
    expect(second.agent).not.toBe(first.agent);
    const client = new KubernetesClient({ ...connection, server: after.url, requestOptions: async () => second }, { requestTimeoutMs: 5000 });
    await client.get('/version');
    expect(after.handshakes).toBe(1);
    const refused = new KubernetesClient({ ...connection, server: before.url, requestOptions: async () => second }, { requestTimeoutMs: 5000 });
    await expect(refused.get('/version')).rejects.toMatchObject({ kind: 'tls' });
  });
});
