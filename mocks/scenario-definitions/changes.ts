import type { ExpectedFinding } from '../../src/snapshot/types.js';
import { defineScenarios, type ScenarioDefinition } from '../scenario-builder/fault.js';

/** A fault and the change that caused it: the last fault is the change history's data. */
function causedBy(name: string, description: string, faults: string[], rootCauses: string[], expectedFindings?: ExpectedFinding[]): ScenarioDefinition {
  return { name, description, faults, expectedRootCauses: rootCauses, ...(expectedFindings ? { expectedFindings } : {}) };
}

const NAT_BLACKHOLE = ['routes-egress/default-route-blackhole'];

/** Faults whose cause is a recent change: the change history attaches it to the root cause with who and when. */
export const scenarios = defineScenarios([
  causedBy('nat-gateway-deleted-by-ci', 'The NAT gateway was deleted by the CI role 50 minutes ago: the blackhole default route is the root cause, and CloudTrail shows who deleted the gateway and when.', ['nat-gateway-deleted', 'change-nat-gateway-deleted-by-ci'], NAT_BLACKHOLE),
  causedBy('nat-gateway-deleted-history-denied', 'The NAT gateway was deleted, and cloudtrail:LookupEvents is denied: the diagnosis is whole, only the change history is missing (and says why).', ['nat-gateway-deleted', 'change-cloudtrail-denied'], NAT_BLACKHOLE),
  causedBy('node-policy-detached-by-admin', 'AmazonEKSWorkerNodePolicy was detached from the node role 2 hours ago by an administrator (IAM Identity Center): CloudTrail in us-east-1, where IAM records, names the session.', ['general-node-role-worker-policy-detached', 'change-node-policy-detached-by-admin'], ['node-iam-role/worker-node-policy-missing']),
  causedBy('vpc-cni-updated-to-incompatible', 'The vpc-cni add-on was updated 25 minutes ago to a version EKS does not support on 1.35: the EKS update and the aws-node DaemonSet written by the eks field manager show when.', ['vpc-cni-addon-version-incompatible', 'change-vpc-cni-updated-to-incompatible'], ['addon-versions/managed-addon-incompatible']),
  causedBy('aws-auth-edited', "The batch role's aws-auth mapping was removed with kubectl edit 3 hours ago: aws-auth's managedFields name the field manager and the time.", ['aws-auth-batch-role-removed', 'batch-scale-out', 'change-aws-auth-edited'], ['aws-auth/node-role-not-mapped']),
  causedBy(
    'sg-egress-revoked',
    "The batch nodes' security group lost its outbound rule last night (revoked in the console by an IAM user): relaunched batch nodes never join.",
    ['batch-node-sg-egress-revoked', 'change-sg-egress-revoked-in-console'],
    ['security-groups/api-server-port-blocked', 'security-groups/node-egress-blocked'],
    // No outbound rule at all: DNS to CoreDNS on the other nodes is blocked too, with no symptom of its own in the snapshot.
    [{ id: 'security-groups/dns-blocked', severity: 'critical' }],
  ),
]);
