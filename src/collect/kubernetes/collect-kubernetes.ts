/**
 * Fills the Kubernetes side of a snapshot: only the parts the selected checks need, each with the
 * narrowest request that serves it (kube-system only, pods that are not running, Warning events),
 * paged, concurrently, every failure kept as a CollectionError.
 *
 * The first request (GET /version) doubles as the reachability probe: when it fails, nothing else
 * is tried (each part would fail the same way and cost another timeout), the failure is recorded on
 * `apiServer`, and every wanted part gets an error naming the same cause.
 */
import { IRSA_ROLE_ANNOTATION } from '../../domain/eks-constants.js';
import { MAX_CRASH_LOOP_PODS, podsBackingOff } from '../../domain/kubelet-back-off.js';
import type { CollectEvent } from '../../engine/progress.js';
import { keepChangeManagers, projectKind, sanitizeNode, sanitizePod, sanitizeProblemPod, sanitizeWorkload, stripKubernetesMetadata } from '../../snapshot/sanitize.js';
import type { ApiServerAccess, CollectionError, KubeEvent, KubernetesData, KubernetesPart } from '../../snapshot/types.js';
import type { KubernetesSource } from '../sources.js';
import type { KubernetesClient } from './client.js';
import { accessFailureKind, KubernetesRequestError } from './failure.js';
import { getExisting, listRead, PrerequisiteReadError, throughPrerequisite, type KubernetesRead, type ReadContext, type ServiceAccountRef } from './kubernetes-read.js';
import { SCHEDULING_READS } from './scheduling-reads.js';

export type { KubernetesRead, ReadContext, ServiceAccountRef } from './kubernetes-read.js';

type DataKey = Exclude<keyof KubernetesData, 'apiServer'>;

interface KubeObject {
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: { type?: string; selector?: Record<string, string> };
}

interface KubeWorkload {
  spec?: { template?: { metadata?: { labels?: Record<string, string> } } };
}

interface WebhookConfiguration {
  webhooks?: { clientConfig?: { service?: { namespace?: string; name?: string } } }[];
}

/**
 * Items per page for the kube-system pods. kubectl and client-go ask for 500, but a diagnosis lists
 * every kube-system pod (four DaemonSet pods per node: ~20,000 at 5,000 nodes), one page after
 * another: at 500 that is 40 sequential round trips, the run's critical path. The API server
 * imposes no maximum; 2,000 cuts the round trips fourfold while a page of these pods (5–15 KB each)
 * stays near 20 MB, far under the client's 64 MB answer cap, and is projected (sanitizePod) before
 * the next page. The pods not running keep the default: they are few pages, from any namespace,
 * and an application's pods can be far bigger.
 */
export const POD_PAGE_SIZE = 2000;
/**
 * Items per page for Nodes: with pods at 2,000 a page, the Nodes (500 a page: 11 pages at 5,000
 * nodes) became the longest chain. A Node is bigger than a pod (up to 50 `status.images` entries
 * before sanitizeNode drops them, ~15 KB), so 1,000: a page stays near 15 MB.
 */
export const NODE_PAGE_SIZE = 1000;

const FAILED_PROBLEM_PHASES = 'status.phase!=Running,status.phase!=Succeeded';

const validatingWebhooks = (c: ReadContext): Promise<unknown[]> =>
  c.once('validating', () => c.client.list('/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations'));
const mutatingWebhooks = (c: ReadContext): Promise<unknown[]> =>
  c.once('mutating', () => c.client.list('/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations'));

/**
 * A custom resource that may not be installed: when the API answers 404 for the list (it does not
 * serve the group or resource), the part is null, which is data ("not installed"), not a failure.
 */
function nullWhenNotServed(list: KubernetesRead): KubernetesRead {
  return {
    ...list,
    read: async (c) => {
      try {
        return await list.read(c);
      } catch (error) {
        if (error instanceof KubernetesRequestError && error.kind === 'not-found') return null;
        throw error;
      }
    },
  };
}

const WEBHOOK_CONFIGURATION_LISTS: readonly KubernetesSource[] = [
  { apiGroup: 'admissionregistration.k8s.io', resource: 'validatingwebhookconfigurations', verb: 'list' },
  { apiGroup: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations', verb: 'list' },
];

/** The label the EndpointSlice controller puts on a Service's slices (discovery.k8s.io/v1 LabelServiceName). */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** The Services the webhook configurations call, each once. */
const webhookServiceTargets = (c: ReadContext): Promise<{ namespace: string; name: string }[]> =>
  c.once('webhook-targets', async () => {
    const configurations = [...(await validatingWebhooks(c)), ...(await mutatingWebhooks(c))] as WebhookConfiguration[];
    const targets = new Map<string, { namespace: string; name: string }>();
    for (const configuration of configurations) {
      for (const webhook of configuration.webhooks ?? []) {
        const service = webhook.clientConfig?.service;
        if (service?.namespace && service.name) targets.set(`${service.namespace}/${service.name}`, { namespace: service.namespace, name: service.name });
      }
    }
    return [...targets.values()];
  });

/** The webhook Services that exist (a webhook whose Service is gone is evidence for the checks, not a failed read). */
const webhookServiceObjects = (c: ReadContext): Promise<KubeObject[]> =>
  c.once('webhook-services', async () => getExisting<KubeObject>(c.client, 'services', await webhookServiceTargets(c)));

/** A Service's equality selector matches these labels (an empty or absent selector selects nothing it manages). */
function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const wanted = Object.entries(selector ?? {});
  return wanted.length > 0 && wanted.every(([k, v]) => labels?.[k] === v);
}

/** The Warning events, read once: the warningEvents part and the crash-looping pods they name share the list. */
const warningEventList = (c: ReadContext): Promise<KubeEvent[]> =>
  c.once('warning-events', () => c.client.list('/api/v1/events', { fieldSelector: 'type=Warning' }, (event: KubeEvent) => projectKind('event')(event)));

/** Every part, and the one request (or paged list) that fills it. docs/kubernetes.md lists the same. */
export const KUBERNETES_READS: Record<DataKey, KubernetesRead> = {
  version: { step: 'Kubernetes version', call: 'GET /version', permission: 'get /version', resources: [{ nonResourceURL: '/version', verb: 'get' }], read: (c) => c.once('version', () => c.client.get('/version')) },
  nodes: listRead({ step: 'Kubernetes nodes', apiGroup: '', version: 'v1', resource: 'nodes', scope: 'cluster', pageSize: NODE_PAGE_SIZE, project: sanitizeNode }),
  awsAuth: {
    step: 'aws-auth ConfigMap',
    call: 'GET /api/v1/namespaces/kube-system/configmaps/aws-auth',
    permission: 'get configmaps -n kube-system',
    resources: [{ apiGroup: '', resource: 'configmaps', verb: 'get', namespace: 'kube-system', resourceName: 'aws-auth' }],
    read: async (c) => {
      try {
        return keepChangeManagers(await c.client.get('/api/v1/namespaces/kube-system/configmaps/aws-auth'));
      } catch (error) {
        // Clusters that use access entries only have no aws-auth: that is data, not a failure.
        if (error instanceof KubernetesRequestError && error.kind === 'not-found') return null;
        throw error;
      }
    },
  },
  kubeSystemPods: listRead({ step: 'kube-system pods', apiGroup: '', version: 'v1', resource: 'pods', scope: { namespace: 'kube-system' }, pageSize: POD_PAGE_SIZE, project: sanitizePod }),
  problemPods: listRead({ step: 'pods not running', apiGroup: '', version: 'v1', resource: 'pods', scope: 'all-namespaces', fieldSelector: FAILED_PROBLEM_PHASES, project: sanitizeProblemPod }),
  daemonSets: listRead({ step: 'kube-system DaemonSets', apiGroup: 'apps', version: 'v1', resource: 'daemonsets', scope: { namespace: 'kube-system' }, project: sanitizeWorkload }),
  deployments: listRead({ step: 'kube-system Deployments', apiGroup: 'apps', version: 'v1', resource: 'deployments', scope: { namespace: 'kube-system' }, project: sanitizeWorkload }),
  loadBalancerServices: {
    step: 'LoadBalancer Services',
    call: 'GET /api/v1/services',
    permission: 'list services --all-namespaces',
    resources: [{ apiGroup: '', resource: 'services', verb: 'list' }],
    // spec.type is not a field selector on every Kubernetes version EKS supports, so filter here.
    read: async (c) => (await c.client.list<KubeObject>('/api/v1/services')).filter((s) => s.spec?.type === 'LoadBalancer').map(stripKubernetesMetadata),
  },
  warningEvents: listRead({ step: 'Warning events', apiGroup: '', version: 'v1', resource: 'events', scope: 'all-namespaces', fieldSelector: 'type=Warning' }, (c) => warningEventList(c)),
  serviceAccounts: {
    step: 'ServiceAccounts',
    call: 'GET /api/v1/serviceaccounts',
    permission: 'list serviceaccounts --all-namespaces',
    resources: [{ apiGroup: '', resource: 'serviceaccounts', verb: 'list' }],
    // The ServiceAccounts EKS Pod Identity associations name are kept too.
    uses: ['aws.podIdentityAssociations'],
    read: async (c) => {
      const [all, podIdentity] = await Promise.all([c.client.list<KubeObject>('/api/v1/serviceaccounts'), c.podIdentityServiceAccounts()]);
      const associated = new Set(podIdentity.map((sa) => `${sa.namespace}/${sa.name}`));
      return all
        .filter(
          (sa) =>
            sa.metadata?.namespace === 'kube-system' ||
            sa.metadata?.annotations?.[IRSA_ROLE_ANNOTATION] !== undefined ||
            associated.has(`${sa.metadata?.namespace}/${sa.metadata?.name}`),
        )
        .map(stripKubernetesMetadata);
    },
  },
  validatingWebhooks: listRead(
    { step: 'validating webhooks', apiGroup: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingwebhookconfigurations', scope: 'cluster' },
    async (c) => (await validatingWebhooks(c)).map(keepChangeManagers),
  ),
  mutatingWebhooks: listRead(
    { step: 'mutating webhooks', apiGroup: 'admissionregistration.k8s.io', version: 'v1', resource: 'mutatingwebhookconfigurations', scope: 'cluster' },
    async (c) => (await mutatingWebhooks(c)).map(keepChangeManagers),
  ),
  webhookServices: {
    step: 'webhook Services',
    call: 'GET /api/v1/namespaces/{namespace}/services/{name}',
    permission: 'get services --all-namespaces',
    // The Services the webhook configurations name: without those lists, no Service is asked for.
    resources: [{ apiGroup: '', resource: 'services', verb: 'get' }, ...WEBHOOK_CONFIGURATION_LISTS],
    read: async (c) => (await webhookServiceObjects(c)).map(stripKubernetesMetadata),
  },
  webhookEndpointSlices: {
    step: 'webhook EndpointSlices',
    call: 'GET /apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices?labelSelector=kubernetes.io/service-name={name}',
    permission: 'list endpointslices.discovery.k8s.io --all-namespaces',
    resources: [{ apiGroup: 'discovery.k8s.io', resource: 'endpointslices', verb: 'list' }, ...WEBHOOK_CONFIGURATION_LISTS],
    // Only the slices of the Services webhooks call: whether the API server has a ready address to call.
    read: async (c) => {
      const slices = await Promise.all(
        (await webhookServiceTargets(c)).map(({ namespace, name }) =>
          c.client.list(`/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/endpointslices`, { labelSelector: `${SERVICE_NAME_LABEL}=${name}` }, projectKind('endpointSlice')),
        ),
      );
      return slices.flat();
    },
  },
  webhookDeployments: {
    step: 'webhook Deployments',
    call: 'GET /apis/apps/v1/namespaces/{namespace}/deployments',
    permission: 'list deployments.apps --all-namespaces',
    resources: [{ apiGroup: 'apps', resource: 'deployments', verb: 'list' }, { apiGroup: '', resource: 'services', verb: 'get' }, ...WEBHOOK_CONFIGURATION_LISTS],
    // The Deployments whose pods the webhook Services select (the webhook's server): listed per
    // namespace of those Services only, and only the matching ones kept.
    read: async (c) => {
      const services = await webhookServiceObjects(c);
      const namespaces = [...new Set(services.flatMap((s) => (s.metadata?.namespace && s.spec?.selector ? [s.metadata.namespace] : [])))];
      const lists = await Promise.all(namespaces.map(async (namespace) => ({ namespace, deployments: await c.client.list<KubeWorkload>(`/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments`) })));
      return lists.flatMap(({ namespace, deployments }) =>
        deployments.filter((d) => services.some((s) => s.metadata?.namespace === namespace && selects(s.spec?.selector, d.spec?.template?.metadata?.labels))).map(projectKind('webhookDeployment')),
      );
    },
  },
  ...SCHEDULING_READS,
  eniConfigs: nullWhenNotServed(listRead({ step: 'ENIConfigs', apiGroup: 'crd.k8s.amazonaws.com', version: 'v1alpha1', resource: 'eniconfigs', scope: 'cluster' })),
  securityGroupPolicies: nullWhenNotServed(
    listRead({ step: 'SecurityGroupPolicies', apiGroup: 'vpcresources.k8s.aws', version: 'v1beta1', resource: 'securitygrouppolicies', scope: 'all-namespaces' }),
  ),
  crashLoopPods: {
    step: 'crash-looping pods',
    call: 'GET /api/v1/namespaces/{namespace}/pods/{name}',
    permission: 'get pods --all-namespaces',
    // The pods the kubelet's recent "Back-off restarting failed container" events name, newest first
    // (src/domain/kubelet-back-off.ts): without the events, none is asked for.
    resources: [{ apiGroup: '', resource: 'pods', verb: 'get' }, { apiGroup: '', resource: 'events', verb: 'list' }],
    read: async (c) => {
      // A pod deleted since its event is left out: nothing is left to read.
      const events = await throughPrerequisite(KUBERNETES_READS.warningEvents, () => warningEventList(c));
      const named = podsBackingOff(events, c.now()).slice(0, MAX_CRASH_LOOP_PODS);
      return (await getExisting(c.client, 'pods', named)).map(sanitizePod);
    },
  },
};

export interface KubernetesCollection {
  kubernetes: KubernetesData;
  errors: CollectionError[];
}

function errorFor(key: DataKey, error: unknown): CollectionError {
  const read = KUBERNETES_READS[key];
  const classified = error instanceof KubernetesRequestError ? error : new KubernetesRequestError('other', 'ERROR', error instanceof Error ? error.message : String(error));
  // A failed prerequisite (the list a part's read starts from) is recorded as that request.
  const failed = classified instanceof PrerequisiteReadError ? classified : read;
  return {
    part: `kubernetes.${key}`,
    call: failed.call,
    kind: classified.kind,
    code: classified.code,
    message: classified.message,
    ...(classified.kind === 'denied' ? { permission: failed.permission } : {}),
    ...(classified.httpStatus !== undefined ? { httpStatus: classified.httpStatus } : {}),
  };
}

/** Concurrent, but not all at once: the API server is someone's production control plane. */
const MAX_CONCURRENT_READS = 4;

/**
 * `client` is undefined when no connection could be set up (no kubeconfig, DescribeCluster failed,
 * cluster without an endpoint); `unavailable` then says why.
 */
export async function collectKubernetes(args: {
  parts: ReadonlySet<KubernetesPart>;
  client: KubernetesClient | undefined;
  unavailable?: { message: string };
  /** Resolves when the AWS side knows the Pod Identity associations; their ServiceAccounts are kept. */
  podIdentityServiceAccounts?: Promise<ServiceAccountRef[]>;
  /** The collection's time (the snapshot's capturedAt); the wall clock by default. */
  now?: () => Date;
  onEvent?: (event: CollectEvent) => void;
  /** Each part as soon as it is read (the AWS side looks up the IAM roles ServiceAccounts name). */
  onPart?: <K extends DataKey>(key: K, value: KubernetesData[K]) => void;
  /** Each part that could not be read, as soon as it failed (the AWS side then stops waiting for it). */
  onPartFailed?: (key: DataKey) => void;
}): Promise<KubernetesCollection> {
  const wanted = (Object.keys(KUBERNETES_READS) as DataKey[]).filter((key) => args.parts.has(`kubernetes.${key}`));
  if (wanted.length === 0 && !args.parts.has('kubernetes.apiServer')) return { kubernetes: {}, errors: [] };

  if (!args.client) {
    const message = args.unavailable?.message ?? 'no way to reach the API server was configured';
    const apiServer: ApiServerAccess = { method: 'none', reachable: false, failure: { kind: 'not-configured', message } };
    const errors = wanted.map((key) => ({ ...errorFor(key, new KubernetesRequestError('other', 'NotConfigured', message)), notAttempted: true as const }));
    return { kubernetes: { apiServer }, errors };
  }
  const client = args.client;
  const access = { method: client.connection.method, server: client.connection.server, ...(client.connection.context ? { context: client.connection.context } : {}) };
  const memo = new Map<string, Promise<unknown>>();
  const context: ReadContext = {
    client,
    // Failing to learn the associations must not cost the ServiceAccounts part.
    podIdentityServiceAccounts: () => (args.podIdentityServiceAccounts ?? Promise.resolve([])).catch(() => []),
    now: args.now ?? (() => new Date()),
    once: <T>(key: string, load: () => Promise<T>) => {
      if (!memo.has(key)) memo.set(key, load());
      return memo.get(key) as Promise<T>;
    },
  };

  args.onEvent?.({ type: 'collect-start', step: 'Kubernetes API server' });
  const probeStarted = performance.now();
  try {
    await KUBERNETES_READS.version.read(context);
  } catch (error) {
    const failure = error instanceof KubernetesRequestError ? error : new KubernetesRequestError('other', 'ERROR', String(error));
    args.onEvent?.({ type: 'collect-end', step: 'Kubernetes API server', durationMs: Math.round(performance.now() - probeStarted), ok: false, error: failure.message });
    const apiServer: ApiServerAccess = {
      ...access,
      reachable: false,
      failure: { kind: accessFailureKind(failure.kind), message: failure.message, ...(failure.httpStatus !== undefined ? { httpStatus: failure.httpStatus } : {}) },
    };
    // Every wanted part fails for the same reason; the message says none of them was tried.
    const errors = wanted.map((key) =>
      key === 'version'
        ? errorFor(key, failure)
        : { ...errorFor(key, new KubernetesRequestError(failure.kind, failure.code, `GET /version failed (${failure.code}): ${failure.message}`, failure.httpStatus)), notAttempted: true as const },
    );
    return { kubernetes: { apiServer }, errors };
  }
  args.onEvent?.({ type: 'collect-end', step: 'Kubernetes API server', durationMs: Math.round(performance.now() - probeStarted), ok: true });

  const kubernetes: KubernetesData = { apiServer: { ...access, reachable: true } };
  const errors: CollectionError[] = [];
  const queue = [...wanted];
  const worker = async (): Promise<void> => {
    for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
      const read = KUBERNETES_READS[key];
      args.onEvent?.({ type: 'collect-start', step: read.step });
      const started = performance.now();
      try {
        const value = (await read.read(context)) as KubernetesData[typeof key];
        (kubernetes as Record<string, unknown>)[key] = value;
        args.onPart?.(key, value);
        args.onEvent?.({ type: 'collect-end', step: read.step, durationMs: Math.round(performance.now() - started), ok: true });
      } catch (error) {
        const recorded = errorFor(key, error);
        errors.push(recorded);
        args.onPartFailed?.(key);
        args.onEvent?.({ type: 'collect-end', step: read.step, durationMs: Math.round(performance.now() - started), ok: false, error: recorded.message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_CONCURRENT_READS, wanted.length) }, worker));
  return { kubernetes: orderedLikeTheSchema(kubernetes), errors };
}

/** Concurrent reads finish in any order; the snapshot's keys should not depend on it. */
function orderedLikeTheSchema(data: KubernetesData): KubernetesData {
  const ordered: Record<string, unknown> = {};
  for (const key of ['apiServer', ...Object.keys(KUBERNETES_READS)]) {
    if (key in data) ordered[key] = (data as Record<string, unknown>)[key];
  }
  return ordered as KubernetesData;
}
