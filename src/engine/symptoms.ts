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
} as const;

export type SymptomKind = keyof typeof SYMPTOM_KINDS;

export function isSymptomKind(value: string): value is SymptomKind {
  return Object.hasOwn(SYMPTOM_KINDS, value);
}
