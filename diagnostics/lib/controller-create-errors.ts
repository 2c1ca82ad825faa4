/**
 * Why a controller could not create its pods, read from its `FailedCreate` Warning event.
 *
 * Where the messages come from (from memory of the Kubernetes sources, 1.30–1.35):
 *
 * - ReplicaSet, DaemonSet and Job controllers create pods through pkg/controller/controller_utils.go
 *   (RealPodControl.createPods), which records reason `FailedCreate` (FailedCreatePodReason) with
 *   `Error creating: <error>`; the StatefulSet controller records `create Pod <pod> in StatefulSet
 *   <set> failed error: <error>` (pkg/controller/statefulset/stateful_pod_control.go, recordPodEvent).
 * - `<error>` for a webhook the API server could not call is an InternalError,
 *   `Internal error occurred: failed calling webhook "<webhook>": failed to call webhook: <cause>`
 *   (staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook/mutating/dispatcher.go and
 *   validating/dispatcher.go wrap the call's error in webhookutil.ErrCallingWebhook, whose Error()
 *   is `failed calling webhook %q: %v`; webhook/errors/statuserror.go makes it an InternalError).
 * - `<cause>` is the HTTP client's error on `Post "https://<service>.<namespace>.svc:<port>/<path>
 *   ?timeout=<n>s"`: `no endpoints available for service "<service>"` (the API server's service
 *   resolver, staging/src/k8s.io/apiserver/pkg/util/proxy/proxy.go, when no EndpointSlice has a
 *   ready address), `service "<service>" not found` (the same resolver's Service lookup), `context deadline exceeded` (the webhook's timeoutSeconds passed), `dial tcp
 *   <ip>:<port>: connect: connection refused` (nothing listening), or a TLS failure (`tls: failed
 *   to verify certificate: x509: certificate signed by unknown authority`, `x509: certificate has
 *   expired or is not yet valid`).
 * - A webhook that answered and refused is not an outage: `admission webhook "<webhook>" denied
 *   the request: <reason>` (webhook/errors/statuserror.go, ToStatusErr).
 */
import { memoised } from '../../src/engine/snapshot-memo.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { minutesSinceLastSeen, newestFirst, normalizeEvent, type KubernetesEvent } from './events.js';

export type WebhookCallFailure = 'no-endpoints' | 'service-missing' | 'timeout' | 'connection-refused' | 'certificate' | 'other';

export interface WebhookCallError {
  /** The webhook's name as its configuration spells it: 'mpod.elbv2.k8s.aws'. */
  webhook: string;
  failure: WebhookCallFailure;
  /** The Service the API server called, from the URL (`<name>.<namespace>.svc`) or the no-endpoints text. */
  service?: { namespace?: string; name: string };
}

export interface FailedCreateMessage {
  /** The error after the controller's prefix. */
  error: string;
  /** Set when the API server could not call an admission webhook. */
  webhookCall?: WebhookCallError;
  /** Set when a webhook answered and denied the pod: policy, not an outage. */
  deniedBy?: string;
}

const PREFIXES = [/^Error creating: /, /^create Pod \S+ in StatefulSet \S+ failed error: /];
const CALLING = /failed calling webhook "([^"]+)": ([\s\S]*)$/;
const DENIED = /admission webhook "([^"]+)" denied the request/;
const SERVICE_URL = /https:\/\/([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?(?::\d+)?\//;
const NO_ENDPOINTS = /no endpoints available for service "(?:([a-z0-9-]+)\/)?([a-z0-9-]+)"/;

const FAILURES: readonly [WebhookCallFailure, RegExp][] = [
  ['no-endpoints', NO_ENDPOINTS],
  ['service-missing', /service "[^"]+" not found/],
  ['certificate', /x509: |tls: failed to verify certificate|certificate has expired|remote error: tls/],
  ['connection-refused', /connect: connection refused/],
  ['timeout', /context deadline exceeded|Client\.Timeout exceeded|i\/o timeout|connect: (?:no route to host|network is unreachable)|connection timed out/],
];

/** Parses a `FailedCreate` event's message. */
export function parseFailedCreate(message: string): FailedCreateMessage {
  const trimmed = message.trim();
  const error = PREFIXES.reduce((text, prefix) => text.replace(prefix, ''), trimmed);
  const calling = CALLING.exec(error);
  if (calling) {
    const cause = calling[2]!;
    const failure = FAILURES.find(([, re]) => re.test(cause))?.[0] ?? 'other';
    const url = SERVICE_URL.exec(cause);
    const noEndpoints = NO_ENDPOINTS.exec(cause);
    const service = url ? { namespace: url[2]!, name: url[1]! } : noEndpoints ? { ...(noEndpoints[1] ? { namespace: noEndpoints[1] } : {}), name: noEndpoints[2]! } : undefined;
    return { error, webhookCall: { webhook: calling[1]!, failure, ...(service ? { service } : {}) } };
  }
  const denied = DENIED.exec(error);
  return { error, ...(denied ? { deniedBy: denied[1]! } : {}) };
}

/** How each failure reads in a finding. */
export const WEBHOOK_FAILURE_TEXT: Readonly<Record<WebhookCallFailure, string>> = {
  'no-endpoints': 'its Service has no ready endpoints',
  'service-missing': 'its Service does not exist',
  timeout: 'the call timed out',
  'connection-refused': 'nothing accepted the connection',
  certificate: "the API server does not trust the webhook's certificate",
  other: 'the call failed',
};

/** The controllers that create pods and say so with FailedCreate. */
const POD_CONTROLLERS: ReadonlySet<string> = new Set(['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']);

/**
 * How recent a FailedCreate must be to count as still failing. A controller that keeps failing
 * retries with backoff (the controllers' workqueue rate limiter caps the delay at 1,000 s) and the
 * repeated event's last time moves on each retry; one that stopped failing leaves an event that
 * lives on for the event TTL (an hour by default).
 */
export const FAILED_CREATE_WINDOW_MINUTES = 30;

export interface FailedCreate {
  event: KubernetesEvent;
  /** The ReplicaSet, StatefulSet, DaemonSet or Job that could not create its pods. */
  controller: { kind: string; namespace?: string; name: string };
  parsed: FailedCreateMessage;
}

/** The recent FailedCreate events of pod controllers, newest first, parsed. */
export function recentFailedCreates(snapshot: Snapshot, now: Date): FailedCreate[] {
  return memoised(snapshot, 'controller-create-errors/recent', () =>
    (snapshot.kubernetes.warningEvents ?? [])
      .map(normalizeEvent)
      .filter((e) => e.reason === 'FailedCreate' && POD_CONTROLLERS.has(e.regarding.kind ?? '') && e.regarding.name && minutesSinceLastSeen(e, now) <= FAILED_CREATE_WINDOW_MINUTES)
      .sort(newestFirst)
      .map((event) => ({
        event,
        controller: { kind: event.regarding.kind!, ...(event.regarding.namespace ? { namespace: event.regarding.namespace } : {}), name: event.regarding.name! },
        parsed: parseFailedCreate(event.message),
      })),
  );
}
