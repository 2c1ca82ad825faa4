/**
 * A read-only Kubernetes API server that serves the Kubernetes side of a snapshot over TLS.
 *
 * It is what the live path talks to in tests and in `eks-doctor demo`: the tool reaches it with the
 * CA and endpoint that (mock) DescribeCluster hands out and an in-process EKS token, and kubectl
 * reaches it with a kubeconfig. It honours limit/continue, field and label selectors, serves the
 * discovery documents kubectl needs, and logs every request as RBAC sees it.
 */
import { tableOf, wantsTable } from './tables.js';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { RequestLog, type RequestLogEntry } from '../request-log.js';
import type { KubernetesData } from '../../src/snapshot/types.js';
import { createCertificateAuthority, type KeyAndCertificate } from './certificates.js';
import { verifyEksToken, type MockAwsCredentials } from './eks-token-check.js';
import {
  apiGroupDocument,
  apiGroupListDocument,
  apiResourceListDocument,
  apiVersionsDocument,
  findResourceType,
  installedCustomGroups,
  servedResourceTypes,
  groupVersion,
  objectsByResource,
  type ResourceType,
} from './resources.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.js';

/**
 * How the mock misbehaves, for degradation tests:
 * - 'refuse': nothing listens on the port (connection refused);
 * - 'hang': requests are accepted and never answered;
 * - 'unauthorized': every request gets 401, as for a caller with no aws-auth mapping or access entry;
 * - 'wrong-ca': the server presents a certificate from a CA other than the one it advertises;
 * - 'forbidden': every request gets 403, as for a caller without RBAC rights.
 */
export type KubernetesFault = 'refuse' | 'hang' | 'unauthorized' | 'wrong-ca' | 'forbidden';

/**
 * A 200 whose body is not what it claims, for one path: 'garbage' is a proxy's HTML error page,
 * 'truncated' the JSON cut in half (with a Content-Length that matches the half), 'cut' the
 * connection closed halfway through the promised body.
 */
export type BodyFault = 'garbage' | 'truncated' | 'cut';

/**
 * A fault on every request for one resource type ('pods', 'configmaps'), whatever its path and
 * namespace, set while the mock runs (the fault matrix): 'forbidden' is RBAC's 403, 'garbage' a
 * 200 whose body is a proxy's HTML page, 'throttle' the API priority and fairness 429 with
 * Retry-After: 1. `first` faults only the first N answers to each distinct request (path and query).
 */
export interface ResourceFault {
  resource: string;
  kind: 'forbidden' | 'garbage' | 'throttle';
  first?: number;
}

/**
 * A fault for some requests, counted so a test knows exactly which attempt fails:
 * - 'throttle': 429 TooManyRequests, as the API server's max-in-flight filter and API Priority and
 *   Fairness answer (a Status with reason TooManyRequests, and Retry-After);
 * - 'server-error': a 5xx (default 503 ServiceUnavailable), with Retry-After when retryAfterSeconds is set;
 * - 'expired': 410 Gone with reason Expired, as the API server answers a continue token etcd has
 *   compacted past (storage/errors; only requests that carry a continue token match);
 * - 'reset': the connection is destroyed before any answer (ECONNRESET at the client);
 * - 'hang': accepted and never answered.
 */
export interface KubernetesRequestFault {
  kind: 'throttle' | 'server-error' | 'expired' | 'reset' | 'hang';
  /** The request path ('/api/v1/nodes'), or '*' for every path but /version (which stays the probe that works). */
  path: string;
  /** Only the first N matching requests. */
  first?: number;
  /** Only every Nth matching request (the Nth, 2Nth, ...). */
  every?: number;
  /** Seconds for the Retry-After header (throttle defaults to 1, as kube-apiserver sends; server-error sends none unless set). */
  retryAfterSeconds?: number;
  /** For 'server-error' (default 503). */
  status?: number;
}

/** kube-apiserver's message for an expired continue token (staging/src/k8s.io/apiserver/pkg/storage/errors.go, from memory). */
export const EXPIRED_CONTINUE_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/**
 * A snapshot whose API server could not be read is served the same way, so a scenario of an
 * unreachable cluster round-trips and `demo` shows it live.
 */
export function faultForSnapshot(kubernetes: KubernetesData): KubernetesFault | undefined {
  const access = kubernetes.apiServer;
  if (!access || access.reachable || !access.failure) return undefined;
  switch (access.failure.kind) {
    case 'unreachable':
    case 'not-configured':
      return 'refuse';
    case 'timeout':
      return 'hang';
    case 'tls':
      return 'wrong-ca';
    case 'unauthorized':
      return 'unauthorized';
    case 'forbidden':
      return 'forbidden';
    default:
      return 'refuse';
  }
}

export interface KubernetesMockOptions {
  kubernetes: KubernetesData;
  /** The cluster name the EKS token must be signed for (x-k8s-aws-id). */
  clusterName: string;
  /** The credentials tokens must be signed with. */
  credentials: MockAwsCredentials;
  log?: RequestLog;
  port?: number;
  /** Added to every answer. */
  latencyMs?: number;
  /** Defaults to what the snapshot's apiServer part says (see faultForSnapshot). */
  fault?: KubernetesFault;
  /** Broken bodies by path ('/api/v1/nodes'): every 200 answer to that path is broken that way. */
  bodyFaults?: Record<string, BodyFault>;
  /** Caps every list page at this many items, whatever `limit` asks: every list then has to follow continue tokens. */
  maxPageSize?: number;
  /** Faults for some requests, by path and counter (see KubernetesRequestFault). */
  requestFaults?: KubernetesRequestFault[];
  /** RBAC denials, as '<verb> <resource>' ('list pods', 'get configmaps'): answered 403. */
  forbidden?: string[];
  /** Reject tokens older than 15 minutes, as aws-iam-authenticator does. Off by default: a long-running mock-server hands out one token. */
  checkTokenAge?: boolean;
}

export interface KubernetesMock {
  /** https://127.0.0.1:PORT */
  url: string;
  /** The CA's PEM, base64-encoded: what DescribeCluster's certificateAuthority.data carries. */
  certificateAuthorityData: string;
  log: RequestLog;
  setFault(fault: KubernetesFault | undefined): Promise<void>;
  /** Replaces the resource faults and resets their counters. */
  setResourceFaults(faults: ResourceFault[]): void;
  /** Replaces the request faults and restarts their counters. */
  setRequestFaults(faults: KubernetesRequestFault[]): void;
  close(): Promise<void>;
}

interface ParsedPath {
  type: ResourceType;
  namespace?: string;
  name?: string;
}

/** '/api/v1/namespaces/kube-system/pods' -> pods in kube-system; undefined for anything else. */
function parseResourcePath(path: string): { group: string; version: string; rest: string[] } | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] === 'api' && parts.length >= 3) return { group: '', version: parts[1]!, rest: parts.slice(2) };
  if (parts[0] === 'apis' && parts.length >= 4) return { group: parts[1]!, version: parts[2]!, rest: parts.slice(3) };
  return undefined;
}

function resolveResource(types: readonly ResourceType[], path: string): ParsedPath | { unknown: { group: string; resource: string; namespace?: string; name?: string } } | undefined {
  const parsed = parseResourcePath(path);
  if (!parsed) return undefined;
  let rest = parsed.rest;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, ...extra] = rest;
  if (!resource || extra.length > 0) return { unknown: { group: parsed.group, resource: resource ?? '', ...(namespace ? { namespace } : {}) } };
  const type = findResourceType(types, parsed.group, parsed.version, resource);
  if (!type) return { unknown: { group: parsed.group, resource, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) } };
  return { type, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) };
}

function statusBody(code: number, reason: string, message: string, details?: Record<string, unknown>): unknown {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

interface ContinueToken {
  offset: number;
}

function decodeContinue(token: string): ContinueToken | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    return Number.isInteger(parsed.offset) && parsed.offset >= 0 ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export async function startKubernetesMock(options: KubernetesMockOptions): Promise<KubernetesMock> {
  const log = options.log ?? new RequestLog();
  const objects = objectsByResource(options.kubernetes);
  const served = servedResourceTypes(installedCustomGroups(options.kubernetes));
  const ca = createCertificateAuthority('eks-doctor mock cluster CA');
  const hosts = { dns: ['localhost'], ips: ['127.0.0.1'] };
  const goodCertificate = ca.issueServerCertificate(hosts);
  let rogueCertificate: KeyAndCertificate | undefined;
  let fault = options.fault ?? faultForSnapshot(options.kubernetes);
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  let requestFaults = options.requestFaults ?? [];
  let faultCounts = new Map<KubernetesRequestFault, number>();
  /** Counts the request against every matching rule; the first rule that applies is the fault. */
  const requestFaultFor = (path: string, continued: boolean): KubernetesRequestFault | undefined => {
    let chosen: KubernetesRequestFault | undefined;
    for (const rule of requestFaults) {
      if (rule.path === '*' ? path === '/version' : rule.path !== path) continue;
      if (rule.kind === 'expired' && !continued) continue;
      const n = (faultCounts.get(rule) ?? 0) + 1;
      faultCounts.set(rule, n);
      if ((rule.first === undefined || n <= rule.first) && (rule.every === undefined || n % rule.every === 0)) chosen ??= rule;
    }
    return chosen;
  };
  let resourceFaults: ResourceFault[] = [];
  const resourceFaultCounts = new Map<string, number>();

  const server: Server = createServer({ key: goodCertificate.keyPem, cert: goodCertificate.certPem }, (req, res) => {
    void handle(req, res);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function send(res: ServerResponse, status: number, body: unknown, broken?: BodyFault, headers: Record<string, string> = {}): void {
    let text = JSON.stringify(body);
    if (broken === 'garbage') text = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>';
    if (broken === 'truncated') text = text.slice(0, Math.floor(text.length / 2));
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    if (broken !== 'cut') return void res.end(text);
    // Half of what Content-Length promised, then the connection goes.
    res.write(text.slice(0, Math.floor(text.length / 2)), () => res.destroy());
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const url = new URL(req.url ?? '/', 'https://mock');
    const path = url.pathname;
    const resolved = resolveResource(served, path);
    const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    const method = (req.method ?? 'GET').toUpperCase();
    const entry: RequestLogEntry = { service: 'kubernetes', action: `${method} ${path}`, status: 0, startedAt, endedAt: startedAt };
    if (resolved && 'type' in resolved) {
      const verb = method !== 'GET' ? method.toLowerCase() : resolved.name ? 'get' : watch ? 'watch' : 'list';
      entry.kubernetes = {
        verb,
        resource: resolved.type.resource,
        group: resolved.type.group,
        ...(resolved.namespace ? { namespace: resolved.namespace } : {}),
        ...(resolved.name ? { name: resolved.name } : {}),
        query: url.search.slice(1),
      };
    } else if (resolved) {
      entry.kubernetes = { verb: method === 'GET' ? (resolved.unknown.name ? 'get' : 'list') : method.toLowerCase(), ...resolved.unknown, query: url.search.slice(1) };
    } else {
      entry.kubernetes = { verb: method.toLowerCase(), resource: '', group: '', nonResourceURL: path, query: url.search.slice(1) };
    }
    const resourceFault = resolved && 'type' in resolved ? decideResourceFault(resolved.type.resource, `${path}?${url.search}`) : undefined;
    const finish = (status: number, body: unknown, injected?: string, headers?: Record<string, string>): void => {
      const broken = status === 200 ? (resourceFault === 'garbage' ? 'garbage' : options.bodyFaults?.[path]) : undefined;
      entry.status = status;
      entry.endedAt = Date.now();
      if (injected ?? broken) entry.fault = injected ?? broken;
      log.add(entry);
      send(res, status, body, broken, headers);
    };

    if (fault === 'hang') {
      entry.fault = 'hang';
      log.add(entry);
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    if (fault === 'unauthorized') return finish(401, statusBody(401, 'Unauthorized', 'Unauthorized'), 'unauthorized');
    const verdict = verifyEksToken(req.headers.authorization, {
      clusterName: options.clusterName,
      credentials: options.credentials,
      ...(options.checkTokenAge ? { checkAge: true } : {}),
    });
    if (!verdict.ok) return finish(401, statusBody(401, 'Unauthorized', 'Unauthorized'));
    if (fault === 'forbidden') {
      return finish(403, statusBody(403, 'Forbidden', `forbidden: User "eks-doctor-mock" cannot get path "${path}"`), 'forbidden');
    }
    if (method !== 'GET') return finish(405, statusBody(405, 'MethodNotAllowed', `the mock API server is read-only; ${method} is not allowed`));

    const injected = requestFaultFor(path, url.searchParams.has('continue'));
    if (injected?.kind === 'hang') {
      entry.fault = 'hang';
      log.add(entry);
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (injected?.kind === 'reset') {
      entry.fault = 'reset';
      log.add(entry);
      req.socket.destroy();
      return;
    }
    if (injected?.kind === 'throttle') {
      // apiserver's max-in-flight and APF answer (staging/src/k8s.io/apiserver/pkg/server/filters, from memory).
      const seconds = injected.retryAfterSeconds ?? 1;
      return finish(429, statusBody(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds: seconds }), 'throttle', { 'retry-after': String(seconds) });
    }
    if (injected?.kind === 'server-error') {
      const status = injected.status ?? 503;
      const reason = status === 503 ? 'ServiceUnavailable' : status === 504 ? 'Timeout' : 'InternalError';
      const message = status === 503 ? 'the server is currently unable to handle the request' : 'an error on the server ("") has prevented the request from succeeding';
      const headers: Record<string, string> = injected.retryAfterSeconds !== undefined ? { 'retry-after': String(injected.retryAfterSeconds) } : {};
      return finish(status, statusBody(status, reason, message), 'server-error', headers);
    }
    if (injected?.kind === 'expired') return finish(410, statusBody(410, 'Expired', EXPIRED_CONTINUE_MESSAGE), 'expired');

    if (path === '/version') {
      return finish(200, options.kubernetes.version ?? { major: '1', minor: '31', gitVersion: 'v1.31.0-eks-mock', platform: 'linux/amd64' });
    }
    if (path === '/api') return finish(200, apiVersionsDocument(url.host));
    if (path === '/apis') return finish(200, apiGroupListDocument(served));
    const discoveryParts = path.split('/').filter((p) => p !== '');
    if (discoveryParts[0] === 'api' && discoveryParts.length === 2) {
      const doc = apiResourceListDocument(served, '', discoveryParts[1]!);
      return doc ? finish(200, doc) : finish(404, statusBody(404, 'NotFound', 'the server could not find the requested resource'));
    }
    if (discoveryParts[0] === 'apis' && discoveryParts.length === 2) {
      const doc = apiGroupDocument(served, discoveryParts[1]!);
      return doc ? finish(200, doc) : finish(404, statusBody(404, 'NotFound', 'the server could not find the requested resource'));
    }
    if (discoveryParts[0] === 'apis' && discoveryParts.length === 3) {
      const doc = apiResourceListDocument(served, discoveryParts[1]!, discoveryParts[2]!);
      return doc ? finish(200, doc) : finish(404, statusBody(404, 'NotFound', 'the server could not find the requested resource'));
    }
    if (!resolved || !('type' in resolved) || !served.includes(resolved.type)) return finish(404, statusBody(404, 'NotFound', 'the server could not find the requested resource'));

    const { type, namespace, name } = resolved;
    const verb = entry.kubernetes.verb;
    if (watch) return finish(405, statusBody(405, 'MethodNotAllowed', 'the mock API server does not serve watches'));
    if (resourceFault === 'throttle') {
      // From memory of k8s.io/apiserver's APF filter: 429 with Retry-After and reason TooManyRequests.
      return finish(429, statusBody(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds: 1 }), 'throttle', { 'retry-after': '1' });
    }
    if (options.forbidden?.includes(`${verb} ${type.resource}`) || resourceFault === 'forbidden') {
      const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
      return finish(
        403,
        statusBody(403, 'Forbidden', `${type.resource} is forbidden: User "eks-doctor-mock" cannot ${verb} resource "${type.resource}" in API group "${type.group}" ${scope}`, {
          kind: type.resource,
          ...(name ? { name } : {}),
        }),
        'forbidden',
      );
    }
    const all = (objects.get(type.resource) ?? []) as { metadata?: { name?: string; namespace?: string } }[];
    const inScope = namespace && type.namespaced ? all.filter((o) => o.metadata?.namespace === namespace) : all;

    if (name) {
      const found = inScope.find((o) => o.metadata?.name === name);
      if (!found) {
        return finish(404, statusBody(404, 'NotFound', `${type.resource}${type.group ? `.${type.group}` : ''} "${name}" not found`, { name, kind: type.resource, ...(type.group ? { group: type.group } : {}) }));
      }
      const table = wantsTable(req.headers.accept) ? tableOf(type.resource, [found], {}) : undefined;
      if (table) return finish(200, table);
      // A GET of one object carries its type; list items do not.
      return finish(200, { kind: type.kind, apiVersion: groupVersion(type), ...found });
    }

    let selected: unknown[];
    try {
      const fields = parseFieldSelector(url.searchParams.get('fieldSelector') ?? '', type.resource);
      const labels = parseLabelSelector(url.searchParams.get('labelSelector') ?? '');
      selected = inScope.filter((o) => matchesFields(o, fields) && matchesLabels(o, labels));
    } catch (error) {
      if (error instanceof SelectorError) return finish(400, statusBody(400, 'BadRequest', error.message));
      throw error;
    }
    const limitText = url.searchParams.get('limit');
    const requested = limitText ? Number(limitText) : 0;
    const limit = options.maxPageSize ? Math.min(requested || options.maxPageSize, options.maxPageSize) : requested;
    const continueText = url.searchParams.get('continue');
    let offset = 0;
    if (continueText) {
      const token = decodeContinue(continueText);
      if (!token) return finish(400, statusBody(400, 'BadRequest', 'continue key is not valid'));
      offset = token.offset;
    }
    const end = limit > 0 ? offset + limit : selected.length;
    const items = selected.slice(offset, end);
    const remaining = selected.length - Math.min(end, selected.length);
    const metadata: Record<string, unknown> = { resourceVersion: '1' };
    if (remaining > 0) {
      metadata.continue = Buffer.from(JSON.stringify({ offset: end } satisfies ContinueToken)).toString('base64url');
      metadata.remainingItemCount = remaining;
    }
    const table = wantsTable(req.headers.accept) ? tableOf(type.resource, items, { ...(typeof metadata.continue === 'string' ? { continue: metadata.continue } : {}) }) : undefined;
    if (table) return finish(200, table);
    return finish(200, { kind: `${type.kind}List`, apiVersion: groupVersion(type), metadata, items });
  }

  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stopListening = (): Promise<void> =>
    new Promise((resolve) => {
      for (const res of hanging) res.destroy();
      for (const socket of sockets) socket.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });

  await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;

  function decideResourceFault(resource: string, requestKey: string): ResourceFault['kind'] | undefined {
    const rule = resourceFaults.find((r) => r.resource === resource);
    if (!rule) return undefined;
    const n = (resourceFaultCounts.get(requestKey) ?? 0) + 1;
    resourceFaultCounts.set(requestKey, n);
    return rule.first === undefined || n <= rule.first ? rule.kind : undefined;
  }

  async function setFault(next: KubernetesFault | undefined): Promise<void> {
    fault = next;
    if (next === 'wrong-ca') {
      rogueCertificate ??= createCertificateAuthority('some other CA').issueServerCertificate(hosts);
      server.setSecureContext({ key: rogueCertificate.keyPem, cert: rogueCertificate.certPem });
    } else {
      server.setSecureContext({ key: goodCertificate.keyPem, cert: goodCertificate.certPem });
    }
    if (next === 'refuse' && server.listening) await stopListening();
    if (next !== 'refuse' && !server.listening) await listen(port);
  }
  if (fault) await setFault(fault);

  return {
    url: `https://127.0.0.1:${port}`,
    certificateAuthorityData: Buffer.from(ca.certPem, 'utf8').toString('base64'),
    log,
    setFault,
    setRequestFaults(faults) {
      requestFaults = faults;
      faultCounts = new Map();
    },
    setResourceFaults(faults) {
      resourceFaults = [...faults];
      resourceFaultCounts.clear();
    },
    close: stopListening,
  };
}
