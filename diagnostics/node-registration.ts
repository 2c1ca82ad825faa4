/**
 * Node registration: the cluster's EC2 instances against its registered Nodes.
 *
 * - Instances running past the join grace period with no Node (symptom `instance-not-joined`; the
 *   causes — aws-auth, node IAM role, subnets, security groups, routes — are other checks'); an
 *   instance still inside the grace period is booting and gets no finding: a normal scale-up must
 *   not make a healthy cluster noisy, and the next run will tell.
 * - Nodes whose instance is gone (terminated, reported as not found, or absent from a complete
 *   instance list): they explain the Node being NotReady.
 * - Auto Scaling groups below desired capacity (symptom `asg-capacity-shortfall`), quoting their
 *   failed launches. Launch failures whose only evidence is the failure message itself — EC2 out of
 *   capacity, an account quota, an instance type not offered in a zone — are reported here as the
 *   causes, because no other check holds data that could show them; failures that name a
 *   configuration problem (instance profile, subnet, security group, AMI) stay evidence on the
 *   shortfall, for the checks that can prove them from the snapshot.
 *
 * Nodes that are not EC2 instances of the cluster's groups (Fargate, hybrid nodes, EKS Auto Mode)
 * are never reported as left behind; Karpenter's are only when EC2 says their instance is terminated.
 */
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import type { ResourceRef } from '../src/engine/finding.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import type { AutoScalingGroup, Ec2Instance, KubeNode, ScalingActivity, Snapshot } from '../src/snapshot/types.js';
import {
  clusterInstances,
  groupLaunchTemplate,
  lifecycleState,
  nodeOrigin,
  nodeReadyStatus,
  tagValue,
  type ClusterInstances,
} from './lib/cluster-instances.js';
import { DOCS } from './lib/docs-links.js';
import { groupInstanceTypes, launchTemplateVersionOf } from './lib/launch-templates.js';

type Code =
  | 'instance-not-joined'
  | 'node-instance-gone'
  | 'asg-below-desired'
  | 'launch-capacity-unavailable'
  | 'launch-quota-exceeded'
  | 'launch-configuration-unsupported';

/** Launch failures whose message is the only evidence there is, so this check reports them as causes. */
type SelfEvidentFailure = 'capacity' | 'quota' | 'unsupported';

const FAILURE_PATTERNS: [SelfEvidentFailure, RegExp][] = [
  ['capacity', /InsufficientInstanceCapacity|do not have sufficient .*capacity|insufficient capacity/i],
  ['quota', /VcpuLimitExceeded|InstanceLimitExceeded|MaxSpotInstanceCountExceeded|vCPU limit|reached your quota|instance limit/i],
  ['unsupported', /requested configuration is currently not supported|is not supported in your requested Availability Zone|Unsupported(Operation|InstanceType)?\b/],
];

/** How many failed activities to quote per group: enough to show a pattern, few enough to read. */
const QUOTED_FAILURES = 3;
/** How many unjoined instances to describe in full per group; the rest are listed by ID. */
const QUOTED_INSTANCES = 5;

export default defineDiagnostic<Code, 'joinGracePeriodMinutes'>({
  id: 'node-registration',
  title: 'EC2 instances are registered as Nodes',
  description:
    "Matches the cluster's EC2 instances (its Auto Scaling groups, Karpenter's and other instances tagged for the cluster) with its Nodes by provider ID and private DNS name: instances that never joined, Nodes whose instance is gone, and Auto Scaling groups below their desired capacity with their failed launches.",
  docs: [DOCS.nodeJoinFailure, DOCS.asgInstanceLaunchFailure],
  needs: ['aws.reservations', 'aws.autoScalingGroups', 'kubernetes.nodes'],
  uses: ['aws.nodegroups', 'aws.scalingActivities', 'aws.iamInstanceProfiles', 'aws.launchTemplateVersions', 'aws.instanceTypes'],
  thresholds: {
    joinGracePeriodMinutes: { flag: 'join-grace-minutes', default: 10, min: 0, integer: false, description: 'Minutes an instance may run before not joining is reported' },
  },
  codes: {
    'instance-not-joined': {
      severity: 'critical',
      title: 'Instances never registered as Nodes',
      description:
        'EC2 instances of the cluster have been running longer than the join grace period (default 10 minutes) and no Node registered for them. The checks that explain it (IAM, aws-auth and access entries, subnets, routes, security groups, network ACLs, DNS, user data) link their cause to it; when all of them ran and found nothing, the finding says the kubelet could not bootstrap or authenticate for a reason the APIs do not show, and lists what was ruled out.',
      symptom: 'instance-not-joined',
      // The nodes that never joined are the ones Pending pods that fit their group or NodePool wait for.
      explains: ['pod-unschedulable'],
      whenUnexplained:
        "No check found why: the kubelet could not bootstrap or authenticate for a reason the AWS and Kubernetes APIs do not show (a failing bootstrap step, a custom AMI, an HTTP proxy, clock skew); the instance's boot log or kubelet journal names it.",
    },
    'node-instance-gone': {
      severity: 'warning',
      title: 'Node left behind after its instance was terminated',
      description:
        'A Node object whose EC2 instance no longer exists. It stays NotReady, and the pods bound to it stay Terminating or Unknown until the Node is deleted.',
      explains: ['node-not-ready'],
    },
    'asg-below-desired': {
      severity: 'warning',
      title: 'Auto Scaling group below desired capacity',
      description:
        'An Auto Scaling group of the cluster has fewer InService instances than its desired capacity, and no launch is in flight to close the gap. Its failed scaling activities say why launches fail.',
      symptom: 'asg-capacity-shortfall',
      // The instances it cannot launch are the nodes the Pending pods that fit this group wait for.
      explains: ['pod-unschedulable'],
    },
    'launch-capacity-unavailable': {
      severity: 'warning',
      title: 'EC2 has no capacity for the instance type',
      description:
        "The group's launches fail with InsufficientInstanceCapacity: EC2 has no spare capacity for the instance type in the Availability Zones the group may use. Usually temporary; more instance types or zones make the group resilient to it.",
      explains: ['asg-capacity-shortfall', 'nodegroup-unhealthy', 'pod-unschedulable'],
    },
    'launch-quota-exceeded': {
      severity: 'critical',
      title: 'EC2 account quota reached',
      description: "The group's launches fail because the account reached an EC2 quota (running vCPUs, Spot requests, fleet requests). They keep failing until the quota is raised or usage drops. Where quota-headroom reads the quota and its usage, its finding is the cause and this one the symptom it explains.",
      symptom: 'ec2-launch-quota',
      explains: ['asg-capacity-shortfall', 'nodegroup-unhealthy', 'pod-unschedulable'],
    },
    'launch-configuration-unsupported': {
      severity: 'critical',
      title: 'Instance type not offered where the group launches',
      description:
        "The group's launches fail because EC2 does not support the requested configuration: the instance type is not offered in one of the group's Availability Zones, or the instance type and AMI do not go together. They keep failing until the configuration changes.",
      explains: ['asg-capacity-shortfall', 'nodegroup-unhealthy', 'pod-unschedulable'],
    },
  },
  check({ snapshot, options, now }) {
    const index = clusterInstances(snapshot);
    return [
      ...instancesNotJoined(snapshot, index, options.joinGracePeriodMinutes, now),
      ...nodesWithoutInstance(snapshot, index),
      ...groupsBelowDesired(snapshot, index, options.joinGracePeriodMinutes, now),
    ];
  },
});

function minutesBetween(from: string | undefined, now: Date): number | undefined {
  if (!from) return undefined;
  const t = Date.parse(from);
  return Number.isNaN(t) ? undefined : (now.getTime() - t) / 60_000;
}

function describeAge(minutes: number): string {
  if (minutes < 120) return `${Math.floor(minutes)} minutes`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} hours`;
  return `${Math.floor(minutes / 1440)} days`;
}

function region(snapshot: Snapshot): string {
  return snapshot.cluster.region;
}

/** Lifecycle states in which an instance is leaving its group, or parked in a warm pool, and is not expected to be a Node. */
function leavingOrParked(state: string | undefined): boolean {
  return state !== undefined && (state.startsWith('Terminating') || state.startsWith('Detach') || state.startsWith('Warmed') || state === 'Terminated');
}

// ---------------------------------------------------------------------------------------------
// Instances that never joined

function instancesNotJoined(snapshot: Snapshot, index: ClusterInstances, graceMinutes: number, now: Date): NewFinding<Code>[] {
  // One finding per Auto Scaling group (or Karpenter node pool, or lone instance): an on-call
  // engineer reads "3 instances of node group general never joined", not three copies of it.
  const byGroup = new Map<string, { label: string; instances: { instance: Ec2Instance; minutes: number }[]; relaunched?: Relaunched[]; booting?: Ec2Instance[] }>();
  for (const instance of index.instances) {
    const id = instance.InstanceId!;
    if (instance.State?.Name !== 'running') continue;
    if (index.nodeOf(id)) continue;
    const minutes = minutesBetween(instance.LaunchTime, now);
    if (minutes === undefined || minutes <= graceMinutes) continue;
    const groupName = index.groupNameOf(id);
    const group = groupName ? index.groups.get(groupName) : undefined;
    if (group && leavingOrParked(lifecycleState(group, id))) continue;
    // Tagged for a group that does not list it: with a warm pool, that is a pre-initialised
    // instance waiting in the pool, which by design has not joined.
    const groupTag = tagValue(instance.Tags, 'aws:autoscaling:groupName');
    if (groupTag && index.groups.get(groupTag)?.WarmPoolConfiguration && !lifecycleState(index.groups.get(groupTag)!, id)) continue;
    const nodepool = tagValue(instance.Tags, 'karpenter.sh/nodepool');
    const key = groupName ? `asg:${groupName}` : nodepool ? `nodepool:${nodepool}` : `instance:${id}`;
    const nodegroup = index.nodegroupOf(id);
    const label = groupName
      ? nodegroup
        ? `node group ${nodegroup}`
        : `Auto Scaling group ${groupName}`
      : nodepool
        ? `Karpenter node pool ${nodepool}`
        : `instance ${id}`;
    const entry = byGroup.get(key) ?? { label, instances: [] };
    entry.instances.push({ instance, minutes });
    byGroup.set(key, entry);
  }
  // Karpenter's relaunch loop: the instances it terminated for not registering are the same symptom.
  for (const [nodepool, relaunched] of karpenterRelaunches(index, now)) {
    const key = `nodepool:${nodepool}`;
    const booting = index.instances.filter((i) => i.State?.Name === 'running' && tagValue(i.Tags, 'karpenter.sh/nodepool') === nodepool && !index.nodeOf(i.InstanceId!) && (minutesBetween(i.LaunchTime, now) ?? 0) <= graceMinutes);
    const existing = byGroup.get(key);
    if (existing) {
      byGroup.set(key, { ...existing, relaunched, booting });
      continue;
    }
    // Without an instance past the grace period, a loop shows as repeated terminations at the
    // registration timeout with no Node of the pool registered since the first of them.
    const firstLaunch = Math.min(...relaunched.map((r) => Date.parse(r.instance.LaunchTime ?? '')));
    const joinedSince = [...index.nodes.values()].some((n) => n.metadata?.labels?.['karpenter.sh/nodepool'] === nodepool && Date.parse(n.metadata?.creationTimestamp ?? '') > firstLaunch);
    if (relaunched.length >= 2 && !joinedSince) byGroup.set(key, { label: `Karpenter node pool ${nodepool}`, instances: [], relaunched, booting });
  }

  const findings: NewFinding<Code>[] = [];
  for (const { label, instances, relaunched = [], booting = [] } of byGroup.values()) {
    const all = [...instances.map(({ instance }) => instance), ...booting, ...relaunched.map((r) => r.instance)];
    const first = all[0]!;
    const firstId = first.InstanceId!;
    const resources = uniqueRefs(all.flatMap((instance) => index.resourcesOf(instance.InstanceId!)));
    const groupName = index.groupNameOf(firstId);
    const nodepool = tagValue(first.Tags, 'karpenter.sh/nodepool');
    const n = instances.length + relaunched.length;
    const title =
      n === 1 && label === `instance ${firstId}`
        ? `Instance ${firstId} never registered as a Node`
        : `${n} instance${n === 1 ? '' : 's'} of ${label} never registered as ${n === 1 ? 'a Node' : 'Nodes'}${relaunched.length > 0 ? ` (${relaunched.length} terminated by Karpenter at its registration timeout)` : ''}`;
    const running = instances[0]?.instance ?? booting[0];
    const consoleCommand = (id: string) => `aws ec2 get-console-output --instance-id ${id} --latest --output text --region ${region(snapshot)}`;
    findings.push({
      code: 'instance-not-joined',
      keyResource: groupName ?? firstId,
      title,
      // The possible causes are other checks' findings, linked by correlation; what remains when all
      // of them were ruled out is the code's whenUnexplained, added by correlation with the list.
      rootCause: `${n === 1 ? 'This instance has' : 'These instances have'} ${relaunched.length > 0 ? 'not registered as Nodes within the join grace period or Karpenter\'s registration timeout' : `been running for longer than the ${graceMinutes}-minute join grace period`} and no Node registered for ${n === 1 ? 'it' : 'them'}.`,
      evidence: [
        ...instances.slice(0, QUOTED_INSTANCES).map(({ instance, minutes }) => describeUnjoined(instance, minutes)),
        ...(instances.length > QUOTED_INSTANCES ? [`${instances.length - QUOTED_INSTANCES} more instances in the same state: ${instances.slice(QUOTED_INSTANCES).map(({ instance }) => instance.InstanceId).join(', ')}.`] : []),
        ...(relaunched.length > 0
          ? [
              `Karpenter terminated ${relaunched.length} earlier instance${relaunched.length === 1 ? '' : 's'} of node pool ${nodepool} that did not register within its ${KARPENTER_REGISTRATION_TTL_MINUTES}-minute registration timeout, and launched again: a relaunch loop (their NodeClaims are deleted; EC2 lists terminated instances for about an hour).`,
              ...relaunched.slice(0, QUOTED_INSTANCES).map((r) => `${r.instance.InstanceId} (${r.instance.InstanceType ?? 'instance'}) launched ${r.instance.LaunchTime}, terminated ${r.terminatedAt} after ${Math.round(r.lived)} minutes, never a Node.`),
              ...(relaunched.length > QUOTED_INSTANCES ? [`${relaunched.length - QUOTED_INSTANCES} more: ${relaunched.slice(QUOTED_INSTANCES).map((r) => r.instance.InstanceId).join(', ')}.`] : []),
            ]
          : []),
        ...booting.map((i) => `${i.InstanceId} launched ${i.LaunchTime}, the current attempt, has no Node yet.`),
      ],
      resources: uniqueRefs([...resources, ...(nodepool ? [resource.nodePool(nodepool)] : [])]),
      // unschedulable-pods names the groups and NodePools that could run pods lacking room.
      canExplain: [{ symptom: 'pod-unschedulable', resources: [...(nodepool ? [resource.nodePool(nodepool)] : []), ...(groupName ? [resource.autoScalingGroup(groupName)] : [])] }],
      fix: {
        summary: running
          ? 'Find out why the kubelet cannot join: read the boot log of one of these instances.'
          : `Find out why the kubelet cannot join: Karpenter's NodeClaims for node pool ${nodepool} and the next instance's boot log (before Karpenter terminates it).`,
        commands: running
          ? [consoleCommand(running.InstanceId!)]
          : [`kubectl get nodeclaims -l karpenter.sh/nodepool=${nodepool} -o wide`, `aws ec2 describe-instances --filters Name=tag:karpenter.sh/nodepool,Values=${nodepool} Name=instance-state-name,Values=pending,running --query "Reservations[].Instances[].InstanceId" --output text --region ${region(snapshot)}`],
        alternatives: running
          ? [
              { summary: 'Open a session on it and read the kubelet log (sudo journalctl -u kubelet --no-pager | tail -n 100).', commands: [`aws ssm start-session --target ${running.InstanceId} --region ${region(snapshot)}`] },
              {
                summary: 'Let the AWSSupport-TroubleshootEKSWorkerNode runbook check the usual causes.',
                commands: [`aws ssm start-automation-execution --document-name AWSSupport-TroubleshootEKSWorkerNode --parameters ClusterName=${snapshot.cluster.name},WorkerID=${running.InstanceId} --region ${region(snapshot)}`],
              },
            ]
          : [],
        docs: [DOCS.nodeJoinFailure, DOCS.troubleshootWorkerNodeRunbook],
      },
    });
  }
  return findings;
}

/**
 * Karpenter deletes a NodeClaim whose Node has not registered 15 minutes after launch and
 * terminates its instance (the registration TTL, from memory of karpenter's
 * pkg/controllers/nodeclaim/lifecycle/liveness.go); the NodeClaim is gone, but EC2 lists the
 * terminated instance, with its tags, for about an hour.
 */
const KARPENTER_REGISTRATION_TTL_MINUTES = 15;
/** How far past the timeout a termination still counts as Karpenter's (its liveness check runs periodically). */
const KARPENTER_TERMINATION_SLACK_MINUTES = 5;

interface Relaunched {
  instance: Ec2Instance;
  /** Minutes from launch to termination. */
  lived: number;
  terminatedAt: string;
}

/** Terminated Karpenter instances, per node pool, that lived about the registration timeout and have no Node. */
function karpenterRelaunches(index: ClusterInstances, now: Date): Map<string, Relaunched[]> {
  const byPool = new Map<string, Relaunched[]>();
  for (const instance of index.instances) {
    const nodepool = tagValue(instance.Tags, 'karpenter.sh/nodepool');
    if (!nodepool || (instance.State?.Name !== 'terminated' && instance.State?.Name !== 'shutting-down')) continue;
    if (index.nodeOf(instance.InstanceId!)) continue;
    // EC2's StateTransitionReason for a TerminateInstances call: "User initiated (2026-11-20 02:31:07 GMT)".
    const at = /\((\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) GMT\)/.exec(instance.StateTransitionReason ?? '');
    if (!at) continue;
    const terminatedAt = `${at[1]}T${at[2]}.000Z`;
    const lived = (Date.parse(terminatedAt) - Date.parse(instance.LaunchTime ?? '')) / 60_000;
    if (!Number.isFinite(lived) || lived < KARPENTER_REGISTRATION_TTL_MINUTES - 0.5 || lived > KARPENTER_REGISTRATION_TTL_MINUTES + KARPENTER_TERMINATION_SLACK_MINUTES) continue;
    if (Date.parse(terminatedAt) > now.getTime()) continue;
    byPool.set(nodepool, [...(byPool.get(nodepool) ?? []), { instance, lived, terminatedAt }]);
  }
  for (const list of byPool.values()) list.sort((a, b) => b.terminatedAt.localeCompare(a.terminatedAt));
  return byPool;
}

function describeUnjoined(instance: Ec2Instance, minutes: number): string {
  const id = instance.InstanceId!;
  const where = [instance.PrivateDnsName || 'no private DNS name', instance.SubnetId, instance.IamInstanceProfile?.Arn ? `instance profile ${instance.IamInstanceProfile.Arn}` : undefined]
    .filter(Boolean)
    .join(', ');
  const az = instance.Placement?.AvailabilityZone ?? '<az>';
  return `${id} (${where}) has been running since ${instance.LaunchTime} (${describeAge(minutes)} before the snapshot); no Node has providerID aws:///${az}/${id}${instance.PrivateDnsName ? ` or the name ${instance.PrivateDnsName}` : ''}.`;
}


// ---------------------------------------------------------------------------------------------
// Nodes left behind

function nodesWithoutInstance(snapshot: Snapshot, index: ClusterInstances): NewFinding<Code>[] {
  const notFound = new Set((snapshot.aws.notFound ?? []).filter((r) => r.resourceType === 'ec2-instance').map((r) => r.id));
  const inSomeGroup = new Set([...index.groups.values()].flatMap((g) => (g.Instances ?? []).map((i) => i.InstanceId)));
  const findings: NewFinding<Code>[] = [];
  for (const node of index.nodes.values()) {
    const origin = nodeOrigin(node);
    // Fargate, hybrid and Auto Mode machines are not the cluster owner's EC2 instances to find.
    if (origin !== 'ec2' && origin !== 'karpenter') continue;
    const instanceId = index.instanceIdOf(node);
    if (!instanceId) continue;
    const instance = index.byId.get(instanceId);
    const ready = nodeReadyStatus(node);
    let how: string | undefined;
    if (instance?.State?.Name === 'terminated') {
      how = `EC2 reports ${instanceId} as terminated${instance.StateTransitionReason ? ` (${instance.StateTransitionReason})` : ''}.`;
    } else if (!instance && notFound.has(instanceId)) {
      how = `ec2:DescribeInstances answered that ${instanceId} does not exist (InvalidInstanceID.NotFound).`;
    } else if (!instance && origin === 'ec2' && index.instanceListComplete && !inSomeGroup.has(instanceId) && ready !== 'True') {
      // Absent from the collected instances is weaker evidence than "terminated": it is only taken
      // when the list is complete, no group lists the instance, and the kubelet is not reporting
      // Ready (a kubelet posting status proves the machine exists). Karpenter's instances may be
      // collected by other means, so only an explicit answer from EC2 counts for them.
      how = `${instanceId} is not among the ${index.byId.size} EC2 instances collected for the cluster and no Auto Scaling group lists it; EC2 stops listing terminated instances about an hour after they end.`;
    }
    if (!how) continue;
    const name = node.metadata!.name!;
    const evidence = [
      `Node ${name} has spec.providerID ${node.spec?.providerID ?? '(none)'}.`,
      how,
      readyEvidence(node),
      ...(origin === 'karpenter' ? [`The Node belongs to Karpenter node pool ${node.metadata?.labels?.['karpenter.sh/nodepool'] ?? node.metadata?.labels?.['karpenter.sh/provisioner-name']}.`] : []),
    ];
    const karpenter = origin === 'karpenter';
    findings.push({
      code: 'node-instance-gone',
      keyResource: name,
      title: `Node ${name} is left behind: its instance ${instanceId} no longer exists`,
      rootCause: karpenter
        ? `The instance behind this Node is gone but the Node object remains. Karpenter deletes a Node through its NodeClaim's finalizer; a stuck finalizer or a Karpenter controller that is not running leaves the Node behind, NotReady, with its pods stuck Terminating or Unknown.`
        : `The instance behind this Node is gone but the Node object remains. The cloud controller normally deletes a Node soon after its instance terminates; when it does not (the controller could not describe the instance, or a finalizer holds the Node), the Node stays NotReady and the pods bound to it stay Terminating or Unknown and are not rescheduled.`,
      evidence,
      resources: [resource.node(name), resource.instance(instanceId)],
      fix: {
        summary: karpenter
          ? `Check the Node's NodeClaim and the Karpenter controller; once the pods on the Node are accounted for, delete the Node.`
          : `See which pods are still bound to the Node, then delete the Node; its pods are then rescheduled elsewhere.`,
        commands: [
          `kubectl get pods --all-namespaces --field-selector spec.nodeName=${name} -o wide`,
          ...(karpenter ? [`kubectl get nodeclaims -o wide | grep ${instanceId}`, `kubectl logs -n kube-system -l app.kubernetes.io/name=karpenter --tail=100`] : []),
          `kubectl delete node ${name}`,
        ],
        docs: [DOCS.k8sNodeController, DOCS.nodeJoinFailure],
      },
      canExplain: [{ symptom: 'node-not-ready', resources: [resource.node(name), resource.instance(instanceId)] }],
    });
  }
  return findings;
}

function readyEvidence(node: KubeNode): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready) return 'The Node has no Ready condition.';
  return `Its Ready condition is ${ready.status}${ready.reason ? ` (${ready.reason})` : ''}${ready.lastHeartbeatTime ? `, last heartbeat ${ready.lastHeartbeatTime}` : ''}.`;
}

// ---------------------------------------------------------------------------------------------
// Auto Scaling groups below desired capacity

/** Capacity units an instance counts for: its weight in a mixed instances policy, else 1. */
function weight(member: NonNullable<AutoScalingGroup['Instances']>[number]): number {
  const w = Number.parseInt(member.WeightedCapacity ?? '1', 10);
  return Number.isFinite(w) && w > 0 ? w : 1;
}

function isLaunch(activity: ScalingActivity): boolean {
  return /launching/i.test(activity.Description ?? '');
}

function isFailure(activity: ScalingActivity): boolean {
  return activity.StatusCode === 'Failed' || activity.StatusCode === 'Cancelled';
}

/** The group's failed activities since its last successful launch, newest first: the failures that still stand. */
function standingFailures(activities: ScalingActivity[]): ScalingActivity[] {
  const byTime = [...activities].sort((a, b) => (b.StartTime ?? '').localeCompare(a.StartTime ?? ''));
  const lastSuccess = byTime.find((a) => a.StatusCode === 'Successful' && isLaunch(a));
  return byTime.filter((a) => isFailure(a) && (!lastSuccess || (a.StartTime ?? '') > (lastSuccess.StartTime ?? '')));
}

function classify(message: string): SelfEvidentFailure | undefined {
  return FAILURE_PATTERNS.find(([, pattern]) => pattern.test(message))?.[0];
}

function activityDetails(activity: ScalingActivity): { subnet?: string; zone?: string } {
  try {
    const details = JSON.parse(activity.Details ?? '{}') as Record<string, unknown>;
    const subnet = typeof details['Subnet ID'] === 'string' ? details['Subnet ID'] : undefined;
    const zone = typeof details['Availability Zone'] === 'string' ? details['Availability Zone'] : undefined;
    return { ...(subnet ? { subnet } : {}), ...(zone ? { zone } : {}) };
  } catch {
    return {};
  }
}

function quoteFailure(activity: ScalingActivity): string {
  const { subnet, zone } = activityDetails(activity);
  const where = [zone, subnet].filter(Boolean).join(', ');
  return `${activity.StartTime ?? 'at an unknown time'} ${activity.StatusCode}${where ? ` (${where})` : ''}: "${activity.StatusMessage ?? activity.Description ?? 'no status message'}"`;
}

function groupsBelowDesired(snapshot: Snapshot, index: ClusterInstances, graceMinutes: number, now: Date): NewFinding<Code>[] {
  const findings: NewFinding<Code>[] = [];
  const activities = snapshot.aws.scalingActivities;
  const activitiesError = snapshot.errors.find((e) => e.part === 'aws.scalingActivities');
  for (const group of index.groups.values()) {
    const name = group.AutoScalingGroupName!;
    const desired = group.DesiredCapacity ?? 0;
    const members = group.Instances ?? [];
    const inService = members.filter((m) => m.LifecycleState === 'InService').reduce((sum, m) => sum + weight(m), 0);
    // Instances still launching close the gap on their own; one pending past the grace period does not.
    const inFlight = members
      .filter((m) => m.LifecycleState?.startsWith('Pending'))
      .filter((m) => {
        const minutes = minutesBetween(m.InstanceId ? index.byId.get(m.InstanceId)?.LaunchTime : undefined, now);
        return minutes === undefined || minutes <= graceMinutes;
      })
      .reduce((sum, m) => sum + weight(m), 0);
    const missing = desired - inService - inFlight;
    if (missing <= 0) continue;

    const failures = standingFailures((activities ?? []).filter((a) => a.AutoScalingGroupName === name));
    const nodegroup = index.nodegroupOfGroup(name);
    const nodegroupData = nodegroup ? index.nodegroups.get(nodegroup) : undefined;
    const launchTemplate = groupLaunchTemplate(group);
    const profileArn = launchTemplateProfileArn(snapshot, launchTemplate);

    const resources: ResourceRef[] = [resource.autoScalingGroup(name)];
    if (nodegroup) resources.push(resource.nodegroup(nodegroup));
    if (launchTemplate?.LaunchTemplateId) resources.push(resource.launchTemplate(launchTemplate.LaunchTemplateId, launchTemplate.LaunchTemplateName));
    if (profileArn) {
      resources.push(resource.instanceProfile(profileArn));
      for (const role of index.roleArnsOfProfile(profileArn)) resources.push(resource.role(role));
    } else if (nodegroupData?.nodeRole) {
      resources.push(resource.role(nodegroupData.nodeRole));
    }
    for (const f of failures) {
      const { subnet } = activityDetails(f);
      if (subnet) resources.push(resource.subnet(subnet));
    }

    const evidence = [
      `Desired capacity ${desired}, InService ${inService}${inFlight > 0 ? `, ${inFlight} still launching` : ''} (min ${group.MinSize ?? '?'}, max ${group.MaxSize ?? '?'}).`,
      ...(group.Status ? [`Group status: ${group.Status}.`] : []),
      ...((group.SuspendedProcesses ?? []).length > 0
        ? [`Suspended processes: ${group.SuspendedProcesses!.map((p) => `${p.ProcessName}${p.SuspensionReason ? ` (${p.SuspensionReason})` : ''}`).join(', ')}.`]
        : []),
      ...failures.slice(0, QUOTED_FAILURES).map(quoteFailure),
      ...(failures.length > QUOTED_FAILURES ? [`${failures.length - QUOTED_FAILURES} more failed activities since the last successful launch.`] : []),
      ...(failures.length === 0
        ? [
            activities === undefined
              ? `Scaling activities were not collected${activitiesError ? ` (${activitiesError.call}: ${activitiesError.code})` : ''}, so the reason launches fail is not known here.`
              : 'No failed scaling activity since the last successful launch.',
          ]
        : []),
      ...(nodegroupData?.health?.issues ?? []).map((i) => `Node group ${nodegroup} health issue ${i.code}: ${i.message}`),
    ];
    const latest = failures[0];
    const allDown = inService === 0 && desired > 0;
    findings.push({
      code: 'asg-below-desired',
      keyResource: name,
      ...(allDown ? { severity: 'critical' as const } : {}),
      title: `Auto Scaling group ${name}${nodegroup ? ` (node group ${nodegroup})` : ''} is below desired capacity: ${inService} of ${desired} InService`,
      rootCause: latest
        ? `The group wants ${desired} instances but has ${inService} in service, and its launches fail: "${latest.StatusMessage ?? latest.Description}".`
        : `The group wants ${desired} instances but has ${inService} in service and is not launching the rest.`,
      evidence,
      resources: uniqueRefs(resources),
      // unschedulable-pods names the groups that could run pods lacking room.
      canExplain: [{ symptom: 'pod-unschedulable', resources: [resource.autoScalingGroup(name)] }],
      fix: {
        summary: latest
          ? `Fix what the failed launches name (the message above), then let the group retry; its activity history shows each attempt.`
          : `Read the group's activity history for why it does not launch, and check that its Launch process is not suspended.`,
        commands: [
          `aws autoscaling describe-scaling-activities --auto-scaling-group-name ${name} --max-items 10 --region ${region(snapshot)}`,
          ...(nodegroup ? [`aws eks describe-nodegroup --cluster-name ${snapshot.cluster.name} --nodegroup-name ${nodegroup} --query nodegroup.health --region ${region(snapshot)}`] : []),
          ...((group.SuspendedProcesses ?? []).some((p) => p.ProcessName === 'Launch') ? [`aws autoscaling resume-processes --auto-scaling-group-name ${name} --scaling-processes Launch --region ${region(snapshot)}`] : []),
        ],
        docs: [DOCS.asgInstanceLaunchFailure, DOCS.asgTroubleshooting],
      },
    });

    findings.push(...selfEvidentCauses(snapshot, group, nodegroup, failures, missing));
  }
  return findings;
}

/** The instance profile the group's launch template gives its instances, as an ARN, when the launch template version was collected. */
function launchTemplateProfileArn(snapshot: Snapshot, spec: ReturnType<typeof groupLaunchTemplate>): string | undefined {
  const profile = launchTemplateVersionOf(snapshot, spec)?.LaunchTemplateData?.IamInstanceProfile;
  if (profile?.Arn) return profile.Arn;
  if (profile?.Name) {
    const known = (snapshot.aws.iamInstanceProfiles ?? []).find((p) => p.InstanceProfileName === profile.Name);
    if (known?.Arn) return known.Arn;
  }
  return undefined;
}

function selfEvidentCauses(snapshot: Snapshot, group: AutoScalingGroup, nodegroup: string | undefined, failures: ScalingActivity[], missing: number): NewFinding<Code>[] {
  const name = group.AutoScalingGroupName!;
  const byKind = new Map<SelfEvidentFailure, ScalingActivity[]>();
  for (const f of failures) {
    const kind = classify(f.StatusMessage ?? '');
    if (kind) byKind.set(kind, [...(byKind.get(kind) ?? []), f]);
  }
  const findings: NewFinding<Code>[] = [];
  const scope = [
    { symptom: 'asg-capacity-shortfall' as const, resources: [resource.autoScalingGroup(name)] },
    ...(nodegroup ? [{ symptom: 'nodegroup-unhealthy' as const, resources: [resource.nodegroup(nodegroup)] }] : []),
    // The Pending pods that fit the group wait for the instances that fail to launch (unschedulable-pods names the group on them).
    { symptom: 'pod-unschedulable' as const, resources: [resource.autoScalingGroup(name)] },
  ];
  const resources = [resource.autoScalingGroup(name), ...(nodegroup ? [resource.nodegroup(nodegroup)] : [])];
  const r = region(snapshot);
  const instanceTypes = groupInstanceTypes(snapshot, group, nodegroup);
  for (const [kind, activities] of byKind) {
    const latest = activities[0]!;
    const message = latest.StatusMessage ?? '';
    const evidence = [...activities.slice(0, QUOTED_FAILURES).map(quoteFailure), `${missing} instance${missing === 1 ? '' : 's'} short of the desired capacity of ${group.DesiredCapacity}.`];
    const subject = nodegroup ? `node group ${nodegroup}` : `Auto Scaling group ${name}`;
    if (kind === 'capacity') {
      const type = /sufficient (\S+) capacity/i.exec(message)?.[1] ?? instanceTypes[0];
      // A shortage often spans zones: the group retries in each of its zones in turn.
      const zones = [...new Set(activities.map((a) => /Availability Zone you requested \(([^)]+)\)/i.exec(a.StatusMessage ?? '')?.[1] ?? activityDetails(a).zone).filter((z): z is string => !!z))].sort();
      const zone = zones.length > 0 ? zones.join(', ') : undefined;
      findings.push({
        code: 'launch-capacity-unavailable',
        keyResource: name,
        title: `EC2 has no ${type ?? 'instance'} capacity${zone ? ` in ${zone}` : ''} for ${subject}`,
        rootCause: `Launches for ${subject} fail because EC2 has no spare ${type ? `${type} capacity` : 'capacity for the requested instance type'}${zone ? ` in ${zone}` : ''} right now. The group retries on its own, but with a single instance type it stays short for as long as the shortage lasts.`,
        evidence,
        resources,
        fix: {
          summary: nodegroup
            ? `Give the capacity somewhere else to come from: a managed node group's instance types cannot be changed, so add a node group with several similar instance types (and subnets in every zone), then scale this one down.`
            : `Let the group launch other instance types (a mixed instances policy with several similar types) or in more Availability Zones; retry later if the shortage is brief.`,
          commands: [
            ...(type ? [`aws ec2 describe-instance-type-offerings --location-type availability-zone --filters Name=instance-type,Values=${type} --region ${r}`] : []),
            ...(nodegroup
              ? [`eksctl create nodegroup --cluster ${snapshot.cluster.name} --name ${nodegroup}-multi --managed --instance-types ${[type ?? 'm6i.xlarge', ...similarTypes(type)].join(',')} --nodes ${group.DesiredCapacity ?? 1} --region ${r}`]
              : [`aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names ${name} --query "AutoScalingGroups[0].[MixedInstancesPolicy,VPCZoneIdentifier]" --region ${r}`]),
          ],
          docs: [DOCS.ec2InsufficientCapacity, DOCS.asgInstanceLaunchFailure],
        },
        canExplain: scope,
      });
    } else if (kind === 'quota') {
      const spot = /spot/i.test(message);
      const fleet = /fleet/i.test(message);
      const limit = Number.parseInt(/limit of (\d+)/i.exec(message)?.[1] ?? '', 10);
      const quotaCode = spot ? 'L-34B43A08' : 'L-1216C47A';
      const vcpus = instanceTypes.map((t) => (snapshot.aws.instanceTypes ?? []).find((i) => i.InstanceType === t)?.VCpuInfo?.DefaultVCpus).find((v) => v !== undefined);
      const desiredValue = Number.isFinite(limit) ? (vcpus ? limit + missing * vcpus : limit * 2) : undefined;
      findings.push({
        code: 'launch-quota-exceeded',
        keyResource: name,
        title: `EC2 ${fleet ? 'fleet request' : spot ? 'Spot vCPU' : 'On-Demand vCPU'} quota reached: ${subject} cannot launch`,
        rootCause: `Launches for ${subject} fail because the account reached an EC2 quota${Number.isFinite(limit) ? ` (limit ${limit})` : ''}; they keep failing until the quota is raised or other instances are stopped.`,
        evidence,
        resources,
        fix: {
          summary: fleet
            ? `Find the fleet-request quota that is exhausted and request an increase (or delete unused EC2 Fleets / Spot Fleet requests).`
            : `Request a higher ${spot ? 'Spot' : 'On-Demand'} vCPU quota for the region (it applies to all instances of these families in the account).`,
          commands: fleet
            ? [`aws service-quotas list-service-quotas --service-code ec2 --query "Quotas[?contains(QuotaName, 'Fleet')].[QuotaName,QuotaCode,Value]" --output table --region ${r}`]
            : [
                `aws service-quotas get-service-quota --service-code ec2 --quota-code ${quotaCode} --region ${r}`,
                ...(desiredValue ? [`aws service-quotas request-service-quota-increase --service-code ec2 --quota-code ${quotaCode} --desired-value ${desiredValue} --region ${r}`] : []),
              ],
          docs: [DOCS.ec2ResourceLimits, DOCS.asgInstanceLaunchFailure],
        },
        canExplain: scope,
      });
    } else {
      const zone = /Availability Zone \(([^)]+)\)/i.exec(message)?.[1] ?? activityDetails(latest).zone;
      const type = /instance type \((\S+)\)/i.exec(message)?.[1] ?? instanceTypes[0];
      findings.push({
        code: 'launch-configuration-unsupported',
        keyResource: name,
        title: `EC2 does not support what ${subject} launches${zone ? ` in ${zone}` : ''}`,
        rootCause: `Launches for ${subject} fail because EC2 does not support the requested configuration${type ? ` (${type}${zone ? ` in ${zone}` : ''})` : ''}: the instance type is not offered in that Availability Zone, or it does not go with the AMI. Retrying will not help.`,
        evidence,
        resources,
        fix: {
          summary: `Check where the instance type is offered and remove the other zones' subnets from the group${nodegroup ? ' (for a managed node group: create a replacement node group with those subnets only)' : ''}, or choose an instance type that matches the AMI's architecture.`,
          commands: [
            ...(type ? [`aws ec2 describe-instance-type-offerings --location-type availability-zone --filters Name=instance-type,Values=${type} --query "InstanceTypeOfferings[].Location" --region ${r}`] : []),
            `aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names ${name} --query "AutoScalingGroups[0].VPCZoneIdentifier" --region ${r}`,
          ],
          docs: [DOCS.asgInstanceLaunchFailure, DOCS.managedNodeGroups],
        },
        canExplain: scope,
      });
    }
  }
  return findings;
}

/** Same size, neighbouring families: 'm6i.xlarge' -> ['m6a.xlarge', 'm5.xlarge']. A starting point the engineer adjusts. */
function similarTypes(type: string | undefined): string[] {
  const match = type ? /^([a-z]+)(\d+)([a-z]*)\.(\S+)$/.exec(type) : null;
  if (!match) return [];
  const [, family, generation, suffix, size] = match;
  // Graviton (arm64) types only substitute for each other: the AMI is built for one architecture.
  if (suffix!.includes('g')) return [`${family}${Number(generation) - 1}g.${size}`, `${family}${generation}gd.${size}`].filter((t) => t !== type);
  return [`${family}${generation}a.${size}`, `${family}5.${size}`].filter((t) => t !== type);
}
