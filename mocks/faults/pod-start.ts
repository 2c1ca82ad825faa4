/**
 * Faults of pods that cannot start: controllers that cannot create pods because an admission
 * webhook cannot be called, images that cannot be pulled. Messages are as the controllers, the
 * API server and the kubelet write them (sources in diagnostics/lib/controller-create-errors.ts and
 * diagnostics/lib/image-pull-errors.ts).
 */
import type { KubeDeployment, KubeEndpointSlice, KubeService, Snapshot } from '../../src/snapshot/types.js';
import { defineFaults } from '../scenario-builder/fault.js';
import { minutesBefore, warningEvent } from './symptoms.js';

const KYVERNO_SELECTOR = { 'app.kubernetes.io/component': 'admission-controller', 'app.kubernetes.io/instance': 'kyverno', 'app.kubernetes.io/part-of': 'kyverno' };
export const KYVERNO_SERVICE = 'kyverno/kyverno-svc';
export const KYVERNO_FAIL_WEBHOOK = 'mutate.kyverno.svc-fail';
export const KYVERNO_IGNORE_WEBHOOK = 'mutate.kyverno.svc-ignore';

/** The ReplicaSet of the shop's cart Deployment that a rollout created, and that cannot create its pods. */
export const CART_REPLICA_SET = { namespace: 'shop', name: 'cart-5d8f7c9b6d' };

/**
 * Kyverno 1.12 as its Helm chart installs it: the admission controller Deployment, the Service the
 * API server calls, its EndpointSlice, and the resource mutating webhook configuration Kyverno
 * registers (a Fail and an Ignore webhook: policies choose which one covers them).
 */
export function installKyverno(snapshot: Snapshot, options: { replicas: number; webhooks: ('Fail' | 'Ignore')[] }): void {
  const k = snapshot.kubernetes;
  const readyPods = options.replicas;
  const podIps = ['10.0.19.41', '10.0.35.17', '10.0.51.88'].slice(0, readyPods);
  const nodes = (k.nodes ?? []).filter((n) => n.metadata?.labels?.['eks.amazonaws.com/nodegroup']).map((n) => n.metadata!.name!);
  const deployment: KubeDeployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'kyverno-admission-controller', namespace: 'kyverno', uid: '4b4b4b4b-0000-4000-8000-000000000001', resourceVersion: '210001', generation: 4, creationTimestamp: '2025-09-10T08:00:00Z', labels: { ...KYVERNO_SELECTOR, 'app.kubernetes.io/version': '3.2.6' } },
    spec: {
      replicas: options.replicas,
      selector: { matchLabels: KYVERNO_SELECTOR },
      template: { metadata: { labels: { ...KYVERNO_SELECTOR, 'app.kubernetes.io/version': '3.2.6' } }, spec: { serviceAccountName: 'kyverno-admission-controller', containers: [{ name: 'kyverno', image: 'reg.kyverno.io/kyverno/kyverno:v1.12.6' }] } },
    },
    status:
      options.replicas === 0
        ? {
            observedGeneration: 4,
            conditions: [
              { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "kyverno-admission-controller-7b9d6c5f4d" has successfully progressed.', lastTransitionTime: '2025-09-10T08:01:00Z', lastUpdateTime: minutesBefore(snapshot, 45) },
              { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastTransitionTime: minutesBefore(snapshot, 45), lastUpdateTime: minutesBefore(snapshot, 45) },
            ],
          }
        : {
            replicas: options.replicas,
            readyReplicas: options.replicas,
            availableReplicas: options.replicas,
            updatedReplicas: options.replicas,
            observedGeneration: 4,
            conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastTransitionTime: '2025-09-10T08:01:00Z', lastUpdateTime: '2025-09-10T08:01:00Z' }],
          },
  };
  const service: KubeService = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kyverno-svc', namespace: 'kyverno', uid: '4c4c4c4c-0000-4000-8000-000000000001', resourceVersion: '210002', creationTimestamp: '2025-09-10T08:00:00Z', labels: KYVERNO_SELECTOR },
    spec: { type: 'ClusterIP', ports: [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }], selector: KYVERNO_SELECTOR, clusterIP: '172.20.61.5', clusterIPs: ['172.20.61.5'] },
    status: { loadBalancer: {} },
  };
  const slice: KubeEndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'kyverno-svc-9fq2w',
      namespace: 'kyverno',
      uid: '4d4d4d4d-0000-4000-8000-000000000001',
      resourceVersion: '210003',
      generation: 7,
      creationTimestamp: '2025-09-10T08:00:01Z',
      labels: { 'kubernetes.io/service-name': 'kyverno-svc', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', ...KYVERNO_SELECTOR },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'kyverno-svc', uid: '4c4c4c4c-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: true }],
    },
    addressType: 'IPv4',
    // With no pod selected, the EndpointSlice controller keeps one slice whose endpoints are null.
    endpoints: (podIps.length === 0 ? null : podIps.map((ip, i) => ({ addresses: [ip], conditions: { ready: true, serving: true, terminating: false }, nodeName: nodes[i % Math.max(1, nodes.length)], targetRef: { kind: 'Pod', namespace: 'kyverno', name: `kyverno-admission-controller-7b9d6c5f4d-${['q8w2e', 'r5t7y', 'u1i3o'][i]}` } }))) as KubeEndpointSlice['endpoints'],
    ports: [{ name: 'https', port: 9443, protocol: 'TCP' }],
  };
  const webhook = (policy: 'Fail' | 'Ignore') => ({
    name: policy === 'Fail' ? KYVERNO_FAIL_WEBHOOK : KYVERNO_IGNORE_WEBHOOK,
    admissionReviewVersions: ['v1'],
    sideEffects: 'NoneOnDryRun',
    failurePolicy: policy,
    matchPolicy: 'Equivalent',
    timeoutSeconds: 10,
    clientConfig: { service: { name: 'kyverno-svc', namespace: 'kyverno', path: `/mutate/${policy.toLowerCase()}`, port: 443 }, caBundle: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=' },
    rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'], scope: '*' }],
    namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kyverno'] }] },
  });
  k.mutatingWebhooks = [
    ...(k.mutatingWebhooks ?? []),
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'kyverno-resource-mutating-webhook-cfg', uid: '4e4e4e4e-0000-4000-8000-000000000001', resourceVersion: '210004', generation: 12, creationTimestamp: '2025-09-10T08:02:00Z', labels: { 'webhook.kyverno.io/managed-by': 'kyverno' } },
      webhooks: options.webhooks.map(webhook),
    },
  ];
  k.webhookServices = [...(k.webhookServices ?? []), service];
  k.webhookEndpointSlices = [...(k.webhookEndpointSlices ?? []), slice];
  k.webhookDeployments = [...(k.webhookDeployments ?? []), deployment];
}

/** The Deployment's rollout ReplicaSet failing to create its pods: the ReplicaSet controller's FailedCreate. */
export function cartCannotCreatePods(snapshot: Snapshot, error: string): void {
  snapshot.kubernetes.warningEvents!.push(
    warningEvent(snapshot, {
      involved: { kind: 'ReplicaSet', namespace: CART_REPLICA_SET.namespace, name: CART_REPLICA_SET.name, uid: '3a3a3a3a-0000-4000-8000-000000000001' },
      reason: 'FailedCreate',
      message: `Error creating: ${error}`,
      source: { component: 'replicaset-controller' },
      count: 19,
      minutes: 1,
    }),
  );
}

const kyvernoCall = (cause: string) =>
  `Internal error occurred: failed calling webhook "${KYVERNO_FAIL_WEBHOOK}": failed to call webhook: Post "https://kyverno-svc.kyverno.svc:443/mutate/fail?timeout=10s": ${cause}`;

export const faults = defineFaults([
  {
    name: 'kyverno-scaled-to-zero',
    description: "Kyverno's admission controller was scaled to zero while its Fail webhook still covers pod creation: the cart rollout's ReplicaSet cannot create pods (no endpoints available).",
    apply(s) {
      installKyverno(s, { replicas: 0, webhooks: ['Fail', 'Ignore'] });
      cartCannotCreatePods(s, kyvernoCall('no endpoints available for service "kyverno-svc"'));
    },
  },
  {
    name: 'kyverno-uninstalled-webhook-left',
    description: "Kyverno was uninstalled but its resource mutating webhook configuration (which Kyverno manages itself) was left behind: its Service is gone and the cart rollout's ReplicaSet cannot create pods.",
    apply(s) {
      installKyverno(s, { replicas: 3, webhooks: ['Fail', 'Ignore'] });
      const k = s.kubernetes;
      k.webhookServices = k.webhookServices!.filter((x) => x.metadata?.namespace !== 'kyverno');
      k.webhookEndpointSlices = k.webhookEndpointSlices!.filter((x) => x.metadata?.namespace !== 'kyverno');
      k.webhookDeployments = k.webhookDeployments!.filter((x) => x.metadata?.namespace !== 'kyverno');
      cartCannotCreatePods(s, kyvernoCall('service "kyverno-svc" not found'));
    },
  },
  {
    name: 'kyverno-ignore-webhook-without-endpoints',
    description: "Kyverno's admission controller is scaled to zero, but its only webhook has failurePolicy Ignore: the API server admits pods without it, nothing is blocked.",
    apply(s) {
      installKyverno(s, { replicas: 0, webhooks: ['Ignore'] });
    },
  },
]);
