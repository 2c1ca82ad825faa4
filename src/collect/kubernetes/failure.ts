/**
 * Turns a failed Kubernetes request into data: the failure kind the report explains, the code as
 * the transport or the API spelled it, and for 403 the RBAC permission to grant.
 */
import type { ApiServerAccess, FailureKind } from '../../snapshot/types.js';

export class KubernetesRequestError extends Error {
  constructor(
    readonly kind: FailureKind,
    /** 'ECONNREFUSED', 'ETIMEDOUT', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'HTTP 403' */
    readonly code: string,
    message: string,
    readonly httpStatus?: number,
    /** The answer's Retry-After, in seconds, when it carried one. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'KubernetesRequestError';
  }
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'EPIPE', 'ENETDOWN']);

/** OpenSSL's verification codes as Node reports them, plus Node's own TLS errors. */
function isTlsCode(code: string): boolean {
  return (
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_SSL_') ||
    /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY|DECRYPT|DECODE)|CRL|HOSTNAME_MISMATCH/.test(code)
  );
}

/** A transport error (no HTTP answer) from node:https. */
export function classifyTransportError(
  error: unknown,
  what: { timedOut: boolean; deadline: boolean; timeoutMs: number; /** The proxy the request went through, credentials removed. */ proxy?: string; /** host:port */ target?: string },
): KubernetesRequestError {
  const via = what.proxy ? ` (through the proxy ${what.proxy})` : '';
  if (what.deadline) return new KubernetesRequestError('timeout', 'ETIMEDOUT', `the run reached its --timeout before the API server answered${via}`);
  if (what.timedOut) return new KubernetesRequestError('timeout', 'ETIMEDOUT', `no answer within ${what.timeoutMs / 1000}s${via}`);
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'ERROR';
  const message = error instanceof Error ? error.message : String(error);
  // hpagent's words when the proxy answers CONNECT with anything but 200.
  const refused = what.proxy ? /^Bad response: (\d+)$/.exec(message) : null;
  if (refused) return new KubernetesRequestError('unreachable', `HTTP ${refused[1]} from proxy`, `the proxy ${what.proxy} answered HTTP ${refused[1]} to CONNECT ${what.target ?? ''}`.trimEnd());
  if (UNREACHABLE_CODES.has(code) || message === 'socket hang up') return new KubernetesRequestError('unreachable', code, message + via);
  if (isTlsCode(code)) return new KubernetesRequestError('tls', code, message + via);
  return new KubernetesRequestError('other', code, message + via);
}

/** An HTTP answer other than 2xx. `message` is the Status object's message when there is one. */
export function classifyHttpStatus(status: number, message: string, retryAfterSeconds?: number): KubernetesRequestError {
  const code = `HTTP ${status}`;
  const kind: FailureKind = status === 401 ? 'unauthorized' : status === 403 ? 'denied' : status === 404 ? 'not-found' : status === 429 ? 'throttled' : status >= 500 ? 'server-error' : 'other';
  return new KubernetesRequestError(kind, code, message, status, retryAfterSeconds);
}

/** How the snapshot's apiServer.failure names a failure of the first request. */
export function accessFailureKind(kind: FailureKind): NonNullable<ApiServerAccess['failure']>['kind'] {
  switch (kind) {
    case 'unreachable':
    case 'timeout':
    case 'tls':
    case 'unauthorized':
      return kind;
    case 'denied':
      return 'forbidden';
    default:
      return 'other';
  }
}
