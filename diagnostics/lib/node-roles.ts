import { memoised } from '../../src/engine/snapshot-memo.js';
import { parseIamArn } from '../../src/domain/iam-arn.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { uniqueAppender } from './unique-lists.js';

/**
 * The IAM roles the cluster's nodes run as, and who uses each: managed node groups (nodeRole), the
 * instance profiles of the cluster's instances (self-managed groups, Karpenter), launch templates of
 * groups with no instance yet, and Fargate profiles (pod execution role).
 */
export interface NodeRole {
  /** The role's ARN as IAM spells it, path included. */
  arn: string;
  name: string;
  /** '/' or '/eks/...'; aws-auth needs the ARN without it. */
  path: string;
  kind: 'ec2' | 'fargate';
  nodegroups: string[];
  instanceIds: string[];
  instanceProfileArns: string[];
  autoScalingGroups: string[];
  fargateProfiles: string[];
}

/** Built once per run (src/engine/snapshot-memo.ts): aws-auth, access-entries and node-iam-role all ask. Treat the roles as read-only. */
export function nodeRoles(snapshot: Snapshot): NodeRole[] {
  return [...memoised(snapshot, 'node-roles', () => buildNodeRoles(snapshot))];
}

function buildNodeRoles(snapshot: Snapshot): NodeRole[] {
  const roles = new Map<string, NodeRole>();
  const profiles = new Map((snapshot.aws.iamInstanceProfiles ?? []).map((p) => [p.Arn, p]));
  const profilesByName = new Map((snapshot.aws.iamInstanceProfiles ?? []).map((p) => [p.InstanceProfileName, p]));

  const roleFor = (arn: string, kind: NodeRole['kind']): NodeRole => {
    const key = arn.toLowerCase();
    let role = roles.get(key);
    if (!role) {
      const parsed = parseIamArn(arn);
      const roleArn = parsed?.resourceType === 'role' ? parsed : undefined;
      role = { arn, name: roleArn?.name ?? arn, path: roleArn?.path ?? '/', kind, nodegroups: [], instanceIds: [], instanceProfileArns: [], autoScalingGroups: [], fargateProfiles: [] };
      roles.set(key, role);
    }
    return role;
  };
  const addUnique = uniqueAppender();
  const profileRoles = (profileArn: string) => {
    const profile = profiles.get(profileArn) ?? profilesByName.get(profileArn.split('/').pop() ?? '');
    return profile?.Roles ?? [];
  };

  for (const ng of snapshot.aws.nodegroups ?? []) {
    if (!ng.nodeRole) continue;
    const role = roleFor(ng.nodeRole, 'ec2');
    addUnique(role.nodegroups, ng.nodegroupName);
    for (const asg of ng.resources?.autoScalingGroups ?? []) addUnique(role.autoScalingGroups, asg.name);
  }
  for (const reservation of snapshot.aws.reservations ?? []) {
    for (const instance of reservation.Instances ?? []) {
      const profileArn = instance.IamInstanceProfile?.Arn;
      if (!profileArn || instance.State?.Name === 'terminated') continue;
      const tag = (key: string) => instance.Tags?.find((t) => t.Key === key)?.Value;
      for (const r of profileRoles(profileArn)) {
        if (!r.Arn) continue;
        const role = roleFor(r.Arn, 'ec2');
        addUnique(role.instanceIds, instance.InstanceId);
        addUnique(role.instanceProfileArns, profileArn);
        addUnique(role.autoScalingGroups, tag('aws:autoscaling:groupName'));
        addUnique(role.nodegroups, tag('eks:nodegroup-name'));
      }
    }
  }
  for (const version of snapshot.aws.launchTemplateVersions ?? []) {
    const profileRef = version.LaunchTemplateData?.IamInstanceProfile;
    const profileArn = profileRef?.Arn ?? (profileRef?.Name ? profilesByName.get(profileRef.Name)?.Arn : undefined);
    if (!profileArn) continue;
    for (const r of profileRoles(profileArn)) {
      if (!r.Arn) continue;
      const role = roleFor(r.Arn, 'ec2');
      addUnique(role.instanceProfileArns, profileArn);
      for (const asg of snapshot.aws.autoScalingGroups ?? []) {
        const lt = asg.LaunchTemplate ?? asg.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
        if (lt?.LaunchTemplateId === version.LaunchTemplateId) addUnique(role.autoScalingGroups, asg.AutoScalingGroupName);
      }
    }
  }
  for (const fp of snapshot.aws.fargateProfiles ?? []) {
    if (!fp.podExecutionRoleArn) continue;
    addUnique(roleFor(fp.podExecutionRoleArn, 'fargate').fargateProfiles, fp.fargateProfileName);
  }
  return [...roles.values()].sort((a, b) => a.arn.localeCompare(b.arn));
}
