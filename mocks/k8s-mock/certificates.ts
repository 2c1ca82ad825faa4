/**
 * A throwaway certificate authority and server certificate for the mock API server, made at start
 * so that the client's real TLS verification runs against the CA that DescribeCluster hands out.
 *
 * The keys are ECDSA P-256 and the certificates are written here in DER (RFC 5280) and signed with
 * node:crypto: a P-256 key takes well under a millisecond to make and to sign with, where each
 * 2048-bit RSA key took 100–600 ms to generate and each signature by node-forge (the library this
 * replaced, pure JavaScript) about 75 ms, which was most of the demo's start. Node, OpenSSL and Go
 * (kubectl) all verify ECDSA chains. Real EKS clusters' CAs are RSA; nothing in eks-doctor reads the
 * key type (the CA is compared by fingerprint and used for TLS), so the mock's choice is invisible.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIPv4 } from 'node:net';

export interface KeyAndCertificate {
  keyPem: string;
  certPem: string;
}

// --- DER: just the encodings a certificate needs (X.690) --------------------------------------

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

const sequence = (...items: Buffer[]): Buffer => der(0x30, ...items);
const set = (...items: Buffer[]): Buffer => der(0x31, ...items);
const octetString = (bytes: Buffer): Buffer => der(0x04, bytes);
/** A BIT STRING with `unusedBits` trailing zero bits in its last byte. */
const bitString = (bytes: Buffer, unusedBits = 0): Buffer => der(0x03, Buffer.from([unusedBits]), bytes);
const explicit = (n: number, content: Buffer): Buffer => der(0xa0 + n, content);
const TRUE = der(0x01, Buffer.from([0xff]));

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first! * 40 + second!];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) base128.unshift((v & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return der(0x06, Buffer.from(bytes));
}

/** UTCTime (YYMMDDHHMMSSZ): RFC 5280 wants it for dates through 2049. */
function utcTime(date: Date): Buffer {
  return der(0x17, Buffer.from(date.toISOString().replace(/^\d\d|[-:T]|\.\d+/g, ''), 'ascii'));
}

/** A Name of one commonName, as UTF8String. The issuer of a certificate is the same bytes as its CA's subject. */
function commonNameOf(value: string): Buffer {
  return sequence(set(sequence(oid('2.5.4.3'), der(0x0c, Buffer.from(value, 'utf8')))));
}

function extension(id: string, value: Buffer, critical = false): Buffer {
  return sequence(oid(id), ...(critical ? [TRUE] : []), octetString(value));
}

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));

// --- certificates ------------------------------------------------------------------------------

interface KeyPair {
  privateKey: KeyObject;
  /** SubjectPublicKeyInfo, DER. */
  spki: Buffer;
  /** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (the uncompressed point). */
  keyIdentifier: Buffer;
}

function newKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([0x04]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  return {
    privateKey,
    spki: publicKey.export({ type: 'spki', format: 'der' }),
    keyIdentifier: createHash('sha1').update(point).digest(),
  };
}

function serialNumber(): Buffer {
  // A positive serial in minimal DER: the top bit clear (else it reads as negative) and the first byte
  // not zero (else DER wants it dropped, and OpenSSL refuses the certificate with "illegal padding",
  // which a zero first byte followed by one below 0x80 did about once in 256 certificates).
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return der(0x02, bytes);
}

function validity(): Buffer {
  const now = Date.now();
  return sequence(utcTime(new Date(now - 60 * 60_000)), utcTime(new Date(now + 365 * 24 * 60 * 60_000)));
}

/** An X.509 v3 certificate for `subjectKey`, signed by `issuerKey`, as PEM. */
function certificate(args: { subject: Buffer; issuer: Buffer; subjectKey: KeyPair; issuerKey: KeyPair; extensions: Buffer[] }): string {
  const tbs = sequence(
    explicit(0, der(0x02, Buffer.from([2]))), // v3
    serialNumber(),
    ECDSA_WITH_SHA256,
    args.issuer,
    validity(),
    args.subject,
    args.subjectKey.spki,
    explicit(3, sequence(...args.extensions)),
  );
  // node:crypto signs ECDSA in the DER form (r, s) that X.509 carries.
  const signature = sign('sha256', tbs, args.issuerKey.privateKey);
  const body = sequence(tbs, ECDSA_WITH_SHA256, bitString(signature)).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${body.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

const pemOf = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }) as string;

// keyUsage bits (RFC 5280 4.2.1.3), first bit the most significant: digitalSignature (0), keyCertSign (5), cRLSign (6).
const CA_KEY_USAGE = bitString(Buffer.from([0b1000_0110]), 1);
const SERVER_KEY_USAGE = bitString(Buffer.from([0b1000_0000]), 7);

export interface CertificateAuthority extends KeyAndCertificate {
  issueServerCertificate(hosts: { dns: string[]; ips: string[] }): KeyAndCertificate;
}

/** Each CA and each server certificate has a key of its own, so a client holding one mock's CA refuses another mock's server. */
export function createCertificateAuthority(commonName: string): CertificateAuthority {
  const caKey = newKeyPair();
  const name = commonNameOf(commonName);
  const certPem = certificate({
    subject: name,
    issuer: name,
    subjectKey: caKey,
    issuerKey: caKey,
    extensions: [
      extension('2.5.29.19', sequence(TRUE), true), // basicConstraints: cA
      extension('2.5.29.15', CA_KEY_USAGE, true),
      extension('2.5.29.14', octetString(caKey.keyIdentifier)), // subjectKeyIdentifier
    ],
  });
  return {
    keyPem: pemOf(caKey.privateKey),
    certPem,
    issueServerCertificate(hosts) {
      const serverKey = newKeyPair();
      const altNames = [
        ...hosts.dns.map((host) => der(0x82, Buffer.from(host, 'ascii'))), // dNSName
        ...hosts.ips.map((ip) => {
          if (!isIPv4(ip)) throw new Error(`the mock's certificates take IPv4 addresses, not ${ip}`);
          return der(0x87, Buffer.from(ip.split('.').map(Number))); // iPAddress
        }),
      ];
      return {
        keyPem: pemOf(serverKey.privateKey),
        certPem: certificate({
          subject: commonNameOf('kube-apiserver'),
          issuer: name,
          subjectKey: serverKey,
          issuerKey: caKey,
          extensions: [
            extension('2.5.29.19', sequence()), // basicConstraints: not a CA
            extension('2.5.29.15', SERVER_KEY_USAGE, true),
            extension('2.5.29.37', sequence(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: serverAuth
            extension('2.5.29.17', sequence(...altNames)), // subjectAltName
            extension('2.5.29.35', sequence(der(0x80, caKey.keyIdentifier))), // authorityKeyIdentifier
          ],
        }),
      };
    },
  };
}
