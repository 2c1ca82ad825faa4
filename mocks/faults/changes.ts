/**
 * The changes that caused a fault, as the change history finds them: CloudTrail events (kept as
 * LookupEvents answers them, cut to CloudTrailEventSummary), EKS updates (DescribeUpdate's shape),
 * and the managedFields entries a `kubectl edit` or an add-on update leaves on a Kubernetes object.
 * Each is applied after the fault it explains; the mock serves the same data back over the wire.
 */
import type { CloudTrailEventSummary, EksUpdate, Snapshot } from '../../src/snapshot/types.js';
import { BASELINE, BATCH_ASG, BATCH_ROLE_NAME, NAT_GATEWAY_ID, NODE_ROLE_NAME } from '../scenario-builder/baseline.js';
import { defineFaults } from '../scenario-builder/fault.js';
import { BATCH_NODE_SG, batchNodesOnOwnGroup, instancesOfGroup, neverJoined, ruleFrom } from './network.js';
import { minutesBeforeCapture } from './node-registration.js';

const { account, region, clusterSecurityGroupId: CLUSTER_SG } = BASELINE;

/** The CI role whose pipeline ran `terraform apply`: an assumed role with the pipeline's session name. */
export const CI_ACTOR = `arn:aws:sts::${account}:assumed-role/terraform-ci/gitlab-pipeline-48213`;
/** A person through IAM Identity Center: the session name is their e-mail address (what --redact must hide). */
export const SSO_ACTOR = `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_AdministratorAccess_4f1e2d3c4b5a6978/jane.doe@example.com`;
/** An IAM user working in the console. */
export const CONSOLE_USER = `arn:aws:iam::${account}:user/ops-oncall`;

/** How long CloudTrail's history is looked up over in the scenarios: the default window. */
const WINDOW_HOURS = 24;

function changeEvent(
  snapshot: Snapshot,
  e: { id: string; name: string; source: string; minutesBefore: number; resources: { type: string; name: string }[]; actor: string; identityType: 'AssumedRole' | 'IAMUser'; from: string },
): CloudTrailEventSummary {
  return {
    EventId: e.id,
    EventName: e.name,
    EventTime: minutesBeforeCapture(snapshot, e.minutesBefore),
    EventSource: e.source,
    Resources: e.resources.map((r) => ({ ResourceType: r.type, ResourceName: r.name })),
    CloudTrailEvent: { userIdentity: { type: e.identityType, arn: e.actor }, sourceIPAddress: e.from },
  };
}

/**
 * Records the events as the lookups by `resourceName` found them (write events naming it, newest
 * first), in the region that records them, over the default window ending at the capture.
 */
export function recordLookup(snapshot: Snapshot, resourceName: string, lookupRegion: string, events: CloudTrailEventSummary[]): void {
  const lookups = (snapshot.aws.cloudTrailLookups ??= []);
  lookups.push({
    resourceName,
    region: lookupRegion,
    startTime: minutesBeforeCapture(snapshot, WINDOW_HOURS * 60),
    endTime: snapshot.capturedAt,
    events: events.filter((e) => e.Resources?.some((r) => r.ResourceName === resourceName)).sort((a, b) => Date.parse(b.EventTime!) - Date.parse(a.EventTime!)),
  });
}

function setManagers(object: { metadata?: { managedFields?: { manager?: string; operation?: string; time?: string }[] } } | null | undefined, managers: { manager: string; operation: string; time: string }[]): void {
  if (!object?.metadata) throw new Error('no such object in the snapshot');
  object.metadata.managedFields = managers;
}

export const faults = defineFaults([
  {
    name: 'change-nat-gateway-deleted-by-ci',
    description: 'CloudTrail: the CI role deleted the NAT gateway 50 minutes before the diagnosis (a terraform apply from a pipeline).',
    apply(s) {
      const deleted = changeEvent(s, {
        id: '5b8e0c2a-1f3d-4e6a-9b7c-2d4f6a8c0e11',
        name: 'DeleteNatGateway',
        source: 'ec2.amazonaws.com',
        minutesBefore: 50,
        resources: [{ type: 'AWS::EC2::NatGateway', name: NAT_GATEWAY_ID }],
        actor: CI_ACTOR,
        identityType: 'AssumedRole',
        from: '52.94.133.131',
      });
      recordLookup(s, NAT_GATEWAY_ID, region, [deleted]);
    },
  },
  {
    name: 'change-cloudtrail-denied',
    description: 'cloudtrail:LookupEvents is denied to the identity eks-doctor runs as: the change history cannot be read.',
    apply(s) {
      s.errors.push({
        part: 'aws.cloudTrailLookups',
        call: 'cloudtrail:LookupEvents',
        kind: 'denied',
        code: 'AccessDeniedException',
        message: `User: arn:aws:iam::${account}:user/eks-doctor-mock is not authorized to perform: cloudtrail:LookupEvents because no identity-based policy allows the cloudtrail:LookupEvents action`,
        permission: 'cloudtrail:LookupEvents',
        httpStatus: 400,
      });
    },
  },
  {
    name: 'change-node-policy-detached-by-admin',
    description: 'CloudTrail (us-east-1, where IAM records): an administrator signed in through IAM Identity Center detached AmazonEKSWorkerNodePolicy from the node role 2 hours before.',
    apply(s) {
      const detached = changeEvent(s, {
        id: '0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e61',
        name: 'DetachRolePolicy',
        source: 'iam.amazonaws.com',
        minutesBefore: 125,
        resources: [
          { type: 'AWS::IAM::Policy', name: 'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy' },
          { type: 'AWS::IAM::Role', name: NODE_ROLE_NAME },
        ],
        actor: SSO_ACTOR,
        identityType: 'AssumedRole',
        from: '198.51.100.23',
      });
      recordLookup(s, NODE_ROLE_NAME, 'us-east-1', [detached]);
    },
  },
  {
    name: 'change-vpc-cni-updated-to-incompatible',
    description: 'EKS: the vpc-cni add-on was updated to v1.16.0-eksbuild.1 25 minutes before (an AddonUpdate that EKS reports Successful), and the eks field manager applied the aws-node DaemonSet then.',
    apply(s) {
      const update: EksUpdate = {
        id: 'a3c1e5f7-2b4d-4f6a-8c0e-1d3f5a7c9e21',
        status: 'Successful',
        type: 'AddonUpdate',
        params: [
          { type: 'AddonVersion', value: 'v1.16.0-eksbuild.1' },
          { type: 'ResolveConflicts', value: 'OVERWRITE' },
        ],
        createdAt: minutesBeforeCapture(s, 25),
        errors: [],
        addonName: 'vpc-cni',
      };
      (s.aws.eksUpdates ??= []).push(update);
      setManagers(
        s.kubernetes.daemonSets?.find((d) => d.metadata?.name === 'aws-node'),
        [
          { manager: 'eks', operation: 'Apply', time: minutesBeforeCapture(s, 25) },
          { manager: 'kube-controller-manager', operation: 'Update', time: minutesBeforeCapture(s, 60 * 24 * 40) },
        ],
      );
    },
  },
  {
    name: 'change-aws-auth-edited',
    description: "Kubernetes: aws-auth was last written by kubectl edit 3 hours before (eksctl created it 40 days ago): the edit that dropped the batch role.",
    apply(s) {
      setManagers(s.kubernetes.awsAuth, [
        { manager: 'eksctl', operation: 'Update', time: minutesBeforeCapture(s, 60 * 24 * 40) },
        { manager: 'kubectl-edit', operation: 'Update', time: minutesBeforeCapture(s, 185) },
      ]);
      // The batch role itself did not change: its lookup (in us-east-1) finds nothing.
      recordLookup(s, BATCH_ROLE_NAME, 'us-east-1', []);
    },
  },
  {
    name: 'batch-node-sg-egress-revoked',
    description: "The batch nodes' own security group lost its only outbound rule: they cannot reach the API server or any AWS API, and relaunched batch nodes never join.",
    apply(s) {
      batchNodesOnOwnGroup(s, { ingress: [ruleFrom(CLUSTER_SG, '-1')], clusterAccepts: [ruleFrom(BATCH_NODE_SG, '-1')] });
      s.aws.securityGroups!.find((g) => g.GroupId === BATCH_NODE_SG)!.IpPermissionsEgress = [];
      neverJoined(s, instancesOfGroup(s, BATCH_ASG));
    },
  },
  {
    name: 'change-sg-egress-revoked-in-console',
    description: "CloudTrail: an IAM user revoked the batch nodes' security group's outbound rule from the console 9 hours before (last night).",
    apply(s) {
      const revoked = changeEvent(s, {
        id: '7e6d5c4b-3a29-4818-9f0e-d1c2b3a49586',
        name: 'RevokeSecurityGroupEgress',
        source: 'ec2.amazonaws.com',
        minutesBefore: 9 * 60 + 4,
        resources: [{ type: 'AWS::EC2::SecurityGroup', name: BATCH_NODE_SG }],
        actor: CONSOLE_USER,
        identityType: 'IAMUser',
        from: '203.0.113.77',
      });
      recordLookup(s, BATCH_NODE_SG, region, [revoked]);
    },
  },
]);
