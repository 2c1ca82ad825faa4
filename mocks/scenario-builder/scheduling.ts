/**
 * The baseline's scheduling side: what a healthy cluster with a cluster-autoscaler (for the managed
 * node group) and Karpenter (its `default` NodePool, whose node the baseline holds) serves. The
 * objects are shaped as the API server returns them; faults in mocks/faults/scheduling.ts break them.
 */
import { servedApiGroups, VPC_CNI_CRD_GROUPS } from '../k8s-mock/resources.js';
import { componentPodLabels, componentSelector } from './component-labels.js';
import { clusterAutoscalerSettings, discoveredBy } from '../../src/domain/cluster-autoscaler.js';
import type { KubernetesData, NodeClass, NodePool, Snapshot } from '../../src/snapshot/types.js';

export const CLUSTER_AUTOSCALER_IMAGE = 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.34.1';
export const KARPENTER_DISCOVERY_TAG = 'karpenter.sh/discovery';

interface SchedulingInput {
  privateSubnets: readonly string[];
  karpenterRoleName: string;
  /** kube-system Deployments whose pods the baseline runs: their current ReplicaSets. */
  replicaSetOwners: { deployment: string; replicaSet: string; replicaSetUid: string; deploymentUid: string; replicas: number }[];
}

const ZONE_IDS = ['euw1-az1', 'euw1-az2', 'euw1-az3'];

export function clusterAutoscalerDeployment(clusterName: string, o: { namespace?: string; replicas?: number; args?: string[] } = {}) {
  const replicas = o.replicas ?? 1;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'cluster-autoscaler',
      namespace: o.namespace ?? 'kube-system',
      uid: '0f0e0e0e-0000-4000-8000-c1a5c1a5c1a5',
      resourceVersion: '70003',
      generation: 1,
      creationTimestamp: '2025-06-01T12:40:00Z',
      labels: { app: 'cluster-autoscaler' },
      annotations: { 'deployment.kubernetes.io/revision': '1' },
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'cluster-autoscaler' } },
      template: {
        metadata: { labels: { app: 'cluster-autoscaler' }, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8085' } },
        spec: {
          priorityClassName: 'system-cluster-critical',
          serviceAccountName: 'cluster-autoscaler',
          containers: [
            {
              name: 'cluster-autoscaler',
              image: CLUSTER_AUTOSCALER_IMAGE,
              // As the EKS documentation's cluster-autoscaler-autodiscover.yaml runs it.
              command: o.args ?? [
                './cluster-autoscaler',
                '--v=4',
                '--stderrthreshold=info',
                '--cloud-provider=aws',
                '--skip-nodes-with-local-storage=false',
                '--expander=least-waste',
                `--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/${clusterName}`,
              ],
              resources: { limits: { cpu: '100m', memory: '600Mi' }, requests: { cpu: '100m', memory: '600Mi' } },
            },
          ],
        },
      },
    },
    status: {
      observedGeneration: 1,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: '2026-11-02T09:21:00Z', lastTransitionTime: '2026-11-02T09:21:00Z' }],
    },
  };
}

/** The time as the status ConfigMap writes it: Go's time.Time String() (from memory of clusterstate/utils/status.go). */
export function goTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}000000 +0000 UTC`;
}

export interface StatusGroup {
  name: string;
  ready: number;
  target: number;
  min: number;
  max: number;
  scaleUp?: 'NoActivity' | 'InProgress' | 'Backoff';
  backoff?: { errorCode: string; errorMessage: string };
}

/**
 * The status ConfigMap in the YAML format cluster-autoscaler writes since 1.30 (from memory of
 * cluster-autoscaler/clusterstate/api/types.go, ClusterAutoscalerStatus, and
 * clusterstate/utils/status.go, which stores it under data.status).
 */
export function statusYaml(at: string, groups: StatusGroup[]): string {
  const time = goTime(at);
  const counts = (ready: number) => `      registered:\n        total: ${ready}\n        ready: ${ready}\n        notStarted: 0\n      longUnregistered: 0\n      unregistered: 0\n`;
  const total = groups.reduce((n, g) => n + g.ready, 0);
  const clusterScaleUp = groups.some((g) => g.scaleUp === 'InProgress') ? 'InProgress' : 'NoActivity';
  let text = `time: ${time}\nautoscalerStatus: Running\nclusterWide:\n  health:\n    status: Healthy\n    nodeCounts:\n${counts(total).replace(/^ {2}/gm, '')}    lastProbeTime: "${time}"\n    lastTransitionTime: "2026-11-02 09:21:10.000000000 +0000 UTC"\n  scaleUp:\n    status: ${clusterScaleUp}\n    lastProbeTime: "${time}"\n    lastTransitionTime: "2026-11-02 09:21:10.000000000 +0000 UTC"\n  scaleDown:\n    status: NoCandidates\n    lastProbeTime: "${time}"\n    lastTransitionTime: "2026-11-02 09:21:10.000000000 +0000 UTC"\nnodeGroups:\n`;
  for (const g of groups) {
    text += `- name: ${g.name}\n  health:\n    status: Healthy\n    nodeCounts:\n${counts(g.ready).replace(/^ {2}/gm, '')}    cloudProviderTarget: ${g.target}\n    minSize: ${g.min}\n    maxSize: ${g.max}\n    lastProbeTime: "${time}"\n    lastTransitionTime: "2026-11-02 09:21:10.000000000 +0000 UTC"\n  scaleUp:\n    status: ${g.scaleUp ?? 'NoActivity'}\n`;
    if (g.backoff) text += `    backoffInfo:\n      errorCode: ${g.backoff.errorCode}\n      errorMessage: ${JSON.stringify(g.backoff.errorMessage)}\n`;
    text += `    lastProbeTime: "${time}"\n    lastTransitionTime: "2026-11-02 09:21:10.000000000 +0000 UTC"\n  scaleDown:\n    status: NoCandidates\n    lastProbeTime: "${time}"\n    lastTransitionTime: "2026-11-02 09:21:10.000000000 +0000 UTC"\n`;
  }
  return text;
}

export function statusConfigMap(at: string, groups: StatusGroup[], namespace = 'kube-system') {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'cluster-autoscaler-status',
      namespace,
      uid: '3c3c3c3c-0000-4000-8000-c1a5c1a5c1a5',
      resourceVersion: '990001',
      creationTimestamp: '2025-06-01T12:41:00Z',
      annotations: { 'cluster-autoscaler.kubernetes.io/last-updated': goTime(at) },
    },
    data: { status: statusYaml(at, groups) },
  };
}

export function karpenterNodePool(o: { name?: string; limits?: Record<string, string>; resources?: Record<string, string>; zones: readonly string[]; nodeClass?: { group: string; kind: string; name: string }; taints?: { key: string; value?: string; effect: string }[] }): NodePool {
  const name = o.name ?? 'default';
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name, uid: `4d4d4d4d-0000-4000-8000-${name.padStart(12, '0').slice(-12)}`, generation: 1, creationTimestamp: '2025-06-01T12:50:00Z', annotations: { 'karpenter.sh/nodepool-hash': '6821555240594823858', 'karpenter.sh/nodepool-hash-version': 'v3' } },
    spec: {
      template: {
        spec: {
          nodeClassRef: o.nodeClass ?? { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' },
          requirements: [
            { key: 'kubernetes.io/arch', operator: 'In', values: ['arm64', 'amd64'] },
            { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot', 'on-demand'] },
            { key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['c', 'm', 'r'] },
            { key: 'topology.kubernetes.io/zone', operator: 'In', values: [...o.zones] },
          ],
          ...(o.taints ? { taints: o.taints } : {}),
          expireAfter: '720h',
        },
      },
      limits: o.limits ?? { cpu: '100', memory: '400Gi' },
      disruption: { consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '1m', budgets: [{ nodes: '10%' }] },
    },
    status: {
      resources: o.resources ?? { cpu: '2', memory: '7936Mi', 'ephemeral-storage': '20959212Ki', nodes: '1', pods: '29' },
      conditions: [
        { type: 'ValidationSucceeded', status: 'True', reason: 'ValidationSucceeded', message: '', lastTransitionTime: '2025-06-01T12:50:01Z', observedGeneration: 1 },
        { type: 'NodeClassReady', status: 'True', reason: 'NodeClassReady', message: '', lastTransitionTime: '2025-06-01T12:50:01Z', observedGeneration: 1 },
        { type: 'Ready', status: 'True', reason: 'Ready', message: '', lastTransitionTime: '2025-06-01T12:50:01Z', observedGeneration: 1 },
      ],
    },
  };
}

export function ec2NodeClass(o: { clusterName: string; roleName: string; subnets: readonly string[]; azs: readonly string[] }): NodeClass {
  const ready = (type: string) => ({ type, status: 'True', reason: type, message: '', lastTransitionTime: '2025-06-01T12:50:05Z', observedGeneration: 1 });
  return {
    apiVersion: 'karpenter.k8s.aws/v1',
    kind: 'EC2NodeClass',
    metadata: { name: 'default', uid: '5d5d5d5d-0000-4000-8000-000000000001', generation: 1, creationTimestamp: '2025-06-01T12:50:00Z', annotations: { 'karpenter.k8s.aws/ec2nodeclass-hash': '3127712432917330245', 'karpenter.k8s.aws/ec2nodeclass-hash-version': 'v4' } },
    spec: {
      role: o.roleName,
      subnetSelectorTerms: [{ tags: { [KARPENTER_DISCOVERY_TAG]: o.clusterName } }],
      securityGroupSelectorTerms: [{ tags: { [KARPENTER_DISCOVERY_TAG]: o.clusterName } }],
    },
    status: {
      subnets: o.subnets.map((id, i) => ({ id, zone: o.azs[i % o.azs.length]!, zoneID: ZONE_IDS[i % ZONE_IDS.length]! })),
      securityGroups: [{ id: 'sg-0c1a2b3c4d5e6f701', name: `eks-cluster-sg-${o.clusterName}-1234567890` }],
      instanceProfile: 'shop-prod_1234567890123456789',
      conditions: ['AMIsReady', 'SubnetsReady', 'SecurityGroupsReady', 'InstanceProfileReady', 'ValidationSucceeded', 'Ready'].map(ready),
    },
  };
}

function replicaSet(o: SchedulingInput['replicaSetOwners'][number]) {
  return {
    metadata: {
      name: o.replicaSet,
      namespace: 'kube-system',
      uid: o.replicaSetUid,
      resourceVersion: '70010',
      generation: 1,
      creationTimestamp: '2026-11-02T09:19:00Z',
      labels: { ...componentPodLabels(o.deployment), 'pod-template-hash': o.replicaSet.slice(o.deployment.length + 1) },
      annotations: { 'deployment.kubernetes.io/desired-replicas': String(o.replicas), 'deployment.kubernetes.io/max-replicas': String(o.replicas + 1), 'deployment.kubernetes.io/revision': '2' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: o.deployment, uid: o.deploymentUid, controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas: o.replicas, selector: { matchLabels: { ...componentSelector(o.deployment), 'pod-template-hash': o.replicaSet.slice(o.deployment.length + 1) } } },
    status: { replicas: o.replicas, fullyLabeledReplicas: o.replicas, readyReplicas: o.replicas, availableReplicas: o.replicas, observedGeneration: 1 },
  };
}

/** A bound gp3 claim of a StatefulSet and its volume, as the EBS CSI driver provisions them. */
export function boundClaim(o: { namespace: string; claim: string; volumeId: string; zone: string; uid: string; size?: string; storageClass?: string; zoneKey?: string }) {
  const pvName = `pvc-${o.uid}`;
  const size = o.size ?? '20Gi';
  const storageClassName = o.storageClass ?? 'gp3';
  return {
    claim: {
      metadata: {
        name: o.claim,
        namespace: o.namespace,
        uid: o.uid,
        resourceVersion: '61001',
        creationTimestamp: '2025-09-10T08:00:00Z',
        labels: { app: o.claim.replace(/^data-/, '').replace(/-\d+$/, '') },
        annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes', 'volume.beta.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com', 'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com', 'volume.kubernetes.io/selected-node': 'ip-10-0-1-10.eu-west-1.compute.internal' },
        finalizers: ['kubernetes.io/pvc-protection'],
      },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, storageClassName, volumeMode: 'Filesystem', volumeName: pvName },
      status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: size } },
    },
    volume: {
      metadata: {
        name: pvName,
        uid: `${o.uid.slice(0, -4)}beef`,
        resourceVersion: '61002',
        creationTimestamp: '2025-09-10T08:00:04Z',
        annotations: { 'pv.kubernetes.io/provisioned-by': 'ebs.csi.aws.com', 'volume.kubernetes.io/provisioner-deletion-secret-name': '', 'volume.kubernetes.io/provisioner-deletion-secret-namespace': '' },
        finalizers: ['external-provisioner.volume.kubernetes.io/finalizer', 'kubernetes.io/pv-protection'],
      },
      spec: {
        accessModes: ['ReadWriteOnce'],
        capacity: { storage: size },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: o.claim, namespace: o.namespace, uid: o.uid, resourceVersion: '61000' },
        csi: { driver: 'ebs.csi.aws.com', fsType: 'ext4', volumeHandle: o.volumeId, volumeAttributes: { 'storage.kubernetes.io/csiProvisionerIdentity': '1730000000000-9753-ebs.csi.aws.com' } },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: o.zoneKey ?? 'topology.kubernetes.io/zone', operator: 'In', values: [o.zone] }] }] } },
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName,
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound', lastPhaseTransitionTime: '2025-09-10T08:00:04Z' },
    },
  };
}

/** The status the autoscaler reports for the groups its auto-discovery finds (their sizes as Auto Scaling reports them). */
export function statusGroupsOf(snapshot: Snapshot): StatusGroup[] {
  const settings = clusterAutoscalerSettings(clusterAutoscalerDeployment(snapshot.cluster.name));
  return (snapshot.aws.autoScalingGroups ?? [])
    .filter((g) => settings && discoveredBy(settings, g.Tags ?? []))
    .map((g) => {
      const ready = (g.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length;
      return { name: g.AutoScalingGroupName!, ready, target: g.DesiredCapacity ?? ready, min: g.MinSize ?? 0, max: g.MaxSize ?? 0 };
    });
}

/**
 * Adds the scheduling parts to a built baseline (after its other Kubernetes parts, the order
 * collection records them in), reading its zones, groups and capture time.
 */
export function addSchedulingParts(snapshot: Snapshot, o: SchedulingInput): void {
  const azs = [...new Set((snapshot.aws.subnets ?? []).filter((s) => o.privateSubnets.includes(s.SubnetId!)).map((s) => s.AvailabilityZone!))];
  const clusterName = snapshot.cluster.name;
  const claims = [0, 1, 2].map((i) => boundClaim({ namespace: 'shop', claim: `data-orders-db-${i}`, volumeId: `vol-0a1b2c3d4e5f6a7b${i}`, zone: azs[i % azs.length]!, uid: `6e6e6e6e-0000-4000-8000-00000000000${i}` }));
  Object.assign(snapshot.kubernetes, {
    apiGroups: servedApiGroups(['karpenter.sh', 'karpenter.k8s.aws', ...VPC_CNI_CRD_GROUPS]),
    persistentVolumeClaims: claims.map((c) => c.claim),
    persistentVolumes: claims.map((c) => c.volume),
    storageClasses: [
      {
        metadata: { name: 'gp2', uid: '7e7e7e7e-0000-4000-8000-000000000002', resourceVersion: '301', creationTimestamp: '2024-03-14T10:05:00Z' },
        provisioner: 'kubernetes.io/aws-ebs',
        parameters: { fsType: 'ext4', type: 'gp2' },
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'WaitForFirstConsumer',
      },
      {
        metadata: { name: 'gp3', uid: '7e7e7e7e-0000-4000-8000-000000000003', resourceVersion: '302', creationTimestamp: '2024-03-14T10:20:00Z', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
        provisioner: 'ebs.csi.aws.com',
        parameters: { type: 'gp3', encrypted: 'true' },
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'WaitForFirstConsumer',
        allowVolumeExpansion: true,
      },
    ],
    csiDrivers: [
      {
        metadata: { name: 'ebs.csi.aws.com', uid: '8e8e8e8e-0000-4000-8000-000000000001', resourceVersion: '303', creationTimestamp: '2024-03-14T10:20:00Z', labels: { 'app.kubernetes.io/component': 'csi-driver', 'app.kubernetes.io/managed-by': 'EKS', 'app.kubernetes.io/name': 'aws-ebs-csi-driver' } },
        spec: { attachRequired: true, fsGroupPolicy: 'ReadWriteOnceWithFSType', podInfoOnMount: false, requiresRepublish: false, seLinuxMount: false, storageCapacity: false, volumeLifecycleModes: ['Persistent'] },
      },
      {
        metadata: { name: 'efs.csi.aws.com', uid: '8e8e8e8e-0000-4000-8000-000000000002', resourceVersion: '304', creationTimestamp: '2024-03-14T10:20:00Z' },
        spec: { attachRequired: false, fsGroupPolicy: 'ReadWriteOnceWithFSType', podInfoOnMount: false, requiresRepublish: false, seLinuxMount: false, storageCapacity: false, volumeLifecycleModes: ['Persistent'] },
      },
    ],
    replicaSets: o.replicaSetOwners.map(replicaSet),
    jobs: [],
    clusterAutoscalers: [clusterAutoscalerDeployment(clusterName)],
    clusterAutoscalerStatus: [statusConfigMap(snapshot.capturedAt, statusGroupsOf(snapshot))],
    scalingEvents: [],
    claimEvents: [],
    nodePools: [karpenterNodePool({ zones: azs })],
    nodeClaims: [],
    ec2NodeClasses: [ec2NodeClass({ clusterName, roleName: o.karpenterRoleName, subnets: o.privateSubnets, azs })],
    autoModeNodeClasses: [],
  } satisfies KubernetesData);
}
