/**
 * The projections of the kinds read in bulk (KIND_FIELDS): a large object, as the API serves it,
 * loses the fields no check reads and keeps those checks read, and projected objects share their
 * hidden classes. That no check loses a field it reads is proved over every scenario in
 * test/snapshot-sanitize.test.ts; the round trips (test/live/whole-snapshot-round-trip.test.ts,
 * src/collect/kubernetes/collect-kubernetes.test.ts) prove the collector applies them.
 */
import { describe, expect, it } from 'vitest';
import { KIND_FIELDS, projectKind } from '../src/snapshot/sanitize.js';
import { hiddenClassCount, layoutCount } from './support/hidden-classes.js';

type Json = Record<string, unknown>;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** What every object carries from the API server and no check reads. */
function withServerBulk(object: Json): Json {
  const metadata = (object.metadata ?? {}) as Json;
  return {
    ...object,
    metadata: {
      ...metadata,
      resourceVersion: '48213377',
      generation: 4,
      finalizers: ['kubernetes.io/pv-protection'],
      managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: '2026-12-01T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:phase': {} } } }],
      annotations: { ...((metadata.annotations ?? {}) as Json), [LAST_APPLIED]: JSON.stringify(object) },
    },
  };
}

/** One object per kind, shaped as the API serves it, with the fields that must go (`dropped`, dotted paths) and some that must stay (`kept`). */
const CASES: { kind: keyof typeof KIND_FIELDS; object: Json; dropped: string[]; kept: string[] }[] = [
  {
    kind: 'event',
    object: {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web-7d9f-x2x.18a2f1', namespace: 'shop', uid: 'e1', creationTimestamp: '2026-12-01T10:00:00Z' },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-7d9f-x2x', uid: 'p1', resourceVersion: '991', fieldPath: 'spec.containers{web}' },
      reason: 'Failed',
      message: 'Failed to pull image "nginx:1.27": failed to resolve reference',
      source: { component: 'kubelet', host: 'ip-10-0-1-5.eu-west-1.compute.internal' },
      firstTimestamp: '2026-12-01T10:00:00Z',
      lastTimestamp: '2026-12-01T10:05:00Z',
      count: 4,
      type: 'Warning',
      eventTime: null,
      reportingComponent: 'kubelet',
      reportingInstance: 'ip-10-0-1-5.eu-west-1.compute.internal',
      action: 'Pulling',
    },
    dropped: ['metadata.uid', 'metadata.managedFields', 'metadata.resourceVersion', 'involvedObject.resourceVersion', 'involvedObject.apiVersion', 'involvedObject.fieldPath', 'action'],
    kept: ['metadata.name', 'involvedObject.uid', 'reason', 'message', 'source', 'count', 'lastTimestamp', 'eventTime', 'reportingInstance'],
  },
  {
    kind: 'endpointSlice',
    object: {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'policy-webhook-8xk2p', generateName: 'policy-webhook-', namespace: 'policy', labels: { 'kubernetes.io/service-name': 'policy-webhook' }, ownerReferences: [{ kind: 'Service', name: 'policy-webhook' }] },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.0.3.7'], conditions: { ready: false, serving: false, terminating: false }, nodeName: 'ip-10-0-3-1', zone: 'eu-west-1a', targetRef: { kind: 'Pod', namespace: 'policy', name: 'policy-webhook-5c4-abc', uid: 'p2' } }],
      ports: [{ name: 'https', port: 9443, protocol: 'TCP' }],
    },
    dropped: ['metadata.generateName', 'metadata.ownerReferences', 'metadata.annotations', 'endpoints.0.targetRef'],
    kept: ['metadata.labels', 'endpoints.0.addresses', 'endpoints.0.conditions', 'endpoints.0.nodeName', 'ports'],
  },
  {
    kind: 'webhookDeployment',
    object: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'policy-webhook', namespace: 'policy', uid: 'd1', creationTimestamp: '2026-11-01T00:00:00Z', annotations: { 'deployment.kubernetes.io/revision': '3' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'policy-webhook' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        revisionHistoryLimit: 10,
        template: {
          metadata: { labels: { app: 'policy-webhook' }, annotations: { 'checksum/config': 'abc' } },
          spec: { containers: [{ name: 'webhook', image: 'policy:1.2', env: [{ name: 'TOKEN', value: 'secret' }], resources: { limits: { memory: '256Mi' } } }] },
        },
      },
      status: { observedGeneration: 4, replicas: 0, conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', lastUpdateTime: '2026-12-01T10:00:00Z', lastTransitionTime: '2026-12-01T10:00:00Z' }] },
    },
    dropped: ['spec.strategy', 'spec.revisionHistoryLimit', 'spec.template.spec', 'spec.template.metadata.annotations', 'status.observedGeneration', 'status.conditions.0.lastUpdateTime', `metadata.annotations[${LAST_APPLIED}]`],
    kept: ['spec.replicas', 'spec.template.metadata.labels', 'status.conditions.0.reason', 'metadata.annotations[deployment.kubernetes.io/revision]'],
  },
  {
    kind: 'persistentVolumeClaim',
    object: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data-db-0', namespace: 'shop', uid: 'c1', labels: { app: 'db' }, annotations: { 'volume.kubernetes.io/selected-node': 'ip-10-0-1-5', 'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } }, storageClassName: 'gp3', volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    },
    dropped: ['metadata.finalizers', 'metadata.managedFields', `metadata.annotations[${LAST_APPLIED}]`],
    kept: ['metadata.annotations[volume.kubernetes.io/selected-node]', 'spec.storageClassName', 'spec.resources.requests', 'status.phase'],
  },
  {
    kind: 'persistentVolume',
    object: {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pvc-3f1c', uid: 'v1', annotations: { 'pv.kubernetes.io/provisioned-by': 'ebs.csi.aws.com' } },
      spec: {
        accessModes: ['ReadWriteOnce'],
        capacity: { storage: '20Gi' },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-db-0', uid: 'c1', resourceVersion: '12' },
        csi: { driver: 'ebs.csi.aws.com', fsType: 'ext4', volumeHandle: 'vol-0abc', volumeAttributes: { 'storage.kubernetes.io/csiProvisionerIdentity': '1701-8081-ebs.csi.aws.com' } },
        mountOptions: ['noatime'],
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a'] }] }] } },
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: 'gp3',
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound', lastPhaseTransitionTime: '2026-12-01T10:00:00Z' },
    },
    dropped: ['spec.csi.volumeAttributes', 'spec.mountOptions', 'spec.claimRef.resourceVersion', 'spec.claimRef.apiVersion', 'status.lastPhaseTransitionTime', 'metadata.finalizers'],
    kept: ['spec.nodeAffinity', 'spec.csi.driver', 'spec.csi.volumeHandle', 'spec.claimRef.name', 'status.phase'],
  },
  {
    kind: 'storageClass',
    object: {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'gp2', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'kubernetes.io/aws-ebs',
      parameters: { type: 'gp2', fsType: 'ext4' },
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
      mountOptions: ['debug'],
    },
    dropped: ['mountOptions', `metadata.annotations[${LAST_APPLIED}]`, 'metadata.managedFields'],
    kept: ['provisioner', 'volumeBindingMode', 'parameters', 'metadata.annotations[storageclass.kubernetes.io/is-default-class]'],
  },
  {
    kind: 'csiDriver',
    object: {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'CSIDriver',
      metadata: { name: 'ebs.csi.aws.com', labels: { 'app.kubernetes.io/name': 'aws-ebs-csi-driver' } },
      spec: { attachRequired: true, podInfoOnMount: false, fsGroupPolicy: 'File', volumeLifecycleModes: ['Persistent'], seLinuxMount: false, tokenRequests: [{ audience: 'sts.amazonaws.com' }] },
    },
    dropped: ['spec.seLinuxMount', 'spec.tokenRequests', 'metadata.resourceVersion'],
    kept: ['spec.attachRequired', 'spec.volumeLifecycleModes', 'metadata.labels'],
  },
  {
    kind: 'nodePool',
    object: {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: 'default' },
      spec: {
        template: {
          metadata: { labels: { team: 'shop' } },
          spec: {
            nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' },
            requirements: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot'] }],
            taints: [{ key: 'dedicated', value: 'shop', effect: 'NoSchedule' }],
            expireAfter: '720h',
            terminationGracePeriod: '48h',
          },
        },
        limits: { cpu: '1000' },
        disruption: { consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '1m' },
      },
      status: { resources: { cpu: '996', nodes: '120' }, nodeClassObservedGeneration: 2, conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: '', lastTransitionTime: '2026-11-01T00:00:00Z', observedGeneration: 4 }] },
    },
    dropped: ['spec.template.spec.terminationGracePeriod', 'status.nodeClassObservedGeneration', 'status.conditions.0.observedGeneration', 'metadata.generation'],
    kept: ['spec.limits', 'spec.template.spec.requirements', 'spec.template.spec.taints', 'status.resources', 'status.conditions.0.status'],
  },
  {
    kind: 'nodeClaim',
    object: {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodeClaim',
      metadata: { name: 'default-x7k2p', labels: { 'karpenter.sh/nodepool': 'default' }, ownerReferences: [{ apiVersion: 'karpenter.sh/v1', kind: 'NodePool', name: 'default', uid: 'np1' }] },
      spec: {
        nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' },
        requirements: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['m5.large', 'm5.xlarge'] }],
        resources: { requests: { cpu: '3', pods: '7' } },
        taints: [{ key: 'dedicated', value: 'shop', effect: 'NoSchedule' }],
        expireAfter: '720h',
      },
      status: { providerID: 'aws:///eu-west-1a/i-0abc', capacity: { cpu: '2', memory: '7910Mi' }, allocatable: { cpu: '1930m' }, lastPodEventTime: '2026-12-01T10:00:00Z', conditions: [{ type: 'Launched', status: 'False', reason: 'InsufficientCapacity', message: 'all requested instance types were unavailable', lastTransitionTime: '2026-12-01T10:00:00Z' }] },
    },
    dropped: ['spec.taints', 'spec.expireAfter', 'status.capacity', 'status.allocatable', 'status.lastPodEventTime'],
    kept: ['spec.requirements', 'spec.resources.requests', 'status.providerID', 'status.conditions.0.message', 'metadata.labels'],
  },
  {
    kind: 'nodeClass',
    object: {
      apiVersion: 'karpenter.k8s.aws/v1',
      kind: 'EC2NodeClass',
      metadata: { name: 'default' },
      spec: {
        role: 'KarpenterNodeRole-shop-prod',
        amiSelectorTerms: [{ alias: 'al2023@latest' }],
        subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'shop-prod' } }],
        securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'shop-prod' } }],
        userData: 'apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\n',
        blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '100Gi', volumeType: 'gp3' } }],
        tags: { team: 'shop' },
      },
      status: {
        amis: [{ id: 'ami-0abc', name: 'amazon-eks-node-al2023', requirements: [] }],
        subnets: [{ id: 'subnet-0a', zone: 'eu-west-1a', zoneID: 'euw1-az1' }],
        securityGroups: [{ id: 'sg-0a', name: 'eks-cluster-sg' }],
        instanceProfile: 'shop-prod_1234',
        conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: '', lastTransitionTime: '2026-11-01T00:00:00Z' }],
      },
    },
    dropped: ['spec.amiSelectorTerms', 'spec.userData', 'spec.blockDeviceMappings', 'spec.tags', 'status.amis'],
    kept: ['spec.role', 'spec.subnetSelectorTerms', 'status.subnets', 'status.instanceProfile', 'status.conditions.0.type'],
  },
];

/** The value at a path: dotted keys, or a key in brackets when it holds dots itself (`metadata.annotations[a.b/c]`). */
function at(value: unknown, path: string): unknown {
  let current = value;
  for (const [, plain, bracketed] of path.matchAll(/([^.[\]]+)|\[([^\]]+)\]/g)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Json)[(plain ?? bracketed)!];
  }
  return current;
}

describe('kinds read in bulk keep only the fields checks read', () => {
  it('every kind the collector projects has a case here', () => {
    expect(CASES.map((c) => c.kind).sort()).toEqual(Object.keys(KIND_FIELDS).sort());
  });

  it.each(CASES)('$kind: a large object loses what no check reads and keeps what they do', ({ kind, object, dropped, kept }) => {
    const served = JSON.parse(JSON.stringify(withServerBulk(object))) as Json;
    const projected = projectKind(kind)(served);
    for (const path of dropped) {
      expect(at(served, path), `${path} is in the served object`).not.toBeUndefined();
      expect(at(projected, path), `${path} is dropped`).toBeUndefined();
    }
    for (const path of kept) expect(at(projected, path), `${path} is kept`).toEqual(at(served, path));
    expect(JSON.stringify(projected).length).toBeLessThan(JSON.stringify(served).length / 2);
  });

  it.each(CASES)('$kind: projected objects share their hidden classes', ({ kind, object }) => {
    // Many objects of one layout with different values, as a list read parses them.
    const served = JSON.parse(JSON.stringify(Array.from({ length: 40 }, (_, i) => withServerBulk({ ...object, metadata: { ...(object.metadata as Json), name: `${kind}-${i}` } })))) as Json[];
    const projected = served.map(projectKind(kind));
    for (const level of [undefined, 'metadata', 'spec', 'status']) {
      const objects = projected.flatMap((o) => (level === undefined ? [o] : o[level] && typeof o[level] === 'object' ? [o[level] as object] : []));
      expect(hiddenClassCount(objects), level ?? kind).toBeLessThanOrEqual(layoutCount(objects));
    }
  });
});
