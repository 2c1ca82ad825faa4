/**
 * Faults that show up as symptoms: Nodes NotReady (aws-node crashing, kube-proxy unable to pull its
 * image, an instance stopped), pressure, EKS health issues on node groups, the cluster and add-ons,
 * pods stuck without an IP, LoadBalancer Services that never get an address.
 *
 * The helpers are exported so the symptom checks' tests build the same realistic shapes: a
 * NotReady node carries the kubelet's own condition messages, a crashing pod the container
 * statuses the API returns, an event the reason and message the kubelet or controller writes.
 */
import type { KubeEvent, KubeNode, KubePod, KubeService, Snapshot } from '../../src/snapshot/types.js';
import { MANAGED_NODEGROUP, BATCH_ASG, PRIVATE_SUBNETS } from '../scenario-builder/baseline.js';
import { defineFaults } from '../scenario-builder/fault.js';


/** `minutes` before the snapshot was captured, as the API's second-precision timestamp. */
export function minutesBefore(snapshot: Snapshot, minutes: number): string {
  return new Date(Date.parse(snapshot.capturedAt) - minutes * 60_000).toISOString().replace('.000Z', 'Z');
}

/** Nodes of a managed node group (by label), in order. */
export function nodegroupNodes(snapshot: Snapshot, nodegroup = MANAGED_NODEGROUP): KubeNode[] {
  return (snapshot.kubernetes.nodes ?? []).filter((n) => n.metadata?.labels?.['eks.amazonaws.com/nodegroup'] === nodegroup);
}

/** Nodes whose instance is in an Auto Scaling group, in order. */
export function asgNodes(snapshot: Snapshot, asgName: string): KubeNode[] {
  const ids = new Set(snapshot.aws.autoScalingGroups?.find((g) => g.AutoScalingGroupName === asgName)?.Instances?.map((i) => i.InstanceId) ?? []);
  return (snapshot.kubernetes.nodes ?? []).filter((n) => ids.has(n.spec?.providerID?.split('/').pop()));
}

export function nodeName(node: KubeNode): string {
  return node.metadata!.name!;
}

export function instanceIdOf(node: KubeNode): string {
  return node.spec!.providerID!.split('/').pop()!;
}

/** The pod a DaemonSet runs on a node. */
export function daemonPod(snapshot: Snapshot, daemonSet: string, node: string): KubePod {
  const pod = snapshot.kubernetes.kubeSystemPods?.find((p) => p.spec?.nodeName === node && p.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet' && o.name === daemonSet));
  if (!pod) throw new Error(`no ${daemonSet} pod on ${node}`);
  return pod;
}

/**
 * The kubelet's Ready=False while the CNI has not written its configuration (containerd's wording),
 * with the not-ready taint the node lifecycle controller adds.
 */
export function setCniNotReady(snapshot: Snapshot, node: KubeNode, minutes = 25): void {
  const ready = node.status!.conditions!.find((c) => c.type === 'Ready')!;
  ready.status = 'False';
  ready.reason = 'KubeletNotReady';
  ready.message = 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';
  ready.lastTransitionTime = minutesBefore(snapshot, minutes);
  node.spec!.taints = [...(node.spec!.taints ?? []), { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule', timeAdded: minutesBefore(snapshot, minutes) }];
}

/** Every condition Unknown with the node lifecycle controller's message: the kubelet went silent. */
export function setKubeletSilent(snapshot: Snapshot, node: KubeNode, minutes = 40): void {
  for (const c of node.status!.conditions!) {
    c.status = 'Unknown';
    c.reason = 'NodeStatusUnknown';
    c.message = 'Kubelet stopped posting node status.';
    c.lastHeartbeatTime = minutesBefore(snapshot, minutes + 1);
    c.lastTransitionTime = minutesBefore(snapshot, minutes);
  }
  node.spec!.taints = [
    ...(node.spec!.taints ?? []),
    { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: minutesBefore(snapshot, minutes) },
    { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: minutesBefore(snapshot, minutes) },
  ];
}

/** A container that keeps exiting: CrashLoopBackOff now, the last run terminated with `exitCode`. */
export function crashLoop(snapshot: Snapshot, pod: KubePod, container: string, restarts: number, exitCode = 1, message?: string): void {
  pod.status!.conditions = [{ type: 'Ready', status: 'False', lastTransitionTime: minutesBefore(snapshot, 25) }];
  const status = pod.status!.containerStatuses!.find((c) => c.name === container)!;
  status.ready = false;
  status.started = false;
  status.restartCount = restarts;
  status.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${container} pod=${pod.metadata!.name}_kube-system(${pod.metadata!.uid})` } };
  status.lastState = { terminated: { reason: 'Error', exitCode, startedAt: minutesBefore(snapshot, 4), finishedAt: minutesBefore(snapshot, 3), ...(message ? { message } : {}) } };
}

/** A container whose image cannot be pulled. */
export function imagePullBackOff(snapshot: Snapshot, pod: KubePod, container: string, image: string): void {
  pod.status!.phase = 'Pending';
  pod.status!.conditions = [{ type: 'Ready', status: 'False', lastTransitionTime: minutesBefore(snapshot, 30) }];
  pod.spec!.containers!.find((c) => c.name === container)!.image = image;
  const status = pod.status!.containerStatuses!.find((c) => c.name === container)!;
  status.image = image;
  status.ready = false;
  status.started = false;
  status.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } };
  // A Pending pod is also in the cluster-wide list of pods not Running (kubernetes.problemPods).
  snapshot.kubernetes.problemPods = [...(snapshot.kubernetes.problemPods ?? []), structuredClone(pod)];
}

/** A container that runs but fails its readiness probe. */
export function notReadyContainer(snapshot: Snapshot, pod: KubePod, container: string): void {
  pod.status!.conditions = [{ type: 'Ready', status: 'False', lastTransitionTime: minutesBefore(snapshot, 30) }];
  const status = pod.status!.containerStatuses!.find((c) => c.name === container)!;
  status.ready = false;
}

/** DaemonSet status after `broken` of its pods stopped being ready. */
export function daemonSetUnready(snapshot: Snapshot, name: string, broken: number): void {
  const ds = snapshot.kubernetes.daemonSets!.find((d) => d.metadata?.name === name)!;
  ds.status!.numberReady = (ds.status!.numberReady ?? 0) - broken;
  ds.status!.numberAvailable = (ds.status!.numberAvailable ?? 0) - broken;
  ds.status!.numberUnavailable = broken;
}

/** The add-on as EKS reports it when its DaemonSet is short of ready pods. */
export function addonDegraded(snapshot: Snapshot, addonName: string): void {
  const addon = snapshot.aws.addons!.find((a) => a.addonName === addonName)!;
  addon.status = 'DEGRADED';
  addon.health = { issues: [{ code: 'InsufficientNumberOfReplicas', message: "The add-on is unhealthy because it doesn't have the desired number of replicas.", resourceIds: [] }] };
}

/** A Warning event as the API returns it, about `involved`. */
export function warningEvent(snapshot: Snapshot, e: { involved: { kind: string; namespace?: string; name: string; uid?: string }; reason: string; message: string; source: { component: string; host?: string }; count?: number; minutes?: number }): KubeEvent {
  const last = minutesBefore(snapshot, e.minutes ?? 2);
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${e.involved.name}.${(e.reason.length * 7919).toString(16)}${e.involved.name.length.toString(16)}`, namespace: e.involved.namespace ?? 'default', uid: `ee000000-0000-4000-8000-${e.involved.name.slice(-12).padStart(12, '0')}`, resourceVersion: '99001', creationTimestamp: minutesBefore(snapshot, 20) },
    involvedObject: { kind: e.involved.kind, ...(e.involved.namespace ? { namespace: e.involved.namespace } : {}), name: e.involved.name, ...(e.involved.uid ? { uid: e.involved.uid } : {}), apiVersion: 'v1' },
    reason: e.reason,
    message: e.message,
    source: e.source,
    firstTimestamp: minutesBefore(snapshot, 20),
    lastTimestamp: last,
    count: e.count ?? 12,
    type: 'Warning',
    reportingComponent: e.source.component,
    reportingInstance: e.source.host ?? '',
  };
}

/** A workload pod stuck in ContainerCreating on `node`, as the API lists it among pods not Running. */
export function stuckPod(snapshot: Snapshot, namespace: string, name: string, node: string, app: string): KubePod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      uid: `5f5f5f5f-0000-4000-8000-${name.slice(-12).padStart(12, '0')}`,
      resourceVersion: '120001',
      creationTimestamp: minutesBefore(snapshot, 18),
      labels: { app },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-6d4f8b7c9d`, uid: `6f6f6f6f-0000-4000-8000-${app.slice(-12).padStart(12, '0')}`, controller: true }],
    },
    spec: { nodeName: node, serviceAccountName: 'default', containers: [{ name: app, image: `111122223333.dkr.ecr.eu-west-1.amazonaws.com/${app}:2026.11.3` }] },
    status: {
      phase: 'Pending',
      hostIP: node.replace(/^ip-(\d+)-(\d+)-(\d+)-(\d+)\..*$/, '$1.$2.$3.$4'),
      startTime: minutesBefore(snapshot, 18),
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: minutesBefore(snapshot, 18) },
        { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${app}]`, lastTransitionTime: minutesBefore(snapshot, 18) },
      ],
      containerStatuses: [{ name: app, image: `111122223333.dkr.ecr.eu-west-1.amazonaws.com/${app}:2026.11.3`, imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } } }],
    },
  };
}

/** The kubelet's event when the VPC CNI had no address for the pod. */
export const NO_IP_MESSAGE = (sandbox: string) =>
  `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${sandbox}": plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container`;

/** Pods of `app` stuck on `node` with the VPC CNI's "failed to assign an IP address" events. */
export function podsWithoutIp(snapshot: Snapshot, node: string, namespace: string, app: string, count: number): void {
  for (let i = 0; i < count; i++) {
    const name = `${app}-6d4f8b7c9d-${['k2x7q', 'p9m4t', 'z3c8w', 'h5v1n', 'r7b2d'][i % 5]}${i >= 5 ? i : ''}`;
    const pod = stuckPod(snapshot, namespace, name, node, app);
    snapshot.kubernetes.problemPods = [...(snapshot.kubernetes.problemPods ?? []), pod];
    snapshot.kubernetes.warningEvents = [
      ...(snapshot.kubernetes.warningEvents ?? []),
      warningEvent(snapshot, {
        involved: { kind: 'Pod', namespace, name, uid: pod.metadata!.uid! },
        reason: 'FailedCreatePodSandBox',
        message: NO_IP_MESSAGE(`${(i + 1).toString(16).padStart(2, '0')}a7c3e91f0b2d4c6e8f1a3b5c7d9e0f2a4b6c8d0e1f3a5b7c9d1e3f5a7b9c1d3e5`),
        source: { component: 'kubelet', host: node },
        count: 14 + i,
      }),
    ];
  }
}

/** Free addresses of a subnet as EC2 reports them. */
export function setFreeAddresses(snapshot: Snapshot, subnetId: string, free: number): void {
  snapshot.aws.subnets!.find((s) => s.SubnetId === subnetId)!.AvailableIpAddressCount = free;
}


/**
 * A new internet-facing NLB Service for the AWS Load Balancer Controller, created `minutes` ago,
 * that never got an address.
 */
export function pendingService(snapshot: Snapshot, namespace: string, name: string, minutes: number): KubeService {
  const template = snapshot.kubernetes.loadBalancerServices![0]!;
  const service = structuredClone(template);
  service.metadata = { ...service.metadata, name, namespace, uid: `5e5e5e5e-0000-1111-2222-${name.slice(-12).padStart(12, '0')}`, creationTimestamp: minutesBefore(snapshot, minutes) };
  service.spec = { ...service.spec, selector: { app: name }, clusterIP: '172.20.77.40', clusterIPs: ['172.20.77.40'] };
  service.status = { loadBalancer: {} };
  snapshot.kubernetes.loadBalancerServices = [...(snapshot.kubernetes.loadBalancerServices ?? []), service];
  return service;
}

/** The AWS Load Balancer Controller's event when no subnet carries the role tag the scheme needs. */
export function noSubnetEvent(snapshot: Snapshot, service: KubeService, role: 'elb' | 'internal-elb'): KubeEvent {
  return warningEvent(snapshot, {
    involved: { kind: 'Service', namespace: service.metadata!.namespace!, name: service.metadata!.name!, uid: service.metadata!.uid! },
    reason: 'FailedBuildModel',
    message: `Failed build model due to unable to resolve at least one subnet (0 match VPC and tags: [kubernetes.io/role/${role}])`,
    source: { component: 'service' },
    count: 23,
  });
}

export const faults = defineFaults([
  {
    name: 'general-aws-node-crashloop',
    description:
      'aws-node (VPC CNI) is in CrashLoopBackOff on two nodes of the managed node group general: their kubelets report "cni plugin not initialized" and the nodes are NotReady; EKS reports the vpc-cni add-on DEGRADED.',
    apply(snapshot) {
      const nodes = nodegroupNodes(snapshot).slice(0, 2);
      for (const node of nodes) {
        setCniNotReady(snapshot, node);
        crashLoop(snapshot, daemonPod(snapshot, 'aws-node', nodeName(node)), 'aws-node', 9);
      }
      daemonSetUnready(snapshot, 'aws-node', nodes.length);
      addonDegraded(snapshot, 'vpc-cni');
    },
  },
  {
    name: 'batch-kube-proxy-image-pull',
    description:
      'kube-proxy on the self-managed batch nodes cannot pull its image (a mistyped tag after an update), so aws-node there cannot reach the API server, the CNI never initialises and both batch nodes are NotReady.',
    apply(snapshot) {
      const nodes = asgNodes(snapshot, BATCH_ASG);
      const region = snapshot.cluster.region;
      for (const node of nodes) {
        setCniNotReady(snapshot, node, 35);
        imagePullBackOff(snapshot, daemonPod(snapshot, 'kube-proxy', nodeName(node)), 'kube-proxy', `602401143452.dkr.ecr.${region}.amazonaws.com/eks/kube-proxy:v1.35.0-minimal-eksbuild.99`);
        notReadyContainer(snapshot, daemonPod(snapshot, 'aws-node', nodeName(node)), 'aws-node');
      }
      daemonSetUnready(snapshot, 'kube-proxy', nodes.length);
      daemonSetUnready(snapshot, 'aws-node', nodes.length);
    },
  },
  {
    name: 'batch-instance-stopped',
    description: 'The first batch instance was stopped by a user: its kubelet stopped posting status and the Node is NotReady with every condition Unknown.',
    apply(snapshot) {
      const node = asgNodes(snapshot, BATCH_ASG)[0]!;
      setKubeletSilent(snapshot, node);
      const id = instanceIdOf(node);
      for (const r of snapshot.aws.reservations ?? []) {
        for (const i of r.Instances ?? []) {
          if (i.InstanceId !== id) continue;
          i.State = { Code: 80, Name: 'stopped' };
          i.StateTransitionReason = `User initiated (${snapshot.capturedAt.slice(0, 10)} 02:31:40 GMT)`;
          i.StateReason = { Code: 'Client.UserInitiatedShutdown', Message: 'Client.UserInitiatedShutdown: User initiated shutdown' };
        }
      }
    },
  },
  {
    name: 'general-node-disk-pressure',
    description: 'The third node of the managed node group general is Ready but under DiskPressure: the kubelet is evicting pods to free image and log space.',
    apply(snapshot) {
      const node = nodegroupNodes(snapshot)[2]!;
      const disk = node.status!.conditions!.find((c) => c.type === 'DiskPressure')!;
      disk.status = 'True';
      disk.reason = 'KubeletHasDiskPressure';
      disk.message = 'kubelet has disk pressure';
      disk.lastTransitionTime = minutesBefore(snapshot, 15);
      node.spec!.taints = [...(node.spec!.taints ?? []), { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule', timeAdded: minutesBefore(snapshot, 15) }];
    },
  },
  {
    name: 'subnet-b-exhausted',
    description: `The private subnet ${PRIVATE_SUBNETS[1]} (eu-west-1b) has no free addresses left: pods and new nodes there get none.`,
    apply(snapshot) {
      setFreeAddresses(snapshot, PRIVATE_SUBNETS[1], 0);
    },
  },
  {
    name: 'general-pods-without-ip-in-subnet-b',
    description: 'Four checkout pods on the general node in eu-west-1b are stuck in ContainerCreating: the VPC CNI fails with "failed to assign an IP address to container".',
    apply(snapshot) {
      const node = nodegroupNodes(snapshot).find((n) => n.metadata?.labels?.['topology.kubernetes.io/zone'] === 'eu-west-1b')!;
      podsWithoutIp(snapshot, nodeName(node), 'shop', 'checkout', 4);
    },
  },
  {
    name: 'general-health-insufficient-free-addresses',
    description: `EKS reports InsufficientFreeAddresses on the managed node group general for ${PRIVATE_SUBNETS[1]}: it cannot launch replacement nodes there.`,
    apply(snapshot) {
      const group = snapshot.aws.nodegroups!.find((g) => g.nodegroupName === MANAGED_NODEGROUP)!;
      group.status = 'DEGRADED';
      group.health = {
        issues: [{ code: 'InsufficientFreeAddresses', message: 'One or more of the subnets associated with your managed node group does not have enough available IP addresses for new nodes.', resourceIds: [PRIVATE_SUBNETS[1]] }],
      };
    },
  },
  {
    name: 'public-subnets-lose-elb-tag',
    description: 'The kubernetes.io/role/elb tag was removed from every public subnet (a Terraform change), so no subnet qualifies for an internet-facing load balancer.',
    apply(snapshot) {
      for (const subnet of snapshot.aws.subnets ?? []) subnet.Tags = subnet.Tags?.filter((t) => t.Key !== 'kubernetes.io/role/elb');
    },
  },
  {
    name: 'promo-lb-pending-no-subnet',
    description: 'A new internet-facing NLB Service shop/promo has had no address for 40 minutes: the AWS Load Balancer Controller cannot resolve a subnet tagged kubernetes.io/role/elb.',
    apply(snapshot) {
      const service = pendingService(snapshot, 'shop', 'promo', 40);
      snapshot.kubernetes.warningEvents = [...(snapshot.kubernetes.warningEvents ?? []), noSubnetEvent(snapshot, service, 'elb')];
    },
  },
]);
