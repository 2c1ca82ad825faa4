/**
 * The kinds of symptom that cause findings can explain.
 *
 * A symptom finding names its kind; a cause finding says which kinds it can explain, optionally
 * only for some resources. Correlation joins the two, so a new cause check never edits a symptom check.
 */
export const SYMPTOM_KINDS = {
  'instance-not-joined': 'EC2 instances of the cluster that never registered as Nodes',
  'node-not-ready': 'Nodes that are not Ready',
  'asg-capacity-shortfall': 'Auto Scaling groups below their desired capacity',
  'ec2-launch-quota': "Auto Scaling groups whose launches fail on an EC2 quota (the failure message's own account of it)",
  'nodegroup-unhealthy': 'Managed node groups with health issues or in a failed state',
  'cluster-unhealthy': 'The EKS cluster reporting health issues or not ACTIVE',
  'addon-unhealthy': 'Add-ons that are degraded, failed, or whose pods are not ready',
  'pod-without-ip': 'Pods that cannot get an IP address',
  'loadbalancer-pending': 'LoadBalancer Services that never got an address',
  'api-server-unreachable': 'The Kubernetes API server could not be read',
  'pod-unschedulable': 'Pods the scheduler cannot place on any node',
  'claim-unbound': 'PersistentVolumeClaims that do not bind',
  'pod-create-failing': 'Controllers (ReplicaSets, StatefulSets, DaemonSets, Jobs) that cannot create their pods',
  'image-pull-refused': 'Pods whose image pulls the registry refuses (401/403, no credentials)',
  'image-pull-unreachable': 'Pods whose image pulls cannot reach the registry or the storage it serves layers from',
  'image-pull-rate-limited': 'Pods whose image pulls the registry rate-limits (429)',
  'image-pull-failing': 'Pods whose images cannot be pulled for another reason (not found, unclassified)',
  'pod-crash-looping': 'Containers that keep crashing (CrashLoopBackOff)',
  'coredns-unavailable': 'CoreDNS (the kube-dns Service) below its replicas: name resolution in the cluster fails or slows',
} as const;

export type SymptomKind = keyof typeof SYMPTOM_KINDS;

/**
 * A symptom that another symptom accounts for: a finding of kind `by` explains one of kind
 * `symptom` when both name the same resource of type `on`. CoreDNS is below its replicas because
 * its pods cannot be scheduled, pulled, created or kept running (those findings name Deployment
 * kube-system/coredns, as its own finding does), or because the nodes they run on are NotReady
 * (both name the Node). Declared once here rather than in each check: the check reporting `by`
 * need not know which of its workloads matter to another symptom, and the causes of `by` then
 * rank above both.
 */
export interface SymptomLink {
  symptom: SymptomKind;
  by: SymptomKind;
  /** The resource type both findings must name with the same id ('k8s:Deployment', 'k8s:Node'). */
  on: string;
}

const POD_START_SYMPTOMS = ['pod-unschedulable', 'pod-create-failing', 'image-pull-refused', 'image-pull-unreachable', 'image-pull-rate-limited', 'image-pull-failing', 'pod-crash-looping', 'pod-without-ip'] as const;

export const SYMPTOM_LINKS: readonly SymptomLink[] = [
  ...POD_START_SYMPTOMS.map((by) => ({ symptom: 'coredns-unavailable' as const, by, on: 'k8s:Deployment' })),
  { symptom: 'coredns-unavailable', by: 'node-not-ready', on: 'k8s:Node' },
];

/** The symptom kinds that can account for `kind` (SYMPTOM_LINKS). */
export function linkedSymptoms(kind: SymptomKind): SymptomKind[] {
  return SYMPTOM_LINKS.filter((l) => l.symptom === kind).map((l) => l.by);
}

export function isSymptomKind(value: string): value is SymptomKind {
  return Object.hasOwn(SYMPTOM_KINDS, value);
}
