/**
 * What the mock API server does with a bearer token, standing in for aws-iam-authenticator + STS:
 * the token must have the EKS token's shape, and (because the mock knows the test credentials) its
 * SigV4 signature must verify over `host` and `x-k8s-aws-id: <this cluster>`.
 *
 * Written from the SigV4 specification with node:crypto rather than with the SDK's signer, so that
 * the tool's token generator (which uses the SDK's signer) is checked by an independent implementation.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface MockAwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export type TokenVerdict = { ok: true; accessKeyId: string } | { ok: false; reason: string };

const PREFIX = 'k8s-aws-v1.';
/** aws-iam-authenticator's limit on how old a signed token may be. */
const MAX_TOKEN_AGE_MS = 15 * 60_000;
const EMPTY_BODY_SHA256 = createHash('sha256').update('').digest('hex');

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** '20260126T101500Z' -> Date */
function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

export function verifyEksToken(
  authorization: string | undefined,
  expected: { clusterName: string; credentials: MockAwsCredentials; now?: Date; checkAge?: boolean },
): TokenVerdict {
  if (!authorization) return { ok: false, reason: 'no Authorization header' };
  const bearer = /^Bearer (.+)$/.exec(authorization);
  if (!bearer) return { ok: false, reason: 'Authorization is not a bearer token' };
  const token = bearer[1]!;
  if (!token.startsWith(PREFIX)) return { ok: false, reason: `token does not start with ${PREFIX}` };
  const encoded = token.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return { ok: false, reason: 'token is not base64url without padding' };
  let url: URL;
  try {
    url = new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'token does not decode to a URL' };
  }
  const q = url.searchParams;
  if (q.get('Action') !== 'GetCallerIdentity' || q.get('Version') !== '2011-06-15') return { ok: false, reason: 'URL is not an STS GetCallerIdentity call' };
  if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return { ok: false, reason: 'URL is not SigV4-presigned' };
  const credential = (q.get('X-Amz-Credential') ?? '').split('/');
  const [accessKeyId, shortDate, region, service, terminator] = credential;
  if (credential.length !== 5 || service !== 'sts' || terminator !== 'aws4_request') return { ok: false, reason: 'X-Amz-Credential has the wrong scope' };
  if (accessKeyId !== expected.credentials.accessKeyId) return { ok: false, reason: `unknown access key ${accessKeyId}` };
  const longDate = q.get('X-Amz-Date') ?? '';
  const signedAt = parseAmzDate(longDate);
  if (!signedAt || !longDate.startsWith(shortDate!)) return { ok: false, reason: 'X-Amz-Date is missing or does not match the scope' };
  if (expected.checkAge) {
    const age = (expected.now ?? new Date()).getTime() - signedAt.getTime();
    if (age > MAX_TOKEN_AGE_MS || age < -5 * 60_000) return { ok: false, reason: 'token expired' };
  }
  const signedHeaders = (q.get('X-Amz-SignedHeaders') ?? '').split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-k8s-aws-id')) {
    return { ok: false, reason: 'the signature does not cover host and x-k8s-aws-id' };
  }
  const signature = q.get('X-Amz-Signature') ?? '';
  // The authenticator sends the cluster name it serves as x-k8s-aws-id; a token made for another
  // cluster fails the signature check exactly as it does against real STS.
  const headerValues: Record<string, string> = { host: url.host, 'x-k8s-aws-id': expected.clusterName };
  const unknownHeader = signedHeaders.find((h) => !(h in headerValues));
  if (unknownHeader) return { ok: false, reason: `signed header ${unknownHeader} cannot be replayed` };
  const canonicalQuery = [...q.entries()]
    .filter(([key]) => key !== 'X-Amz-Signature')
    .map(([key, value]) => [rfc3986(key), rfc3986(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${headerValues[h]!.trim()}\n`).join('');
  const signingKey = ['sts', 'aws4_request'].reduce<Buffer>(
    (key, part) => hmac(key, part),
    hmac(hmac(`AWS4${expected.credentials.secretAccessKey}`, shortDate!), region!),
  );
  // SDKs differ in the payload hash of a presigned GET (the empty body's hash or UNSIGNED-PAYLOAD).
  for (const payloadHash of [EMPTY_BODY_SHA256, 'UNSIGNED-PAYLOAD']) {
    const canonicalRequest = ['GET', url.pathname || '/', canonicalQuery, canonicalHeaders, signedHeaders.join(';'), payloadHash].join('\n');
    const stringToSign = ['AWS4-HMAC-SHA256', longDate, `${shortDate}/${region}/sts/aws4_request`, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
    const computed = hmac(signingKey, stringToSign).toString('hex');
    if (computed.length === signature.length && timingSafeEqual(Buffer.from(computed), Buffer.from(signature))) return { ok: true, accessKeyId };
  }
  return { ok: false, reason: 'signature does not match (wrong secret, or a token for another cluster)' };
}
