/**
 * The EKS bearer token, made in-process the way `aws eks get-token` makes it, so the tool needs
 * neither the aws CLI nor kubectl: a SigV4-presigned STS GetCallerIdentity URL whose signature also
 * covers the `x-k8s-aws-id: <cluster name>` header, prefixed with `k8s-aws-v1.` and base64url-encoded.
 * The API server's authenticator replays the URL against STS to learn who is calling.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Checksum, HttpRequest, SourceData } from '@smithy/types';

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/** The authenticator accepts a token for 15 minutes after it was signed; we renew a minute early. */
export const TOKEN_RENEW_AFTER_MS = 14 * 60_000;
/** What `aws eks get-token` puts in X-Amz-Expires. */
const PRESIGNED_URL_EXPIRES_SECONDS = 60;

/** SignatureV4 wants a hash constructor; node:crypto is all it needs (an HMAC when given a secret). */
class NodeSha256 implements Checksum {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
  reset(): void {
    throw new Error('NodeSha256 is single-use');
  }
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** The STS endpoint the token names: the override (mock, FIPS, VPC endpoint) or the regional one. */
export function stsEndpointFor(region: string, override?: string): URL {
  return new URL(override ?? `https://sts.${region}.amazonaws.com/`);
}

/** RFC 3986 query encoding, as SigV4 canonicalises it. */
function encodeQueryComponent(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface EksTokenRequest {
  clusterName: string;
  region: string;
  credentials: AwsCredentialIdentity;
  /** STS endpoint override (--endpoint-url, AWS_ENDPOINT_URL_STS). */
  stsEndpoint?: string;
  signingDate?: Date;
}

export async function createEksToken(request: EksTokenRequest): Promise<string> {
  const endpoint = stsEndpointFor(request.region, request.stsEndpoint);
  const signer = new SignatureV4({ service: 'sts', region: request.region, credentials: request.credentials, sha256: NodeSha256 });
  const unsigned: HttpRequest = {
    method: 'GET',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
    path: endpoint.pathname || '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host: endpoint.host, [CLUSTER_ID_HEADER]: request.clusterName },
  };
  const presigned = await signer.presign(unsigned, {
    expiresIn: PRESIGNED_URL_EXPIRES_SECONDS,
    ...(request.signingDate ? { signingDate: request.signingDate } : {}),
  });
  const query = Object.entries(presigned.query ?? {})
    .flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${encodeQueryComponent(key)}=${encodeQueryComponent(v ?? '')}`))
    .join('&');
  const url = `${endpoint.protocol}//${endpoint.host}${presigned.path}?${query}`;
  return EKS_TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url');
}

/**
 * Hands out a valid token for the life of a run, renewing it before the authenticator would
 * reject it: a long --watch session or a slow cluster must not start failing with 401 at minute 15.
 */
export class EksTokenSource {
  private current: { token: string; signedAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly settings: {
      clusterName: string;
      region: string;
      credentials: AwsCredentialIdentityProvider;
      stsEndpoint?: string;
      now?: () => number;
    },
  ) {}

  async token(): Promise<string> {
    const now = (this.settings.now ?? Date.now)();
    if (this.current && now - this.current.signedAt < TOKEN_RENEW_AFTER_MS) return this.current.token;
    // Concurrent requests share one signing instead of each signing their own.
    this.pending ??= (async () => {
      try {
        const credentials = await this.settings.credentials();
        const token = await createEksToken({
          clusterName: this.settings.clusterName,
          region: this.settings.region,
          credentials,
          ...(this.settings.stsEndpoint ? { stsEndpoint: this.settings.stsEndpoint } : {}),
          signingDate: new Date(now),
        });
        this.current = { token, signedAt: now };
        return token;
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }
}
