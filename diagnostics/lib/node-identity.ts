/**
 * What IAM identity the cluster's EC2 capacity runs with, seen from the resources that use it:
 * which instance profiles the instances and launch templates name, which role each profile holds,
 * and which instances, Nodes, node groups and Auto Scaling groups a role or profile stands behind
 * (the scope a cause finding explains symptoms for).
 */
import { instanceIdFromProviderId } from '../../src/domain/provider-id.js';
import type { ResourceRef } from '../../src/engine/finding.js';
import { resource } from '../../src/engine/resources.js';
import { memoised } from '../../src/engine/snapshot-memo.js';
import type { AttachedRolePolicies, IamInstanceProfile, IamRole, Snapshot } from '../../src/snapshot/types.js';
import { instanceProfileNameOf, parseIamArn, sameRole } from '../../src/domain/iam-arn.js';
import type { NodeRole } from './node-roles.js';
import { uniqueAppender } from './unique-lists.js';

/** Instance ID -> Node name, from each Node's providerID (aws:///<az>/<instance id>). */
export function nodeNamesByInstanceId(snapshot: Snapshot): ReadonlyMap<string, string> {
  return memoised(snapshot, 'node-identity/node-names-by-instance', () => buildNodeNamesByInstanceId(snapshot));
}

function buildNodeNamesByInstanceId(snapshot: Snapshot): Map<string, string> {
  const byInstance = new Map<string, string>();
  for (const node of snapshot.kubernetes.nodes ?? []) {
    const instanceId = instanceIdFromProviderId(node.spec?.providerID);
    if (instanceId && node.metadata?.name) byInstance.set(instanceId, node.metadata.name);
  }
  return byInstance;
}

/** The role as iam:GetRole returned it; undefined when it was not collected or does not exist. */
export function findRole(snapshot: Snapshot, roleArn: string): IamRole | undefined {
  const roles = snapshot.aws.iamRoles ?? [];
  return roles.find((r) => r.Arn === roleArn) ?? roles.find((r) => r.Arn !== undefined && sameRole(r.Arn, roleArn));
}

/** IAM answered NoSuchEntity for this role. */
export function roleIsMissing(snapshot: Snapshot, roleArn: string): boolean {
  return (snapshot.aws.notFound ?? []).some((n) => n.resourceType === 'iam-role' && sameRole(n.id, roleArn));
}

export function attachedPoliciesOf(snapshot: Snapshot, roleName: string): AttachedRolePolicies | undefined {
  const found = (snapshot.aws.iamAttachedRolePolicies ?? []).find((a) => a.RoleName === roleName);
  // A hand-edited or truncated snapshot may lack the list: read it as "none attached".
  return found ? { ...found, AttachedPolicies: found.AttachedPolicies ?? [] } : undefined;
}

/** Whether an AWS managed policy (arn:<partition>:iam::aws:policy/[<path>/]<name>) of one of these names is attached. */
export function hasManagedPolicy(attached: AttachedRolePolicies, names: readonly string[]): boolean {
  return attached.AttachedPolicies.some((p) => {
    const parsed = parseIamArn(p.PolicyArn ?? '');
    return parsed?.account === 'aws' && parsed.resourceType === 'policy' && names.includes(parsed.name);
  });
}

/** Policies attached that the customer wrote (not AWS managed): they may grant what a managed policy would. */
export function customerManagedPolicies(attached: AttachedRolePolicies): string[] {
  return attached.AttachedPolicies.filter((p) => p.PolicyArn !== undefined && parseIamArn(p.PolicyArn)?.account !== 'aws').map((p) => p.PolicyName ?? p.PolicyArn!);
}

/** One instance profile named by the cluster's instances or launch templates, with who names it. */
export interface InstanceProfileUse {
  /** The ARN as referenced (or built from the name when only a name was given). */
  arn: string;
  name: string;
  profile?: IamInstanceProfile;
  /** IAM answered NoSuchEntity for it. */
  missing: boolean;
  instanceIds: string[];
  launchTemplateIds: string[];
  autoScalingGroups: string[];
  nodegroups: string[];
}

export function instanceProfileUses(snapshot: Snapshot): InstanceProfileUse[] {
  const profiles = snapshot.aws.iamInstanceProfiles ?? [];
  const notFound = (snapshot.aws.notFound ?? []).filter((n) => n.resourceType === 'iam-instance-profile');
  const uses = new Map<string, InstanceProfileUse>();
  const accountArn = (name: string) => {
    const account = snapshot.aws.callerIdentity?.Account ?? /:(\d{12}):/.exec(snapshot.aws.cluster?.arn ?? '')?.[1] ?? '';
    const partition = snapshot.aws.cluster?.arn?.split(':')[1] ?? 'aws';
    return `arn:${partition}:iam::${account}:instance-profile/${name}`;
  };
  const useOf = (arnOrName: string): InstanceProfileUse => {
    const name = instanceProfileNameOf(arnOrName);
    let use = uses.get(name);
    if (!use) {
      const profile = profiles.find((p) => p.InstanceProfileName === name);
      use = {
        arn: profile?.Arn ?? (arnOrName.startsWith('arn:') ? arnOrName : accountArn(name)),
        name,
        ...(profile ? { profile } : {}),
        missing: notFound.some((n) => instanceProfileNameOf(n.id) === name),
        instanceIds: [],
        launchTemplateIds: [],
        autoScalingGroups: [],
        nodegroups: [],
      };
      uses.set(name, use);
    }
    return use;
  };
  const add = uniqueAppender();
  for (const reservation of snapshot.aws.reservations ?? []) {
    for (const instance of reservation.Instances ?? []) {
      const ref = instance.IamInstanceProfile?.Arn;
      if (!ref || instance.State?.Name === 'terminated') continue;
      const use = useOf(ref);
      const tag = (key: string) => instance.Tags?.find((t) => t.Key === key)?.Value;
      add(use.instanceIds, instance.InstanceId);
      add(use.autoScalingGroups, tag('aws:autoscaling:groupName'));
      add(use.nodegroups, tag('eks:nodegroup-name'));
    }
  }
  for (const version of snapshot.aws.launchTemplateVersions ?? []) {
    const ref = version.LaunchTemplateData?.IamInstanceProfile;
    const arnOrName = ref?.Arn ?? ref?.Name;
    if (!arnOrName) continue;
    const use = useOf(arnOrName);
    add(use.launchTemplateIds, version.LaunchTemplateId);
    for (const asg of snapshot.aws.autoScalingGroups ?? []) {
      const lt = asg.LaunchTemplate ?? asg.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
      if (lt?.LaunchTemplateId === version.LaunchTemplateId) add(use.autoScalingGroups, asg.AutoScalingGroupName);
    }
  }
  return [...uses.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Everything a node role stands behind, as resource references a symptom may name. */
export function nodeRoleScope(snapshot: Snapshot, role: NodeRole): ResourceRef[] {
  const nodeNames = nodeNamesByInstanceId(snapshot);
  return [
    resource.role(role.arn),
    ...role.instanceProfileArns.map((arn) => resource.instanceProfile(arn)),
    ...role.instanceIds.map((id) => resource.instance(id)),
    ...role.instanceIds.flatMap((id) => (nodeNames.has(id) ? [resource.node(nodeNames.get(id)!)] : [])),
    ...nodesOfNodegroups(snapshot, role.nodegroups).map((name) => resource.node(name)),
    ...role.nodegroups.map((name) => resource.nodegroup(name)),
    ...role.autoScalingGroups.map((name) => resource.autoScalingGroup(name)),
  ].filter(firstOfEach());
}

/** A filter keeping the first reference of each type and id, in linear time. */
function firstOfEach(): (ref: ResourceRef) => boolean {
  const seen = new Set<string>();
  return (ref) => {
    const key = `${ref.type}\u0000${ref.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
}

/** Everything an instance profile stands behind. */
export function instanceProfileScope(snapshot: Snapshot, use: InstanceProfileUse): ResourceRef[] {
  const nodeNames = nodeNamesByInstanceId(snapshot);
  return [
    resource.instanceProfile(use.arn),
    ...use.instanceIds.map((id) => resource.instance(id)),
    ...use.instanceIds.flatMap((id) => (nodeNames.has(id) ? [resource.node(nodeNames.get(id)!)] : [])),
    ...use.launchTemplateIds.map((id) => resource.launchTemplate(id)),
    ...use.nodegroups.map((name) => resource.nodegroup(name)),
    ...use.autoScalingGroups.map((name) => resource.autoScalingGroup(name)),
  ];
}

/** Node names carrying a managed node group's label. */
function nodesOfNodegroups(snapshot: Snapshot, nodegroups: string[]): string[] {
  if (nodegroups.length === 0) return [];
  const wanted = new Set(nodegroups);
  return (snapshot.kubernetes.nodes ?? [])
    .filter((n) => wanted.has(n.metadata?.labels?.['eks.amazonaws.com/nodegroup'] ?? ''))
    .map((n) => n.metadata!.name!);
}
