/**
 * Faults in how the cluster's instances become (and stop being) Nodes: instances that never join,
 * Nodes left behind by terminated instances, Auto Scaling groups whose launches fail.
 *
 * The helpers are exported so tests (diagnostics/node-registration.test.ts) and other areas'
 * faults build the same realistic shapes: an instance removed from its group keeps the fields EC2
 * still returns, a Node whose kubelet died has Ready=Unknown and the unreachable taints, a failed
 * launch is a scaling activity worded the way Auto Scaling words it.
 */
import type { Ec2Instance, ScalingActivity, Snapshot } from '../../src/snapshot/types.js';
import { AZS, BASELINE, BATCH_ASG, BATCH_PROFILE_ARN, BATCH_ROLE_NAME, MANAGED_ASG, PRIVATE_SUBNETS, dnsName } from '../scenario-builder/baseline.js';
import { defineFaults } from '../scenario-builder/fault.js';
import { setVcpuQuota, setVcpuUsage } from '../scenario-builder/service-quotas.js';


/** `minutes` before the snapshot was captured, as an ISO timestamp. */
export function minutesBeforeCapture(snapshot: Snapshot, minutes: number): string {
  return new Date(Date.parse(snapshot.capturedAt) - minutes * 60_000).toISOString();
}

export function findInstance(snapshot: Snapshot, instanceId: string): Ec2Instance {
  for (const r of snapshot.aws.reservations ?? []) for (const i of r.Instances ?? []) if (i.InstanceId === instanceId) return i;
  throw new Error(`no instance ${instanceId} in the snapshot`);
}

/** Instance IDs of an Auto Scaling group's members, in order. */
export function groupInstanceIds(snapshot: Snapshot, groupName: string): string[] {
  const group = snapshot.aws.autoScalingGroups?.find((g) => g.AutoScalingGroupName === groupName);
  if (!group) throw new Error(`no Auto Scaling group ${groupName} in the snapshot`);
  return (group.Instances ?? []).map((i) => i.InstanceId!);
}

function group(snapshot: Snapshot, groupName: string) {
  const g = snapshot.aws.autoScalingGroups?.find((x) => x.AutoScalingGroupName === groupName);
  if (!g) throw new Error(`no Auto Scaling group ${groupName} in the snapshot`);
  return g;
}

function nodeOfInstance(snapshot: Snapshot, instanceId: string) {
  const node = snapshot.kubernetes.nodes?.find((n) => n.spec?.providerID?.endsWith(`/${instanceId}`));
  if (!node) throw new Error(`no Node for ${instanceId} in the snapshot`);
  return node;
}

export interface NewInstance {
  instanceId: string;
  privateIp: string;
  launchTime: string;
  /** Auto Scaling lifecycle state in its group; default InService. */
  lifecycleState?: string;
  /** Index into AZS / PRIVATE_SUBNETS; default that of the template instance. */
  azIndex?: number;
}

/**
 * Adds a copy of instance `templateId` (same group, profile, tags, security groups) under a new ID
 * and address, with no Node. When the template is in an Auto Scaling group the copy joins it and
 * the desired capacity grows by one, as a scale-up would.
 */
export function launchUnjoinedInstance(snapshot: Snapshot, templateId: string, o: NewInstance): Ec2Instance {
  const template = findInstance(snapshot, templateId);
  const copy = structuredClone(template);
  const azIndex = o.azIndex ?? AZS.indexOf(template.Placement!.AvailabilityZone as (typeof AZS)[number]);
  copy.InstanceId = o.instanceId;
  copy.PrivateIpAddress = o.privateIp;
  copy.PrivateDnsName = dnsName(o.privateIp);
  copy.LaunchTime = o.launchTime;
  copy.Placement = { ...copy.Placement, AvailabilityZone: AZS[azIndex] };
  copy.SubnetId = PRIVATE_SUBNETS[azIndex];
  copy.NetworkInterfaces = (copy.NetworkInterfaces ?? []).map((eni) => ({
    ...eni,
    NetworkInterfaceId: `eni-${o.instanceId.slice(2)}`,
    SubnetId: PRIVATE_SUBNETS[azIndex],
    PrivateIpAddress: o.privateIp,
    Attachment: { ...eni.Attachment, AttachTime: o.launchTime, AttachmentId: `eni-attach-${o.instanceId.slice(2)}` },
  }));
  const reservations = (snapshot.aws.reservations ??= []);
  reservations.push({ ReservationId: `r-0${o.instanceId.slice(-16)}`, OwnerId: BASELINE.account, Groups: [], Instances: [copy] });
  const groupName = template.Tags?.find((t) => t.Key === 'aws:autoscaling:groupName')?.Value;
  if (groupName) {
    const g = group(snapshot, groupName);
    const member = g.Instances?.find((i) => i.InstanceId === templateId);
    if (!member) throw new Error(`${templateId} is tagged for ${groupName} but the group does not list it`);
    g.Instances = [...(g.Instances ?? []), { ...member, InstanceId: o.instanceId, AvailabilityZone: AZS[azIndex], LifecycleState: (o.lifecycleState ?? 'InService') as 'InService' }];
    g.DesiredCapacity = (g.DesiredCapacity ?? 0) + 1;
    const nodegroup = snapshot.aws.nodegroups?.find((n) => n.resources?.autoScalingGroups?.some((a) => a.name === groupName));
    if (nodegroup?.scalingConfig) nodegroup.scalingConfig.desiredSize = g.DesiredCapacity;
  }
  return copy;
}

/** The Node's kubelet stopped posting status: Ready=Unknown and the node lifecycle controller's unreachable taints. */
export function markNodeUnreachable(snapshot: Snapshot, nodeName: string, since: string): void {
  const node = snapshot.kubernetes.nodes?.find((n) => n.metadata?.name === nodeName);
  if (!node) throw new Error(`no Node ${nodeName} in the snapshot`);
  const at = since.replace('.000Z', 'Z');
  node.status!.conditions = (node.status?.conditions ?? []).map((c) => ({
    ...c,
    status: 'Unknown',
    reason: 'NodeStatusUnknown',
    message: 'Kubelet stopped posting node status.',
    lastTransitionTime: at,
  }));
  node.spec = {
    ...node.spec,
    taints: [
      ...(node.spec?.taints ?? []),
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: at },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: at },
    ],
  };
}

/**
 * Terminates an instance but leaves its Node behind. `terminated`: EC2 still lists it (for about
 * an hour after it ends); `gone`: EC2 no longer lists it. It leaves its group, whose desired
 * capacity shrinks by one (a scale-in).
 */
export function terminateLeavingNode(snapshot: Snapshot, instanceId: string, o: { at: string; listed: 'terminated' | 'gone' }): string {
  const node = nodeOfInstance(snapshot, instanceId);
  const instance = findInstance(snapshot, instanceId);
  const groupName = instance.Tags?.find((t) => t.Key === 'aws:autoscaling:groupName')?.Value;
  if (groupName) {
    const g = group(snapshot, groupName);
    g.Instances = (g.Instances ?? []).filter((i) => i.InstanceId !== instanceId);
    g.DesiredCapacity = Math.max(0, (g.DesiredCapacity ?? 1) - 1);
  }
  if (o.listed === 'terminated') {
    // What DescribeInstances returns for a terminated instance: no addresses, no interfaces.
    instance.State = { Code: 48, Name: 'terminated' };
    instance.StateTransitionReason = `User initiated (${o.at.replace('T', ' ').replace('.000Z', ' GMT')})`;
    instance.StateReason = { Code: 'Client.UserInitiatedShutdown', Message: 'Client.UserInitiatedShutdown: User initiated shutdown' };
    instance.PrivateDnsName = '';
    delete instance.PrivateIpAddress;
    instance.NetworkInterfaces = [];
    instance.SecurityGroups = [];
  } else {
    snapshot.aws.reservations = (snapshot.aws.reservations ?? []).filter((r) => !r.Instances?.some((i) => i.InstanceId === instanceId));
  }
  markNodeUnreachable(snapshot, node.metadata!.name!, o.at);
  return node.metadata!.name!;
}

export interface FailedLaunch {
  message: string;
  startTime: string;
  zoneIndex: number;
  statusCode?: 'Failed' | 'Cancelled';
}

/**
 * The group wants `desired` instances and its launches fail: one scaling activity per failure,
 * worded as Auto Scaling words them, newest first as DescribeScalingActivities returns them.
 */
export function failLaunches(snapshot: Snapshot, groupName: string, desired: number, failures: FailedLaunch[]): void {
  const g = group(snapshot, groupName);
  const from = g.DesiredCapacity ?? 0;
  g.DesiredCapacity = desired;
  if (g.MaxSize !== undefined && g.MaxSize < desired) g.MaxSize = desired;
  const nodegroup = snapshot.aws.nodegroups?.find((n) => n.resources?.autoScalingGroups?.some((a) => a.name === groupName));
  if (nodegroup?.scalingConfig) nodegroup.scalingConfig.desiredSize = desired;
  const activities: ScalingActivity[] = failures.map((f, i) => {
    const status = f.statusCode ?? 'Failed';
    return {
      ActivityId: `f41led00-${groupName.length.toString().padStart(4, '0')}-4000-8000-${(i + 1).toString().padStart(12, '0')}`,
      AutoScalingGroupName: groupName,
      Description: `Launching a new EC2 instance.  Status Reason: ${f.message}`,
      Cause: `At ${f.startTime.replace('.000Z', 'Z')} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${from} to ${desired}.`,
      StartTime: f.startTime,
      EndTime: f.startTime,
      StatusCode: status,
      StatusMessage: f.message,
      Progress: 100,
      Details: JSON.stringify({ 'Subnet ID': PRIVATE_SUBNETS[f.zoneIndex], 'Availability Zone': AZS[f.zoneIndex] }),
    };
  });
  snapshot.aws.scalingActivities = [...activities.sort((a, b) => b.StartTime!.localeCompare(a.StartTime!)), ...(snapshot.aws.scalingActivities ?? [])];
  if (nodegroup && failures.length > 0) {
    const latest = failures[0]!;
    nodegroup.health = {
      issues: [
        ...(nodegroup.health?.issues ?? []),
        { code: 'AsgInstanceLaunchFailures', message: `Could not launch On-Demand Instances. ${latest.message}`, resourceIds: [groupName] },
      ],
    };
  }
}

export const CAPACITY_MESSAGE = (type: string, zone: string, others: string[]) =>
  `We currently do not have sufficient ${type} capacity in the Availability Zone you requested (${zone}). Our system will be working on provisioning additional capacity. You can currently get ${type} capacity by not specifying an Availability Zone in your request or choosing ${others.join(', ')}. Launching EC2 instance failed.`;

export const VCPU_QUOTA_MESSAGE = (limit: number) =>
  `You have requested more vCPU capacity than your current vCPU limit of ${limit} allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit. Launching EC2 instance failed.`;

export const INSTANCE_PROFILE_MESSAGE = (profileArn: string) =>
  `Value (${profileArn}) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN. Launching EC2 instance failed.`;

export const faults = defineFaults([
  {
    name: 'batch-instances-terminated-nodes-left',
    description:
      'Both instances of the self-managed batch group were terminated at 01:40 and the group scaled in to 0, but their Nodes stayed behind NotReady: one instance is still listed by EC2 as terminated, the other is no longer listed at all.',
    apply(snapshot) {
      const [first, second] = groupInstanceIds(snapshot, BATCH_ASG);
      const at = minutesBeforeCapture(snapshot, 92);
      terminateLeavingNode(snapshot, first!, { at, listed: 'terminated' });
      // Terminated earlier: EC2 dropped it from DescribeInstances after about an hour.
      terminateLeavingNode(snapshot, second!, { at: minutesBeforeCapture(snapshot, 185), listed: 'gone' });
    },
  },
  {
    name: 'general-launches-insufficient-capacity',
    description:
      'The managed node group general was scaled from 3 to 5 and every launch since failed with InsufficientInstanceCapacity for m6i.xlarge, in each of its three zones in turn.',
    apply(snapshot) {
      const type = 'm6i.xlarge';
      const message = (z: number) => CAPACITY_MESSAGE(type, AZS[z], AZS.filter((_, i) => i !== z));
      // Newest first, one zone after another, ten minutes apart.
      const attempts = [2, 1, 0].map((zone, i) => ({ message: message(zone), startTime: minutesBeforeCapture(snapshot, 4 + 10 * i), zoneIndex: zone }));
      failLaunches(snapshot, MANAGED_ASG, 5, attempts);
    },
  },
  {
    name: 'batch-launches-vcpu-quota',
    description:
      'The self-managed batch group was scaled from 2 to 4 c6i.2xlarge instances, and every launch fails: the account is at its On-Demand vCPU quota of 32 (its On-Demand instances already use 28).',
    apply(snapshot) {
      // The quota and its usage as Service Quotas and CloudWatch report them.
      setVcpuQuota(snapshot, 'L-1216C47A', 32);
      setVcpuUsage(snapshot, 'L-1216C47A', 28);
      failLaunches(snapshot, BATCH_ASG, 4, [
        { message: VCPU_QUOTA_MESSAGE(32), startTime: minutesBeforeCapture(snapshot, 3), zoneIndex: 0 },
        { message: VCPU_QUOTA_MESSAGE(32), startTime: minutesBeforeCapture(snapshot, 13), zoneIndex: 1 },
      ]);
    },
  },
  {
    name: 'batch-instance-profile-deleted',
    description:
      'The instance profile of the self-managed batch group (shop-prod-batch-profile) was deleted; the group was scaled from 2 to 3 and every launch fails with "Invalid IAM Instance Profile ARN".',
    apply(snapshot) {
      snapshot.aws.iamInstanceProfiles = (snapshot.aws.iamInstanceProfiles ?? []).filter((p) => p.Arn !== BATCH_PROFILE_ARN);
      // The collector finds a self-managed group's role only through its instance profile: with the
      // profile gone, the role and its policies are not collected either.
      snapshot.aws.iamRoles = (snapshot.aws.iamRoles ?? []).filter((r) => r.RoleName !== BATCH_ROLE_NAME);
      snapshot.aws.iamAttachedRolePolicies = (snapshot.aws.iamAttachedRolePolicies ?? []).filter((r) => r.RoleName !== BATCH_ROLE_NAME);
      (snapshot.aws.notFound ??= []).push({ resourceType: 'iam-instance-profile', id: BATCH_PROFILE_ARN, call: 'iam:GetInstanceProfile' });
      failLaunches(snapshot, BATCH_ASG, 3, [
        { message: INSTANCE_PROFILE_MESSAGE(BATCH_PROFILE_ARN), startTime: minutesBeforeCapture(snapshot, 6), zoneIndex: 2 },
        { message: INSTANCE_PROFILE_MESSAGE(BATCH_PROFILE_ARN), startTime: minutesBeforeCapture(snapshot, 16), zoneIndex: 0 },
      ]);
    },
  },
  {
    name: 'general-instance-not-joined',
    description: 'A fourth instance of the managed node group general has been running for 40 minutes and never registered as a Node.',
    apply(snapshot) {
      const template = groupInstanceIds(snapshot, MANAGED_ASG)[0]!;
      launchUnjoinedInstance(snapshot, template, { instanceId: 'i-0a5ee0000000000a9', privateIp: '10.0.1.99', launchTime: minutesBeforeCapture(snapshot, 40) });
    },
  },
]);
