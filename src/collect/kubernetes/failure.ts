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
export function classifyTransportError(error: unknown, what: { timedOut: boolean; deadline: boolean; timeoutMs: number }): KubernetesRequestError {
  if (what.deadline) return new KubernetesRequestError('timeout', 'ETIMEDOUT', 'the run reached its --timeout before the API server answered');
  if (what.timedOut) return new KubernetesRequestError('timeout', 'ETIMEDOUT', `no answer within ${what.timeoutMs / 1000}s`);
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'ERROR';
  const message = error instanceof Error ? error.message : String(error);
  if (UNREACHABLE_CODES.has(code) || message === 'socket hang up') return new KubernetesRequestError('unreachable', code, message);
  if (isTlsCode(code)) return new KubernetesRequestError('tls', code, message);
  return new KubernetesRequestError('other', code, message);
}

/** An HTTP answer other than 2xx. `message` is the Status object's message when there is one. */
export function classifyHttpStatus(status: number, message: string): KubernetesRequestError {
  const code = `HTTP ${status}`;
  if (status === 401) return new KubernetesRequestError('unauthorized', code, message, status);
  if (status === 403) return new KubernetesRequestError('denied', code, message, status);
  if (status === 404) return new KubernetesRequestError('not-found', code, message, status);
  if (status === 429) return new KubernetesRequestError('throttled', code, message, status);
  if (status >= 500) return new KubernetesRequestError('server-error', code, message, status);
  return new KubernetesRequestError('other', code, message, status);
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
