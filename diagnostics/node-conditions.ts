/**
 * Node conditions: Nodes that are not Ready (False, or Unknown when the kubelet stopped posting
 * status), each a `node-not-ready` symptom with the likely reason from the evidence around it: the
 * aws-node (VPC CNI) or kube-proxy pod on that node not running and why, the container runtime
 * network not ready ("cni plugin not initialized"), the kubelet gone silent, the EC2 instance not
 * running, pressure conditions.
 *
 * Two of those reasons are causes in their own right and reported as such, scoped to the NotReady
 * nodes they explain: the CNI or kube-proxy pod not running on them (the kubelet reports Ready only
 * once the CNI is initialised, and aws-node reaches the API server through the kubernetes Service
 * that kube-proxy programs), and the node's instance stopped. DaemonSet-wide readiness of aws-node and
 * kube-proxy is the add-on checks' business; this check only looks at the pods on NotReady nodes.
 * Pressure on a Ready node is a warning of its own, not a symptom.
 */
import { IRSA_ROLE_ANNOTATION } from '../src/domain/eks-constants.js';
import { defineDiagnostic, partFailure, type NewFinding } from '../src/engine/diagnostic.js';
import { couldNotRead } from '../src/engine/failure-text.js';
import type { ResourceRef } from '../src/engine/finding.js';
import type { SymptomKind } from '../src/engine/symptoms.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import type { KubePod, Snapshot } from '../src/snapshot/types.js';
import { instancesById, nodePlacement, placementRefs, type NodePlacement } from './lib/symptom-resources.js';
import { containerLogCommands } from './lib/container-logs.js';
import { DOCS } from './lib/docs-links.js';


const PRESSURE_TYPES = ['MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;
/** The kubelet's Ready message while the CNI has not written its config (containerd and dockershim spellings). */
const CNI_NOT_READY = /network plugin (is )?not ready|cni plugin not initialized|cni config uninitialized|NetworkPluginNotReady/i;
const KUBELET_SILENT = /Kubelet stopped posting node status/i;

/** image-pulls' symptoms: a DaemonSet pod that cannot pull its image is this check's "not running" seen from the pod. */
const IMAGE_PULL_SYMPTOMS = ['image-pull-refused', 'image-pull-unreachable', 'image-pull-rate-limited', 'image-pull-failing'] as const satisfies readonly SymptomKind[];

type Code = 'node-not-ready' | 'cni-not-running' | 'kube-proxy-not-running' | 'instance-not-running' | 'node-pressure';

export default defineDiagnostic<Code>({
  id: 'node-conditions',
  title: 'Nodes are Ready and under no pressure',
  description:
    "Reports Nodes whose Ready condition is False or Unknown, with the likely reason from the aws-node and kube-proxy pods on them, the Ready condition's message and the EC2 instance state; and Ready Nodes under memory, disk or PID pressure.",
  docs: [DOCS.nodeNotReady, DOCS.nodeHealth],
  needs: ['kubernetes.nodes'],
  uses: ['kubernetes.kubeSystemPods', 'aws.reservations', 'aws.nodegroups'],
  codes: {
    'node-not-ready': {
      severity: 'critical',
      title: 'Node is not Ready',
      description:
        'A Node reports Ready False (the kubelet runs but says the node cannot take pods: CNI not initialised, runtime down, pressure) or Unknown (the kubelet stopped posting status: the instance is down, overloaded or cut off from the API server). Pods are not scheduled there and are evicted after a while.',
      symptom: 'node-not-ready',
      // The node lifecycle controller taints it not-ready/unreachable: the Pending pods that name that taint wait for this node.
      explains: ['pod-unschedulable'],
    },
    'cni-not-running': {
      severity: 'critical',
      title: 'The VPC CNI (aws-node) is not running on NotReady nodes',
      description:
        "The aws-node pod on a NotReady node is crashing, waiting or missing. Until it writes the CNI configuration the kubelet reports the network plugin not ready, keeps the node NotReady and cannot give pods an IP. Its log says why: no route to the API server, no permission to call EC2, or no free addresses.",
      // Itself the symptom of a deeper cause (an IAM role without the CNI policy, a bad add-on update).
      symptom: 'addon-unhealthy',
      explains: ['node-not-ready', 'pod-without-ip', 'addon-unhealthy', ...IMAGE_PULL_SYMPTOMS],
    },
    'kube-proxy-not-running': {
      severity: 'critical',
      title: 'kube-proxy is not running on NotReady nodes',
      description:
        "The kube-proxy pod on a NotReady node is crashing, waiting or missing. Without it the node has no rules for the kubernetes Service address, so aws-node cannot reach the API server, the CNI never initialises and the node stays NotReady (and its pods get no IP).",
      // Itself the symptom of a deeper cause (an IAM role without the CNI policy, a bad add-on update).
      symptom: 'addon-unhealthy',
      explains: ['node-not-ready', 'pod-without-ip', 'addon-unhealthy', ...IMAGE_PULL_SYMPTOMS],
    },
    'instance-not-running': {
      severity: 'critical',
      title: "A NotReady node's EC2 instance is not running",
      description: 'The EC2 instance behind a NotReady node is stopped, stopping or shutting down, so its kubelet cannot post status.',
      explains: ['node-not-ready'],
    },
    'node-pressure': {
      severity: 'warning',
      title: 'Ready node under memory, disk or PID pressure',
      description: 'The kubelet reports MemoryPressure, DiskPressure or PIDPressure: it taints the node against new pods and starts evicting pods to reclaim the resource.',
      explains: ['pod-unschedulable'],
    },
  },
  check({ snapshot }) {
    const instances = instancesById(snapshot);
    const pods = snapshot.kubernetes.kubeSystemPods;
    const findings: NewFinding<Code>[] = [];
    const cniBroken: Broken[] = [];
    const proxyBroken: Broken[] = [];
    for (const node of snapshot.kubernetes.nodes ?? []) {
      const placement = nodePlacement(node, instances);
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
      const pressure = (node.status?.conditions ?? []).filter((c) => (PRESSURE_TYPES as readonly string[]).includes(c.type) && c.status === 'True');
      if (ready?.status === 'True') {
        if (pressure.length > 0) findings.push(pressureFinding(placement, pressure));
        continue;
      }
      // Fargate nodes run no aws-node or kube-proxy pods; they are AWS's to repair.
      const cni = placement.fargate || !pods ? undefined : daemonPodState(pods, 'aws-node', placement.nodeName);
      const proxy = placement.fargate || !pods ? undefined : daemonPodState(pods, 'kube-proxy', placement.nodeName);
      // Where kube-proxy is down too, aws-node's failure is its consequence: report the node under kube-proxy only.
      if (proxy && !proxy.running) proxyBroken.push({ placement, state: proxy, ...(cni && !cni.running ? { alsoBroken: cni } : {}) });
      else if (cni && !cni.running) cniBroken.push({ placement, state: cni });
      const instanceState = placement.instance?.State?.Name;
      if (instanceState && instanceState !== 'running' && instanceState !== 'pending') findings.push(instanceFinding(snapshot, placement, instanceState));
      findings.push(notReadyFinding(snapshot, placement, { ready, pressure, cni, proxy, podsCollected: pods !== undefined }));
    }
    if (cniBroken.length > 0) findings.push(daemonFinding(snapshot, 'cni-not-running', 'aws-node', cniBroken));
    if (proxyBroken.length > 0) findings.push(daemonFinding(snapshot, 'kube-proxy-not-running', 'kube-proxy', proxyBroken));
    return findings;
  },
});

interface PodState {
  pod?: KubePod;
  running: boolean;
  /** 'CrashLoopBackOff (12 restarts; last exit: Error, code 1)', 'missing', ... */
  summary: string;
}

interface Broken {
  placement: NodePlacement;
  state: PodState;
  /** For kube-proxy: the aws-node pod on the same node, when it is down as well. */
  alsoBroken?: PodState;
}

/** The state of a DaemonSet's pod on a node, found by owner and node. */
function daemonPodState(pods: KubePod[], daemonSet: string, nodeName: string): PodState {
  const pod = pods.find((p) => p.spec?.nodeName === nodeName && p.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet' && o.name === daemonSet));
  if (!pod) return { running: false, summary: `no ${daemonSet} pod is scheduled on the node` };
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const notReady = (pod.status?.containerStatuses ?? []).filter((c) => !c.ready);
  const running = pod.status?.phase === 'Running' && notReady.length === 0 && (pod.status?.containerStatuses?.length ?? 0) > 0;
  if (running) return { pod, running, summary: 'running' };
  const parts: string[] = [];
  for (const c of statuses) {
    const waiting = c.state?.waiting;
    const terminated = c.state?.terminated ?? c.lastState?.terminated;
    if (!waiting && c.ready) continue;
    const bits = [waiting?.reason ?? (c.state?.running ? 'running, not ready' : c.state?.terminated ? 'terminated' : 'not ready')];
    if (c.restartCount) bits.push(`${c.restartCount} restarts`);
    if (terminated) bits.push(`last exit: ${terminated.reason ?? 'unknown'}${terminated.exitCode !== undefined ? `, code ${terminated.exitCode}` : ''}${terminated.message ? `: ${terminated.message.trim()}` : ''}`);
    if (waiting?.message) bits.push(waiting.message.trim());
    parts.push(`container ${c.name}: ${bits.join('; ')}`);
  }
  return { pod, running: false, summary: `${pod.metadata?.name} is ${pod.status?.phase ?? 'in an unknown phase'}${parts.length > 0 ? ` (${parts.join(' | ')})` : ''}` };
}

function notReadyFinding(
  snapshot: Snapshot,
  p: NodePlacement,
  o: { ready: { status?: string; reason?: string; message?: string; lastTransitionTime?: string; lastHeartbeatTime?: string } | undefined; pressure: { type: string; message?: string }[]; cni?: PodState; proxy?: PodState; podsCollected: boolean },
): NewFinding<Code> {
  const status = o.ready?.status ?? 'missing';
  const message = o.ready?.message ?? '';
  const instanceState = p.instance?.State?.Name;
  const evidence: string[] = [
    o.ready
      ? `Ready is ${status}${o.ready.reason ? ` (${o.ready.reason})` : ''} since ${o.ready.lastTransitionTime ?? 'an unknown time'}${o.ready.lastHeartbeatTime ? `, last heartbeat ${o.ready.lastHeartbeatTime}` : ''}: ${message || '(no message)'}`
      : 'The Node has no Ready condition: its kubelet never posted status.',
  ];
  for (const c of o.pressure) evidence.push(`${c.type} is True: ${c.message ?? ''}`.trim());
  if (o.cni) evidence.push(`aws-node on this node: ${o.cni.summary}.`);
  if (o.proxy) evidence.push(`kube-proxy on this node: ${o.proxy.summary}.`);
  if (!o.podsCollected && !p.fargate) evidence.push('kube-system pods were not collected: the aws-node and kube-proxy pods on this node could not be checked.');
  if (p.instanceId) evidence.push(instanceState ? `EC2 instance ${p.instanceId} is ${instanceState}${p.instance?.StateReason?.Message ? ` (${p.instance.StateReason.Message})` : ''}.` : instanceNotSeen(snapshot, p.instanceId));
  if (p.nodegroup) evidence.push(`Node group ${p.nodegroup}${p.autoScalingGroup ? `, Auto Scaling group ${p.autoScalingGroup}` : ''}.`);

  const reason = likelyReason(status, message, o, instanceState);
  const region = snapshot.cluster.region;
  const commands = [`kubectl describe node ${p.nodeName}`];
  // Only logs that exist: a container that never started (an image it cannot pull) has none, and describe node lists its events' pods.
  if (o.cni?.pod && !o.cni.running) commands.push(...containerLogCommands(o.cni.pod, { container: 'aws-node' }));
  if (o.proxy?.pod && !o.proxy.running) commands.push(...containerLogCommands(o.proxy.pod));
  if (p.instanceId) {
    commands.push(`aws ec2 describe-instance-status --instance-ids ${p.instanceId} --include-all-instances --region ${region}`);
    commands.push(`aws ssm start-automation-execution --document-name AWSSupport-TroubleshootEKSWorkerNode --parameters ClusterName=${snapshot.cluster.name},WorkerID=${p.instanceId} --region ${region}`);
  }
  return {
    code: 'node-not-ready',
    keyResource: p.nodeName,
    title: `Node ${p.nodeName} is ${status === 'Unknown' ? 'NotReady (status Unknown)' : 'NotReady'}${p.nodegroup ? ` in node group ${p.nodegroup}` : ''}`,
    rootCause: reason,
    evidence,
    resources: uniqueRefs(placementRefs(p)),
    // Pods Pending on its not-ready/unreachable taint name this node (unschedulable-pods).
    canExplain: [{ symptom: 'pod-unschedulable', resources: [resource.node(p.nodeName)] }],
    fix: {
      summary: 'Look at the node\'s conditions and the pods that must run on it; if the instance itself is unhealthy, replace it (drain, then terminate: its Auto Scaling group launches a new one).',
      commands,
      docs: [DOCS.nodeNotReady, ...(CNI_NOT_READY.test(message) ? [DOCS.containerRuntimeNetwork] : []), DOCS.nodeHealth],
    },
  };
}

function likelyReason(status: string, message: string, o: { cni?: PodState; proxy?: PodState; pressure: { type: string }[] }, instanceState: string | undefined): string {
  if (instanceState && instanceState !== 'running' && instanceState !== 'pending') return `Its EC2 instance is ${instanceState}, so the kubelet cannot post status.`;
  if (o.proxy && !o.proxy.running && o.cni && !o.cni.running) {
    return 'Neither kube-proxy nor aws-node is running on it: without kube-proxy, aws-node cannot reach the API server through the kubernetes Service, the CNI never initialises, and the kubelet keeps the node NotReady.';
  }
  if (o.cni && !o.cni.running) return 'The VPC CNI pod (aws-node) on it is not running, so the container runtime network is not ready and the kubelet keeps the node NotReady.';
  if (o.proxy && !o.proxy.running) return 'kube-proxy is not running on it; aws-node needs it to reach the API server before the CNI can initialise.';
  if (CNI_NOT_READY.test(message)) return 'The kubelet reports the container runtime network not ready: the CNI plugin has not initialised on the node, though its aws-node pod looks healthy or was not collected.';
  if (status === 'Unknown' || KUBELET_SILENT.test(message)) {
    return 'The kubelet stopped posting node status: the instance is down or overloaded, the kubelet or container runtime crashed, or the node lost its network path to the API server.';
  }
  if (o.pressure.length > 0) return `The node is under ${o.pressure.map((c) => c.type).join(' and ')}; the kubelet is reclaiming resources and may not report Ready until it recovers.`;
  if (status === 'missing') return 'The Node has no Ready condition: its kubelet registered it but never reported status.';
  return `The kubelet reports the node not Ready${message ? `: ${message}` : ''}.`;
}

function daemonFinding(snapshot: Snapshot, code: 'cni-not-running' | 'kube-proxy-not-running', daemonSet: string, broken: Broken[]): NewFinding<Code> {
  const nodes = broken.map((b) => b.placement.nodeName);
  const scope: ResourceRef[] = uniqueRefs(broken.flatMap((b) => [resource.node(b.placement.nodeName), ...(b.placement.instanceId ? [resource.instance(b.placement.instanceId)] : [])]));
  const pods = broken.flatMap((b) => (b.state.pod?.metadata?.name ? [b.state.pod.metadata.name] : []));
  const firstPod = broken.find((b) => b.state.pod?.metadata?.name)?.state.pod;
  const first = firstPod?.metadata?.name;
  const cni = code === 'cni-not-running';
  const role = snapshot.kubernetes.serviceAccounts?.find((s) => s.metadata?.namespace === 'kube-system' && s.metadata?.name === 'aws-node')?.metadata?.annotations?.[IRSA_ROLE_ANNOTATION];
  const countText = `${broken.length} NotReady node${broken.length === 1 ? '' : 's'}`;
  const container = cni ? 'aws-node' : undefined;
  // A container that never started (its image cannot be pulled) has no log: its pod's events say why.
  const logCommands = firstPod ? containerLogCommands(firstPod, container === undefined ? {} : { container }) : [];
  const readWhy = logCommands.length > 0 ? `Read the ${cni ? 'aws-node' : 'kube-proxy'} log on ${nodes[0]}` : `Read in the events of ${first ?? `the ${daemonSet} pod`} on ${nodes[0]} why it never started`;
  return {
    code,
    keyResource: `kube-system/${daemonSet}`,
    title: cni ? `The VPC CNI (aws-node) is not running on ${countText}` : `kube-proxy is not running on ${countText}`,
    rootCause: cni
      ? 'aws-node must start on a node before its kubelet reports Ready or any pod there gets an IP. It fails when it cannot reach the API server (kube-proxy down, security groups), cannot call EC2 (its IAM role lacks AmazonEKS_CNI_Policy or IMDS is unreachable), or its image cannot be pulled; its log says which.'
      : 'kube-proxy programs the node\'s rules for Service addresses, including the kubernetes Service that aws-node uses to reach the API server. Without it the CNI cannot initialise and the node stays NotReady; a bad kube-proxy image or version, or a failed add-on update, is the usual reason.',
    evidence: broken.map((b) => `${b.placement.nodeName}: ${b.state.summary}${b.alsoBroken ? `; aws-node there: ${b.alsoBroken.summary}` : ''}.`),
    resources: uniqueRefs([resource.daemonSet('kube-system', daemonSet), ...pods.map((p) => resource.pod('kube-system', p)), ...scope]),
    fix: {
      summary: cni
        ? `${readWhy}${logCommands.length > 0 ? ' for why it exits' : ''}, fix that, and the pods recover on their own.${role ? ` Its IAM role is ${role}.` : ' It runs with the node role (no IRSA role on its service account): the node role needs AmazonEKS_CNI_Policy.'}`
        : `${readWhy} and check the kube-proxy add-on version against the cluster version; roll back a bad update.`,
      commands: cni
        ? [
            ...logCommands,
            ...(first ? [`kubectl describe pod -n kube-system ${first}`] : []),
            'kubectl get daemonset aws-node -n kube-system -o wide',
            `aws eks describe-addon --cluster-name ${snapshot.cluster.name} --addon-name vpc-cni --region ${snapshot.cluster.region}`,
          ]
        : [
            ...logCommands,
            ...(first ? [`kubectl describe pod -n kube-system ${first}`] : []),
            'kubectl get daemonset kube-proxy -n kube-system -o wide',
            `aws eks describe-addon --cluster-name ${snapshot.cluster.name} --addon-name kube-proxy --region ${snapshot.cluster.region}`,
          ],
      docs: cni ? [DOCS.managingVpcCni, DOCS.cniIamRole, DOCS.containerRuntimeNetwork] : [DOCS.managingKubeProxy],
    },
    // The add-on (vpc-cni or kube-proxy) reports the same failure as DEGRADED: its symptom names the DaemonSet.
    canExplain: [
      { symptom: 'node-not-ready', resources: scope },
      { symptom: 'pod-without-ip', resources: scope },
      // Without kube-proxy, aws-node cannot reach the API server either: its DaemonSet's missing
      // pods are kube-proxy's doing.
      { symptom: 'addon-unhealthy', resources: cni ? [resource.daemonSet('kube-system', daemonSet)] : [resource.daemonSet('kube-system', daemonSet), resource.daemonSet('kube-system', 'aws-node')] },
      // Its pods' image pulls (image-pulls) are the same failure seen from the pod: one root cause for both.
      ...IMAGE_PULL_SYMPTOMS.map((symptom) => ({ symptom, resources: [resource.daemonSet('kube-system', daemonSet)] })),
    ],
  };
}

function instanceFinding(snapshot: Snapshot, p: NodePlacement, state: string): NewFinding<Code> {
  const id = p.instanceId!;
  const region = snapshot.cluster.region;
  const reason = p.instance?.StateReason?.Message ?? p.instance?.StateTransitionReason;
  const stopped = state === 'stopped' || state === 'stopping';
  const replaceNode = [`kubectl drain ${p.nodeName} --ignore-daemonsets --delete-emptydir-data`, `kubectl delete node ${p.nodeName}`];
  return {
    code: 'instance-not-running',
    keyResource: id,
    title: `Node ${p.nodeName}: its instance ${id} is ${state}`,
    rootCause: `The EC2 instance behind the node is ${state}${reason ? ` (${reason})` : ''}, so its kubelet cannot post status and the node stays NotReady.${p.autoScalingGroup ? ` Its Auto Scaling group ${p.autoScalingGroup} replaces an instance it finds unhealthy; a stopped one it may not.` : ''}`,
    evidence: [`EC2 instance ${id} state: ${state}${reason ? ` (${reason})` : ''}.`, `Node ${p.nodeName} has providerID ending in ${id}.`],
    resources: uniqueRefs([resource.instance(id, p.nodeName), resource.node(p.nodeName), ...(p.autoScalingGroup ? [resource.autoScalingGroup(p.autoScalingGroup)] : [])]),
    fix: {
      ...(stopped
        ? {
            summary: 'Start the instance if it was stopped by mistake.',
            commands: [`aws ec2 start-instances --instance-ids ${id} --region ${region}`],
            alternatives: [{ summary: 'Drain and delete the node so the Auto Scaling group replaces it.', commands: replaceNode }],
          }
        : { summary: 'The instance is going away: drain and delete the node so its pods move.', commands: replaceNode }),
      docs: [DOCS.ec2InstanceLifecycle, DOCS.nodeNotReady],
    },
    canExplain: [{ symptom: 'node-not-ready', resources: [resource.node(p.nodeName), resource.instance(id)] }],
  };
}

function pressureFinding(p: NodePlacement, pressure: { type: string; message?: string; lastTransitionTime?: string }[]): NewFinding<Code> {
  const types = pressure.map((c) => c.type);
  const disk = types.includes('DiskPressure');
  return {
    code: 'node-pressure',
    keyResource: p.nodeName,
    title: `Node ${p.nodeName} is under ${types.join(' and ')}`,
    rootCause: `The kubelet reports ${types.join(' and ')}: it taints the node so no new pods land there and evicts pods to reclaim ${disk ? 'disk space (image and container layers, logs, emptyDir volumes)' : 'the resource'}.`,
    evidence: pressure.map((c) => `${c.type} is True since ${c.lastTransitionTime ?? 'an unknown time'}: ${c.message ?? ''}`.trim()),
    resources: uniqueRefs(placementRefs(p)),
    // Pods Pending on its pressure taint name this node (unschedulable-pods).
    canExplain: [{ symptom: 'pod-unschedulable', resources: [resource.node(p.nodeName)] }],
    fix: {
      summary: disk
        ? 'Find what fills the disk (images, logs, emptyDir), and give the node group a larger root volume if it is simply too small.'
        : 'Find the pods using the most of it and set requests and limits that match; the kubelet evicts the rest meanwhile.',
      commands: [`kubectl describe node ${p.nodeName}`, `kubectl top node ${p.nodeName}`, `kubectl get pods --all-namespaces --field-selector spec.nodeName=${p.nodeName} -o wide`, 'kubectl get events --all-namespaces --field-selector reason=Evicted'],
      docs: [DOCS.k8sNodePressureEviction, DOCS.nodeHealth],
    },
  };
}

/** Why an instance has no state in the snapshot: unknown when the instances could not be read, else it was not there. */
function instanceNotSeen(snapshot: Snapshot, instanceId: string): string {
  const failure = partFailure(snapshot, 'aws.reservations');
  return failure ? `The state of EC2 instance ${instanceId} is unknown: ${couldNotRead('aws.reservations', failure)}.` : `EC2 instance ${instanceId} was not among the collected instances.`;
}
