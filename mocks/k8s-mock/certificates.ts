/**
 * A throwaway certificate authority and server certificate for the mock API server, made at start
 * so that the client's real TLS verification runs against the CA that DescribeCluster hands out.
 * node:crypto makes keys but not X.509 certificates, hence node-forge for the certificates only.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface KeyAndCertificate {
  keyPem: string;
  certPem: string;
}

function newRsaKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; privatePem: string } {
  // node:crypto generates the key in native code (forge's pure-JS RSA keygen takes seconds).
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    privateKey: forge.pki.privateKeyFromPem(privateKey),
    publicKey: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey,
    privatePem: privateKey,
  };
}

function serialNumber(): string {
  // A positive serial in minimal DER: the top bit clear (else it reads as negative) and the first byte
  // not zero (else DER wants it dropped, and OpenSSL refuses the certificate with "illegal padding",
  // which a zero first byte followed by one below 0x80 did about once in 256 certificates).
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate): void {
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60 * 60_000);
  cert.validity.notAfter = new Date(now + 365 * 24 * 60 * 60_000);
}

/**
 * The servers' key pair, made once per process: a server certificate's key plays no part in
 * verifying it against its CA, and each RSA key costs a noticeable part of the mock's start. Each
 * CA still gets a key of its own, so a client holding one mock's CA refuses another mock's server.
 */
let serverKeyPair: ReturnType<typeof newRsaKeyPair> | undefined;

export interface CertificateAuthority extends KeyAndCertificate {
  issueServerCertificate(hosts: { dns: string[]; ips: string[] }): KeyAndCertificate;
}

export function createCertificateAuthority(commonName: string): CertificateAuthority {
  const keys = newRsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert);
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  return {
    keyPem: keys.privatePem,
    certPem,
    issueServerCertificate(hosts) {
      const serverKeys = (serverKeyPair ??= newRsaKeyPair());
      const server = forge.pki.createCertificate();
      server.publicKey = serverKeys.publicKey;
      server.serialNumber = serialNumber();
      validity(server);
      server.setSubject([{ name: 'commonName', value: 'kube-apiserver' }]);
      server.setIssuer(subject);
      server.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [...hosts.dns.map((value) => ({ type: 2, value })), ...hosts.ips.map((ip) => ({ type: 7, ip }))],
        },
        { name: 'authorityKeyIdentifier', keyIdentifier: cert.generateSubjectKeyIdentifier().getBytes() },
      ]);
      server.sign(keys.privateKey, forge.md.sha256.create());
      return { keyPem: serverKeys.privatePem, certPem: forge.pki.certificateToPem(server) };
    },
  };
}
