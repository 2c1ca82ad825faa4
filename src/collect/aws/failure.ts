/**
 * Turns whatever an SDK call threw into a CollectionError: what kind of failure, the code as AWS
 * spelled it, and for denials the IAM action to grant (the call itself: eks-doctor's calls map one
 * to one onto IAM actions, all of them listed in policy/iam-policy.json).
 */
import type { CollectionError, FailureKind, SnapshotPart } from '../../snapshot/types.js';

const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess', 'Forbidden']);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'PriorRequestNotComplete',
  'BandwidthLimitExceeded',
]);
const UNAUTHORIZED = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'AuthFailure',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidToken',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'RequestExpired',
]);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);
const TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

/** Fields the SDK puts on service errors; network errors carry a Node `code` instead. */
interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $response?: unknown;
}

export function classifyAwsError(error: unknown, part: SnapshotPart, call: string, context: { deadlineExceeded: boolean; deadlineSeconds: number }): CollectionError {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SdkErrorShape;
  const name = e.name ?? 'Error';
  const message = oneLine(e.message ?? String(error));
  const httpStatus = e.$metadata?.httpStatusCode;
  const base = { part, call, ...(httpStatus ? { httpStatus } : {}) };

  if (context.deadlineExceeded || name === 'AbortError') {
    return { ...base, kind: 'timeout', code: 'DeadlineExceeded', message: `the overall time limit of ${context.deadlineSeconds}s (--timeout) ran out before ${call} answered` };
  }
  if (DENIED.has(name)) return { ...base, kind: 'denied', code: name, message, permission: call };
  if (THROTTLED.has(name)) return { ...base, kind: 'throttled', code: name, message: attemptsNote(message, e) };
  if (name === 'TimeoutError' || e.code === 'ETIMEDOUT' || name === 'RequestTimeout' || name === 'RequestTimeoutException') {
    return { ...base, kind: 'timeout', code: e.code ?? name, message: attemptsNote(message, e) };
  }
  if (UNAUTHORIZED.has(name)) return { ...base, kind: 'unauthorized', code: name, message };
  if (e.code && NETWORK.has(e.code)) return { ...base, kind: 'unreachable', code: e.code, message };
  if ((e.code && TLS.test(e.code)) || TLS.test(name)) return { ...base, kind: 'tls', code: e.code ?? name, message };
  // An emulator that lacks an API answers its own 404 page, which no AWS parser can read.
  if (isParseFailure(e) && httpStatus === 404) {
    return { ...base, kind: 'other', code: 'HTTP 404', message: `the endpoint does not implement ${call} (HTTP 404 with a body that is not an AWS error)` };
  }
  if (isParseFailure(e)) return { ...base, kind: 'invalid-response', code: 'InvalidResponse', message: `the response could not be parsed: ${message}` };
  if (e.$fault === 'server' || (httpStatus !== undefined && httpStatus >= 500)) {
    return { ...base, kind: 'server-error', code: name === 'Error' && httpStatus ? `HTTP ${httpStatus}` : name, message: attemptsNote(message, e) };
  }
  if (/NotFound|NoSuchEntity|ResourceNotFoundException/.test(name)) return { ...base, kind: 'not-found', code: name, message };
  return { ...base, kind: 'other' satisfies FailureKind, code: name, message };
}

/** The SDK reports unparseable bodies as deserialization errors or raw parser exceptions. */
function isParseFailure(e: SdkErrorShape): boolean {
  const text = `${e.name ?? ''} ${e.message ?? ''}`;
  return /Deserialization error|SyntaxError|Unexpected token|Unexpected end|not valid JSON|Invalid XML|Unclosed|Invalid character|char '.*' is not expected|Unexpected close tag/i.test(text) || e.name === 'SyntaxError';
}

function attemptsNote(message: string, e: SdkErrorShape): string {
  const attempts = e.$metadata?.attempts;
  return attempts && attempts > 1 ? `${message} (after ${attempts} attempts)` : message;
}

function oneLine(text: string): string {
  const first = text.split('\n')[0] ?? '';
  return first.length > 300 ? `${first.slice(0, 297)}...` : first;
}

/** Error names that mean "the thing asked for by ID does not exist": data, not a failure. */
export function isNotFound(error: unknown, codes: readonly string[]): boolean {
  const name = (error as SdkErrorShape | undefined)?.name;
  return name !== undefined && codes.includes(name);
}

export function isCredentialsError(error: unknown): boolean {
  const name = (error as SdkErrorShape | undefined)?.name;
  return name === 'CredentialsProviderError' || /Could not load credentials|Unable to load credentials|no credentials/i.test((error as SdkErrorShape | undefined)?.message ?? '');
}
