import { describe, expect, it } from 'vitest';
import { describeDiagnostic, failedPart, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import {
  BATCH_PROFILE_ARN,
  BATCH_PROFILE_NAME,
  BATCH_ROLE_ARN,
  BATCH_ROLE_NAME,
  KARPENTER_ROLE_ARN,
  KARPENTER_ROLE_NAME,
  NODE_ROLE_ARN,
  NODE_ROLE_NAME,
  iamArn,
} from '../mocks/scenario-builder/baseline.js';
import { decodeRoleTrustPolicy } from '../src/snapshot/policy-document.js';
import type { IamRole, PolicyDocument, Snapshot } from '../src/snapshot/types.js';
import nodeIamRole from './node-iam-role.js';

const CNI_ROLE_ARN = iamArn('role/shop-prod-vpc-cni');

function detach(s: Snapshot, roleName: string, policyName: string): void {
  const entry = s.aws.iamAttachedRolePolicies!.find((a) => a.RoleName === roleName)!;
  entry.AttachedPolicies = entry.AttachedPolicies.filter((p) => p.PolicyName !== policyName);
}

function attach(s: Snapshot, roleName: string, policyArn: string): void {
  s.aws.iamAttachedRolePolicies!.find((a) => a.RoleName === roleName)!.AttachedPolicies.push({ PolicyName: policyArn.split('/').pop()!, PolicyArn: policyArn });
}

function roleNamed(s: Snapshot, name: string): IamRole {
  return s.aws.iamRoles!.find((r) => r.RoleName === name)!;
}

/** The role as iam:GetRole returns it over the wire (trust policy URL-encoded), decoded the way the collector decodes it. */
function asCollected(role: IamRole, trust: PolicyDocument): IamRole {
  const { AssumeRolePolicyDocument: _decoded, ...rest } = role;
  return decodeRoleTrustPolicy({ ...rest, AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)) });
}

function addCniRole(s: Snapshot, withPolicy: boolean): void {
  s.aws.iamRoles!.push({ ...roleNamed(s, 'shop-prod-ebs-csi'), RoleName: 'shop-prod-vpc-cni', Arn: CNI_ROLE_ARN, RoleId: 'AROASHOPPRODVPCCNI01' });
  s.aws.iamAttachedRolePolicies!.push({ RoleName: 'shop-prod-vpc-cni', AttachedPolicies: withPolicy ? [{ PolicyName: 'AmazonEKS_CNI_Policy', PolicyArn: 'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy' }] : [] });
}

function removeCniFromNodeRoles(s: Snapshot): void {
  for (const name of [NODE_ROLE_NAME, BATCH_ROLE_NAME, KARPENTER_ROLE_NAME]) detach(s, name, 'AmazonEKS_CNI_Policy');
}

describeDiagnostic(nodeIamRole, {
  healthy: [
    { name: 'baseline (ReadOnly on one role, PullOnly on another, role with a path)', snapshot: mutate(() => {}) },
    {
      name: 'trust policies as the SDK returns them (URL-encoded), decoded by the collector function',
      snapshot: mutate((s) => {
        s.aws.iamRoles = s.aws.iamRoles!.map((r) => asCollected(r, r.AssumeRolePolicyDocument!));
      }),
    },
    {
      name: 'aws-node uses its own IRSA role with the CNI policy; node roles need not have it',
      snapshot: mutate((s) => {
        removeCniFromNodeRoles(s);
        addCniRole(s, true);
        s.kubernetes.serviceAccounts!.find((sa) => sa.metadata?.name === 'aws-node')!.metadata!.annotations = { 'eks.amazonaws.com/role-arn': CNI_ROLE_ARN };
      }),
    },
    {
      name: 'aws-node uses a Pod Identity association with the CNI policy',
      snapshot: mutate((s) => {
        removeCniFromNodeRoles(s);
        addCniRole(s, true);
        s.aws.podIdentityAssociations!.push({ clusterName: 'shop-prod', namespace: 'kube-system', serviceAccount: 'aws-node', roleArn: CNI_ROLE_ARN, associationId: 'a-0awsnode00000001' });
      }),
    },
    {
      name: 'IPv6 cluster: the CNI policy is custom and not judged',
      snapshot: mutate((s) => {
        removeCniFromNodeRoles(s);
        s.aws.cluster!.kubernetesNetworkConfig = { ipFamily: 'ipv6', serviceIpv6Cidr: 'fd00:ec2::/108' };
      }),
    },
    {
      name: 'trust policy with the service in a list and an extra Deny for another principal',
      snapshot: mutate((s) => {
        roleNamed(s, NODE_ROLE_NAME).AssumeRolePolicyDocument = {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: ['ssm.amazonaws.com', 'ec2.amazonaws.com'] }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
            { Effect: 'Deny', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:*' },
          ],
        };
      }),
    },
  ],
  broken: [
    {
      name: 'node group role lacks AmazonEKSWorkerNodePolicy',
      snapshot: mutate((s) => detach(s, NODE_ROLE_NAME, 'AmazonEKSWorkerNodePolicy')),
      expect: [{ id: 'node-iam-role/worker-node-policy-missing', resource: NODE_ROLE_ARN, severity: 'critical', canExplain: ['instance-not-joined', 'node-not-ready', 'nodegroup-unhealthy'] }],
    },
    {
      name: 'worker node policy missing but a customer managed policy is attached: warning, not critical',
      snapshot: mutate((s) => {
        detach(s, NODE_ROLE_NAME, 'AmazonEKSWorkerNodePolicy');
        attach(s, NODE_ROLE_NAME, iamArn('policy/shop-node-extra'));
      }),
      expect: [{ id: 'node-iam-role/worker-node-policy-missing', resource: NODE_ROLE_ARN, severity: 'warning' }],
    },
    {
      name: 'self-managed role (with a path) has no ECR pull policy',
      snapshot: mutate((s) => detach(s, BATCH_ROLE_NAME, 'AmazonEC2ContainerRegistryPullOnly')),
      expect: [{ id: 'node-iam-role/ecr-pull-policy-missing', resource: BATCH_ROLE_ARN, canExplain: ['node-not-ready', 'addon-unhealthy', 'nodegroup-unhealthy'] }],
    },
    {
      name: 'node role trusts lambda instead of EC2 (decoded trust policy)',
      snapshot: mutate((s) => {
        roleNamed(s, KARPENTER_ROLE_NAME).AssumeRolePolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
      }),
      expect: [{ id: 'node-iam-role/trust-policy-missing-ec2', resource: KARPENTER_ROLE_ARN, canExplain: ['instance-not-joined'] }],
    },
    {
      name: 'node role trust policy as the SDK returns it (URL-encoded), only allowing sts:TagSession',
      snapshot: mutate((s) => {
        const i = s.aws.iamRoles!.findIndex((r) => r.RoleName === NODE_ROLE_NAME);
        s.aws.iamRoles![i] = asCollected(s.aws.iamRoles![i]!, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:TagSession' }] });
      }),
      expect: [{ id: 'node-iam-role/trust-policy-missing-ec2', resource: NODE_ROLE_ARN }],
    },
    {
      name: 'trust policy denies EC2 explicitly',
      snapshot: mutate((s) => {
        const doc = roleNamed(s, NODE_ROLE_NAME).AssumeRolePolicyDocument!;
        doc.Statement = [...(Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]), { Effect: 'Deny', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }];
      }),
      expect: [{ id: 'node-iam-role/trust-policy-missing-ec2', resource: NODE_ROLE_ARN }],
    },
    {
      name: 'CNI policy missing everywhere: one finding per node role, scoped to its nodes and aws-node',
      snapshot: mutate(removeCniFromNodeRoles),
      expect: [
        { id: 'node-iam-role/cni-policy-missing', resource: NODE_ROLE_ARN, canExplain: ['node-not-ready', 'pod-without-ip', 'addon-unhealthy'] },
        { id: 'node-iam-role/cni-policy-missing', resource: BATCH_ROLE_ARN },
        { id: 'node-iam-role/cni-policy-missing', resource: KARPENTER_ROLE_ARN },
        { id: 'node-iam-role/cni-policy-missing', resource: 'kube-system/aws-node' },
      ],
    },
    {
      name: 'aws-node IRSA role lacks the CNI policy (node roles have it, but aws-node does not use them)',
      snapshot: mutate((s) => {
        addCniRole(s, false);
        s.kubernetes.serviceAccounts!.find((sa) => sa.metadata?.name === 'aws-node')!.metadata!.annotations = { 'eks.amazonaws.com/role-arn': CNI_ROLE_ARN };
      }),
      expect: [{ id: 'node-iam-role/cni-policy-missing', resource: CNI_ROLE_ARN }],
    },
    {
      name: 'instance profile of the self-managed launch template was deleted',
      snapshot: mutate((s) => {
        s.aws.iamInstanceProfiles = s.aws.iamInstanceProfiles!.filter((p) => p.InstanceProfileName !== BATCH_PROFILE_NAME);
        s.aws.notFound!.push({ resourceType: 'iam-instance-profile', id: BATCH_PROFILE_NAME, call: 'iam:GetInstanceProfile' });
      }),
      expect: [{ id: 'node-iam-role/instance-profile-not-found', resource: BATCH_PROFILE_ARN, canExplain: ['asg-capacity-shortfall', 'instance-not-joined'] }],
    },
    {
      name: 'instance profile holds no role',
      snapshot: mutate((s) => {
        s.aws.iamInstanceProfiles!.find((p) => p.InstanceProfileName === BATCH_PROFILE_NAME)!.Roles = [];
      }),
      expect: [{ id: 'node-iam-role/instance-profile-without-role', resource: BATCH_PROFILE_ARN, mentions: BATCH_PROFILE_NAME }],
    },
    {
      name: 'managed node group role was deleted',
      snapshot: mutate((s) => {
        s.aws.iamRoles = s.aws.iamRoles!.filter((r) => r.RoleName !== NODE_ROLE_NAME);
        s.aws.iamAttachedRolePolicies = s.aws.iamAttachedRolePolicies!.filter((a) => a.RoleName !== NODE_ROLE_NAME);
        s.aws.notFound!.push({ resourceType: 'iam-role', id: NODE_ROLE_ARN, call: 'iam:GetRole' });
      }),
      expect: [{ id: 'node-iam-role/node-role-not-found', resource: NODE_ROLE_ARN, canExplain: ['nodegroup-unhealthy', 'instance-not-joined'] }],
    },
  ],
  errors: [
    failedPart('iam:GetRole denied', { part: 'aws.iamRoles', call: 'iam:GetRole', kind: 'denied', code: 'AccessDenied', message: 'not authorized', permission: 'iam:GetRole' }, 'iam:GetRole'),
  ],
});

describe('the role an emptied instance profile should hold again', () => {
  const fixOf = (s: Snapshot) => runDiagnostic(nodeIamRole, s).find((f) => f.id === 'node-iam-role/instance-profile-without-role')!.fix.commands[0];
  const emptyBatchProfile = (s: Snapshot) => {
    s.aws.iamInstanceProfiles!.find((p) => p.InstanceProfileName === BATCH_PROFILE_NAME)!.Roles = [];
  };

  it('is the node role aws-auth still maps that nothing else uses', () => {
    expect(fixOf(mutate(emptyBatchProfile))).toBe(`aws iam add-role-to-instance-profile --instance-profile-name ${BATCH_PROFILE_NAME} --role-name ${BATCH_ROLE_NAME}`);
  });

  it('is left as a placeholder when no mapped node role stands out', () => {
    const s = mutate((x) => {
      emptyBatchProfile(x);
      x.kubernetes.awsAuth!.data!.mapRoles = x.kubernetes.awsAuth!.data!.mapRoles!.replace(`rolearn: ${iamArn(`role/${BATCH_ROLE_NAME}`)}`, `rolearn: ${NODE_ROLE_ARN}`);
    });
    expect(fixOf(s)).toContain('--role-name <node-role-name>');
  });
});
