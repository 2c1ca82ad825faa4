/**
 * The launch-template version a group really launches from, and what its user data configures.
 *
 * An Auto Scaling group names its template by ID or name and a version that is a number,
 * `$Default` or `$Latest` (absent means `$Default`); the collector asked EC2 for exactly that, so
 * `$Latest` is the highest version held for the template. A managed node group's Auto Scaling group
 * launches from EKS's copy of the user's template (or from the one EKS made), which holds the user
 * data its instances really boot with: the group's own template is the one to read.
 */
import type { AutoScalingGroup, Ec2Image, LaunchTemplateVersion, Nodegroup, Snapshot, UserDataFacts } from '../../src/snapshot/types.js';
import { groupLaunchTemplate } from './cluster-instances.js';

export interface LaunchTemplateSpec {
  LaunchTemplateId?: string;
  LaunchTemplateName?: string;
  Version?: string;
}

/** The collected version a launch-template specification resolves to. */
export function launchTemplateVersionOf(snapshot: Snapshot, spec: LaunchTemplateSpec | undefined): LaunchTemplateVersion | undefined {
  if (!spec || (!spec.LaunchTemplateId && !spec.LaunchTemplateName)) return undefined;
  const versions = (snapshot.aws.launchTemplateVersions ?? []).filter(
    (v) => (spec.LaunchTemplateId && v.LaunchTemplateId === spec.LaunchTemplateId) || (spec.LaunchTemplateName && v.LaunchTemplateName === spec.LaunchTemplateName),
  );
  const wanted = spec.Version;
  if (wanted === undefined || wanted === '' || wanted === '$Default') return versions.find((v) => v.DefaultVersion);
  if (wanted === '$Latest') return [...versions].sort((a, b) => (b.VersionNumber ?? 0) - (a.VersionNumber ?? 0))[0];
  return versions.find((v) => String(v.VersionNumber) === wanted);
}

/** The user-data facts of the version a specification resolves to. */
export function userDataOf(snapshot: Snapshot, spec: LaunchTemplateSpec | undefined): UserDataFacts | undefined {
  const version = launchTemplateVersionOf(snapshot, spec);
  if (!version) return undefined;
  return (snapshot.aws.launchTemplateUserData ?? []).find((f) => f.LaunchTemplateId === version.LaunchTemplateId && f.VersionNumber === version.VersionNumber);
}

/** The managed node group's own launch template, as a specification (the user's, which EKS copies). */
export function nodegroupLaunchTemplate(nodegroup: Nodegroup | undefined): LaunchTemplateSpec | undefined {
  const lt = nodegroup?.launchTemplate;
  if (!lt?.id && !lt?.name) return undefined;
  return { ...(lt.id ? { LaunchTemplateId: lt.id } : {}), ...(lt.name ? { LaunchTemplateName: lt.name } : {}), ...(lt.version ? { Version: lt.version } : {}) };
}

/** Where a group's user data comes from: its own template's version, else (a managed node group) the user's template. */
export function groupUserData(snapshot: Snapshot, group: AutoScalingGroup, nodegroup: Nodegroup | undefined): { facts: UserDataFacts; version: LaunchTemplateVersion } | undefined {
  for (const spec of [groupLaunchTemplate(group), nodegroupLaunchTemplate(nodegroup)]) {
    const version = launchTemplateVersionOf(snapshot, spec);
    const facts = userDataOf(snapshot, spec);
    if (version && facts) return { facts, version };
  }
  return undefined;
}

/** Instance types the group launches: the node group's list, the mixed instances policy's overrides, its template's, or its members'. */
export function groupInstanceTypes(snapshot: Snapshot, group: AutoScalingGroup, nodegroup: string | undefined): string[] {
  const fromNodegroup = nodegroup ? (snapshot.aws.nodegroups ?? []).find((n) => n.nodegroupName === nodegroup)?.instanceTypes : undefined;
  if (fromNodegroup && fromNodegroup.length > 0) return fromNodegroup;
  const overrides = (group.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? []).map((o) => o.InstanceType).filter((t): t is string => !!t);
  if (overrides.length > 0) return overrides;
  const fromTemplate = launchTemplateVersionOf(snapshot, groupLaunchTemplate(group))?.LaunchTemplateData?.InstanceType;
  if (fromTemplate) return [fromTemplate];
  return [...new Set((group.Instances ?? []).map((i) => i.InstanceType).filter((t): t is string => !!t))];
}

/** The operating system a node boots, as far as EKS's names tell it. */
export type AmiFamily = 'al2' | 'al2023' | 'bottlerocket' | 'windows' | 'ubuntu';

/** A managed node group's amiType (AL2_x86_64, AL2023_ARM_64_STANDARD, BOTTLEROCKET_x86_64, WINDOWS_CORE_2022_x86_64, CUSTOM). */
export function familyOfAmiType(amiType: string | undefined): AmiFamily | undefined {
  if (!amiType) return undefined;
  if (amiType.startsWith('AL2023_')) return 'al2023';
  if (amiType.startsWith('AL2_')) return 'al2';
  if (amiType.startsWith('BOTTLEROCKET_')) return 'bottlerocket';
  if (amiType.startsWith('WINDOWS_')) return 'windows';
  return undefined;
}

/**
 * An AMI's family from its name and description, as the EKS optimized AMIs are named
 * (amazon-eks-node-al2023-x86_64-standard-1.30-v20240607, amazon-eks-node-1.29-v20240315,
 * bottlerocket-aws-k8s-1.30-x86_64-v1.20.1-7c3e9198, Windows_Server-2022-English-Core-EKS_Optimized-1.30-...);
 * a custom AMI built from them usually keeps the family in its name or description.
 */
export function familyOfImage(image: Ec2Image | undefined): AmiFamily | undefined {
  if (!image) return undefined;
  const text = `${image.Name ?? ''} ${image.Description ?? ''}`.toLowerCase();
  if (image.Platform === 'Windows' || /windows/.test(text)) return 'windows';
  if (/bottlerocket/.test(text)) return 'bottlerocket';
  if (/al2023|amazon linux 2023/.test(text)) return 'al2023';
  if (/ubuntu/.test(text)) return 'ubuntu';
  if (/amazon-eks-(gpu-|arm64-)?node-1\.|amazon linux 2\b|\bal2\b|amzn2/.test(text)) return 'al2';
  return undefined;
}
