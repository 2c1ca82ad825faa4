/** The IAM parts: the roles and instance profiles the cluster's nodes and pods run as. Collectors in iam.ts. */
import type { AwsPartDeclarations } from '../../sources.js';

/**
 * Where role ARNs come from: the cluster, node groups, Fargate profiles, instance profiles, node access entries,
 * Pod Identity associations, add-ons, and the IRSA annotations on ServiceAccounts. Each source is
 * optional: one that could not be read only means fewer roles are looked up.
 */
const roleSources = ['aws.cluster', 'aws.nodegroups', 'aws.fargateProfiles', 'aws.iamInstanceProfiles', 'aws.accessEntries', 'aws.podIdentityAssociations', 'aws.addons', 'kubernetes.serviceAccounts'] as const;

export const IAM_PARTS = {
  // Also the roles behind access entries for people and tools: only whether they exist matters.
  iamRoles: { step: 'iam:GetRole', actions: ['iam:GetRole'], uses: roleSources },
  iamAttachedRolePolicies: { step: 'iam:ListAttachedRolePolicies', actions: ['iam:ListAttachedRolePolicies'], uses: roleSources },
  // The profiles instances run with and launch templates name.
  iamInstanceProfiles: { step: 'iam:GetInstanceProfile', actions: ['iam:GetInstanceProfile'], uses: ['aws.reservations', 'aws.launchTemplateVersions'] },
  // The provider for the cluster's OIDC issuer (IRSA).
  iamOidcProviders: { step: 'iam:GetOpenIDConnectProvider', actions: ['iam:ListOpenIDConnectProviders', 'iam:GetOpenIDConnectProvider'], needs: ['aws.cluster'] },
} as const satisfies AwsPartDeclarations;
