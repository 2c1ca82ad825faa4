/**
 * The resources the mock serves, the discovery documents that describe them (so kubectl can find
 * them), and how a snapshot's Kubernetes side becomes the objects behind each resource.
 */
import type { KubernetesData } from '../../src/snapshot/types.js';

export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, as in the URL and in RBAC rules. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
}

export const RESOURCE_TYPES: ResourceType[] = [
  { group: '', version: 'v1', resource: 'nodes', singular: 'node', kind: 'Node', namespaced: false, shortNames: ['no'] },
  { group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'] },
  { group: '', version: 'v1', resource: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] },
  { group: '', version: 'v1', resource: 'services', singular: 'service', kind: 'Service', namespaced: true, shortNames: ['svc'] },
  { group: '', version: 'v1', resource: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'] },
  { group: '', version: 'v1', resource: 'serviceaccounts', singular: 'serviceaccount', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'] },
  { group: 'apps', version: 'v1', resource: 'daemonsets', singular: 'daemonset', kind: 'DaemonSet', namespaced: true, shortNames: ['ds'] },
  { group: 'apps', version: 'v1', resource: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'] },
  { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingwebhookconfigurations', singular: 'validatingwebhookconfiguration', kind: 'ValidatingWebhookConfiguration', namespaced: false },
  { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'mutatingwebhookconfigurations', singular: 'mutatingwebhookconfiguration', kind: 'MutatingWebhookConfiguration', namespaced: false },
];

export function groupVersion(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

export function findResourceType(group: string, version: string, resource: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.resource === resource);
}

type KubeObject = { metadata?: { name?: string; namespace?: string } };

function objectKey(object: KubeObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

/**
 * Concatenates views of one resource, dropping from later views the objects an earlier view already
 * holds (a Pending kube-system pod is both a kube-system pod and a problem pod). Within one view
 * everything is served as given, so the round trip shows a snapshot exactly as it is.
 */
function union(...lists: (readonly unknown[] | undefined)[]): unknown[] {
  const out: unknown[] = [];
  for (const list of lists) {
    const earlier = new Set(out.map((o) => objectKey(o as KubeObject)));
    out.push(...(list ?? []).filter((o) => !earlier.has(objectKey(o as KubeObject))));
  }
  return out;
}

/**
 * The cluster's objects per resource. Parts of the snapshot that are views of one resource
 * (kube-system pods and problem pods; LoadBalancer and webhook Services) are merged back into it,
 * so that the tool's own selectors have to carve the views out again.
 */
export function objectsByResource(data: KubernetesData): Map<string, unknown[]> {
  return new Map<string, unknown[]>([
    ['nodes', union(data.nodes)],
    ['pods', union(data.kubeSystemPods, data.problemPods)],
    ['configmaps', data.awsAuth ? [data.awsAuth] : []],
    ['services', union(data.loadBalancerServices, data.webhookServices)],
    ['events', union(data.warningEvents)],
    ['serviceaccounts', union(data.serviceAccounts)],
    ['daemonsets', union(data.daemonSets)],
    ['deployments', union(data.deployments)],
    ['validatingwebhookconfigurations', union(data.validatingWebhooks)],
    ['mutatingwebhookconfigurations', union(data.mutatingWebhooks)],
  ]);
}

export function apiVersionsDocument(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupListDocument(): unknown {
  const groups = [...new Set(RESOURCE_TYPES.filter((t) => t.group !== '').map((t) => t.group))].map((name) => {
    const versions = [...new Set(RESOURCE_TYPES.filter((t) => t.group === name).map((t) => t.version))].map((version) => ({
      groupVersion: `${name}/${version}`,
      version,
    }));
    return { name, versions, preferredVersion: versions[0] };
  });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroupDocument(group: string): unknown | undefined {
  const types = RESOURCE_TYPES.filter((t) => t.group === group);
  if (group === '' || types.length === 0) return undefined;
  const versions = [...new Set(types.map((t) => t.version))].map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions, preferredVersion: versions[0] };
}

/** The mock is read-only: it advertises get and list only, which is also all kubectl get needs. */
export function apiResourceListDocument(group: string, version: string): unknown | undefined {
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion({ group, version }),
    resources: types.map((t) => ({
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: ['get', 'list'],
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
    })),
  };
}
