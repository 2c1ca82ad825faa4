/**
 * Faults of pods that cannot start: controllers that cannot create pods because an admission
 * webhook cannot be called, images that cannot be pulled. Messages are as the controllers, the
 * API server and the kubelet write them (sources in diagnostics/lib/controller-create-errors.ts and
 * src/domain/image-pull-errors.ts).
 */
import { parseImageReference } from '../../src/domain/container-image.js';
import type { AwsElement, KubeDeployment, KubeEndpointSlice, KubeNode, KubePod, KubeService, Snapshot } from '../../src/snapshot/types.js';
import { BASELINE, BATCH_ASG, BATCH_ROLE_NAME, dnsName } from '../scenario-builder/baseline.js';
import { defineFaults } from '../scenario-builder/fault.js';
import { BATCH_NODE_SG, batchNodesOnOwnGroup, instancesOfGroup, removeEndpoint, ruleFrom } from './network.js';
import { failedSchedulingMessage, recorderEvent } from './scheduling.js';
import { addonDegraded, minutesBefore, setKubeletSilent, stuckPod, warningEvent } from './symptoms.js';

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

/** The controllers' own names, as their events' source.component spells them. */
const CONTROLLER_COMPONENT: Record<string, string> = { ReplicaSet: 'replicaset-controller', StatefulSet: 'statefulset-controller', DaemonSet: 'daemonset-controller', Job: 'job-controller' };

/** A pod controller failing to create its pods: its FailedCreate Warning event, with `message` as it wrote it. */
export function failedCreate(snapshot: Snapshot, controller: { kind: string; namespace: string; name: string }, message: string): void {
  snapshot.kubernetes.warningEvents!.push(
    warningEvent(snapshot, { involved: controller, reason: 'FailedCreate', message, source: { component: CONTROLLER_COMPONENT[controller.kind] ?? 'kube-controller-manager' }, count: 19, minutes: 1 }),
  );
}

/** The cart Deployment's rollout ReplicaSet cannot create its pods (controller_utils.go: "Error creating: %v"). */
export function cartCannotCreatePods(snapshot: Snapshot, error: string): void {
  ownedByDeployment(snapshot, { namespace: CART_REPLICA_SET.namespace, deployment: 'cart', hash: CART_REPLICA_SET.name.slice('cart-'.length), pods: [], replicas: 3, revision: 8 });
  failedCreate(snapshot, { kind: 'ReplicaSet', ...CART_REPLICA_SET }, `Error creating: ${error}`);
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

/**
 * Another controller of each kind that cannot create its pods, each as its controller words it:
 * the StatefulSet controller's "create Pod <pod> in StatefulSet <set> failed error: <error>"
 * (pkg/controller/statefulset/stateful_pod_control.go, recordPodEvent: reason "Failed" + "Create"),
 * the DaemonSet and Job controllers' "Error creating: <error>" through RealPodControl
 * (pkg/controller/controller_utils.go, createPods: FailedCreatePodReason), with their own
 * event source components. The Job belongs to a CronJob, as a nightly batch does.
 */
export function otherControllersCannotCreatePods(s: Snapshot, error: string): void {
  failedCreate(s, { kind: 'StatefulSet', namespace: 'shop', name: 'orders-db' }, `create Pod orders-db-1 in StatefulSet orders-db failed error: ${error}`);
  failedCreate(s, { kind: 'DaemonSet', namespace: 'amazon-cloudwatch', name: 'fluent-bit' }, `Error creating: ${error}`);
  const job = { namespace: 'shop', name: 'nightly-report-29390400' };
  s.kubernetes.jobs = [
    ...(s.kubernetes.jobs ?? []),
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: job.name,
        namespace: job.namespace,
        uid: mockUid('8e8e8e8e', `${job.namespace}/${job.name}`),
        resourceVersion: '140001',
        generation: 1,
        creationTimestamp: minutesBefore(s, 12),
        labels: { 'batch.kubernetes.io/controller-uid': mockUid('8e8e8e8e', `${job.namespace}/${job.name}`), 'batch.kubernetes.io/job-name': job.name },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly-report', uid: mockUid('8f8f8f8f', 'shop/nightly-report'), controller: true, blockOwnerDeletion: true }],
      },
      spec: { parallelism: 1, completions: 1, backoffLimit: 6, template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'report', image: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/nightly-report:2026.11.4' }] } } },
      status: { active: 0, ready: 0, startTime: minutesBefore(s, 12), uncountedTerminatedPods: {} },
    },
  ];
  failedCreate(s, { kind: 'Job', ...job }, `Error creating: ${error}`);
}

const lbcCall = (cause: string) =>
  `Internal error occurred: failed calling webhook "mpod.elbv2.k8s.aws": failed to call webhook: Post "https://aws-load-balancer-webhook-service.kube-system.svc:443/mutate-v1-pod?timeout=10s": ${cause}`;

faults.push(
  {
    name: 'kyverno-down-blocks-every-controller-kind',
    description: "With Kyverno's admission controller at zero, the orders-db StatefulSet, the fluent-bit DaemonSet and the nightly-report CronJob's Job cannot create their pods either (no endpoints available).",
    apply(s) {
      otherControllersCannotCreatePods(s, kyvernoCall('no endpoints available for service "kyverno-svc"'));
    },
  },
  {
    name: 'kyverno-certificate-not-trusted',
    description:
      "Kyverno's admission controller runs with ready endpoints, but its webhook's caBundle no longer matches the CA of the certificate it serves (the certificate was renewed, the configuration not): the API server refuses the TLS handshake and the cart rollout's ReplicaSet cannot create pods (x509: certificate signed by unknown authority).",
    apply(s) {
      installKyverno(s, { replicas: 3, webhooks: ['Fail', 'Ignore'] });
      // Go's crypto/tls since 1.20 wraps the x509 error: "tls: failed to verify certificate: %w".
      cartCannotCreatePods(s, kyvernoCall('tls: failed to verify certificate: x509: certificate signed by unknown authority'));
    },
  },
  {
    name: 'lb-controller-webhook-port-blocked',
    description:
      "The batch nodes' launch template gives them a security group of their own that accepts from the cluster security group only the kubelet's TCP 10250, and the AWS Load Balancer Controller runs there (nodeSelector on the batch nodes): the API server's calls to its pod webhook on TCP 9443 time out, so the cart rollout's ReplicaSet cannot create pods (context deadline exceeded).",
    apply(s) {
      const { clusterSecurityGroupId } = BASELINE;
      batchNodesOnOwnGroup(s, {
        ingress: [ruleFrom(clusterSecurityGroupId, 'tcp', 10250)],
        controlPlaneAccepts: [ruleFrom(BATCH_NODE_SG, 'tcp', 443)],
        clusterAccepts: [ruleFrom(BATCH_NODE_SG, 'udp', 53), ruleFrom(BATCH_NODE_SG, 'tcp', 53)],
      });
      const batchNodes = instancesOfGroup(s, BATCH_ASG).map((i) => ({ name: dnsName(i.PrivateIpAddress!), ip: i.PrivateIpAddress! }));
      const lbcPods = (s.kubernetes.kubeSystemPods ?? []).filter((p) => p.metadata?.labels?.['app.kubernetes.io/name'] === 'aws-load-balancer-controller');
      for (const [i, pod] of lbcPods.entries()) {
        const node = batchNodes[i % batchNodes.length]!;
        const [a, b, c, d] = node.ip.split('.').map(Number) as [number, number, number, number];
        pod.spec!.nodeName = node.name;
        pod.status = { ...pod.status, hostIP: node.ip, podIP: `${a}.${b}.${c + 8}.${(d + 30 + i) % 250}` };
      }
      for (const slice of s.kubernetes.webhookEndpointSlices ?? []) {
        for (const e of slice.endpoints ?? []) {
          const pod = lbcPods.find((p) => p.metadata?.name === e.targetRef?.name);
          if (pod) Object.assign(e, { addresses: [pod.status!.podIP!], nodeName: pod.spec!.nodeName! });
        }
      }
      // The API server's HTTP client gives up after the webhook's timeoutSeconds (10): the dropped SYNs end as the context's deadline.
      cartCannotCreatePods(s, lbcCall('context deadline exceeded'));
    },
  },
);

/**
 * Pods of a Deployment's ReplicaSet whose image cannot be pulled: Pending, the container waiting in
 * ImagePullBackOff with the kubelet's back-off message (`Back-off pulling image "<image>"`, and
 * since Kubernetes 1.31 `: <the last pull error>` after it, unless `withErrorInStatus` is false),
 * and the kubelet's Warning `Failed` event `Failed to pull image "<image>": <error>`
 * (pkg/kubelet/images/image_manager.go).
 */
export function podsCannotPull(snapshot: Snapshot, o: { namespace: string; app: string; image: string; error: string; count: number; withErrorInStatus?: boolean; /** The ReplicaSet's pod-template-hash (a rollout has two). */ hash?: string }): void {
  const nodes = (snapshot.kubernetes.nodes ?? []).filter((n) => n.metadata?.labels?.['eks.amazonaws.com/nodegroup']).map((n) => n.metadata!.name!);
  const hash = o.hash ?? '6d4f8b7c9d';
  for (let i = 0; i < o.count; i++) {
    const node = nodes[i % nodes.length]!;
    const name = `${o.app}-${hash}-${['b4n7x', 'c8m2z', 'd1q6w', 'f5t9k', 'g3r8p', 'j7y2v'][i % 6]}${i >= 6 ? i : ''}`;
    const pod = stuckPod(snapshot, o.namespace, name, node, o.app);
    ownedByDeployment(snapshot, { namespace: o.namespace, deployment: o.app, hash, pods: [pod] });
    pod.spec!.containers![0]!.image = o.image;
    const status = pod.status!.containerStatuses![0]!;
    status.image = o.image;
    const backOff = `Back-off pulling image "${o.image}"`;
    status.state = { waiting: { reason: 'ImagePullBackOff', message: o.withErrorInStatus === false ? backOff : `${backOff}: ${o.error}` } };
    snapshot.kubernetes.problemPods = [...(snapshot.kubernetes.problemPods ?? []), pod];
    snapshot.kubernetes.warningEvents!.push(
      warningEvent(snapshot, { involved: { kind: 'Pod', namespace: o.namespace, name, uid: pod.metadata!.uid! }, reason: 'Failed', message: `Failed to pull image "${o.image}": ${o.error}`, source: { component: 'kubelet', host: node }, count: 7 + i }),
    );
  }
}

/** containerd's CRI error around a resolver or fetcher error (PullImage: "failed to pull and unpack image %q: %w"). */
export const pullError = (image: string, code: string, cause: string) => {
  const ref = parseImageReference(image)!;
  const full = `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}`;
  return `rpc error: code = ${code} desc = failed to pull and unpack image "${full}": ${cause.replaceAll('<ref>', full)}`;
};

const CART_IMAGE = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/cart:2026.12.1';
const PLATFORM_IMAGE = '444455556666.dkr.ecr.eu-west-1.amazonaws.com/platform/base-api:3.1.0';
const REDIS_IMAGE = 'redis:7.4.1';

/** The platform team's repository in their own account, which the billing API pulls its base image from. */
export const PLATFORM_REPOSITORY = { registryId: '444455556666', repositoryName: 'platform/base-api', region: 'eu-west-1' } as const;

/** The pull actions a repository policy grants another account (https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html). */
const PULL_ACTIONS = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'];

/** The platform repository's policy: it lets the CI account pull, and nothing else: not this cluster's account. */
export const PLATFORM_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'AllowPullFromCi', Effect: 'Allow' as const, Principal: { AWS: 'arn:aws:iam::777788889999:root' }, Action: PULL_ACTIONS }],
};

/**
 * What ecr:GetRepositoryPolicy answers across accounts when the other account's policy does not
 * name the caller (the IAM policy-evaluation message AWS writes for a resource-based denial).
 */
export function crossAccountPolicyReadDenied(snapshot: Snapshot): { call: string; kind: 'denied'; code: string; message: string } {
  const caller = snapshot.aws.callerIdentity?.Arn ?? 'arn:aws:iam::111122223333:user/eks-doctor';
  const { region, registryId, repositoryName } = PLATFORM_REPOSITORY;
  return {
    call: 'ecr:GetRepositoryPolicy',
    kind: 'denied',
    code: 'AccessDeniedException',
    message: `User: ${caller} is not authorized to perform: ecr:GetRepositoryPolicy on resource: arn:aws:ecr:${region}:${registryId}:repository/${repositoryName} because no resource-based policy allows the ecr:GetRepositoryPolicy action`,
  };
}

/** The account's pull-through cache rule for Docker Hub, with the Docker Hub credentials its secret holds, as DescribePullThroughCacheRules returns it. */
export const DOCKER_HUB_CACHE_RULE: AwsElement<'ecrPullThroughCacheRules'> = {
  ecrRepositoryPrefix: 'docker-hub',
  upstreamRegistryUrl: 'registry-1.docker.io',
  createdAt: '2026-09-14T08:21:37.000Z',
  registryId: '111122223333',
  credentialArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:ecr-pullthroughcache/docker-hub-Qw3rTy',
  upstreamRegistry: 'docker-hub',
  updatedAt: '2026-09-14T08:21:37.000Z',
};

faults.push(
  {
    name: 'cart-pull-no-basic-auth-credentials',
    description: "The cart Deployment's new pods cannot pull from the account's own ECR: the kubelet's credential provider gets no token, so containerd pulls without credentials and ECR refuses it.",
    apply(s) {
      podsCannotPull(s, { namespace: 'shop', app: 'cart', image: CART_IMAGE, count: 3, error: pullError(CART_IMAGE, 'Unknown', 'failed to resolve reference "<ref>": pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials') });
    },
  },
  {
    name: 'cart-pull-s3-timeout',
    description: "The cart Deployment's pods resolve their image from ECR but time out fetching its layers from S3 (pre-1.31 kubelet: the error is only in the Failed event).",
    apply(s) {
      podsCannotPull(s, {
        namespace: 'shop',
        app: 'cart',
        image: CART_IMAGE,
        count: 2,
        withErrorInStatus: false,
        error: pullError(CART_IMAGE, 'Unknown', 'failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com/8c1f2a-111122223333-5e7b9c0d/1a2b3c4d?X-Amz-Security-Token=redacted": dial tcp 52.218.41.122:443: i/o timeout'),
      });
    },
  },
  {
    name: 's3-gateway-endpoint-deleted',
    description: 'The S3 gateway endpoint of a private cluster was deleted: ECR still answers, but image layers (served from S3) cannot be fetched.',
    apply(s) {
      removeEndpoint(s, 's3');
    },
  },
  {
    name: 'platform-image-cross-account-403',
    description: "The billing API pulls the platform team's base image from their account's ECR; that repository's policy does not allow this cluster's node role, so ECR answers 403 Forbidden.",
    apply(s) {
      podsCannotPull(s, {
        namespace: 'billing',
        app: 'billing-api',
        image: PLATFORM_IMAGE,
        count: 2,
        error: pullError(PLATFORM_IMAGE, 'Unknown', 'failed to resolve reference "<ref>": unexpected status from HEAD request to https://444455556666.dkr.ecr.eu-west-1.amazonaws.com/v2/platform/base-api/manifests/3.1.0: 403 Forbidden'),
      });
      // The platform account lets eks-doctor's caller read the policy, which names the CI account only.
      s.aws.ecrRepositoryPolicies = [{ ...PLATFORM_REPOSITORY, policyText: structuredClone(PLATFORM_POLICY) }];
    },
  },
  {
    name: 'platform-repository-policy-unreadable',
    description: "The platform account's repository policy does not let this account read it either: ecr:GetRepositoryPolicy answers AccessDeniedException, as it usually does across accounts.",
    apply(s) {
      s.aws.ecrRepositoryPolicies = [{ ...PLATFORM_REPOSITORY, failure: crossAccountPolicyReadDenied(s) }];
    },
  },
  {
    name: 'docker-hub-pull-through-cache-rule',
    description: "The account has an ECR pull-through cache rule for Docker Hub (prefix docker-hub, credentials in Secrets Manager).",
    apply(s) {
      s.aws.ecrPullThroughCacheRules = [{ ...DOCKER_HUB_CACHE_RULE }];
    },
  },
  {
    name: 'redis-docker-hub-rate-limited',
    description: "The session cache's redis pods pull from Docker Hub anonymously through the NAT gateway and hit its pull rate limit (429 toomanyrequests).",
    apply(s) {
      podsCannotPull(s, {
        namespace: 'shop',
        app: 'session-cache',
        image: REDIS_IMAGE,
        count: 3,
        error: pullError(
          REDIS_IMAGE,
          'Unknown',
          'failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/redis/manifests/sha256:1b5c2d7e3f9a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2b4c: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
        ),
      });
    },
  },
  {
    name: 'redis-moved-to-pull-through-cache',
    description: "The session cache was switched to the account's ECR pull-through cache for Docker Hub after being rate-limited: its pods run, and the hour-old 429 events of the old image remain in the event list.",
    apply(s) {
      podsCannotPull(s, { namespace: 'shop', app: 'session-cache', image: REDIS_IMAGE, count: 2, error: pullError(REDIS_IMAGE, 'Unknown', 'failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/redis/manifests/7.4.1: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit') });
      // The rollout replaced them: running pods are not in the list of pods not running; the events stay until their TTL.
      s.kubernetes.problemPods = s.kubernetes.problemPods!.filter((p) => !p.metadata?.name?.startsWith('session-cache-'));
    },
  },
  {
    name: 'cart-image-tag-not-found',
    description: 'The cart Deployment was rolled out with a tag that was never pushed: the registry answers not found.',
    apply(s) {
      const image = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/cart:2026.12.1-rc';
      podsCannotPull(s, { namespace: 'shop', app: 'cart', image, count: 2, error: pullError(image, 'NotFound', 'failed to resolve reference "<ref>": <ref>: not found') });
    },
  },
);

/** A stable UID for a mock object of `kind` named `name` (the last 12 hex digits of the name's bytes). */
const mockUid = (prefix: string, name: string) => `${prefix}-0000-4000-8000-${Buffer.from(name).toString('hex').slice(-12).padStart(12, '0')}`;

/**
 * Makes `pods` pods of the ReplicaSet `<deployment>-<hash>` of Deployment `deployment`, named and
 * labelled as the Deployment controller does (the ReplicaSet is `<deployment>-<pod-template-hash>`
 * and its pods carry the `pod-template-hash` label: pkg/controller/deployment/sync.go,
 * getNewReplicaSet; from memory), and adds that ReplicaSet, owned by the Deployment, to the
 * snapshot's ReplicaSets once. Two hashes of one Deployment are a rollout in progress.
 */
export function ownedByDeployment(snapshot: Snapshot, o: { namespace: string; deployment: string; hash: string; pods: KubePod[]; replicas?: number; revision?: number }): void {
  const name = `${o.deployment}-${o.hash}`;
  const uid = mockUid('6f6f6f6f', `${o.namespace}/${name}`);
  for (const pod of o.pods) {
    pod.metadata!.labels = { ...pod.metadata!.labels, 'pod-template-hash': o.hash };
    pod.metadata!.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid, controller: true, blockOwnerDeletion: true }];
  }
  const k = snapshot.kubernetes;
  if (k.replicaSets?.some((r) => r.metadata?.namespace === o.namespace && r.metadata?.name === name)) return;
  const selector = { app: o.deployment, 'pod-template-hash': o.hash };
  k.replicaSets = [
    ...(k.replicaSets ?? []),
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: o.namespace,
        uid,
        resourceVersion: '118001',
        generation: 1,
        creationTimestamp: minutesBefore(snapshot, 30),
        labels: selector,
        annotations: { 'deployment.kubernetes.io/revision': String(o.revision ?? 7) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: o.deployment, uid: mockUid('7f7f7f7f', `${o.namespace}/${o.deployment}`), controller: true, blockOwnerDeletion: true }],
      },
      spec: { replicas: o.replicas ?? o.pods.length, selector: { matchLabels: selector } },
      status: { replicas: o.pods.length, fullyLabeledReplicas: o.pods.length, readyReplicas: 0, availableReplicas: 0, observedGeneration: 1 },
    },
  ];
}

/**
 * Pods of a Deployment whose container keeps exiting: Running, waiting in CrashLoopBackOff with the
 * kubelet's back-off message, the last run terminated as given; and the kubelet's Warning BackOff
 * event "Back-off restarting failed container <c> in pod <name>_<namespace>(<uid>)" about each
 * (src/domain/kubelet-back-off.ts cites the source), by which eks-doctor finds them
 * (kubernetes.crashLoopPods: a GET per pod the events name).
 */
export function podsCrashLooping(snapshot: Snapshot, o: { namespace: string; app: string; serviceAccount: string; count: number; exitCode: number; reason: string; message?: string }): void {
  const nodes = (snapshot.kubernetes.nodes ?? []).filter((n) => n.metadata?.labels?.['eks.amazonaws.com/nodegroup']).map((n) => n.metadata!.name!);
  for (let i = 0; i < o.count; i++) {
    const node = nodes[(i + 1) % nodes.length]!;
    const name = `${o.app}-7c9f8d6b5c-${['x4k2m', 'w8n3p', 'v2b7q'][i % 3]}${i >= 3 ? i : ''}`;
    const pod = stuckPod(snapshot, o.namespace, name, node, o.app);
    ownedByDeployment(snapshot, { namespace: o.namespace, deployment: o.app, hash: '7c9f8d6b5c', pods: [pod] });
    pod.spec!.serviceAccountName = o.serviceAccount;
    const uid = pod.metadata!.uid!;
    pod.status = {
      ...pod.status,
      phase: 'Running',
      podIP: `10.0.${40 + i}.${17 + i}`,
      conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${o.app}]`, lastTransitionTime: minutesBefore(snapshot, 25) }],
      containerStatuses: [
        {
          name: o.app,
          image: pod.spec!.containers![0]!.image!,
          imageID: '',
          ready: false,
          started: false,
          restartCount: 9 + i,
          state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${o.app} pod=${name}_${o.namespace}(${uid})` } },
          lastState: { terminated: { reason: o.reason, exitCode: o.exitCode, startedAt: minutesBefore(snapshot, 4), finishedAt: minutesBefore(snapshot, 3), ...(o.message ? { message: o.message } : {}) } },
        },
      ],
    };
    kubeletBackingOff(snapshot, pod, 40 + i);
  }
}

/**
 * What a collection finds of a pod whose first container the kubelet backs off restarting: the
 * kubelet's Warning BackOff event "Back-off restarting failed container <c> in pod
 * <name>_<namespace>(<uid>)" (src/domain/kubelet-back-off.ts cites the source), and the pod itself,
 * read by name because that event names it (kubernetes.crashLoopPods).
 */
export function kubeletBackingOff(snapshot: Snapshot, pod: KubePod, count = 40): void {
  const { name, namespace, uid } = pod.metadata as { name: string; namespace: string; uid: string };
  const container = pod.spec!.containers![0]!.name;
  snapshot.kubernetes.crashLoopPods = [...(snapshot.kubernetes.crashLoopPods ?? []), pod];
  snapshot.kubernetes.warningEvents = [
    ...(snapshot.kubernetes.warningEvents ?? []),
    warningEvent(snapshot, { involved: { kind: 'Pod', namespace, name, uid }, reason: 'BackOff', message: `Back-off restarting failed container ${container} in pod ${name}_${namespace}(${uid})`, source: { component: 'kubelet', ...(pod.spec?.nodeName ? { host: pod.spec.nodeName } : {}) }, count }),
  ];
}

faults.push(
  {
    name: 'billing-api-crash-loop-no-credentials',
    description: 'billing/billing-api exits at start-up: its AWS SDK finds no credentials (the Pod Identity agent that serves them is gone), so its pods crash-loop.',
    apply(s) {
      podsCrashLooping(s, { namespace: 'billing', app: 'billing-api', serviceAccount: 'billing-api', count: 2, exitCode: 1, reason: 'Error', message: 'failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, request canceled, context deadline exceeded' });
    },
  },
  {
    name: 'cart-oom-killed',
    description: 'The cart pods are killed for exceeding their memory limit (OOMKilled, exit 137) and crash-loop: an application matter, no AWS cause.',
    apply(s) {
      podsCrashLooping(s, { namespace: 'shop', app: 'cart', serviceAccount: 'default', count: 3, exitCode: 137, reason: 'OOMKilled' });
    },
  },
);

/** CoreDNS's pods (the Deployment's selector over kube-system's pods). */
export function corednsPods(snapshot: Snapshot): KubePod[] {
  const deployment = snapshot.kubernetes.deployments!.find((d) => d.metadata?.namespace === 'kube-system' && d.metadata?.name === 'coredns')!;
  const selector = deployment.spec!.selector!.matchLabels!;
  return (snapshot.kubernetes.kubeSystemPods ?? []).filter((p) => Object.entries(selector).every(([k, v]) => p.metadata?.labels?.[k] === v));
}

/**
 * CoreDNS as the controllers leave it once `down` of its pods are not ready: each pod's Ready
 * condition False (with `reason` when the node lifecycle controller set it), the Deployment's
 * ready and available counts lowered and its Available condition False when fewer than
 * maxUnavailable remain (deployment_util.go: "Deployment does not have minimum availability."),
 * and Amazon EKS's InsufficientNumberOfReplicas on the coredns add-on.
 */
export function corednsPodsDown(snapshot: Snapshot, down: KubePod[], minutes = 20): void {
  for (const pod of down) {
    pod.status!.conditions = (pod.status!.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: minutesBefore(snapshot, minutes) } : c));
    for (const c of pod.status!.containerStatuses ?? []) c.ready = false;
  }
  const deployment = snapshot.kubernetes.deployments!.find((d) => d.metadata?.namespace === 'kube-system' && d.metadata?.name === 'coredns')!;
  const ready = Math.max(0, (deployment.status!.readyReplicas ?? 0) - down.length);
  deployment.status = {
    ...deployment.status,
    readyReplicas: ready,
    availableReplicas: ready,
    unavailableReplicas: (deployment.spec!.replicas ?? 1) - ready,
    conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastTransitionTime: minutesBefore(snapshot, minutes), lastUpdateTime: minutesBefore(snapshot, minutes) }],
  };
  addonDegraded(snapshot, 'coredns');
}

/**
 * CoreDNS's pods Pending for `minutes`, unscheduled with the scheduler's `message` on their
 * PodScheduled condition and its FailedScheduling events, and CoreDNS as the controllers then leave it.
 */
function corednsPending(s: Snapshot, message: string, o: { minutes: number; count: number }, edit: (pod: KubePod) => void): void {
  const pods = corednsPods(s);
  for (const pod of pods) {
    delete pod.spec!.nodeName;
    edit(pod);
    pod.status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: minutesBefore(s, o.minutes) }], qosClass: 'Burstable' };
  }
  // Pending kube-system pods are in both lists: kube-system's, and the pods not running.
  s.kubernetes.problemPods = [...(s.kubernetes.problemPods ?? []), ...pods];
  s.kubernetes.warningEvents = [
    ...(s.kubernetes.warningEvents ?? []),
    ...pods.map((pod) => recorderEvent(s, { pod, reason: 'FailedScheduling', type: 'Warning', note: message, controller: 'default-scheduler', instance: 'default-scheduler-ip-10-0-1-10.eu-west-1.compute.internal', minutesAgo: 1, firstMinutesAgo: o.minutes, count: o.count })),
  ];
  corednsPodsDown(s, pods, o.minutes);
}

faults.push({
  name: 'coredns-nodes-kubelet-stopped',
  description: "The kubelets of the two nodes CoreDNS runs on stopped posting status (every condition Unknown): the node lifecycle controller marks their pods not ready, so the kube-dns Service has no ready endpoint and EKS reports the coredns add-on DEGRADED.",
  apply(s) {
    const pods = corednsPods(s);
    const nodes = new Set(pods.map((p) => p.spec?.nodeName));
    for (const node of (s.kubernetes.nodes ?? []).filter((n) => nodes.has(n.metadata?.name))) setKubeletSilent(s, node, 30);
    // The pods of a node whose kubelet is silent: MarkPodsNotReady (pkg/controller/util/node/controller_utils.go, from memory) sets their Ready condition False.
    corednsPodsDown(s, pods, 29);
  },
});

faults.push({
  name: 'coredns-pending-untolerated-taint',
  description:
    "Every EC2 node was given the taint dedicated=payments:NoSchedule by hand (kubectl taint), and CoreDNS's pods, restarted since, do not tolerate it: both are Pending with \"node(s) had untolerated taint {dedicated: payments}\" and the kube-dns Service has no ready endpoint.",
  apply(s) {
    const ec2 = (n: KubeNode) => n.metadata?.labels?.['eks.amazonaws.com/compute-type'] !== 'fargate';
    for (const node of (s.kubernetes.nodes ?? []).filter(ec2)) node.spec = { ...node.spec, taints: [...(node.spec?.taints ?? []), { key: 'dedicated', value: 'payments', effect: 'NoSchedule' }] };
    // CoreDNS selects every node: each EC2 node is rejected for its taint, the Fargate node for its own.
    const message = failedSchedulingMessage(s, { taintOf: (n) => (ec2(n) ? { key: 'dedicated', value: 'payments' } : undefined), selects: () => true });
    corednsPending(s, message, { minutes: 12, count: 9 }, (pod) => {
      // As the Deployment controller labels its pods: without the ReplicaSets they still group under coredns.
      pod.metadata!.labels = { ...pod.metadata!.labels, 'pod-template-hash': pod.metadata!.ownerReferences![0]!.name.slice('coredns-'.length) };
    });
  },
});

/**
 * The annotation EKS gives CoreDNS's pod template so it runs on EC2 (diagnostics/lib/coredns.ts,
 * COMPUTE_TYPE_ANNOTATION): "By default, CoreDNS is configured to run on Amazon EC2 infrastructure
 * on Amazon EKS clusters" (AWS re:Post knowledge center, fargate-troubleshoot-profile-creation; the
 * EKS user guide's "Get started with AWS Fargate" removes it with `kubectl patch deployment coredns
 * ... "remove" ... /spec/template/metadata/annotations/eks.amazonaws.com~1compute-type`).
 */
const CORE_DNS_EC2_ANNOTATION = { 'eks.amazonaws.com/compute-type': 'ec2' };

/** The Fargate profile the platform team made for kube-system: it selects the AWS Load Balancer Controller only. */
export const KUBE_SYSTEM_CONTROLLERS_PROFILE = 'kube-system-controllers';

/**
 * A Fargate node as EKS registers one per pod: named fargate-<the pod's private DNS name>, labelled
 * with its compute type and profile, tainted so only the Fargate scheduler's pods land there.
 */
function fargateNodeFor(s: Snapshot, ip: string, zone: string, profile: string): KubeNode {
  const template = s.kubernetes.nodes!.find((n) => n.metadata?.labels?.['eks.amazonaws.com/compute-type'] === 'fargate')!;
  const node = structuredClone(template);
  const name = `fargate-ip-${ip.replaceAll('.', '-')}.${s.cluster.region}.compute.internal`;
  node.metadata = {
    ...node.metadata,
    name,
    uid: `0f0f0f0f-0000-4000-8000-${ip.replaceAll('.', '').padStart(12, '0')}`,
    labels: { ...node.metadata!.labels, 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone, 'eks.amazonaws.com/fargate-profile': profile },
  };
  node.spec = { ...node.spec, providerID: `aws:///${zone}/${ip.replaceAll('.', '').padStart(10, '0')}-${ip.replaceAll('.', '').padStart(10, '0')}/${name}` };
  node.status = { ...node.status, addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name.slice('fargate-'.length) }] };
  return node;
}

faults.push(
  {
    name: 'fargate-only-cluster',
    description:
      "The cluster was moved to Fargate only: its managed node group, the self-managed batch Auto Scaling group, Karpenter and the cluster-autoscaler are gone with their instances, and the EBS CSI driver with the EBS-backed orders database. A Fargate profile kube-system-controllers runs the AWS Load Balancer Controller (its label only). DaemonSets have no node to run on.",
    apply(s) {
      const { aws, kubernetes: k } = s;
      const ec2Nodes = new Set((k.nodes ?? []).filter((n) => n.metadata?.labels?.['eks.amazonaws.com/compute-type'] !== 'fargate').map((n) => n.metadata!.name!));
      aws.nodegroups = [];
      aws.autoScalingGroups = [];
      aws.scalingActivities = [];
      aws.reservations = [];
      aws.launchTemplateVersions = [];
      aws.launchTemplateUserData = [];
      // The AMIs and instance types went with the instances and launch templates: a collection finds none to describe.
      aws.images = [];
      aws.instanceTypes = [];
      // Instance profiles are read from the instances and launch templates, now gone; of the node roles only the batch group's was
      // known through them alone (the others stay mapped in aws-auth, so they are still read).
      aws.iamRoles = aws.iamRoles?.filter((r) => r.RoleName !== BATCH_ROLE_NAME);
      aws.iamAttachedRolePolicies = aws.iamAttachedRolePolicies?.filter((r) => r.RoleName !== BATCH_ROLE_NAME);
      aws.iamInstanceProfiles = [];
      k.nodePools = [];
      k.nodeClaims = [];
      k.ec2NodeClasses = [];
      k.clusterAutoscalers = [];
      k.clusterAutoscalerStatus = [];
      k.deployments = k.deployments!.filter((d) => !['cluster-autoscaler', 'ebs-csi-controller'].includes(d.metadata!.name!));
      k.daemonSets = k.daemonSets!.filter((d) => d.metadata!.name !== 'ebs-csi-node');
      aws.addons = aws.addons!.filter((a) => a.addonName !== 'aws-ebs-csi-driver');
      aws.addonVersions = aws.addonVersions?.filter((a) => a.addonName !== 'aws-ebs-csi-driver');
      // Deleting the add-on deletes its ServiceAccounts, and with them the only mention of its IRSA role a collection reads.
      k.serviceAccounts = k.serviceAccounts!.filter((a) => !a.metadata!.name!.startsWith('ebs-csi-'));
      aws.iamRoles = aws.iamRoles!.filter((r) => r.RoleName !== 'shop-prod-ebs-csi');
      aws.iamAttachedRolePolicies = aws.iamAttachedRolePolicies!.filter((r) => r.RoleName !== 'shop-prod-ebs-csi');
      k.persistentVolumeClaims = [];
      k.persistentVolumes = [];
      // EKS's DaemonSets carry a node affinity that excludes Fargate (compute-type NotIn fargate): with no EC2 node they want no pod.
      for (const ds of k.daemonSets) ds.status = { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, observedGeneration: ds.status?.observedGeneration ?? 1 };
      k.nodes = k.nodes!.filter((n) => !ec2Nodes.has(n.metadata!.name!));
      k.kubeSystemPods = k.kubeSystemPods!.filter((p) => !ec2Nodes.has(p.spec?.nodeName ?? '') || p.metadata?.ownerReferences?.[0]?.kind !== 'DaemonSet');
      k.kubeSystemPods = k.kubeSystemPods.filter((p) => !p.metadata!.name!.startsWith('ebs-csi-controller-'));
      // The Load Balancer Controller's pods, one Fargate node each (Fargate runs one pod per node).
      const lbcLabels = { 'app.kubernetes.io/name': 'aws-load-balancer-controller' };
      aws.fargateProfiles!.push({
        ...aws.fargateProfiles![0]!,
        fargateProfileName: KUBE_SYSTEM_CONTROLLERS_PROFILE,
        fargateProfileArn: aws.fargateProfiles![0]!.fargateProfileArn!.replace('/serverless/1a2b3c4d-0000-1111-2222-333344445555', `/${KUBE_SYSTEM_CONTROLLERS_PROFILE}/7e8f9a0b-0000-1111-2222-333344445555`),
        createdAt: minutesBefore(s, 6 * 24 * 60),
        selectors: [{ namespace: 'kube-system', labels: lbcLabels }],
      });
      const zones = ['eu-west-1a', 'eu-west-1b'];
      const lbcPods = k.kubeSystemPods.filter((p) => p.metadata!.name!.startsWith('aws-load-balancer-controller-'));
      for (const [i, pod] of lbcPods.entries()) {
        const ip = ['10.0.12.87', '10.0.44.163'][i % 2]!;
        const node = fargateNodeFor(s, ip, zones[i % 2]!, KUBE_SYSTEM_CONTROLLERS_PROFILE);
        k.nodes.push(node);
        pod.metadata = { ...pod.metadata, labels: { ...pod.metadata!.labels, 'eks.amazonaws.com/fargate-profile': KUBE_SYSTEM_CONTROLLERS_PROFILE }, annotations: { ...pod.metadata!.annotations, CapacityProvisioned: '0.25vCPU 0.5GB', Logging: 'LoggingDisabled: LOGGING_CONFIGMAP_NOT_FOUND' } };
        pod.spec!.nodeName = node.metadata!.name!;
        pod.spec!.schedulerName = 'fargate-scheduler';
        pod.status = { ...pod.status, podIP: ip, hostIP: ip };
      }
      for (const slice of k.webhookEndpointSlices ?? []) {
        for (const [i, e] of (slice.endpoints ?? []).entries()) {
          const pod = lbcPods[i % lbcPods.length];
          if (pod && e.targetRef?.name?.startsWith('aws-load-balancer-controller-')) Object.assign(e, { addresses: [pod.status!.podIP!], nodeName: pod.spec!.nodeName!, targetRef: { ...e.targetRef, name: pod.metadata!.name! } });
        }
      }
    },
  },
  {
    name: 'coredns-pending-on-fargate-only',
    description:
      "CoreDNS's pods were restarted on the Fargate-only cluster: its template still carries the eks.amazonaws.com/compute-type: ec2 annotation EKS gives it, so the default scheduler takes them and finds only Fargate nodes, whose taint they do not tolerate. They stay Pending and the kube-dns Service has no ready endpoint.",
    apply(s) {
      const deployment = s.kubernetes.deployments!.find((d) => d.metadata?.namespace === 'kube-system' && d.metadata?.name === 'coredns')!;
      const template = deployment.spec!.template!;
      template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, ...CORE_DNS_EC2_ANNOTATION } };
      // pkg/scheduler/framework/types.go, FitError.Error(): "0/%v nodes are available: %v." with the
      // reasons sorted, then the PostFilter (DefaultPreemption) message; the taint reason is
      // plugins/tainttoleration's "node(s) had untolerated taint {%s: %s}".
      const message = failedSchedulingMessage(s, { selects: () => true });
      corednsPending(s, message, { minutes: 14, count: 11 }, (pod) => {
        pod.metadata = { ...pod.metadata, annotations: { ...pod.metadata?.annotations, ...CORE_DNS_EC2_ANNOTATION } };
        pod.spec!.schedulerName = 'default-scheduler';
      });
    },
  },
  {
    name: 'kube-system-fargate-profile-for-coredns',
    description: 'A Fargate profile coredns selecting kube-system pods labelled k8s-app=kube-dns was created afterwards, but CoreDNS was neither patched nor restarted: its template keeps the EC2 annotation.',
    apply(s) {
      const first = s.aws.fargateProfiles![0]!;
      s.aws.fargateProfiles!.push({
        ...first,
        fargateProfileName: 'coredns',
        fargateProfileArn: first.fargateProfileArn!.replace('/serverless/1a2b3c4d-0000-1111-2222-333344445555', '/coredns/3c4d5e6f-0000-1111-2222-333344445555'),
        createdAt: minutesBefore(s, 40),
        selectors: [{ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }],
      });
    },
  },
);
