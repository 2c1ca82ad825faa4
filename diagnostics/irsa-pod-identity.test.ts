import { expect, it } from 'vitest';
import { describeDiagnostic, failedPart, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { BASELINE, BILLING_ROLE_ARN, EBS_CSI_ROLE_ARN, OIDC_PROVIDER_ARN } from '../mocks/scenario-builder/baseline.js';
import { decodeRoleTrustPolicy } from '../src/snapshot/policy-document.js';
import type { IamRole, PolicyDocument, Snapshot } from '../src/snapshot/types.js';
import irsaPodIdentity from './irsa-pod-identity.js';

const issuer = `oidc.eks.${BASELINE.region}.amazonaws.com/id/${BASELINE.oidcId}`;

function role(s: Snapshot, arn: string): IamRole {
  return s.aws.iamRoles!.find((r) => r.Arn === arn)!;
}

function ebsTrust(condition: Record<string, Record<string, string | string[]>>, provider = OIDC_PROVIDER_ARN): PolicyDocument {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: provider }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition }] };
}

/** Replace a role's trust policy the way the collector would store what iam:GetRole returned (URL-encoded). */
function setEncodedTrust(s: Snapshot, arn: string, trust: PolicyDocument): void {
  const i = s.aws.iamRoles!.findIndex((r) => r.Arn === arn);
  const { AssumeRolePolicyDocument: _old, ...rest } = s.aws.iamRoles![i]!;
  s.aws.iamRoles![i] = decodeRoleTrustPolicy({ ...rest, AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)) });
}

function annotate(s: Snapshot, namespace: string, name: string, value: string): void {
  s.kubernetes.serviceAccounts!.find((sa) => sa.metadata?.namespace === namespace && sa.metadata?.name === name)!.metadata!.annotations = { 'eks.amazonaws.com/role-arn': value };
}

describeDiagnostic(irsaPodIdentity, {
  healthy: [
    { name: 'baseline (IRSA for EBS CSI and the load balancer controller, Pod Identity for billing)', snapshot: mutate(() => {}) },
    {
      name: 'IRSA trust policy as the SDK returns it (URL-encoded), decoded by the collector function',
      snapshot: mutate((s) => setEncodedTrust(s, EBS_CSI_ROLE_ARN, role(s, EBS_CSI_ROLE_ARN).AssumeRolePolicyDocument!)),
    },
    {
      name: 'StringLike wildcard that matches the service account',
      snapshot: mutate((s) => {
        role(s, EBS_CSI_ROLE_ARN).AssumeRolePolicyDocument = ebsTrust({ StringEquals: { [`${issuer}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${issuer}:sub`]: 'system:serviceaccount:kube-system:ebs-csi-*' } });
      }),
    },
    {
      name: 'no IRSA service accounts: a missing OIDC provider harms nothing',
      snapshot: mutate((s) => {
        s.aws.iamOidcProviders = [];
        for (const sa of s.kubernetes.serviceAccounts!) delete sa.metadata!.annotations;
      }),
    },
  ],
  broken: [
    {
      name: "no IAM OIDC provider for the cluster's issuer",
      snapshot: mutate((s) => {
        s.aws.iamOidcProviders = [];
      }),
      expect: [{ id: 'irsa-pod-identity/oidc-provider-missing', resource: OIDC_PROVIDER_ARN, canExplain: ['addon-unhealthy'] }],
    },
    {
      name: 'OIDC provider without the sts.amazonaws.com audience',
      snapshot: mutate((s) => {
        s.aws.iamOidcProviders![0]!.ClientIDList = ['sts.amazonaws.com.cn'];
      }),
      expect: [{ id: 'irsa-pod-identity/oidc-provider-audience-missing', resource: OIDC_PROVIDER_ARN }],
    },
    {
      name: 'annotation holds a role name, not an ARN',
      snapshot: mutate((s) => annotate(s, 'kube-system', 'aws-load-balancer-controller', 'shop-prod-aws-load-balancer-controller')),
      expect: [{ id: 'irsa-pod-identity/irsa-annotation-invalid', resource: 'kube-system/aws-load-balancer-controller' }],
    },
    {
      name: 'IRSA role was deleted',
      snapshot: mutate((s) => {
        s.aws.iamRoles = s.aws.iamRoles!.filter((r) => r.Arn !== EBS_CSI_ROLE_ARN);
        s.aws.notFound!.push({ resourceType: 'iam-role', id: EBS_CSI_ROLE_ARN, call: 'iam:GetRole' });
      }),
      expect: [{ id: 'irsa-pod-identity/irsa-role-not-found', resource: EBS_CSI_ROLE_ARN, canExplain: ['addon-unhealthy'] }],
    },
    {
      name: "trust names another (old) cluster's OIDC provider",
      snapshot: mutate((s) => {
        const old = OIDC_PROVIDER_ARN.replace(BASELINE.oidcId, '0123456789ABCDEF0123456789ABCDEF');
        role(s, EBS_CSI_ROLE_ARN).AssumeRolePolicyDocument = ebsTrust({ StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:kube-system:ebs-csi-controller-sa' } }, old);
      }),
      expect: [{ id: 'irsa-pod-identity/irsa-trust-wrong-provider', resource: EBS_CSI_ROLE_ARN, mentions: '0123456789ABCDEF0123456789ABCDEF' }],
    },
    {
      name: 'trust :sub names another service account (scoped to the EBS CSI add-on)',
      snapshot: mutate((s) => {
        role(s, EBS_CSI_ROLE_ARN).AssumeRolePolicyDocument = ebsTrust({ StringEquals: { [`${issuer}:aud`]: 'sts.amazonaws.com', [`${issuer}:sub`]: 'system:serviceaccount:kube-system:ebs-csi-node-sa' } });
      }),
      expect: [{ id: 'irsa-pod-identity/irsa-trust-subject-mismatch', resource: 'aws-ebs-csi-driver', canExplain: ['addon-unhealthy'], mentions: 'system:serviceaccount:kube-system:ebs-csi-controller-sa' }],
    },
    {
      name: 'trust :sub mismatch in a URL-encoded trust policy',
      snapshot: mutate((s) => setEncodedTrust(s, EBS_CSI_ROLE_ARN, ebsTrust({ StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:default:ebs-csi-controller-sa' } }))),
      expect: [{ id: 'irsa-pod-identity/irsa-trust-subject-mismatch', resource: EBS_CSI_ROLE_ARN }],
    },
    {
      name: 'wildcard written with StringEquals (compared literally)',
      snapshot: mutate((s) => {
        role(s, EBS_CSI_ROLE_ARN).AssumeRolePolicyDocument = ebsTrust({ StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:kube-system:*' } });
      }),
      expect: [{ id: 'irsa-pod-identity/irsa-trust-subject-mismatch', resource: 'kube-system/ebs-csi-controller-sa' }],
    },
    {
      name: 'StringLike wildcard that does not match',
      snapshot: mutate((s) => {
        role(s, EBS_CSI_ROLE_ARN).AssumeRolePolicyDocument = ebsTrust({ StringLike: { [`${issuer}:sub`]: 'system:serviceaccount:storage:*' } });
      }),
      expect: [{ id: 'irsa-pod-identity/irsa-trust-subject-mismatch', resource: EBS_CSI_ROLE_ARN }],
    },
    {
      name: 'trust :aud is not sts.amazonaws.com',
      snapshot: mutate((s) => {
        role(s, EBS_CSI_ROLE_ARN).AssumeRolePolicyDocument = ebsTrust({ StringEquals: { [`${issuer}:aud`]: 'sts.amazonaws.com.cn', [`${issuer}:sub`]: 'system:serviceaccount:kube-system:ebs-csi-controller-sa' } });
      }),
      expect: [{ id: 'irsa-pod-identity/irsa-trust-audience-mismatch', resource: EBS_CSI_ROLE_ARN }],
    },
    {
      name: 'Pod Identity role was deleted',
      snapshot: mutate((s) => {
        s.aws.iamRoles = s.aws.iamRoles!.filter((r) => r.Arn !== BILLING_ROLE_ARN);
        s.aws.notFound!.push({ resourceType: 'iam-role', id: BILLING_ROLE_ARN, call: 'iam:GetRole' });
      }),
      expect: [{ id: 'irsa-pod-identity/pod-identity-role-not-found', resource: BILLING_ROLE_ARN }],
    },
    {
      name: 'Pod Identity role trusts pods.eks.amazonaws.com without sts:TagSession',
      snapshot: mutate((s) => {
        role(s, BILLING_ROLE_ARN).AssumeRolePolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
      }),
      expect: [{ id: 'irsa-pod-identity/pod-identity-trust-invalid', resource: BILLING_ROLE_ARN, mentions: 'sts:TagSession' }],
    },
    {
      name: 'Pod Identity role written for IRSA (URL-encoded)',
      snapshot: mutate((s) => setEncodedTrust(s, BILLING_ROLE_ARN, ebsTrust({ StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:billing:billing-api' } }))),
      expect: [{ id: 'irsa-pod-identity/pod-identity-trust-invalid', resource: 'billing/billing-api' }],
    },
    {
      name: 'Pod Identity associations but no agent',
      snapshot: mutate((s) => {
        s.aws.addons = s.aws.addons!.filter((a) => a.addonName !== 'eks-pod-identity-agent');
        s.kubernetes.daemonSets = s.kubernetes.daemonSets!.filter((d) => d.metadata?.name !== 'eks-pod-identity-agent');
      }),
      expect: [{ id: 'irsa-pod-identity/pod-identity-agent-missing', resource: 'eks-pod-identity-agent', canExplain: ['addon-unhealthy'] }],
    },
  ],
  errors: [
    failedPart('iam:GetRole denied: no role can be judged', { part: 'aws.iamRoles', call: 'iam:GetRole', kind: 'denied', code: 'AccessDenied', message: 'not authorized', permission: 'iam:GetRole' }, 'iam:GetRole'),
  ],
});

it('the fix for a Pod Identity role without the pods.eks.amazonaws.com trust also restarts the pods of the service account', () => {
  const snapshot = mutate((s) => {
    s.aws.podIdentityAssociations!.push({ ...structuredClone(s.aws.podIdentityAssociations![0]!), namespace: 'kube-system', serviceAccount: 'ebs-csi-controller-sa', roleArn: EBS_CSI_ROLE_ARN, associationId: 'a-0ebscsi0assoc0001' });
  });
  const finding = runDiagnostic(irsaPodIdentity, snapshot).find((f) => f.id === 'irsa-pod-identity/pod-identity-trust-invalid')!;
  expect(finding.fix.commands[0]).toMatch(/^aws iam update-assume-role-policy --role-name shop-prod-ebs-csi /);
  expect(finding.fix.commands[1]).toBe('kubectl -n kube-system rollout restart deployment/ebs-csi-controller');
  expect(finding.fix.summary).toContain('drops any IRSA trust');
});

it('the fix for an IRSA role trusting another cluster restarts the workload after rewriting the trust', () => {
  const snapshot = mutate((s) => {
    const doc = role(s, EBS_CSI_ROLE_ARN).AssumeRolePolicyDocument as PolicyDocument;
    role(s, EBS_CSI_ROLE_ARN).AssumeRolePolicyDocument = JSON.parse(JSON.stringify(doc).replaceAll(BASELINE.oidcId, '0B1D2C3E4F5A69788796A5B4C3D2E1AA')) as PolicyDocument;
  });
  const finding = runDiagnostic(irsaPodIdentity, snapshot).find((f) => f.id === 'irsa-pod-identity/irsa-trust-wrong-provider')!;
  expect(finding.fix.commands).toHaveLength(2);
  expect(finding.fix.commands[0]).toContain(`oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/${BASELINE.oidcId}`);
  expect(finding.fix.commands[1]).toBe('kubectl -n kube-system rollout restart deployment/ebs-csi-controller');
});
