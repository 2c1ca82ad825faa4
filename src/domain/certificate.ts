/**
 * The identity of a cluster CA certificate without the certificate: a SHA-256 fingerprint, the
 * way `openssl x509 -fingerprint -sha256` computes it (over the DER bytes). DescribeCluster's
 * `certificateAuthority.data`, bootstrap.sh's `--b64-cluster-ca`, a NodeConfig's
 * `certificateAuthority` and Bottlerocket's `cluster-certificate` all hold the PEM text, base64
 * encoded; the same function reads each, so equal certificates give equal fingerprints.
 */
import { createHash } from 'node:crypto';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/;

/** 'sha256:<hex>' of the first certificate in base64-encoded PEM; of the decoded bytes when they hold no PEM block. */
export function caFingerprint(base64Pem: string | undefined): string | undefined {
  const trimmed = base64Pem?.trim();
  if (!trimmed) return undefined;
  const decoded = Buffer.from(trimmed, 'base64');
  if (decoded.length === 0) return undefined;
  const block = PEM_BLOCK.exec(decoded.toString('latin1'));
  const der = block ? Buffer.from(block[1]!.replace(/\s+/g, ''), 'base64') : decoded;
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}
