/**
 * What a finding's change history is about: from the resources it names, the places a recent change
 * to them is recorded. Shared by the plan (what to collect) and the attachment (which change
 * touches which finding), so both read a finding the same way. Pure.
 */
import { ADDON_WORKLOADS } from '../domain/eks-constants.js';
import { instanceProfileNameOf, parseIamArn, roleNameOf } from '../domain/iam-arn.js';
import { isRootCause } from '../engine/correlate.js';
import type { Finding, ResourceRef } from '../engine/finding.js';
import type { Report } from '../engine/report.js';
import { resource } from '../engine/resources.js';

/** Where a change to one resource is recorded. */
export type ChangeSubject =
  | { kind: 'cloudtrail'; resourceName: string; region: string; ref: ResourceRef }
  | { kind: 'eks-update'; target: 'cluster' | 'nodegroup' | 'addon'; name: string; ref: ResourceRef }
  | { kind: 'scaling-activity'; group: string; ref: ResourceRef }
  | { kind: 'managed-fields'; part: ManagedFieldsPart; id: string; ref: ResourceRef };

/** The Kubernetes parts whose objects keep their managedFields (manager, operation, time). */
export type ManagedFieldsPart = 'awsAuth' | 'daemonSets' | 'deployments' | 'validatingWebhooks' | 'mutatingWebhooks';

/**
 * EC2 resources whose changes CloudTrail names by ID (the ResourceName of LookupEvents). Instances
 * are left out: their launches and terminations are the Auto Scaling group's doing, in its activities.
 */
const CLOUDTRAIL_EC2_TYPES = new Set(['aws:ec2:nat-gateway', 'aws:ec2:route-table', 'aws:ec2:subnet', 'aws:ec2:security-group', 'aws:ec2:vpc', 'aws:ec2:vpc-endpoint', 'aws:ec2:launch-template', 'aws:ec2:internet-gateway', 'aws:ec2:network-acl']);

/**
 * IAM (and STS) record their events in one region of each partition only: us-east-1 for aws
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html, "global services").
 */
export function iamEventRegion(partition: string): string {
  if (partition === 'aws-cn') return 'cn-north-1';
  if (partition === 'aws-us-gov') return 'us-gov-west-1';
  return 'us-east-1';
}

/** The finding a change history is looked up for: root causes, and symptoms at warning or above that no cause explains. */
export function wantsChangeHistory(finding: Finding): boolean {
  if (finding.suppressed) return false;
  return isRootCause(finding) || (finding.unexplained !== undefined && finding.severity !== 'info');
}

export function changeHistoryFindings(report: Report): Finding[] {
  return report.findings.filter(wantsChangeHistory);
}

const AWS_AUTH = resource.configMap('kube-system', 'aws-auth');

/** The name a node group ARN carries (arn:aws:eks:<region>:<account>:nodegroup/<cluster>/<name>/<uuid>); a name as it is. */
function nodegroupName(id: string): string {
  const match = /:nodegroup\/[^/]+\/([^/]+)\//.exec(id);
  return match ? match[1]! : id;
}

/** Where the changes to one resource a finding names are recorded; [] for a resource no source records. */
function subjectsOfResource(ref: ResourceRef, region: string): ChangeSubject[] {
  if (CLOUDTRAIL_EC2_TYPES.has(ref.type)) return [{ kind: 'cloudtrail', resourceName: ref.id, region, ref }];
  if (ref.type === 'aws:iam:role' || ref.type === 'aws:iam:instance-profile') {
    // CloudTrail names IAM roles and instance profiles by name in an event's resources (from memory of LookupEvents answers for DetachRolePolicy).
    const name = ref.type === 'aws:iam:role' ? roleNameOf(ref.id) : instanceProfileNameOf(ref.id);
    return [{ kind: 'cloudtrail', resourceName: name, region: iamEventRegion(parseIamArn(ref.id)?.partition ?? 'aws'), ref }];
  }
  if (ref.type === 'aws:eks:cluster') return [{ kind: 'eks-update', target: 'cluster', name: ref.id, ref }];
  if (ref.type === 'aws:eks:nodegroup') return [{ kind: 'eks-update', target: 'nodegroup', name: nodegroupName(ref.id), ref }];
  if (ref.type === 'aws:eks:addon') {
    const workloads = ADDON_WORKLOADS[ref.id];
    return [
      { kind: 'eks-update', target: 'addon', name: ref.id, ref },
      ...(workloads?.daemonSets ?? []).map((name): ChangeSubject => ({ kind: 'managed-fields', part: 'daemonSets', id: `kube-system/${name}`, ref: resource.daemonSet('kube-system', name) })),
      ...(workloads?.deployments ?? []).map((name): ChangeSubject => ({ kind: 'managed-fields', part: 'deployments', id: `kube-system/${name}`, ref: resource.deployment('kube-system', name) })),
    ];
  }
  if (ref.type === 'aws:autoscaling:group') return [{ kind: 'scaling-activity', group: ref.id, ref }];
  if (ref.type === 'k8s:DaemonSet') return [{ kind: 'managed-fields', part: 'daemonSets', id: ref.id, ref }];
  if (ref.type === 'k8s:Deployment') return [{ kind: 'managed-fields', part: 'deployments', id: ref.id, ref }];
  if (ref.type === 'k8s:ConfigMap' && ref.id === AWS_AUTH.id) return [{ kind: 'managed-fields', part: 'awsAuth', id: ref.id, ref }];
  if (ref.type === 'k8s:ValidatingWebhookConfiguration') return [{ kind: 'managed-fields', part: 'validatingWebhooks', id: ref.id, ref }];
  if (ref.type === 'k8s:MutatingWebhookConfiguration') return [{ kind: 'managed-fields', part: 'mutatingWebhooks', id: ref.id, ref }];
  return [];
}

export function subjectKey(s: ChangeSubject): string {
  switch (s.kind) {
    case 'cloudtrail':
      return `cloudtrail|${s.region}|${s.resourceName}`;
    case 'eks-update':
      return `eks-update|${s.target}|${s.name}`;
    case 'scaling-activity':
      return `scaling-activity|${s.group}`;
    case 'managed-fields':
      return `managed-fields|${s.part}|${s.id}`;
  }
}

/** Every place a change to what the finding names is recorded, once each. */
export function changeSubjects(finding: Finding, region: string): ChangeSubject[] {
  const seen = new Set<string>();
  return finding.resources.flatMap((ref) => subjectsOfResource(ref, region)).filter((s) => {
    const key = subjectKey(s);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
