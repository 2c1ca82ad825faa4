/**
 * Faults behind claims that do not bind and volumes pinned to a zone: the StatefulSet shop/ledger-db
 * (three replicas, a 50Gi `data` claim each from its volumeClaimTemplates) waiting on its claims for
 * each reason, and the healthy variants (a WaitForFirstConsumer claim whose pod waits for a
 * scale-up, a volume being provisioned, a bound StatefulSet pod restarting). Objects as the API
 * server returns them; events in the shape each recorder leaves: the PersistentVolume controller
 * and the external-provisioner write through the core/v1 recorder (source.component,
 * first/lastTimestamp, count), the scheduler and the cluster-autoscaler through events.k8s.io
 * (eventTime, series). diagnostics/claim-unbound.test.ts and lib/provisioning-errors.ts cite the sources.
 */
import type { KubeEvent, KubePersistentVolumeClaim, KubePod, Snapshot } from '../../src/snapshot/types.js';
import { BATCH_ASG, MANAGED_ASG, MANAGED_NODEGROUP, PRIVATE_SUBNETS } from '../scenario-builder/baseline.js';
import { boundClaim } from '../scenario-builder/scheduling.js';
import { defineFaults } from '../scenario-builder/fault.js';
import { insufficientCpuMessage, recorderEvent } from './scheduling.js';
import { minutesBefore, nodegroupNodes, nodeName } from './symptoms.js';

export const LEDGER = { namespace: 'shop', statefulSet: 'ledger-db', uid: '3d3d3d3d-0000-4000-8000-1ed6e0db0000', revision: 'ledger-db-6d9c7b8f4d', replicas: 3 } as const;

/** The scheduler's FitError when a PreFilter plugin (VolumeBinding) rejects the pod for every node (from memory of pkg/scheduler/framework/types.go and plugins/volumebinding/volume_binding.go, ErrReasonBindConflict). */
export function unboundImmediateMessage(s: Snapshot): string {
  const n = (s.kubernetes.nodes ?? []).length;
  return `0/${n} nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`;
}

/**
 * What the scheduler records when the VolumeBinding PreBind step gives up waiting for a
 * WaitForFirstConsumer claim to be provisioned (its bind timeout, 600 s by default): an error, not
 * a FitError, so PodScheduled=False with reason SchedulerError (from memory of
 * pkg/scheduler/schedule_one.go handleSchedulingFailure and volumebinding's PreBind).
 */
export const PREBIND_TIMEOUT_MESSAGE = 'running PreBind plugin "VolumeBinding": binding volumes: context deadline exceeded';

/** The external-provisioner's identity as it reports events: `<provisioner>_<controller pod>_<uuid>` (sig-storage-lib-external-provisioner). */
export const EBS_PROVISIONER_IDENTITY = 'ebs.csi.aws.com_ebs-csi-controller-5c8f9d7b6-h4j2k_8b2e1f3a-6c4d-4e5f-9a0b-1c2d3e4f5a6b';

/** The tolerations the DefaultTolerationSeconds admission plugin adds to every pod (300 s each). */
const ADMISSION_TOLERATIONS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

interface PodState {
  /** The PodScheduled condition; absent while the scheduler is still binding the pod. */
  scheduled?: { reason: 'Unschedulable' | 'SchedulerError'; message: string };
  nodeSelector?: Record<string, string>;
  minutes: number;
}

export function ledgerPod(s: Snapshot, index: number, o: PodState): KubePod {
  const name = `${LEDGER.statefulSet}-${index}`;
  const since = minutesBefore(s, o.minutes);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: LEDGER.namespace,
      uid: `4e4e4e4e-0000-4000-8000-1ed6e0db000${index}`,
      resourceVersion: `${140000 + index}`,
      creationTimestamp: since,
      labels: { app: LEDGER.statefulSet, 'apps.kubernetes.io/pod-index': String(index), 'controller-revision-hash': LEDGER.revision, 'statefulset.kubernetes.io/pod-name': name },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: LEDGER.statefulSet, uid: LEDGER.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      containers: [{ name: 'postgres', image: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/ledger-db:16.4', resources: { requests: { cpu: '2', memory: '8Gi' }, limits: { memory: '8Gi' } }, volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }] }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: `data-${name}` } }],
      hostname: name,
      subdomain: LEDGER.statefulSet,
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
      schedulerName: 'default-scheduler',
      serviceAccountName: 'default',
      tolerations: ADMISSION_TOLERATIONS.map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 })),
    },
    status: {
      phase: 'Pending',
      ...(o.scheduled ? { conditions: [{ type: 'PodScheduled', status: 'False', reason: o.scheduled.reason, message: o.scheduled.message, lastTransitionTime: since }] } : {}),
      qosClass: 'Burstable',
    },
  };
}

interface ClaimState {
  /** undefined: no storageClassName at all (the default class applies). */
  storageClass?: string;
  /** The provisioner the PersistentVolume controller handed the claim to (its storage-provisioner annotations). */
  provisioner?: string;
  /** The node the scheduler picked (WaitForFirstConsumer). */
  selectedNode?: string;
  minutes: number;
}

export function ledgerClaim(s: Snapshot, index: number, o: ClaimState): KubePersistentVolumeClaim {
  const annotations: Record<string, string> = {
    ...(o.provisioner ? { 'volume.beta.kubernetes.io/storage-provisioner': o.provisioner, 'volume.kubernetes.io/storage-provisioner': o.provisioner } : {}),
    ...(o.selectedNode ? { 'volume.kubernetes.io/selected-node': o.selectedNode } : {}),
  };
  return {
    metadata: {
      name: `data-${LEDGER.statefulSet}-${index}`,
      namespace: LEDGER.namespace,
      uid: `6f6f6f6f-0000-4000-8000-1ed6e0db000${index}`,
      resourceVersion: `${141000 + index}`,
      creationTimestamp: minutesBefore(s, o.minutes),
      labels: { app: LEDGER.statefulSet },
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      finalizers: ['kubernetes.io/pvc-protection'],
    },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } }, ...(o.storageClass !== undefined ? { storageClassName: o.storageClass } : {}), volumeMode: 'Filesystem' },
    status: { phase: 'Pending' },
  };
}

/**
 * An event as client-go's core/v1 recorder (tools/record) writes it, as the PersistentVolume
 * controller and the external-provisioner do: named `<object>.<hex nanoseconds>`, with
 * source.component, first/lastTimestamp and count, no eventTime.
 */
export function claimEvent(s: Snapshot, claim: KubePersistentVolumeClaim, o: { reason: string; type: 'Normal' | 'Warning'; message: string; component: string; minutesAgo: number; firstMinutesAgo?: number; count?: number }): KubeEvent {
  const first = minutesBefore(s, o.firstMinutesAgo ?? o.minutesAgo);
  const salt = [...o.reason].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 0xfffff, 11);
  const name = `${claim.metadata!.name}.${(BigInt(Date.parse(first)) * 1_000_000n + BigInt(salt)).toString(16)}`;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: claim.metadata!.namespace, uid: `7a7a7a7a-${String(o.reason.length).padStart(4, '0')}-4000-8000-${name.slice(-12)}`, resourceVersion: '142000', creationTimestamp: first },
    involvedObject: { kind: 'PersistentVolumeClaim', namespace: claim.metadata!.namespace, name: claim.metadata!.name, uid: claim.metadata!.uid, apiVersion: 'v1', resourceVersion: claim.metadata!.resourceVersion },
    reason: o.reason,
    message: o.message,
    source: { component: o.component },
    firstTimestamp: first,
    lastTimestamp: minutesBefore(s, o.minutesAgo),
    count: o.count ?? 1,
    type: o.type,
    eventTime: null,
    reportingComponent: o.component,
    reportingInstance: '',
    // The API server serves `eventTime: null` for these; the client library's type has no null.
  } as unknown as KubeEvent;
}

/** The PersistentVolume controller's wait for an external provisioner (pv_controller.go provisionClaimOperationExternal, 1.27 and later wording). */
export function externalProvisioningMessage(provisioner: string): string {
  return `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that your external provisioner is running and correctly registered.`;
}

function schedulerEvents(s: Snapshot, pods: KubePod[], message: string, minutes: number): KubeEvent[] {
  return pods.map((pod) => recorderEvent(s, { pod, reason: 'FailedScheduling', type: 'Warning', note: message, controller: 'default-scheduler', instance: 'default-scheduler-ip-10-0-1-10.eu-west-1.compute.internal', minutesAgo: 1, firstMinutesAgo: minutes, count: 12 }));
}

function add(s: Snapshot, pods: KubePod[], claims: KubePersistentVolumeClaim[], o: { warning?: KubeEvent[]; normal?: KubeEvent[] }): void {
  const k = s.kubernetes;
  k.problemPods = [...(k.problemPods ?? []), ...pods];
  k.persistentVolumeClaims = [...(k.persistentVolumeClaims ?? []), ...claims];
  k.warningEvents = [...(k.warningEvents ?? []), ...(o.warning ?? [])];
  k.claimEvents = [...(k.claimEvents ?? []), ...(o.normal ?? [])];
}

const indexes = Array.from({ length: LEDGER.replicas }, (_, i) => i);

/** The managed node the scheduler picked for each ledger-db pod. */
function pickedNode(s: Snapshot, i: number): string {
  const nodes = nodegroupNodes(s, MANAGED_NODEGROUP);
  return nodeName(nodes[i % nodes.length]!);
}

/** ledger-db's claims of gp3 (WaitForFirstConsumer) handed to ebs.csi.aws.com after the scheduler picked nodes 35 minutes ago, with nothing answering; the pods' PreBind times out. */
function ledgerWaitsForEbs(s: Snapshot): void {
  const pods = indexes.map((i) => ledgerPod(s, i, { scheduled: { reason: 'SchedulerError', message: PREBIND_TIMEOUT_MESSAGE }, minutes: 36 }));
  const claims = indexes.map((i) => ledgerClaim(s, i, { storageClass: 'gp3', provisioner: 'ebs.csi.aws.com', selectedNode: pickedNode(s, i), minutes: 36 }));
  add(s, pods, claims, {
    warning: schedulerEvents(s, pods, PREBIND_TIMEOUT_MESSAGE, 25),
    normal: claims.map((c) => claimEvent(s, c, { reason: 'ExternalProvisioning', type: 'Normal', message: externalProvisioningMessage('ebs.csi.aws.com'), component: 'persistentvolume-controller', minutesAgo: 0, firstMinutesAgo: 35, count: 142 })),
  });
}

/** The EBS CSI driver as the add-on installs it, gone: add-on, CSIDriver object, controller, node DaemonSet and their pods. */
function removeEbsCsiDriver(s: Snapshot): void {
  const k = s.kubernetes;
  s.aws.addons = (s.aws.addons ?? []).filter((a) => a.addonName !== 'aws-ebs-csi-driver');
  // DescribeAddonVersions is asked for the installed add-ons only.
  s.aws.addonVersions = (s.aws.addonVersions ?? []).filter((a) => a.addonName !== 'aws-ebs-csi-driver');
  k.csiDrivers = (k.csiDrivers ?? []).filter((d) => d.metadata?.name !== 'ebs.csi.aws.com');
  k.deployments = (k.deployments ?? []).filter((d) => d.metadata?.name !== 'ebs-csi-controller');
  k.daemonSets = (k.daemonSets ?? []).filter((d) => d.metadata?.name !== 'ebs-csi-node');
  k.kubeSystemPods = (k.kubeSystemPods ?? []).filter((p) => !/^ebs-csi-(controller|node)-/.test(p.metadata?.name ?? ''));
  k.replicaSets = (k.replicaSets ?? []).filter((r) => !r.metadata?.name?.startsWith('ebs-csi-controller-'));
}

/** The batch nodes' label, which pods pinned to them select. */
const BATCH_LABEL = 'node-role.example.com/batch';

/**
 * The scheduler's FitError for a pod pinned to the batch nodes whose volumes are in a zone none of
 * them is in: Fargate nodes fail TaintToleration, the others NodeAffinity, the batch nodes
 * VolumeBinding's "node(s) had volume node affinity conflict" (each node counted under its first
 * failing filter, in the default profile's order; from memory of pkg/scheduler/framework/types.go
 * and plugins/volumebinding/volume_binding.go, ErrReasonNodeConflict).
 */
export function volumeConflictMessage(s: Snapshot): string {
  const nodes = s.kubernetes.nodes ?? [];
  const fargate = nodes.filter((n) => n.metadata?.labels?.['eks.amazonaws.com/compute-type'] === 'fargate').length;
  const batch = nodes.filter((n) => n.metadata?.labels?.[BATCH_LABEL] === 'true').length;
  const parts = [`${batch} node(s) had volume node affinity conflict`, `${nodes.length - fargate - batch} node(s) didn't match Pod's node affinity/selector`, ...(fargate > 0 ? [`${fargate} node(s) had untolerated taint {eks.amazonaws.com/compute-type: fargate}`] : [])].sort();
  return `0/${nodes.length} nodes are available: ${parts.join(', ')}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`;
}

/** ledger-db pinned to the batch nodes, its claims Bound to EBS volumes in `zone` (the EBS CSI driver's topology key). */
export function ledgerBoundIn(s: Snapshot, zone: string, zoneKey = 'topology.ebs.csi.aws.com/zone'): void {
  const message = volumeConflictMessage(s);
  const pods = indexes.map((i) => ledgerPod(s, i, { scheduled: { reason: 'Unschedulable', message }, nodeSelector: { [BATCH_LABEL]: 'true' }, minutes: 18 }));
  const bound = indexes.map((i) => boundClaim({ namespace: LEDGER.namespace, claim: `data-${LEDGER.statefulSet}-${i}`, volumeId: `vol-0d1e2f3a4b5c6d7e${i}`, zone, uid: `6f6f6f6f-0000-4000-8000-1ed6e0db100${i}`, size: '50Gi', zoneKey }));
  s.kubernetes.persistentVolumeClaims = [...(s.kubernetes.persistentVolumeClaims ?? []), ...bound.map((b) => b.claim)];
  s.kubernetes.persistentVolumes = [...(s.kubernetes.persistentVolumes ?? []), ...bound.map((b) => b.volume)];
  add(s, pods, [], { warning: schedulerEvents(s, pods, message, 18) });
}

export const faults = defineFaults([
  {
    name: 'ledger-db-claims-no-default-class',
    description:
      'The StatefulSet shop/ledger-db\'s volumeClaimTemplates name no storageClassName, and no StorageClass is the default (gp3 lost its storageclass.kubernetes.io/is-default-class annotation when a Helm chart re-applied it): its three claims stay Pending ("no storage class is set") and its pods have "unbound immediate PersistentVolumeClaims".',
    apply(s) {
      for (const c of s.kubernetes.storageClasses ?? []) {
        const annotations = { ...(c.metadata?.annotations ?? {}) };
        delete annotations['storageclass.kubernetes.io/is-default-class'];
        c.metadata = { ...c.metadata, annotations };
        if (Object.keys(annotations).length === 0) delete c.metadata.annotations;
      }
      const message = unboundImmediateMessage(s);
      const pods = indexes.map((i) => ledgerPod(s, i, { scheduled: { reason: 'Unschedulable', message }, minutes: 30 }));
      const claims = indexes.map((i) => ledgerClaim(s, i, { minutes: 30 }));
      add(s, pods, claims, {
        warning: schedulerEvents(s, pods, message, 30),
        // From memory of pv_controller.go syncUnboundClaim: Normal FailedBinding on every resync (15 s).
        normal: claims.map((c) => claimEvent(s, c, { reason: 'FailedBinding', type: 'Normal', message: 'no persistent volumes available for this claim and no storage class is set', component: 'persistentvolume-controller', minutesAgo: 0, firstMinutesAgo: 30, count: 121 })),
      });
    },
  },
  {
    name: 'ebs-csi-driver-not-installed',
    description: 'The EBS CSI driver is not installed: no aws-ebs-csi-driver add-on, no ebs.csi.aws.com CSIDriver, no ebs-csi-controller (the cluster was created without it; its IAM role was made but the add-on never created).',
    apply: removeEbsCsiDriver,
  },
  {
    name: 'ledger-db-claims-wait-for-ebs',
    description:
      'shop/ledger-db\'s three gp3 claims (WaitForFirstConsumer) were handed to ebs.csi.aws.com 35 minutes ago when the scheduler picked nodes for its pods; nothing has created a volume (ExternalProvisioning x142), and the pods\' binding times out (SchedulerError).',
    apply: ledgerWaitsForEbs,
  },
  {
    name: 'ledger-db-claims-io2-parameter-refused',
    description:
      'shop/ledger-db\'s claims use a new StorageClass io2-fast (Immediate binding) whose parameters say volumeType: io2 instead of type: io2: the EBS CSI driver refuses every CreateVolume with InvalidArgument "Invalid parameter key volumeType for CreateVolume", and the pods have unbound immediate claims.',
    apply(s) {
      s.kubernetes.storageClasses = [
        ...(s.kubernetes.storageClasses ?? []),
        {
          metadata: { name: 'io2-fast', uid: '7e7e7e7e-0000-4000-8000-000000000010', resourceVersion: '139000', creationTimestamp: minutesBefore(s, 50) },
          provisioner: 'ebs.csi.aws.com',
          parameters: { volumeType: 'io2', iops: '16000', encrypted: 'true' },
          reclaimPolicy: 'Retain',
          volumeBindingMode: 'Immediate',
          allowVolumeExpansion: true,
        },
      ];
      const message = unboundImmediateMessage(s);
      const pods = indexes.map((i) => ledgerPod(s, i, { scheduled: { reason: 'Unschedulable', message }, minutes: 20 }));
      const claims = indexes.map((i) => ledgerClaim(s, i, { storageClass: 'io2-fast', provisioner: 'ebs.csi.aws.com', minutes: 20 }));
      // From memory of aws-ebs-csi-driver pkg/driver/controller.go (CreateVolume's parameter switch) and sig-storage-lib-external-provisioner controller.go.
      const refused = 'failed to provision volume with StorageClass "io2-fast": rpc error: code = InvalidArgument desc = Invalid parameter key volumeType for CreateVolume';
      add(s, pods, claims, {
        warning: [...schedulerEvents(s, pods, message, 20), ...claims.map((c) => claimEvent(s, c, { reason: 'ProvisioningFailed', type: 'Warning', message: refused, component: EBS_PROVISIONER_IDENTITY, minutesAgo: 2, firstMinutesAgo: 20, count: 9 }))],
        normal: claims.flatMap((c) => [
          claimEvent(s, c, { reason: 'ExternalProvisioning', type: 'Normal', message: externalProvisioningMessage('ebs.csi.aws.com'), component: 'persistentvolume-controller', minutesAgo: 0, firstMinutesAgo: 20, count: 82 }),
          claimEvent(s, c, { reason: 'Provisioning', type: 'Normal', message: `External provisioner is provisioning volume for claim "${c.metadata!.namespace}/${c.metadata!.name}"`, component: EBS_PROVISIONER_IDENTITY, minutesAgo: 2, firstMinutesAgo: 20, count: 9 }),
        ]),
      });
    },
  },
  {
    name: 'batch-group-leaves-eu-west-1a',
    description: 'The self-managed batch Auto Scaling group was narrowed to the eu-west-1b and eu-west-1c subnets (its nodes already ran there) when subnet-0a11111111111111a ran low on addresses.',
    apply(s) {
      const group = s.aws.autoScalingGroups?.find((g) => g.AutoScalingGroupName === BATCH_ASG);
      if (!group) return;
      group.VPCZoneIdentifier = PRIVATE_SUBNETS.slice(1).join(',');
      group.AvailabilityZones = (s.aws.subnets ?? []).filter((x) => PRIVATE_SUBNETS.slice(1).includes(x.SubnetId as (typeof PRIVATE_SUBNETS)[number])).map((x) => x.AvailabilityZone!);
    },
  },
  {
    name: 'batch-group-at-max',
    description: 'The self-managed batch Auto Scaling group is at its maximum size (desired = max = 2).',
    apply(s) {
      const group = s.aws.autoScalingGroups?.find((g) => g.AutoScalingGroupName === BATCH_ASG);
      if (group) group.MaxSize = group.DesiredCapacity;
    },
  },
  {
    name: 'ledger-db-volumes-in-eu-west-1a',
    description:
      'shop/ledger-db runs on the batch nodes (nodeSelector node-role.example.com/batch: "true"); its three gp3 volumes were created in eu-west-1a when a batch node ran there. Its pods were rescheduled 18 minutes ago and every batch node reports a volume node affinity conflict.',
    apply(s) {
      ledgerBoundIn(s, 'eu-west-1a');
    },
  },
  {
    name: 'ledger-db-waits-for-scale-up',
    description:
      'shop/ledger-db\'s pods (pinned to node group general, 2 CPUs each) are Pending for lack of CPU and the cluster-autoscaler triggered a scale-up two minutes ago; their gp3 claims (WaitForFirstConsumer) wait for the pods to be scheduled ("waiting for pod ledger-db-0 to be scheduled"): normal.',
    apply(s) {
      const message = insufficientCpuMessage(s);
      const pods = indexes.map((i) => ledgerPod(s, i, { scheduled: { reason: 'Unschedulable', message }, nodeSelector: { 'eks.amazonaws.com/nodegroup': MANAGED_NODEGROUP }, minutes: 6 }));
      const claims = indexes.map((i) => ledgerClaim(s, i, { storageClass: 'gp3', minutes: 6 }));
      const group = s.aws.autoScalingGroups?.find((g) => g.AutoScalingGroupName === MANAGED_ASG);
      const current = group?.DesiredCapacity ?? 3;
      add(s, pods, claims, {
        warning: schedulerEvents(s, pods, message, 6),
        // From memory of pv_controller.go emitEventForUnboundDelayBindingClaim: WaitForPodScheduled once a pod uses the claim.
        normal: claims.map((c, i) => claimEvent(s, c, { reason: 'WaitForPodScheduled', type: 'Normal', message: `waiting for pod ${LEDGER.statefulSet}-${i} to be scheduled`, component: 'persistentvolume-controller', minutesAgo: 0, firstMinutesAgo: 6, count: 25 })),
      });
      s.kubernetes.scalingEvents = [
        ...(s.kubernetes.scalingEvents ?? []),
        ...pods.map((pod) => recorderEvent(s, { pod, reason: 'TriggeredScaleUp', type: 'Normal', note: `pod triggered scale-up: [{${MANAGED_ASG} ${current}->${current + 2} (max: ${group?.MaxSize ?? 6})}]`, controller: 'cluster-autoscaler', instance: 'cluster-autoscaler-7c9f8d6b5-x4k2m', minutesAgo: 2 })),
      ];
    },
  },
  {
    name: 'ledger-db-volume-being-provisioned',
    description: 'shop/ledger-db was scaled from 2 to 3 a minute ago: the scheduler picked a node for ledger-db-2 and the EBS CSI driver is creating its gp3 volume (Provisioning, no failure): normal.',
    apply(s) {
      const pod = ledgerPod(s, 2, { minutes: 1 });
      const claim = ledgerClaim(s, 2, { storageClass: 'gp3', provisioner: 'ebs.csi.aws.com', selectedNode: pickedNode(s, 2), minutes: 1 });
      add(s, [pod], [claim], {
        normal: [
          claimEvent(s, claim, { reason: 'WaitForFirstConsumer', type: 'Normal', message: 'waiting for first consumer to be created before binding', component: 'persistentvolume-controller', minutesAgo: 1 }),
          claimEvent(s, claim, { reason: 'ExternalProvisioning', type: 'Normal', message: externalProvisioningMessage('ebs.csi.aws.com'), component: 'persistentvolume-controller', minutesAgo: 0, firstMinutesAgo: 1, count: 3 }),
          claimEvent(s, claim, { reason: 'Provisioning', type: 'Normal', message: `External provisioner is provisioning volume for claim "${LEDGER.namespace}/${claim.metadata!.name}"`, component: EBS_PROVISIONER_IDENTITY, minutesAgo: 1 }),
        ],
      });
    },
  },
  {
    name: 'orders-db-pod-restarting-bound',
    description: 'The orders-db-1 pod of StatefulSet shop/orders-db was recreated on a node and is starting (ContainerCreating, its volume attaching); its claim data-orders-db-1 is Bound: normal.',
    apply(s) {
      const node = pickedNode(s, 1);
      const since = minutesBefore(s, 1);
      s.kubernetes.problemPods = [
        ...(s.kubernetes.problemPods ?? []),
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: 'orders-db-1',
            namespace: 'shop',
            uid: '4e4e4e4e-0000-4000-8000-0d0e5db00001',
            resourceVersion: '143001',
            creationTimestamp: since,
            labels: { app: 'orders-db', 'apps.kubernetes.io/pod-index': '1', 'controller-revision-hash': 'orders-db-5b6c7d8e9f', 'statefulset.kubernetes.io/pod-name': 'orders-db-1' },
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'orders-db', uid: '3d3d3d3d-0000-4000-8000-0d0e5db00000', controller: true, blockOwnerDeletion: true }],
          },
          spec: {
            nodeName: node,
            containers: [{ name: 'postgres', image: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders-db:16.4' }],
            volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-orders-db-1' } }],
            serviceAccountName: 'default',
          },
          status: {
            phase: 'Pending',
            conditions: [
              { type: 'PodReadyToStartContainers', status: 'False', lastTransitionTime: since },
              { type: 'Initialized', status: 'True', lastTransitionTime: since },
              { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [postgres]', lastTransitionTime: since },
              { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [postgres]', lastTransitionTime: since },
              { type: 'PodScheduled', status: 'True', lastTransitionTime: since },
            ],
            startTime: since,
            containerStatuses: [{ name: 'postgres', image: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders-db:16.4', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } } }],
          },
        },
      ];
    },
  },
]);

/** Applies these faults of this file, in order. */
export function applyVolumeFaults(s: Snapshot, ...names: string[]): void {
  for (const name of names) {
    const fault = faults.find((f) => f.name === name);
    if (!fault) throw new Error(`no volume fault named ${name}`);
    fault.apply(s);
  }
}
