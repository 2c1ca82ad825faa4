import { CannotCheck, defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import { couldNotRead } from '../src/engine/failure-text.js';
import type { ExplainScope, ResourceRef } from '../src/engine/finding.js';
import { resource } from '../src/engine/resources.js';
import type { SymptomKind } from '../src/engine/symptoms.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { describeTrustedPrincipals, trustsService } from './lib/iam-policy.js';
import {
  attachedPoliciesOf,
  customerManagedPolicies,
  findRole,
  hasManagedPolicy,
  instanceProfileScope,
  instanceProfileUses,
  nodeRoleScope,
  roleIsMissing,
  type InstanceProfileUse,
} from './lib/node-identity.js';
import { nodeRoles, type NodeRole } from './lib/node-roles.js';
import { snapshotAwsAuth } from './lib/aws-auth-config.js';
import { managedPolicyArn, NODE_ACCESS_ENTRY_TYPES, NODE_ROLE_POLICIES, NODE_ROLE_POLICIES_TO_ATTACH, RECOMMENDED_NODE_ROLE_POLICY } from '../src/domain/eks-constants.js';
import { instanceProfileNameOf, roleNameOf, sameRole } from '../src/domain/iam-arn.js';
import { rolesForServiceAccount } from './lib/workload-identity.js';
import { DOCS } from './lib/docs-links.js';


type Code =
  | 'instance-profile-not-found'
  | 'instance-profile-without-role'
  | 'node-role-not-found'
  | 'trust-policy-missing-ec2'
  | 'worker-node-policy-missing'
  | 'ecr-pull-policy-missing'
  | 'cni-policy-missing';

const JOIN: SymptomKind[] = ['instance-not-joined', 'nodegroup-unhealthy'];

export default defineDiagnostic<Code>({
  id: 'node-iam-role',
  title: 'Node IAM roles and instance profiles grant what nodes need',
  description:
    'Every role that EC2 nodes run as (managed node groups, the instance profiles of self-managed and Karpenter instances and of launch templates) ' +
    'must exist, trust ec2.amazonaws.com, and carry AmazonEKSWorkerNodePolicy and an ECR pull policy; AmazonEKS_CNI_Policy must be on the node role ' +
    'unless the aws-node service account gets its own role (IRSA or Pod Identity). Instance profiles must exist and hold the role.',
  docs: [DOCS.createNodeRole, DOCS.cniIamRole, DOCS.instanceProfiles],
  needs: ['aws.iamRoles', 'aws.iamAttachedRolePolicies'],
  uses: [
    'aws.nodegroups', 'aws.reservations', 'aws.launchTemplateVersions', 'aws.iamInstanceProfiles', 'aws.autoScalingGroups', 'aws.cluster',
    'aws.addons', 'aws.podIdentityAssociations', 'kubernetes.serviceAccounts', 'kubernetes.nodes',
  ],
  codes: {
    'instance-profile-not-found': {
      severity: 'critical',
      title: 'Instance profile no longer exists',
      description: 'Instances or launch templates name an instance profile that IAM no longer has: new instances fail to launch (Invalid IamInstanceProfile), running ones lose their credentials, and managed node groups report IamInstanceProfileNotFound.',
      explains: ['instance-not-joined', 'asg-capacity-shortfall', 'nodegroup-unhealthy'],
    },
    'instance-profile-without-role': {
      severity: 'critical',
      title: 'Instance profile holds no role',
      description: 'An instance profile with no role gives its instances no credentials at all, so the kubelet cannot authenticate to the cluster.',
      explains: JOIN,
    },
    'node-role-not-found': {
      severity: 'critical',
      title: 'Node role no longer exists',
      description: 'The role a node group or instance profile names was deleted: nodes get no credentials, and managed node groups report IamNodeRoleNotFound. Re-creating a role with the same name does not repair instance profiles, which hold the old role by its unique ID.',
      explains: [...JOIN, 'asg-capacity-shortfall'],
    },
    'trust-policy-missing-ec2': {
      severity: 'critical',
      title: 'Node role does not trust ec2.amazonaws.com',
      description: 'EC2 can only hand a role to an instance when the role trust policy allows ec2.amazonaws.com to call sts:AssumeRole; otherwise the instance has no credentials and never joins.',
      explains: JOIN,
    },
    'worker-node-policy-missing': {
      severity: 'critical',
      title: 'Node role lacks AmazonEKSWorkerNodePolicy',
      description: 'Without it the kubelet cannot describe its instance and the VPC (ec2:DescribeInstances...), so the node fails to register or stays NotReady; managed node groups report AccessDenied.',
      explains: [...JOIN, 'node-not-ready'],
    },
    'ecr-pull-policy-missing': {
      severity: 'critical',
      title: 'Node role cannot pull images from Amazon ECR',
      description: 'The pause, aws-node and kube-proxy images come from Amazon ECR; without AmazonEC2ContainerRegistryPullOnly (or ReadOnly) the kubelet cannot pull them, so the CNI never starts, nodes stay NotReady, and a managed node group reports the nodes it launched as NodeCreationFailure.',
      explains: ['node-not-ready', 'addon-unhealthy', 'nodegroup-unhealthy', 'image-pull-refused'],
    },
    'cni-policy-missing': {
      severity: 'critical',
      title: 'AmazonEKS_CNI_Policy is on neither the node role nor the aws-node role',
      description: 'The VPC CNI (aws-node) needs ec2:AssignPrivateIpAddresses, ec2:AttachNetworkInterface and friends, from its own IRSA/Pod Identity role or else from the node role. Without them it never initialises: nodes stay NotReady ("cni plugin not initialized") and pods get no IP.',
      explains: ['node-not-ready', 'pod-without-ip', 'addon-unhealthy'],
    },
  },
  check({ snapshot }) {
    const findings: NewFinding<Code>[] = [];
    const partition = snapshot.aws.cluster?.arn?.split(':')[1] ?? 'aws';
    const policyArn = (name: string) => managedPolicyArn(name, partition);
    const ec2Roles = nodeRoles(snapshot).filter((r) => r.kind === 'ec2');
    // With nothing naming a node role readable, "no problem found" would be a guess: say why instead.
    const sources = ['aws.nodegroups', 'aws.reservations', 'aws.launchTemplateVersions', 'aws.iamInstanceProfiles'] as const;
    const unreadable = sources.flatMap((part) => snapshot.errors.filter((e) => e.part === part).slice(0, 1).map((e) => couldNotRead(part, e)));
    if (ec2Roles.length === 0 && (snapshot.aws.fargateProfiles ?? []).length === 0 && unreadable.length === sources.length) throw new CannotCheck(unreadable.join('; '), snapshot.errors.filter((e) => (sources as readonly string[]).includes(e.part)));

    for (const use of instanceProfileUses(snapshot)) findings.push(...checkInstanceProfile(snapshot, use, ec2Roles));

    for (const role of ec2Roles) {
      // Built only for a role with a finding: it names every instance and Node behind the role.
      const scope = lazy(() => nodeRoleScope(snapshot, role));
      const explain = (kinds: SymptomKind[]): ExplainScope[] => kinds.map((symptom) => ({ symptom, resources: scope() }));
      const users = describeUsers(role);
      const iamRole = findRole(snapshot, role.arn);
      if (!iamRole) {
        if (roleIsMissing(snapshot, role.arn)) {
          findings.push({
            code: 'node-role-not-found',
            title: `Node role ${role.name} does not exist`,
            rootCause: `IAM has no role ${role.arn}, yet ${users} use it: their instances get no credentials and cannot join the cluster.`,
            evidence: [`iam:GetRole ${role.name}: NoSuchEntity`, `Used by ${users}`, ...nodegroupIssues(snapshot, role.nodegroups, ['IamNodeRoleNotFound'])],
            resources: scope(),
            keyResource: role.arn,
            fix: {
              summary: `Re-create the role ${role.name} with the EC2 trust policy and the node policies; then remove and re-add it to each instance profile (profiles hold roles by unique ID), and roll the nodes.`,
              commands: [
                `aws iam create-role --role-name ${role.name}${role.path !== '/' ? ` --path ${role.path}` : ''} --assume-role-policy-document '${EC2_TRUST}'`,
                ...NODE_ROLE_POLICIES_TO_ATTACH.map((p) => `aws iam attach-role-policy --role-name ${role.name} --policy-arn ${policyArn(p)}`),
                ...role.instanceProfileArns.flatMap((arn) => {
                  const profile = instanceProfileNameOf(arn);
                  return [`aws iam remove-role-from-instance-profile --instance-profile-name ${profile} --role-name ${role.name}`, `aws iam add-role-to-instance-profile --instance-profile-name ${profile} --role-name ${role.name}`];
                }),
              ],
              docs: [DOCS.createNodeRole],
            },
            canExplain: explain(['instance-not-joined', 'nodegroup-unhealthy', 'asg-capacity-shortfall']),
          });
        }
        continue; // not collected: nothing more we can say about it
      }

      if (!trustsService(iamRole.AssumeRolePolicyDocument, 'ec2.amazonaws.com')) {
        findings.push({
          code: 'trust-policy-missing-ec2',
          title: `Node role ${role.name} does not trust ec2.amazonaws.com`,
          rootCause: `The trust policy of ${role.name} does not let ec2.amazonaws.com call sts:AssumeRole, so ${users} get no credentials and their kubelets cannot authenticate.`,
          evidence: [`Trust policy principals: ${describeTrustedPrincipals(iamRole.AssumeRolePolicyDocument)}`, `Used by ${users}`],
          resources: scope(),
          keyResource: role.arn,
          fix: {
            summary: `Restore the EC2 trust policy on ${role.name}, then replace the nodes that failed to join.`,
            commands: [`aws iam update-assume-role-policy --role-name ${role.name} --policy-document '${EC2_TRUST}'`],
            docs: [DOCS.createNodeRole],
          },
          canExplain: explain(JOIN),
        });
      }

      const attached = attachedPoliciesOf(snapshot, iamRole.RoleName ?? role.name);
      if (!attached) continue;
      const custom = customerManagedPolicies(attached);
      const attachedNames = attached.AttachedPolicies.map((p) => p.PolicyName).join(', ') || 'none';
      // A customer managed policy may grant the same permissions; we cannot read it, so we say so and lower the severity.
      const customNote = custom.length > 0 ? [`Customer managed policies attached (not inspected; they may grant the same permissions): ${custom.join(', ')}`] : [];
      const severity = custom.length > 0 ? ('warning' as const) : undefined;
      const missingPolicy = (code: Code, policy: string, why: string, kinds: SymptomKind[]) =>
        findings.push({
          code,
          ...(severity ? { severity } : {}),
          title: `Node role ${role.name} lacks ${policy}`,
          rootCause: `${role.name} has no ${policy} attached: ${why} This affects ${users}.`,
          evidence: [`Attached policies: ${attachedNames}`, ...customNote, `Used by ${users}`, ...nodegroupIssues(snapshot, role.nodegroups, ['AccessDenied'])],
          resources: scope(),
          keyResource: role.arn,
          fix: {
            summary: `Attach ${policy} to ${role.name}; nodes pick it up within minutes (restart the kubelet or replace nodes that already gave up).`,
            commands: [`aws iam attach-role-policy --role-name ${role.name} --policy-arn ${policyArn(policy)}`],
            docs: [DOCS.createNodeRole],
          },
          canExplain: explain(kinds),
        });
      if (!hasManagedPolicy(attached, NODE_ROLE_POLICIES.workerNode)) {
        missingPolicy('worker-node-policy-missing', RECOMMENDED_NODE_ROLE_POLICY.workerNode, 'the kubelet cannot describe its instance and the VPC, so the node cannot register or stay Ready.', [...JOIN, 'node-not-ready']);
      }
      if (!hasManagedPolicy(attached, NODE_ROLE_POLICIES.ecrPull)) {
        // A managed node group counts nodes that never turn Ready as NodeCreationFailure.
        missingPolicy('ecr-pull-policy-missing', RECOMMENDED_NODE_ROLE_POLICY.ecrPull, 'the kubelet cannot pull the pause, aws-node and kube-proxy images from Amazon ECR, so the CNI never starts, and no pod on these nodes can pull from ECR.', ['node-not-ready', 'addon-unhealthy', 'nodegroup-unhealthy', 'image-pull-refused']);
      }
    }

    findings.push(...checkCniPolicy(snapshot, ec2Roles, policyArn));
    return findings;
  },
});

const EC2_TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

function describeUsers(role: NodeRole): string {
  const parts = [
    role.nodegroups.length > 0 ? `node group ${role.nodegroups.join(', ')}` : '',
    role.autoScalingGroups.length > 0 ? `Auto Scaling group ${role.autoScalingGroups.join(', ')}` : '',
    role.instanceIds.length > 0 ? `${role.instanceIds.length} instance(s) (${role.instanceIds.slice(0, 3).join(', ')}${role.instanceIds.length > 3 ? ', ...' : ''})` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : `instance profile ${role.instanceProfileArns.join(', ')}`;
}

/** A value computed on first use and kept. */
function lazy<T>(compute: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: compute() }).v;
}

/** Health issues the node groups report that point at the node role, as evidence. */
function nodegroupIssues(snapshot: Snapshot, nodegroups: string[], codes: string[]): string[] {
  return (snapshot.aws.nodegroups ?? [])
    .filter((ng) => nodegroups.includes(ng.nodegroupName ?? ''))
    .flatMap((ng) => (ng.health?.issues ?? []).filter((i) => codes.includes(i.code ?? '')).map((i) => `Node group ${ng.nodegroupName} reports ${i.code}: ${i.message ?? ''}`.trim()));
}

/**
 * A role the cluster lets in as a node (aws-auth system:nodes mapping, or an EC2 access entry) that
 * no instance profile, node group or instance uses any more: when exactly one, it is most likely
 * the role an emptied or deleted profile held. Otherwise undefined (the fix shows a placeholder).
 */
function orphanedNodeRole(snapshot: Snapshot, ec2Roles: NodeRole[]): string | undefined {
  const mapped = [
    ...(snapshotAwsAuth(snapshot)?.roles.filter((m) => m.groups.includes('system:nodes')).map((m) => m.rolearn) ?? []),
    ...(snapshot.aws.accessEntries ?? []).filter((e) => NODE_ACCESS_ENTRY_TYPES.ec2.includes(e.type ?? '')).flatMap((e) => (e.principalArn ? [e.principalArn] : [])),
  ];
  const held = (snapshot.aws.iamInstanceProfiles ?? []).flatMap((p) => (p.Roles ?? []).flatMap((r) => (r.Arn ? [r.Arn] : [])));
  const inUse = [...ec2Roles.map((r) => r.arn), ...held];
  const orphans = new Set(mapped.filter((arn) => !inUse.some((used) => sameRole(used, arn))).map(roleNameOf));
  return orphans.size === 1 ? [...orphans][0] : undefined;
}

function checkInstanceProfile(snapshot: Snapshot, use: InstanceProfileUse, ec2Roles: NodeRole[]): NewFinding<Code>[] {
  const scope = lazy(() => instanceProfileScope(snapshot, use));
  const users = [
    use.instanceIds.length > 0 ? `instance(s) ${use.instanceIds.join(', ')}` : '',
    use.launchTemplateIds.length > 0 ? `launch template ${use.launchTemplateIds.join(', ')}` : '',
    use.autoScalingGroups.length > 0 ? `Auto Scaling group ${use.autoScalingGroups.join(', ')}` : '',
  ].filter(Boolean).join(', ');
  // The role the profile should hold: the one the same groups' other profiles or node groups use, when we can tell.
  const likelyRole = ec2Roles.find((r) => r.autoScalingGroups.some((a) => use.autoScalingGroups.includes(a)) || r.nodegroups.some((n) => use.nodegroups.includes(n)));
  const roleName = likelyRole?.name ?? orphanedNodeRole(snapshot, ec2Roles) ?? '<node-role-name>';
  const refresh = use.autoScalingGroups.map((asg) => `aws autoscaling start-instance-refresh --auto-scaling-group-name ${asg}`);
  if (use.missing) {
    return [{
      code: 'instance-profile-not-found',
      title: `Instance profile ${use.name} does not exist`,
      rootCause: `${users || 'The cluster\'s capacity'} name instance profile ${use.name}, which IAM no longer has: new instances cannot launch with it and running ones have no credentials.`,
      evidence: [`iam:GetInstanceProfile ${use.name}: NoSuchEntity`, `Referenced by ${users}`, ...nodegroupIssues(snapshot, use.nodegroups, ['IamInstanceProfileNotFound'])],
      resources: scope(),
      keyResource: use.arn,
      fix: {
        summary: `Re-create instance profile ${use.name} with the node role in it (or point the launch template at an existing profile), then replace the instances.`,
        commands: [
          `aws iam create-instance-profile --instance-profile-name ${use.name}`,
          `aws iam add-role-to-instance-profile --instance-profile-name ${use.name} --role-name ${roleName}`,
          ...refresh,
        ],
        docs: [DOCS.instanceProfiles, DOCS.createNodeRole],
      },
      canExplain: (['instance-not-joined', 'asg-capacity-shortfall', 'nodegroup-unhealthy'] as const).map((symptom) => ({ symptom, resources: scope() })),
    }];
  }
  if (use.profile && (use.profile.Roles ?? []).length === 0) {
    return [{
      code: 'instance-profile-without-role',
      title: `Instance profile ${use.name} holds no role`,
      rootCause: `Instance profile ${use.name} has no role in it, so ${users || 'its instances'} run without AWS credentials and their kubelets cannot authenticate to the cluster.`,
      evidence: [`iam:GetInstanceProfile ${use.name}: Roles = []`, `Referenced by ${users}`],
      resources: scope(),
      keyResource: use.arn,
      fix: {
        summary: `Add the node role to ${use.name}; running instances get credentials within minutes, or replace them.`,
        commands: [`aws iam add-role-to-instance-profile --instance-profile-name ${use.name} --role-name ${roleName}`, ...refresh],
        docs: [DOCS.instanceProfiles, DOCS.createNodeRole],
      },
      canExplain: JOIN.map((symptom) => ({ symptom, resources: scope() })),
    }];
  }
  return [];
}

/**
 * aws-node takes its credentials from its own role when the service account has one (IRSA
 * annotation, Pod Identity association, or the add-on's serviceAccountRoleArn), else from the node
 * role. AmazonEKS_CNI_Policy must be on whichever that is. IPv6 clusters use a custom policy we
 * cannot inspect, so they are not judged.
 */
function checkCniPolicy(snapshot: Snapshot, ec2Roles: NodeRole[], policyArn: (name: string) => string): NewFinding<Code>[] {
  if (snapshot.aws.cluster?.kubernetesNetworkConfig?.ipFamily === 'ipv6') return [];
  const cniScope: ResourceRef[] = [resource.daemonSet('kube-system', 'aws-node'), resource.addon('vpc-cni')];
  const ownRoles = rolesForServiceAccount(snapshot, 'kube-system', 'aws-node');
  if (ownRoles.length > 0) {
    const judged = ownRoles.map((r) => ({ r, role: findRole(snapshot, r.roleArn) })).filter((x) => x.role !== undefined);
    // A missing or unreadable aws-node role is irsa-pod-identity's to report; only judge roles we can read.
    const withPolicy = judged.some(({ role }) => {
      const attached = attachedPoliciesOf(snapshot, role!.RoleName ?? '');
      return attached === undefined || hasManagedPolicy(attached, NODE_ROLE_POLICIES.cni) || customerManagedPolicies(attached).length > 0;
    });
    if (judged.length === 0 || withPolicy) return [];
    const names = judged.map(({ role }) => role!.RoleName!);
    const allNodes = (snapshot.kubernetes.nodes ?? []).filter((n) => n.metadata?.labels?.['eks.amazonaws.com/compute-type'] !== 'fargate').map((n) => resource.node(n.metadata!.name!));
    const scope = [...judged.map(({ role }) => resource.role(role!.Arn!)), ...cniScope, ...allNodes];
    return [{
      code: 'cni-policy-missing',
      title: `The aws-node role ${names.join(', ')} lacks AmazonEKS_CNI_Policy`,
      rootCause: `kube-system/aws-node gets its credentials from ${judged.map(({ r }) => `${r.roleArn} (${r.via === 'pod-identity' ? 'Pod Identity' : 'IRSA'})`).join(', ')}, which has no AmazonEKS_CNI_Policy: the VPC CNI cannot assign IP addresses, so nodes stay NotReady and pods get no IP.`,
      evidence: judged.map(({ role }) => `Attached to ${role!.RoleName}: ${attachedPoliciesOf(snapshot, role!.RoleName!)?.AttachedPolicies.map((p) => p.PolicyName).join(', ') || 'none'}`),
      resources: scope,
      keyResource: judged[0]!.role!.Arn!,
      fix: {
        summary: `Attach AmazonEKS_CNI_Policy to ${names.join(', ')}, then restart aws-node.`,
        commands: [...names.map((n) => `aws iam attach-role-policy --role-name ${n} --policy-arn ${policyArn(RECOMMENDED_NODE_ROLE_POLICY.cni)}`), 'kubectl -n kube-system rollout restart daemonset/aws-node'],
        docs: [DOCS.cniIamRole, DOCS.createNodeRole],
      },
      canExplain: cniExplains(scope, cniScope),
    }];
  }
  const findings: NewFinding<Code>[] = [];
  for (const role of ec2Roles) {
    const iamRole = findRole(snapshot, role.arn);
    const attached = iamRole ? attachedPoliciesOf(snapshot, iamRole.RoleName ?? role.name) : undefined;
    if (!attached || hasManagedPolicy(attached, NODE_ROLE_POLICIES.cni)) continue;
    const custom = customerManagedPolicies(attached);
    const scope = [...nodeRoleScope(snapshot, role), ...cniScope];
    findings.push({
      code: 'cni-policy-missing',
      ...(custom.length > 0 ? { severity: 'warning' as const } : {}),
      title: `Node role ${role.name} lacks AmazonEKS_CNI_Policy and aws-node has no role of its own`,
      rootCause: `kube-system/aws-node has no IRSA annotation or Pod Identity association, so the VPC CNI uses the node role ${role.name}, which has no AmazonEKS_CNI_Policy: on ${describeUsers(role)} the CNI cannot assign IP addresses, nodes stay NotReady ("cni plugin not initialized") and pods get no IP.`,
      evidence: [
        `Attached to ${role.name}: ${attached.AttachedPolicies.map((p) => p.PolicyName).join(', ') || 'none'}`,
        ...(custom.length > 0 ? [`Customer managed policies attached (not inspected; they may grant the same permissions): ${custom.join(', ')}`] : []),
        'kube-system/aws-node: no eks.amazonaws.com/role-arn annotation and no Pod Identity association',
      ],
      resources: scope,
      keyResource: role.arn,
      fix: {
        summary: `Give the VPC CNI its permissions: preferably a dedicated IRSA role for aws-node (AWS's recommendation), or quickest, attach AmazonEKS_CNI_Policy to ${role.name}. Then restart aws-node.`,
        commands: [`aws iam attach-role-policy --role-name ${role.name} --policy-arn ${policyArn(RECOMMENDED_NODE_ROLE_POLICY.cni)}`, 'kubectl -n kube-system rollout restart daemonset/aws-node'],
        docs: [DOCS.cniIamRole, DOCS.createNodeRole],
      },
      canExplain: cniExplains(scope, cniScope),
    });
  }
  return findings;
}

/** Nodes and their pods suffer everywhere the role is used; of the add-ons, only the VPC CNI itself (kube-proxy does not need these permissions). */
function cniExplains(scope: ResourceRef[], cniScope: ResourceRef[]): ExplainScope[] {
  return [
    { symptom: 'node-not-ready', resources: scope },
    { symptom: 'pod-without-ip', resources: scope },
    { symptom: 'addon-unhealthy', resources: cniScope },
  ];
}
