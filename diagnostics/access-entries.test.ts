import { expect, it } from 'vitest';
import { describeDiagnostic, failedPart, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { ADMIN_ROLE_ARN, BILLING_ROLE_ARN, NODE_ROLE_ARN, iamArn } from '../mocks/scenario-builder/baseline.js';
import type { Snapshot } from '../src/snapshot/types.js';
import accessEntries from './access-entries.js';

const CI_USER_ARN = iamArn('user/ci-deployer');

function entry(s: Snapshot, principalArn: string) {
  return s.aws.accessEntries!.find((e) => e.principalArn === principalArn)!;
}

function addEntry(s: Snapshot, principalArn: string, type: string): void {
  s.aws.accessEntries!.push({ ...structuredClone(entry(s, ADMIN_ROLE_ARN)), principalArn, type, username: principalArn.split('/').pop(), kubernetesGroups: [] });
}

/** eks-doctor's own reads were refused with 403. */
function forbidden(s: Snapshot): void {
  s.kubernetes.apiServer = { method: 'eks-token', server: s.aws.cluster!.endpoint, reachable: false, failure: { kind: 'forbidden', httpStatus: 403, message: 'nodes is forbidden: User "platform-admin" cannot list resource "nodes" in API group "" at the cluster scope' } };
}

function adminPolicies(s: Snapshot) {
  return s.aws.accessEntryPolicies!.find((p) => p.principalArn === ADMIN_ROLE_ARN)!;
}

describeDiagnostic(accessEntries, {
  healthy: [
    { name: 'baseline', snapshot: mutate(() => {}) },
    {
      name: 'EC2 entry for the node role on an EKS Auto Mode cluster',
      snapshot: mutate((s) => {
        entry(s, NODE_ROLE_ARN).type = 'EC2';
        s.aws.cluster!.computeConfig = { enabled: true, nodePools: ['general-purpose'], nodeRoleArn: NODE_ROLE_ARN };
      }),
    },
    { name: 'node-type entry for a role whose trust policy was not collected (cannot be judged)', snapshot: mutate((s) => addEntry(s, iamArn('role/unknown-nodes'), 'EC2_LINUX')) },
    {
      name: '403 while the caller has a cluster-wide policy: nothing access entries can say (RBAC is api-server-access\'s)',
      snapshot: mutate(forbidden),
    },
    {
      name: '403 and the caller has no entry at all: api-server-access reports it',
      snapshot: mutate((s) => {
        forbidden(s);
        s.aws.callerIdentity!.Arn = 'arn:aws:sts::111122223333:assumed-role/someone-else/session';
      }),
    },
    // aws-auth reports it (access-entry-wrong-type), with the nodes it keeps out: one root cause, not two.
    { name: 'EC2 entry type for the node group role in use is left to aws-auth', snapshot: mutate((s) => { entry(s, NODE_ROLE_ARN).type = 'EC2'; }) },
  ],
  broken: [
    {
      name: 'EC2 (Auto Mode) entry type for a role no node uses, on a cluster without Auto Mode',
      snapshot: mutate((s) => addEntry(s, iamArn('role/shop-prod-spare-nodes'), 'EC2')),
      expect: [{ id: 'access-entries/ec2-type-without-auto-mode', resource: iamArn('role/shop-prod-spare-nodes') }],
    },
    {
      name: 'an IAM user given an EC2_LINUX entry',
      snapshot: mutate((s) => addEntry(s, CI_USER_ARN, 'EC2_LINUX')),
      expect: [{ id: 'access-entries/node-type-for-non-node', resource: CI_USER_ARN }],
    },
    {
      name: 'a Pod Identity role (trusting only pods.eks.amazonaws.com) given a FARGATE_LINUX entry',
      snapshot: mutate((s) => addEntry(s, BILLING_ROLE_ARN, 'FARGATE_LINUX')),
      expect: [{ id: 'access-entries/node-type-for-non-node', resource: BILLING_ROLE_ARN }],
    },
    {
      name: 'the admin role was deleted but its entry remains',
      snapshot: mutate((s) => {
        s.aws.notFound!.push({ resourceType: 'iam-role', id: ADMIN_ROLE_ARN, call: 'iam:GetRole' });
      }),
      expect: [{ id: 'access-entries/principal-not-found', resource: ADMIN_ROLE_ARN }],
    },
    {
      name: "403: the caller's STANDARD entry has no policy and no groups",
      snapshot: mutate((s) => {
        forbidden(s);
        adminPolicies(s).associatedAccessPolicies = [];
      }),
      expect: [{ id: 'access-entries/caller-entry-grants-no-read', resource: ADMIN_ROLE_ARN, canExplain: ['api-server-unreachable'], mentions: 'no access policy' }],
    },
    {
      name: "403: the caller's policies are namespace-scoped only",
      snapshot: mutate((s) => {
        forbidden(s);
        adminPolicies(s).associatedAccessPolicies = [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', accessScope: { type: 'namespace', namespaces: ['shop'] } }];
      }),
      expect: [{ id: 'access-entries/caller-entry-grants-no-read', resource: ADMIN_ROLE_ARN, mentions: 'shop' }],
    },
    {
      name: "403: the caller's entry is of a node type",
      snapshot: mutate((s) => {
        forbidden(s);
        entry(s, ADMIN_ROLE_ARN).type = 'EC2_LINUX';
      }),
      // Its trust policy (collected: node-type entries' roles are looked up) shows no node service either.
      expect: [
        { id: 'access-entries/caller-entry-grants-no-read', resource: ADMIN_ROLE_ARN, mentions: 'EC2_LINUX' },
        { id: 'access-entries/node-type-for-non-node', resource: ADMIN_ROLE_ARN },
      ],
    },
  ],
  errors: [
    failedPart('ListAccessEntries failed (authentication mode CONFIG_MAP answers an error)', { part: 'aws.accessEntries', call: 'eks:ListAccessEntries', kind: 'denied', code: 'AccessDeniedException', message: 'not authorized', permission: 'eks:ListAccessEntries' }, 'eks:ListAccessEntries'),
  ],
});

it('the fix for an entry whose principal was deleted only deletes it (creating one for a missing principal would fail)', () => {
  const snapshot = mutate((s) => {
    s.aws.notFound!.push({ resourceType: 'iam-role', id: ADMIN_ROLE_ARN, call: 'iam:GetRole' });
  });
  const finding = runDiagnostic(accessEntries, snapshot).find((f) => f.id === 'access-entries/principal-not-found')!;
  expect(finding.fix.commands).toEqual([`aws eks delete-access-entry --cluster-name shop-prod --region eu-west-1 --principal-arn ${ADMIN_ROLE_ARN}`]);
  expect(finding.fix.summary).toContain('--type STANDARD');
});
