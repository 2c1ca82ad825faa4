/**
 * CoreDNS, the cluster's DNS (Service kube-system/kube-dns, Deployment kube-system/coredns, as the
 * EKS add-on and every EKS cluster's default install name them): whether it has its replicas, and
 * on a cluster whose only capacity is Fargate, whether any Fargate profile can run its pods.
 */
import type { FargateProfile, KubeDeployment, KubePod, Snapshot } from '../../src/snapshot/types.js';
import { matchesSelector } from './label-selector.js';

export const COREDNS = { namespace: 'kube-system', deployment: 'coredns', service: 'kube-dns' } as const;

/**
 * The annotation EKS puts on CoreDNS's pod template so the default scheduler places it on EC2; on
 * a Fargate-only cluster it must be removed for the Fargate scheduler to take the pods (from memory
 * of the EKS user guide, "Getting started with AWS Fargate": `kubectl patch deployment coredns ...
 * remove /spec/template/metadata/annotations/eks.amazonaws.com~1compute-type`).
 */
export const COMPUTE_TYPE_ANNOTATION = 'eks.amazonaws.com/compute-type';

export interface CorednsState {
  deployment: KubeDeployment;
  desired: number;
  ready: number;
  /** Its pods (the Deployment's selector over kube-system's pods), the ones not ready first. */
  pods: { pod: KubePod; ready: boolean; state: string }[];
}

export function corednsDeployment(snapshot: Snapshot): KubeDeployment | undefined {
  return snapshot.kubernetes.deployments?.find((d) => d.metadata?.namespace === COREDNS.namespace && d.metadata?.name === COREDNS.deployment);
}

export function corednsState(snapshot: Snapshot): CorednsState | undefined {
  const deployment = corednsDeployment(snapshot);
  if (!deployment) return undefined;
  const selector = deployment.spec?.selector;
  const pods = selector && Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions?.length ?? 0) > 0
    ? (snapshot.kubernetes.kubeSystemPods ?? []).filter((p) => matchesSelector(p.metadata?.labels, selector))
    : [];
  const described = pods.map((pod) => ({ pod, ready: isReady(pod), state: podState(pod) })).sort((a, b) => Number(a.ready) - Number(b.ready));
  return { deployment, desired: deployment.spec?.replicas ?? 1, ready: deployment.status?.readyReplicas ?? 0, pods: described };
}

function isReady(pod: KubePod): boolean {
  return pod.status?.phase === 'Running' && pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

/** 'Pending (Unschedulable: 0/3 nodes are available: ...)', 'Running, not ready (NodeLost)', 'Running, ready'. */
function podState(pod: KubePod): string {
  const phase = pod.status?.phase ?? 'Unknown';
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (phase === 'Pending' && scheduled?.status === 'False') return `Pending (${[scheduled.reason, scheduled.message].filter(Boolean).join(': ') || 'not scheduled'})`;
  const waiting = pod.status?.containerStatuses?.find((c) => c.state?.waiting?.reason)?.state?.waiting?.reason;
  if (waiting) return `${phase}, ${waiting}`;
  if (isReady(pod)) return `${phase}, ready`;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  return `${phase}, not ready${ready?.reason ? ` (${ready.reason})` : ''}`;
}

/** A Fargate profile selector's namespace or label value: `*` and `?` are wildcards (EKS accepts them since 2023). */
function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(value);
}

/** The Fargate profiles (ACTIVE) one of whose selectors takes pods of `namespace` with `labels`. */
export function fargateProfilesSelecting(profiles: readonly FargateProfile[], namespace: string, labels: Record<string, string>): FargateProfile[] {
  return profiles.filter(
    (p) =>
      p.status === 'ACTIVE' &&
      (p.selectors ?? []).some((s) => s.namespace !== undefined && globMatches(s.namespace, namespace) && Object.entries(s.labels ?? {}).every(([k, v]) => labels[k] !== undefined && globMatches(v, labels[k]!))),
  );
}

/**
 * Whether Fargate is the cluster's only capacity, as far as the snapshot shows: Fargate profiles,
 * and no managed node group, no Auto Scaling group, no Karpenter NodePool and no Node that is not a
 * Fargate node. Undefined when a part that could show EC2 capacity was not read.
 */
export function fargateOnly(snapshot: Snapshot): boolean | undefined {
  const { aws, kubernetes } = snapshot;
  if (!aws.fargateProfiles || !aws.nodegroups || !aws.autoScalingGroups || !kubernetes.nodes) return undefined;
  if (aws.fargateProfiles.length === 0) return false;
  const ec2Nodes = kubernetes.nodes.filter((n) => n.metadata?.labels?.[COMPUTE_TYPE_ANNOTATION] !== 'fargate');
  return aws.nodegroups.length === 0 && aws.autoScalingGroups.length === 0 && (kubernetes.nodePools ?? []).length === 0 && ec2Nodes.length === 0;
}
