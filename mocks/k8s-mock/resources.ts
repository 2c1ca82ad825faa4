/**
 * The resources the mock serves, the discovery documents that describe them (so kubectl can find
 * them), and how a snapshot's Kubernetes side becomes the objects behind each resource.
 */
import type { KubernetesData, KubernetesListPart } from '../../src/snapshot/types.js';

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
  { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', singular: 'endpointslice', kind: 'EndpointSlice', namespaced: true },
  { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingwebhookconfigurations', singular: 'validatingwebhookconfiguration', kind: 'ValidatingWebhookConfiguration', namespaced: false },
  { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'mutatingwebhookconfigurations', singular: 'mutatingwebhookconfiguration', kind: 'MutatingWebhookConfiguration', namespaced: false },
  { group: '', version: 'v1', resource: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', kind: 'PersistentVolumeClaim', namespaced: true, shortNames: ['pvc'] },
  { group: '', version: 'v1', resource: 'persistentvolumes', singular: 'persistentvolume', kind: 'PersistentVolume', namespaced: false, shortNames: ['pv'] },
  { group: 'apps', version: 'v1', resource: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'] },
  { group: 'batch', version: 'v1', resource: 'jobs', singular: 'job', kind: 'Job', namespaced: true },
  { group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses', singular: 'storageclass', kind: 'StorageClass', namespaced: false, shortNames: ['sc'] },
  { group: 'storage.k8s.io', version: 'v1', resource: 'csidrivers', singular: 'csidriver', kind: 'CSIDriver', namespaced: false },
];

/**
 * Custom resources, served (and listed by discovery) only where the snapshot's cluster has them
 * installed: Karpenter's (karpenter.sh, karpenter.k8s.aws) and EKS Auto Mode's (karpenter.sh,
 * eks.amazonaws.com), as a cluster without them answers 404.
 */
export const CUSTOM_RESOURCE_TYPES: ResourceType[] = [
  { group: 'karpenter.sh', version: 'v1', resource: 'nodepools', singular: 'nodepool', kind: 'NodePool', namespaced: false },
  { group: 'karpenter.sh', version: 'v1', resource: 'nodeclaims', singular: 'nodeclaim', kind: 'NodeClaim', namespaced: false },
  { group: 'karpenter.k8s.aws', version: 'v1', resource: 'ec2nodeclasses', singular: 'ec2nodeclass', kind: 'EC2NodeClass', namespaced: false, shortNames: ['ec2nc', 'ec2ncs'] },
  { group: 'eks.amazonaws.com', version: 'v1', resource: 'nodeclasses', singular: 'nodeclass', kind: 'NodeClass', namespaced: false },
  { group: 'crd.k8s.amazonaws.com', version: 'v1alpha1', resource: 'eniconfigs', singular: 'eniconfig', kind: 'ENIConfig', namespaced: false },
  { group: 'vpcresources.k8s.aws', version: 'v1beta1', resource: 'securitygrouppolicies', singular: 'securitygrouppolicy', kind: 'SecurityGroupPolicy', namespaced: true, shortNames: ['sgp'] },
];

/** The VPC CNI's custom resources: installed exactly when the snapshot's part is a list (null: the API answered 404). */
const CNI_CUSTOM_GROUPS: [string, keyof KubernetesData][] = [
  ['crd.k8s.amazonaws.com', 'eniConfigs'],
  ['vpcresources.k8s.aws', 'securityGroupPolicies'],
];

/** The custom resource groups the snapshot's cluster has: Karpenter's and Auto Mode's as its discovery listed (else those it holds objects of), the VPC CNI's when their parts are lists. */
export function installedCustomGroups(data: KubernetesData): Set<string> {
  const cni = CNI_CUSTOM_GROUPS.filter(([, part]) => Array.isArray(data[part])).map(([group]) => group);
  return new Set([...installedScalingGroups(data), ...cni]);
}

/** The groups of the CRDs every EKS cluster has (ENIConfig from the VPC CNI, SecurityGroupPolicy from EKS): in a baseline's discovery. */
export const VPC_CNI_CRD_GROUPS = CNI_CUSTOM_GROUPS.map(([group]) => group);

function installedScalingGroups(data: KubernetesData): Set<string> {
  const custom = new Set(CUSTOM_RESOURCE_TYPES.map((t) => t.group));
  if (data.apiGroups) return new Set(data.apiGroups.map((g) => g.name).filter((name) => custom.has(name)));
  const held: [string, readonly unknown[] | undefined][] = [
    ['karpenter.sh', [...(data.nodePools ?? []), ...(data.nodeClaims ?? [])]],
    ['karpenter.k8s.aws', data.ec2NodeClasses],
    ['eks.amazonaws.com', data.autoModeNodeClasses],
  ];
  return new Set(held.filter(([, objects]) => (objects?.length ?? 0) > 0).map(([group]) => group));
}

/** Every resource type a mock of this cluster serves: the built-in ones and its installed custom ones. */
export function servedResourceTypes(customGroups: Iterable<string>): ResourceType[] {
  const installed = new Set(customGroups);
  return [...RESOURCE_TYPES, ...CUSTOM_RESOURCE_TYPES.filter((t) => installed.has(t.group))];
}

/** What GET /apis answers for a cluster with these custom groups (the `groups` a snapshot's `apiGroups` holds). */
export function servedApiGroups(customGroups: Iterable<string>): { name: string; versions: { groupVersion: string; version: string }[]; preferredVersion: { groupVersion: string; version: string } }[] {
  return apiGroupListDocument(servedResourceTypes(customGroups)).groups;
}

export function groupVersion(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

export function findResourceType(types: readonly ResourceType[], group: string, version: string, resource: string): ResourceType | undefined {
  return types.find((t) => t.group === group && t.version === version && t.resource === resource);
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

/** Resources whose objects are exactly one snapshot part. */
const ONE_PART_RESOURCES: [string, KubernetesListPart][] = [
  ['persistentvolumeclaims', 'persistentVolumeClaims'],
  ['persistentvolumes', 'persistentVolumes'],
  ['replicasets', 'replicaSets'],
  ['jobs', 'jobs'],
  ['storageclasses', 'storageClasses'],
  ['csidrivers', 'csiDrivers'],
  ['nodepools', 'nodePools'],
  ['nodeclaims', 'nodeClaims'],
  ['ec2nodeclasses', 'ec2NodeClasses'],
  ['nodeclasses', 'autoModeNodeClasses'],
  ['eniconfigs', 'eniConfigs'],
  ['securitygrouppolicies', 'securityGroupPolicies'],
];

/**
 * The cluster's objects per resource. Parts of the snapshot that are views of one resource
 * (kube-system pods and problem pods; LoadBalancer and webhook Services) are merged back into it,
 * so that the tool's own selectors have to carve the views out again.
 */
export function objectsByResource(data: KubernetesData): Map<string, unknown[]> {
  return new Map<string, unknown[]>([
    ['nodes', union(data.nodes)],
    ['pods', union(data.kubeSystemPods, data.problemPods, data.crashLoopPods)],
    ['configmaps', union(data.awsAuth ? [data.awsAuth] : [], data.clusterAutoscalerStatus)],
    ['services', union(data.loadBalancerServices, data.webhookServices)],
    ['events', union(data.warningEvents, data.scalingEvents, data.claimEvents)],
    ['serviceaccounts', union(data.serviceAccounts)],
    ['daemonsets', union(data.daemonSets)],
    ['deployments', union(data.deployments, data.clusterAutoscalers, data.webhookDeployments)],
    ['endpointslices', union(data.webhookEndpointSlices)],
    ['validatingwebhookconfigurations', union(data.validatingWebhooks)],
    ['mutatingwebhookconfigurations', union(data.mutatingWebhooks)],
    ...ONE_PART_RESOURCES.map(([resource, part]) => [resource, union(data[part] ?? undefined)] as [string, unknown[]]),
  ]);
}

export function apiVersionsDocument(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupListDocument(types: readonly ResourceType[]): { kind: 'APIGroupList'; apiVersion: 'v1'; groups: ReturnType<typeof servedApiGroups> } {
  const groups = [...new Set(types.filter((t) => t.group !== '').map((t) => t.group))].map((name) => {
    const versions = [...new Set(types.filter((t) => t.group === name).map((t) => t.version))].map((version) => ({
      groupVersion: `${name}/${version}`,
      version,
    }));
    return { name, versions, preferredVersion: versions[0]! };
  });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroupDocument(served: readonly ResourceType[], group: string): unknown | undefined {
  const types = served.filter((t) => t.group === group);
  if (group === '' || types.length === 0) return undefined;
  const versions = [...new Set(types.map((t) => t.version))].map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions, preferredVersion: versions[0] };
}

/** The mock is read-only: it advertises get and list only, which is also all kubectl get needs. */
export function apiResourceListDocument(served: readonly ResourceType[], group: string, version: string): unknown | undefined {
  const types = served.filter((t) => t.group === group && t.version === version);
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
