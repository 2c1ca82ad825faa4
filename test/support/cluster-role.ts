/**
 * RBAC evaluation of policy/clusterrole.yaml against the mock API server's request log: the proof
 * that everything the tool asks the API server is a get or list the canonical role allows.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { parse } from 'yaml';
import type { RequestLog, RequestLogEntry } from '../../mocks/request-log.js';

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

export const CLUSTER_ROLE_FILE = new URL('../../policy/clusterrole.yaml', import.meta.url);

export function loadClusterRole(): { kind: string; metadata: { name: string }; rules: PolicyRule[] } {
  return parse(readFileSync(CLUSTER_ROLE_FILE, 'utf8')) as { kind: string; metadata: { name: string }; rules: PolicyRule[] };
}

/**
 * Discovery, which the default system:discovery ClusterRole grants every authenticated user. kubectl
 * (in the kubectl tests) walks all of it; eks-doctor asks GET /apis only, which
 * policy/clusterrole.yaml grants itself (a cluster may have narrowed system:discovery).
 */
function isDiscovery(url: string): boolean {
  return url === '/api' || url === '/apis' || url.startsWith('/api/') || url.startsWith('/apis/');
}

function matches(list: string[] | undefined, value: string): boolean {
  return (list ?? []).some((item) => item === '*' || item === value);
}

/** Why a request is not allowed, or undefined when a rule allows it. */
export function denialReason(entry: RequestLogEntry, rules: PolicyRule[], options: { allowDiscovery?: boolean } = {}): string | undefined {
  if (entry.service !== 'kubernetes') return undefined;
  if (!entry.action.startsWith('GET ')) return `${entry.action} is not a GET`;
  const k = entry.kubernetes;
  if (!k) return `${entry.action} has no RBAC attributes in the log`;
  if (k.verb !== 'get' && k.verb !== 'list') return `${entry.action} is a '${k.verb}'`;
  if (k.nonResourceURL !== undefined) {
    if (options.allowDiscovery && isDiscovery(k.nonResourceURL)) return undefined;
    const allowed = rules.some((r) => matches(r.verbs, k.verb) && (r.nonResourceURLs ?? []).some((u) => u === k.nonResourceURL || (u.endsWith('*') && k.nonResourceURL!.startsWith(u.slice(0, -1)))));
    return allowed ? undefined : `no rule allows ${k.verb} on ${k.nonResourceURL}`;
  }
  const allowed = rules.some(
    (r) =>
      matches(r.verbs, k.verb) &&
      matches(r.apiGroups, k.group) &&
      matches(r.resources, k.resource) &&
      // resourceNames can only restrict a get of a named object.
      (!r.resourceNames || r.resourceNames.length === 0 || (k.name !== undefined && r.resourceNames.includes(k.name))),
  );
  return allowed ? undefined : `no rule allows ${k.verb} ${k.resource}${k.group ? `.${k.group}` : ''}${k.name ? ` ${k.name}` : ''}${k.namespace ? ` in ${k.namespace}` : ''}`;
}

/** Fails the test naming every Kubernetes request in the log that the canonical ClusterRole does not allow. */
export function expectKubernetesRequestsAllowed(log: RequestLog, options: { allowDiscovery?: boolean } = {}): void {
  const rules = loadClusterRole().rules;
  const denied = log.entries.map((e) => denialReason(e, rules, options)).filter((r): r is string => r !== undefined);
  expect(denied, 'requests outside policy/clusterrole.yaml').toEqual([]);
}
