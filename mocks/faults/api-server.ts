import { KUBERNETES_READS } from '../../src/collect/kubernetes/collect-kubernetes.js';
import type { ApiServerAccess, FailureKind, KubernetesPart, Snapshot } from '../../src/snapshot/types.js';
import { BATCH_ROLE_ARN, BATCH_ROLE_NAME, NODE_ROLE_ARN, NODE_ROLE_NAME } from '../scenario-builder/baseline.js';
import { defineFaults } from '../scenario-builder/fault.js';

/** Who runs eks-doctor in these scenarios: an on-call engineer's SSO role, with no access entry. */
const ONCALL_ROLE_ARN = (account: string): string => `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_OnCall_0123456789abcdef/alice`;

/**
 * The API server could not be read: the Kubernetes side holds only `apiServer`, and every part the
 * baseline had is a CollectionError naming the same cause, as the collector records it.
 */
function apiServerUnreadable(s: Snapshot, failure: NonNullable<ApiServerAccess['failure']>, code: string): void {
  const kind: FailureKind = failure.kind === 'forbidden' ? 'denied' : failure.kind === 'not-configured' ? 'other' : failure.kind;
  // In the collector's order (its read table's), not the order the baseline happened to add the parts in.
  const parts = (Object.keys(KUBERNETES_READS) as (keyof typeof KUBERNETES_READS)[]).filter((k) => k in s.kubernetes);
  s.errors.push(
    ...parts.map((key) => ({
      part: `kubernetes.${key}` as KubernetesPart,
      call: KUBERNETES_READS[key].call,
      kind,
      code,
      message: key === 'version' ? failure.message : `not attempted: GET /version failed: ${failure.message}`,
      ...(failure.httpStatus ? { httpStatus: failure.httpStatus } : {}),
    })),
  );
  dropRolesOnlyKubernetesNames(s);
  s.kubernetes = { apiServer: { method: 'eks-token', server: s.aws.cluster!.endpoint!, reachable: false, failure } };
}

/**
 * IRSA roles that only a ServiceAccount annotation names cannot be found without the API server, so
 * live collection would not have them: leave them out, as the collector would.
 */
function dropRolesOnlyKubernetesNames(s: Snapshot): void {
  const annotated = new Set((s.kubernetes.serviceAccounts ?? []).map((sa) => sa.metadata?.annotations?.['eks.amazonaws.com/role-arn']).filter((a): a is string => a !== undefined));
  const namedByAws = new Set(
    [
      ...(s.aws.nodegroups ?? []).map((g) => g.nodeRole),
      ...(s.aws.fargateProfiles ?? []).map((p) => p.podExecutionRoleArn),
      ...(s.aws.iamInstanceProfiles ?? []).flatMap((p) => p.Roles.map((r) => r.Arn)),
      ...(s.aws.accessEntries ?? []).map((e) => e.principalArn),
      ...(s.aws.podIdentityAssociations ?? []).map((a) => a.roleArn),
      ...(s.aws.addons ?? []).map((a) => a.serviceAccountRoleArn),
    ].filter((a): a is string => a !== undefined),
  );
  const dropped = new Set((s.aws.iamRoles ?? []).filter((r) => r.Arn && annotated.has(r.Arn) && !namedByAws.has(r.Arn)).map((r) => r.RoleName));
  if (dropped.size === 0) return;
  s.aws.iamRoles = s.aws.iamRoles!.filter((r) => !dropped.has(r.RoleName));
  s.aws.iamAttachedRolePolicies = (s.aws.iamAttachedRolePolicies ?? []).filter((a) => !dropped.has(a.RoleName));
}

export const faults = defineFaults([
  {
    name: 'api-server-private-only',
    description: 'Public access to the cluster endpoint is disabled and eks-doctor runs outside the VPC: the API server never answers.',
    apply(s) {
      s.aws.cluster!.resourcesVpcConfig!.endpointPublicAccess = false;
      s.aws.cluster!.resourcesVpcConfig!.publicAccessCidrs = [];
      apiServerUnreadable(s, { kind: 'timeout', message: 'no answer within 10s' }, 'ETIMEDOUT');
    },
  },
  {
    name: 'api-server-caller-not-mapped',
    description: 'The cluster uses access entries only, and the IAM role eks-doctor runs as has none: the API server answers 401.',
    apply(s) {
      const account = s.aws.callerIdentity!.Account!;
      s.aws.callerIdentity = { ...s.aws.callerIdentity, Arn: ONCALL_ROLE_ARN(account), UserId: 'AROAONCALLEXAMPLE:alice' };
      s.aws.cluster!.accessConfig = { ...s.aws.cluster!.accessConfig, authenticationMode: 'API' };
      // Moving to access entries only, the team gave the batch node role (mapped only in aws-auth until then) its access entry: the nodes stay joined.
      const nodeEntry = s.aws.accessEntries!.find((e) => e.principalArn === NODE_ROLE_ARN)!;
      s.aws.accessEntries!.push({ ...structuredClone(nodeEntry), principalArn: BATCH_ROLE_ARN, accessEntryArn: nodeEntry.accessEntryArn!.replace(NODE_ROLE_NAME, BATCH_ROLE_NAME) });
      apiServerUnreadable(s, { kind: 'unauthorized', message: 'Unauthorized', httpStatus: 401 }, 'HTTP 401');
    },
  },
]);
