/**
 * Application workload for the benchmark's clusters ("Pods that cannot be scheduled", issue 17):
 * Deployments of 50 replicas, ten pods per node, a tenth of them Pending because they ask for more
 * memory or CPU than any node can give. Shaped as the Kubernetes API serves them, since what the
 * client parses and keeps is what the benchmark measures: each pod owned by its ReplicaSet
 * (`pod-template-hash`, ownerReferences with controller and blockOwnerDeletion), managedFields, the
 * projected service-account volume, the default tolerations; a Pending pod carries
 * PodScheduled=False with reason Unschedulable and the scheduler's message, and one FailedScheduling
 * event, recorded through events.k8s.io/v1 as the scheduler records it and read back through core/v1
 * (eventTime and series set; firstTimestamp, lastTimestamp and count empty).
 *
 * The running pods are not collected (eks-doctor lists pods that are not Running and not Succeeded,
 * and the API server filters them), so the snapshot and the mock hold the Pending ones, their
 * ReplicaSets and Deployments, and their events; `runningPods` counts the rest.
 */
import type { Snapshot } from '../../src/snapshot/types.js';
import { BASELINE } from './baseline.js';

export interface WorkloadOptions {
  /** Workload pods per node (EC2 nodes, the Fargate node not counted). Default 10. */
  podsPerNode?: number;
  /** The fraction of them that cannot be scheduled. Default 0.1. */
  pendingFraction?: number;
}

export interface Workload {
  pendingPods: unknown[];
  failedSchedulingEvents: unknown[];
  deployments: unknown[];
  replicaSets: unknown[];
  /** Pods that are Running: part of the workload, never listed by eks-doctor. */
  runningPods: number;
}

const REPLICAS = 50;
const NAMESPACES = ['shop', 'checkout', 'payments', 'search', 'catalog', 'recommendations', 'notifications', 'identity'] as const;
const SCHEDULER_INSTANCE = 'default-scheduler-ip-172-16-61-172.eu-west-1.compute.internal';

interface NodeView {
  metadata?: { name?: string };
  spec?: { taints?: { key: string; value?: string; effect: string }[] };
  status?: { allocatable?: Record<string, string> };
}

/** Kubernetes quantities as the nodes report them: '3817232Ki', '15Gi', '2', '1930m'. */
function quantity(value: string | undefined): number {
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti)?$/.exec(value ?? '');
  if (!match) return 0;
  const scale = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * scale;
}

/**
 * The scheduler's FitError message for a pod that fits no node (from memory of
 * pkg/scheduler/framework/types.go, FitError.Error: "0/N nodes are available: " then each reason
 * with its node count, sorted as strings and joined by ", ", then "."; and of
 * pkg/scheduler/framework/preemption/preemption.go for the "preemption: " part). A taint the pod does
 * not tolerate reads "node(s) had untolerated taint {key: value}" (tainttoleration plugin) and is
 * UnschedulableAndUnresolvable, so preemption "is not helpful" there; elsewhere evicting lower
 * priority pods cannot free enough ("No preemption victims found for incoming pod").
 */
function unschedulableMessage(nodes: NodeView[], resource: 'cpu' | 'memory', request: number): string {
  const filter = new Map<string, number>();
  const preemption = new Map<string, number>();
  const add = (histogram: Map<string, number>, reason: string) => histogram.set(reason, (histogram.get(reason) ?? 0) + 1);
  for (const node of nodes) {
    const taint = node.spec?.taints?.find((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
    if (taint) {
      add(filter, `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
      add(preemption, 'Preemption is not helpful for scheduling');
    } else if (quantity(node.status?.allocatable?.[resource]) < request) {
      add(filter, `Insufficient ${resource}`);
      add(preemption, 'No preemption victims found for incoming pod');
    }
  }
  const histogram = (h: Map<string, number>) => [...h].map(([reason, count]) => `${count} ${reason}`).sort().join(', ');
  return `0/${nodes.length} nodes are available: ${histogram(filter)}. preemption: 0/${nodes.length} nodes are available: ${histogram(preemption)}.`;
}

/** A stable hex string of the given length from a number (uids, hashes, event name suffixes). */
function hex(n: number, length: number): string {
  return n.toString(16).padStart(length, '0').slice(-length);
}

/** The alphabet of generated name suffixes (from memory of apimachinery's util/rand: consonants and digits, no vowels). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
function suffix(n: number, length: number): string {
  let out = '';
  for (let i = 0, v = n; i < length; i++, v = Math.floor(v / SUFFIX_ALPHABET.length)) out += SUFFIX_ALPHABET[v % SUFFIX_ALPHABET.length];
  return out;
}

function uid(prefix: string, n: number): string {
  return `${prefix}-${hex(n >>> 16, 4)}-4${hex(n, 3)}-8000-${hex(n, 12)}`;
}

export function buildWorkload(snapshot: Snapshot, options: WorkloadOptions = {}): Workload {
  const nodes = (snapshot.kubernetes.nodes ?? []) as NodeView[];
  const ec2Nodes = nodes.filter((n) => !n.metadata?.name?.startsWith('fargate-')).length;
  const total = ec2Nodes * (options.podsPerNode ?? 10);
  const deploymentCount = Math.ceil(total / REPLICAS);
  const pendingEvery = Math.round(1 / (options.pendingFraction ?? 0.1));
  const { account } = BASELINE;
  const region = snapshot.cluster.region;
  const largest = (resource: string) => Math.max(...nodes.map((n) => quantity(n.status?.allocatable?.[resource])));
  const tooMuch = { memory: `${Math.ceil(largest('memory') / 2 ** 30) + 16}Gi`, cpu: `${Math.ceil(largest('cpu')) + 8}` };
  const messages = {
    memory: unschedulableMessage(nodes, 'memory', quantity(tooMuch.memory)),
    cpu: unschedulableMessage(nodes, 'cpu', quantity(tooMuch.cpu)),
  };

  const workload: Workload = { pendingPods: [], failedSchedulingEvents: [], deployments: [], replicaSets: [], runningPods: 0 };
  for (let d = 0; d < deploymentCount; d++) {
    const replicas = Math.min(REPLICAS, total - d * REPLICAS);
    const pending = d % pendingEvery === pendingEvery - 1;
    const namespace = NAMESPACES[d % NAMESPACES.length]!;
    const app = `${namespace}-svc-${d.toString(36).padStart(3, '0')}`;
    const templateHash = `${hex(d * 2654435761, 8)}${suffix(d, 2)}`.slice(0, 10);
    const replicaSetName = `${app}-${templateHash}`;
    const deploymentUid = uid('d0d0d0d0', d);
    const replicaSetUid = uid('c0c0c0c0', d);
    const short = d % 2 === 0 ? 'memory' : 'cpu';
    const requests = pending ? { cpu: short === 'cpu' ? tooMuch.cpu : '500m', memory: short === 'memory' ? tooMuch.memory : '1Gi' } : { cpu: '250m', memory: '512Mi' };
    const labels = { 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': namespace };
    const container = {
      name: 'app',
      image: `${account}.dkr.ecr.${region}.amazonaws.com/${namespace}/${app}:1.${d % 40}.${d % 7}`,
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      env: [
        { name: 'OTEL_SERVICE_NAME', value: app },
        { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      ],
      resources: { limits: { memory: requests.memory }, requests },
      readinessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      imagePullPolicy: 'IfNotPresent',
    };
    const template = { metadata: { labels }, spec: { serviceAccountName: app, containers: [container] } };
    const created = '2026-11-25T08:00:00Z';
    workload.deployments.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: app, namespace, uid: deploymentUid, resourceVersion: `${400000 + d}`, generation: 4, creationTimestamp: '2026-06-01T10:00:00Z', labels, annotations: { 'deployment.kubernetes.io/revision': '4' } },
      spec: { replicas, selector: { matchLabels: labels }, template, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 },
      status: pending
        ? {
            observedGeneration: 4, replicas, updatedReplicas: replicas, unavailableReplicas: replicas,
            conditions: [
              { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastUpdateTime: created, lastTransitionTime: created },
              { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${replicaSetName}" has timed out progressing.`, lastUpdateTime: '2026-11-25T08:10:01Z', lastTransitionTime: '2026-11-25T08:10:01Z' },
            ],
          }
        : { observedGeneration: 4, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: created, lastTransitionTime: created }] },
    });
    workload.replicaSets.push({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: replicaSetName, namespace, uid: replicaSetUid, resourceVersion: `${500000 + d}`, generation: 1, creationTimestamp: created,
        labels: { ...labels, 'pod-template-hash': templateHash },
        annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + Math.ceil(replicas / 4)), 'deployment.kubernetes.io/revision': '4' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: app, uid: deploymentUid, controller: true, blockOwnerDeletion: true }],
      },
      spec: { replicas, selector: { matchLabels: { ...labels, 'pod-template-hash': templateHash } }, template: { ...template, metadata: { labels: { ...labels, 'pod-template-hash': templateHash } } } },
      status: pending ? { replicas, fullyLabeledReplicas: replicas, observedGeneration: 1 } : { replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1 },
    });
    if (!pending) {
      workload.runningPods += replicas;
      continue;
    }
    for (let r = 0; r < replicas; r++) {
      const n = d * REPLICAS + r;
      const name = `${replicaSetName}-${suffix(n, 5)}`;
      const podUid = uid('b0b0b0b0', n);
      const resourceVersion = `${600000 + n}`;
      const tokenVolume = `kube-api-access-${suffix(n + 7, 5)}`;
      workload.pendingPods.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name, generateName: `${replicaSetName}-`, namespace, uid: podUid, resourceVersion, creationTimestamp: created,
          labels: { ...labels, 'pod-template-hash': templateHash },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: replicaSetName, uid: replicaSetUid, controller: true, blockOwnerDeletion: true }],
          managedFields: [
            {
              manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: created, fieldsType: 'FieldsV1',
              fieldsV1: { 'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {}, 'f:app.kubernetes.io/name': {}, 'f:app.kubernetes.io/part-of': {}, 'f:pod-template-hash': {} }, 'f:ownerReferences': { '.': {}, [`k:{"uid":"${replicaSetUid}"}`]: {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:env': {}, 'f:image': {}, 'f:imagePullPolicy': {}, 'f:name': {}, 'f:ports': {}, 'f:readinessProbe': {}, 'f:resources': {}, 'f:terminationMessagePath': {}, 'f:terminationMessagePolicy': {} } }, 'f:dnsPolicy': {}, 'f:enableServiceLinks': {}, 'f:restartPolicy': {}, 'f:schedulerName': {}, 'f:securityContext': {}, 'f:serviceAccount': {}, 'f:serviceAccountName': {}, 'f:terminationGracePeriodSeconds': {} } },
            },
            { manager: 'kube-scheduler', operation: 'Update', apiVersion: 'v1', time: created, fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:conditions': { '.': {}, 'k:{"type":"PodScheduled"}': { '.': {}, 'f:lastProbeTime': {}, 'f:lastTransitionTime': {}, 'f:message': {}, 'f:reason': {}, 'f:status': {}, 'f:type': {} } } } }, subresource: 'status' },
          ],
        },
        spec: {
          volumes: [{ name: tokenVolume, projected: { sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }, { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }, { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } }], defaultMode: 420 } }],
          containers: [{ ...container, volumeMounts: [{ name: tokenVolume, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }],
          restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', serviceAccountName: app, serviceAccount: app, securityContext: {}, schedulerName: 'default-scheduler',
          tolerations: [
            { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
            { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
          ],
          priority: 0, enableServiceLinks: true, preemptionPolicy: 'PreemptLowerPriority',
        },
        status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: created, reason: 'Unschedulable', message: messages[short] }], qosClass: 'Burstable' },
      });
      workload.failedSchedulingEvents.push({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${name}.187e4a2b${hex(n, 8)}`, namespace, uid: uid('e1e1e1e1', n), resourceVersion: `${900000 + n}`, creationTimestamp: '2026-11-25T08:00:01Z' },
        involvedObject: { kind: 'Pod', namespace, name, uid: podUid, apiVersion: 'v1', resourceVersion },
        reason: 'FailedScheduling',
        message: messages[short],
        source: {},
        firstTimestamp: null,
        lastTimestamp: null,
        type: 'Warning',
        eventTime: '2026-11-25T08:00:01.204816Z',
        series: { count: 19, lastObservedTime: '2026-11-25T09:46:12.512930Z' },
        action: 'Scheduling',
        reportingComponent: 'default-scheduler',
        reportingInstance: SCHEDULER_INSTANCE,
      });
    }
  }
  return workload;
}
