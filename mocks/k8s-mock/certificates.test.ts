/**
 * The mock's certificates are written by hand in DER: OpenSSL (through node:crypto and node:tls)
 * must read them as the chain a real API server presents, and refuse them under another CA.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, connect, type TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createCertificateAuthority } from './certificates.js';

const hosts = { dns: ['localhost'], ips: ['127.0.0.1'] };

/** Connects with `ca` as the only trusted root; resolves with the authorisation error, or undefined when verified. */
async function handshake(server: { key: string; cert: string }, ca: string, servername: string): Promise<string | undefined> {
  const tlsServer = createServer(server, (socket) => socket.end());
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  const { port } = tlsServer.address() as AddressInfo;
  try {
    return await new Promise<string | undefined>((resolve, reject) => {
      const socket: TLSSocket = connect({ host: '127.0.0.1', port, ca, servername, rejectUnauthorized: false }, () => {
        resolve(socket.authorized ? undefined : String(socket.authorizationError));
        socket.destroy();
      });
      socket.on('error', reject);
    });
  } finally {
    tlsServer.close();
  }
}

describe('the mock certificate authority', () => {
  const ca = createCertificateAuthority('eks-doctor mock cluster CA');
  const server = ca.issueServerCertificate(hosts);
  const caCert = new X509Certificate(ca.certPem);
  const serverCert = new X509Certificate(server.certPem);

  it('is a self-signed CA whose key matches its certificate', () => {
    expect(caCert.ca).toBe(true);
    expect(caCert.subject).toBe('CN=eks-doctor mock cluster CA');
    expect(caCert.issuer).toBe(caCert.subject);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    expect(createPublicKey(createPrivateKey(ca.keyPem)).export({ type: 'spki', format: 'der' })).toEqual(caCert.publicKey.export({ type: 'spki', format: 'der' }));
    expect(new Date(caCert.validFrom).getTime()).toBeLessThan(Date.now());
    expect(new Date(caCert.validTo).getTime()).toBeGreaterThan(Date.now() + 300 * 24 * 60 * 60_000);
  });

  it('issues a server certificate for localhost and 127.0.0.1, signed by the CA', () => {
    expect(serverCert.ca).toBe(false);
    expect(serverCert.subject).toBe('CN=kube-apiserver');
    expect(serverCert.checkIssued(caCert)).toBe(true);
    expect(serverCert.verify(caCert.publicKey)).toBe(true);
    expect(serverCert.checkHost('localhost')).toBe('localhost');
    expect(serverCert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(serverCert.checkHost('example.com')).toBeUndefined();
    expect(serverCert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth
    expect(serverCert.serialNumber).not.toBe(caCert.serialNumber);
  });

  it('passes TLS verification against its CA, by name and by address', async () => {
    expect(await handshake({ key: server.keyPem, cert: server.certPem }, ca.certPem, 'localhost')).toBeUndefined();
    expect(await handshake({ key: server.keyPem, cert: server.certPem }, ca.certPem, '')).toBeUndefined();
  });

  it('is refused under another CA, and for a name it does not carry', async () => {
    const other = createCertificateAuthority('some other CA');
    expect(await handshake({ key: server.keyPem, cert: server.certPem }, other.certPem, 'localhost')).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    const rogue = other.issueServerCertificate(hosts);
    expect(await handshake({ key: rogue.keyPem, cert: rogue.certPem }, ca.certPem, 'localhost')).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
  });

  const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!openssl)('is a valid chain for openssl verify, with the key identifiers linked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-ca-'));
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    writeFileSync(join(dir, 'server.pem'), server.certPem);
    const verified = spawnSync('openssl', ['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', join(dir, 'ca.pem'), join(dir, 'server.pem')], { encoding: 'utf8' });
    expect(verified.stderr).toBe('');
    expect(verified.stdout.trim()).toBe(`${join(dir, 'server.pem')}: OK`);
    const text = spawnSync('openssl', ['x509', '-noout', '-text', '-in', join(dir, 'server.pem')], { encoding: 'utf8' }).stdout;
    const caText = spawnSync('openssl', ['x509', '-noout', '-text', '-in', join(dir, 'ca.pem')], { encoding: 'utf8' }).stdout;
    const caKeyId = /Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(caText)?.[1];
    expect(caKeyId).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    expect(text).toMatch(new RegExp(`Authority Key Identifier: *\\n *(keyid:)?${caKeyId}`));
    expect(text).toMatch(/DNS:localhost, IP Address:127\.0\.0\.1/);
    expect(text).toMatch(/Signature Algorithm: ecdsa-with-SHA256/);
  });
});
