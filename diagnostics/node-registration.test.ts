import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../src/snapshot/types.js';
import {
  BATCH_ASG,
  BATCH_LAUNCH_TEMPLATE_ID,
  BATCH_PROFILE_ARN,
  BATCH_ROLE_ARN,
  MANAGED_ASG,
  MANAGED_NODEGROUP,
  NODE_ROLE_ARN,
  PRIVATE_SUBNETS,
  buildBaseline,
  iamArn,
} from '../mocks/scenario-builder/baseline.js';
import {
  CAPACITY_MESSAGE,
  INSTANCE_PROFILE_MESSAGE,
  VCPU_QUOTA_MESSAGE,
  failLaunches,
  findInstance,
  groupInstanceIds,
  launchUnjoinedInstance,
  markNodeUnreachable,
  minutesBeforeCapture,
  terminateLeavingNode,
} from '../mocks/faults/node-registration.js';
import { terminatedKarpenterInstance } from '../mocks/faults/user-data.js';
import { describeDiagnostic, failedPart, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import nodeRegistration from './node-registration.js';

/** Karpenter instances terminated at the 15-minute registration timeout, launched `ago` minutes before capture, and (optionally) the current attempt. */
const karpenterLoop = (ago: number[], currentMinutes: number | undefined) => (s: Snapshot) => {
  ago.forEach((m, i) => terminatedKarpenterInstance(s, `i-0c0ffee0c0ffee0a${i + 1}`, m, 15.2));
  if (currentMinutes !== undefined) launchUnjoinedInstance(s, 'i-0c0ffee0c0ffee001', { instanceId: 'i-0c0ffee0c0ffee002', privateIp: '10.0.91.44', launchTime: minutesBeforeCapture(s, currentMinutes) });
};

const MANAGED_PROFILE_ARN = iamArn('instance-profile/eks-8ec9a1b2-3c4d-5e6f-7a8b-9c0d1e2f3a4b');
const KARPENTER_INSTANCE = 'i-0c0ffee0c0ffee001';
const NEW_ID = 'i-0a5ee0000000000a9';

const managed = (s: Snapshot) => groupInstanceIds(s, MANAGED_ASG);
const batch = (s: Snapshot) => groupInstanceIds(s, BATCH_ASG);
const nodeNameOf = (s: Snapshot, instanceId: string) => s.kubernetes.nodes!.find((n) => n.spec?.providerID?.endsWith(`/${instanceId}`))!.metadata!.name!;

/** A managed-group instance launched `minutes` before the snapshot that has no Node. */
const unjoined = (minutes: number, template: (s: Snapshot) => string = (s) => managed(s)[0]!) =>
  mutate((s) => {
    launchUnjoinedInstance(s, template(s), { instanceId: NEW_ID, privateIp: '10.0.1.99', launchTime: minutesBeforeCapture(s, minutes) });
  });

/** Removes a Node (and nothing else): its instance then looks as if it never joined. */
const withoutNode = (s: Snapshot, instanceId: string) => {
  s.kubernetes.nodes = s.kubernetes.nodes!.filter((n) => !n.spec?.providerID?.endsWith(`/${instanceId}`));
};

const fargateOnly = mutate((s) => {
  s.aws.nodegroups = [];
  s.aws.autoScalingGroups = [];
  s.aws.scalingActivities = [];
  s.aws.reservations = [];
  s.kubernetes.nodes = s.kubernetes.nodes!.filter((n) => n.metadata?.labels?.['eks.amazonaws.com/compute-type'] === 'fargate');
});

const karpenterOnly = mutate((s) => {
  s.aws.nodegroups = [];
  s.aws.autoScalingGroups = [];
  s.aws.scalingActivities = [];
  s.aws.reservations = s.aws.reservations!.filter((r) => r.Instances?.[0]?.InstanceId === KARPENTER_INSTANCE);
  s.kubernetes.nodes = s.kubernetes.nodes!.filter((n) => n.metadata?.labels?.['karpenter.sh/nodepool']);
});

describeDiagnostic(nodeRegistration, {
  healthy: [
    { name: 'baseline: managed, self-managed, Karpenter and Fargate capacity', snapshot: buildBaseline() },
    { name: 'a large cluster whose managed node group spans several Auto Scaling groups', snapshot: buildBaseline({ managedNodes: 120, batchNodes: 7 }) },
    { name: 'Fargate only: no node groups, no instances', snapshot: fargateOnly },
    { name: 'Karpenter only: no Auto Scaling groups', snapshot: karpenterOnly },
    { name: 'one Karpenter instance terminated at the registration timeout (a single failure is not a loop)', snapshot: mutate(karpenterLoop([30], undefined)) },
    {
      name: 'Karpenter instances terminated after hours (consolidation), not at the registration timeout',
      snapshot: mutate((s) => {
        terminatedKarpenterInstance(s, 'i-0c0ffee0c0ffee0b1', 200, 180);
        terminatedKarpenterInstance(s, 'i-0c0ffee0c0ffee0b2', 150, 95);
      }),
    },
    {
      name: 'terminated at the timeout, but a Node of the pool registered since (the loop ended)',
      snapshot: mutate((s) => {
        karpenterLoop([57, 40], undefined)(s);
        const node = s.kubernetes.nodes!.find((n) => n.metadata?.labels?.['karpenter.sh/nodepool'] === 'default')!;
        node.metadata!.creationTimestamp = minutesBeforeCapture(s, 20);
      }),
    },
    {
      name: 'no node groups and no Nodes at all',
      snapshot: mutate((s) => {
        s.aws.nodegroups = [];
        s.aws.autoScalingGroups = [];
        s.aws.reservations = [];
        s.kubernetes.nodes = [];
      }),
    },
    {
      name: 'an empty node group (desired 0, no instances)',
      snapshot: mutate((s) => {
        for (const id of batch(s)) {
          s.aws.reservations = s.aws.reservations!.filter((r) => r.Instances?.[0]?.InstanceId !== id);
          s.kubernetes.nodes = s.kubernetes.nodes!.filter((n) => !n.spec?.providerID?.endsWith(`/${id}`));
        }
        const g = s.aws.autoScalingGroups!.find((x) => x.AutoScalingGroupName === BATCH_ASG)!;
        g.Instances = [];
        g.DesiredCapacity = 0;
      }),
    },
    { name: 'an instance inside the join grace period (5 minutes old) with no Node yet', snapshot: unjoined(5) },
    { name: 'an instance exactly at the grace period boundary (10 minutes)', snapshot: unjoined(10) },
    { name: 'an instance past the default grace period, with a longer grace period configured', snapshot: unjoined(25), options: { joinGracePeriodMinutes: 30 } },
    {
      name: 'a Node without a provider ID, matched to its instance by private DNS name',
      snapshot: mutate((s) => {
        const node = s.kubernetes.nodes!.find((n) => n.spec?.providerID?.endsWith(`/${managed(s)[0]}`))!;
        delete node.spec!.providerID;
      }),
    },
    {
      name: 'an instance without a private DNS name, matched by provider ID',
      snapshot: mutate((s) => {
        findInstance(s, managed(s)[1]!).PrivateDnsName = '';
      }),
    },
    {
      name: 'a stopped instance with no Node is not "never joined"',
      snapshot: mutate((s) => {
        const id = batch(s)[0]!;
        findInstance(s, id).State = { Code: 80, Name: 'stopped' };
        withoutNode(s, id);
        const g = s.aws.autoScalingGroups!.find((x) => x.AutoScalingGroupName === BATCH_ASG)!;
        g.Instances = g.Instances!.filter((i) => i.InstanceId !== id);
        g.DesiredCapacity = 1;
      }),
    },
    {
      name: 'an instance leaving its group (Terminating:Wait) whose Node is already gone',
      snapshot: mutate((s) => {
        const id = batch(s)[0]!;
        withoutNode(s, id);
        const g = s.aws.autoScalingGroups!.find((x) => x.AutoScalingGroupName === BATCH_ASG)!;
        g.Instances!.find((i) => i.InstanceId === id)!.LifecycleState = 'Terminating:Wait';
        g.DesiredCapacity = 1;
      }),
    },
    {
      name: 'a warm-pool instance of a group with a warm pool',
      snapshot: mutate((s) => {
        launchUnjoinedInstance(s, batch(s)[0]!, { instanceId: NEW_ID, privateIp: '10.0.33.99', launchTime: minutesBeforeCapture(s, 300) });
        const g = s.aws.autoScalingGroups!.find((x) => x.AutoScalingGroupName === BATCH_ASG)!;
        g.Instances = g.Instances!.filter((i) => i.InstanceId !== NEW_ID);
        g.DesiredCapacity = 2;
        g.WarmPoolConfiguration = { MinSize: 1, PoolState: 'Running' };
      }),
    },
    {
      name: 'Fargate, hybrid and EKS Auto Mode Nodes that are NotReady and have no collected instance',
      snapshot: mutate((s) => {
        const fargate = s.kubernetes.nodes!.find((n) => n.metadata?.labels?.['eks.amazonaws.com/compute-type'] === 'fargate')!;
        markNodeUnreachable(s, fargate.metadata!.name!, minutesBeforeCapture(s, 60));
        const hybrid = structuredClone(fargate);
        hybrid.metadata = { ...hybrid.metadata, name: 'mi-0123456789abcdef0', labels: { 'eks.amazonaws.com/compute-type': 'hybrid' } };
        hybrid.spec = { providerID: 'eks-hybrid:///eu-west-1/shop-prod/mi-0123456789abcdef0' };
        const autoMode = structuredClone(fargate);
        autoMode.metadata = { ...autoMode.metadata, name: 'i-0feedfacefeedface', labels: { 'eks.amazonaws.com/compute-type': 'auto', 'karpenter.sh/nodepool': 'general-purpose' } };
        autoMode.spec = { providerID: 'aws:///eu-west-1a/i-0feedfacefeedface' };
        s.kubernetes.nodes!.push(hybrid, autoMode);
      }),
    },
    {
      name: 'a Karpenter Node whose instance was not collected (only an explicit answer from EC2 counts for Karpenter)',
      snapshot: mutate((s) => {
        s.aws.reservations = s.aws.reservations!.filter((r) => r.Instances?.[0]?.InstanceId !== KARPENTER_INSTANCE);
        markNodeUnreachable(s, nodeNameOf(s, KARPENTER_INSTANCE), minutesBeforeCapture(s, 30));
      }),
    },
    {
      name: 'a Ready Node whose instance was not collected (a kubelet posting status proves its machine exists)',
      snapshot: mutate((s) => {
        const id = managed(s)[2]!;
        s.aws.reservations = s.aws.reservations!.filter((r) => r.Instances?.[0]?.InstanceId !== id);
        const g = s.aws.autoScalingGroups!.find((x) => x.AutoScalingGroupName === MANAGED_ASG)!;
        g.Instances = g.Instances!.filter((i) => i.InstanceId !== id);
        g.DesiredCapacity = 2;
      }),
    },
    {
      name: 'a group scaling up, its new instance still Pending inside the grace period',
      snapshot: mutate((s) => {
        launchUnjoinedInstance(s, managed(s)[0]!, { instanceId: NEW_ID, privateIp: '10.0.1.99', launchTime: minutesBeforeCapture(s, 3), lifecycleState: 'Pending' });
        findInstance(s, NEW_ID).State = { Code: 0, Name: 'pending' };
      }),
    },
    {
      name: 'failed launches in the past, followed by a successful one, with the group at capacity',
      snapshot: mutate((s) => {
        failLaunches(s, BATCH_ASG, 2, [{ message: VCPU_QUOTA_MESSAGE(16), startTime: '2026-11-10T14:30:00.000Z', zoneIndex: 0 }]);
        s.aws.nodegroups![0]!.health = { issues: [] };
      }),
    },
    {
      name: 'an instance of another cluster collected by mistake',
      snapshot: mutate((s) => {
        const other = launchUnjoinedInstance(s, KARPENTER_INSTANCE, { instanceId: NEW_ID, privateIp: '10.0.65.99', launchTime: minutesBeforeCapture(s, 600) });
        other.Tags = [
          { Key: 'karpenter.sh/nodepool', Value: 'default' },
          { Key: 'kubernetes.io/cluster/shop-staging', Value: 'owned' },
          { Key: 'eks:eks-cluster-name', Value: 'shop-staging' },
        ];
      }),
    },
  ],
  broken: [
    {
      name: 'a managed-group instance running 40 minutes that never joined',
      snapshot: unjoined(40),
      expect: [{ id: 'node-registration/instance-not-joined', resource: NEW_ID, severity: 'critical', mentions: 'node group general' }],
    },
    {
      name: 'grace period boundary: 10 minutes and 1 second after launch',
      snapshot: unjoined(10 + 1 / 60),
      expect: [{ id: 'node-registration/instance-not-joined', resource: NEW_ID }],
    },
    {
      name: 'a shorter grace period configured',
      snapshot: unjoined(6),
      options: { joinGracePeriodMinutes: 5 },
      expect: [{ id: 'node-registration/instance-not-joined', resource: NEW_ID, mentions: '5-minute' }],
    },
    {
      name: 'self-managed instances whose Nodes are missing name their group, profile and role (with path)',
      snapshot: mutate((s) => {
        for (const id of batch(s)) withoutNode(s, id);
      }),
      expect: [
        { id: 'node-registration/instance-not-joined', resource: BATCH_ASG, mentions: '2 instances of Auto Scaling group shop-prod-batch' },
        { id: 'node-registration/instance-not-joined', resource: BATCH_PROFILE_ARN },
        { id: 'node-registration/instance-not-joined', resource: BATCH_ROLE_ARN },
      ],
    },
    {
      name: "Karpenter's relaunch loop: three instances terminated at the registration timeout, the current attempt still in its grace period",
      snapshot: mutate(karpenterLoop([57, 40, 23], 6)),
      // Named with its NodePool, so it explains the Pending pods waiting for that pool.
      expect: [{ id: 'node-registration/instance-not-joined', resource: 'default', mentions: '3 instances of Karpenter node pool default never registered as Nodes (3 terminated by Karpenter at its registration timeout)', canExplain: ['pod-unschedulable'] }],
    },
    {
      name: "Karpenter's relaunch loop counted with an instance past the grace period",
      snapshot: mutate(karpenterLoop([40, 23], 12)),
      expect: [{ id: 'node-registration/instance-not-joined', resource: 'i-0c0ffee0c0ffee002', mentions: '3 instances of Karpenter node pool default never registered as Nodes (2 terminated' }],
    },
    {
      name: 'a Karpenter instance that never joined, outside any group',
      snapshot: mutate((s) => {
        withoutNode(s, KARPENTER_INSTANCE);
      }),
      expect: [{ id: 'node-registration/instance-not-joined', resource: KARPENTER_INSTANCE, mentions: 'Karpenter node pool default' }],
    },
    {
      name: 'an instance tagged only with eks:eks-cluster-name that never joined',
      snapshot: mutate((s) => {
        const lone = launchUnjoinedInstance(s, KARPENTER_INSTANCE, { instanceId: NEW_ID, privateIp: '10.0.65.99', launchTime: minutesBeforeCapture(s, 60) });
        lone.Tags = [{ Key: 'eks:eks-cluster-name', Value: 'shop-prod' }];
      }),
      expect: [{ id: 'node-registration/instance-not-joined', resource: NEW_ID, mentions: `Instance ${NEW_ID} never registered` }],
    },
    {
      name: 'an instance without a private DNS name that never joined',
      snapshot: mutate((s) => {
        launchUnjoinedInstance(s, managed(s)[0]!, { instanceId: NEW_ID, privateIp: '10.0.1.99', launchTime: minutesBeforeCapture(s, 60) }).PrivateDnsName = '';
      }),
      expect: [{ id: 'node-registration/instance-not-joined', resource: MANAGED_PROFILE_ARN }],
    },
    {
      name: 'a terminated instance whose Node was left behind',
      snapshot: mutate((s) => {
        terminateLeavingNode(s, batch(s)[0]!, { at: minutesBeforeCapture(s, 30), listed: 'terminated' });
      }),
      expect: [{ id: 'node-registration/node-instance-gone', resource: 'i-0b00000000000000', severity: 'warning', canExplain: ['node-not-ready'] }],
    },
    {
      name: 'a NotReady Node whose instance EC2 no longer lists',
      snapshot: mutate((s) => {
        terminateLeavingNode(s, managed(s)[1]!, { at: minutesBeforeCapture(s, 200), listed: 'gone' });
      }),
      expect: [{ id: 'node-registration/node-instance-gone', resource: 'i-0a00000000000001', mentions: 'no longer exists' }],
    },
    {
      name: 'a Node whose instance EC2 reported as not found',
      snapshot: mutate((s) => {
        const id = managed(s)[2]!;
        terminateLeavingNode(s, id, { at: minutesBeforeCapture(s, 200), listed: 'gone' });
        s.aws.notFound!.push({ resourceType: 'ec2-instance', id, call: 'ec2:DescribeInstances' });
        // Even a Node still claiming Ready is stale when EC2 says its instance does not exist.
        s.kubernetes.nodes!.find((n) => n.spec?.providerID?.endsWith(`/${id}`))!.status!.conditions!.find((c) => c.type === 'Ready')!.status = 'True';
      }),
      expect: [{ id: 'node-registration/node-instance-gone', resource: 'i-0a00000000000002' }],
    },
    {
      name: 'a Karpenter Node whose instance EC2 reports as terminated',
      snapshot: mutate((s) => {
        terminateLeavingNode(s, KARPENTER_INSTANCE, { at: minutesBeforeCapture(s, 20), listed: 'terminated' });
      }),
      expect: [{ id: 'node-registration/node-instance-gone', resource: KARPENTER_INSTANCE, mentions: 'NodeClaim' }],
    },
    {
      name: 'a managed group short of capacity: launches fail with InsufficientInstanceCapacity',
      snapshot: mutate((s) => {
        failLaunches(s, MANAGED_ASG, 5, [
          { message: CAPACITY_MESSAGE('m6i.xlarge', 'eu-west-1c', ['eu-west-1a', 'eu-west-1b']), startTime: minutesBeforeCapture(s, 4), zoneIndex: 2 },
          { message: CAPACITY_MESSAGE('m6i.xlarge', 'eu-west-1a', ['eu-west-1b', 'eu-west-1c']), startTime: minutesBeforeCapture(s, 14), zoneIndex: 0 },
        ]);
      }),
      expect: [
        // The instances it cannot launch are what Pending pods that fit it wait for.
        { id: 'node-registration/asg-below-desired', resource: MANAGED_ASG, severity: 'warning', mentions: '3 of 5 InService', canExplain: ['pod-unschedulable'] },
        { id: 'node-registration/asg-below-desired', resource: MANAGED_NODEGROUP },
        { id: 'node-registration/asg-below-desired', resource: PRIVATE_SUBNETS[2] },
        { id: 'node-registration/launch-capacity-unavailable', resource: MANAGED_ASG, mentions: 'm6i.xlarge capacity in eu-west-1a, eu-west-1c', canExplain: ['asg-capacity-shortfall', 'nodegroup-unhealthy', 'pod-unschedulable'] },
      ],
    },
    {
      name: 'a self-managed group at its vCPU quota',
      snapshot: mutate((s) => {
        failLaunches(s, BATCH_ASG, 4, [{ message: VCPU_QUOTA_MESSAGE(32), startTime: minutesBeforeCapture(s, 3), zoneIndex: 0 }]);
      }),
      expect: [
        { id: 'node-registration/asg-below-desired', resource: BATCH_ASG, mentions: '2 of 4 InService' },
        { id: 'node-registration/launch-quota-exceeded', resource: BATCH_ASG, severity: 'critical', canExplain: ['asg-capacity-shortfall'] },
      ],
    },
    {
      name: 'an instance type not offered in one of the zones',
      snapshot: mutate((s) => {
        failLaunches(s, BATCH_ASG, 3, [
          {
            message:
              'Your requested instance type (c6i.2xlarge) is not supported in your requested Availability Zone (eu-west-1c). Please retry your request by not specifying an Availability Zone or choosing eu-west-1a, eu-west-1b. Launching EC2 instance failed.',
            startTime: minutesBeforeCapture(s, 8),
            zoneIndex: 2,
          },
        ]);
      }),
      expect: [
        { id: 'node-registration/asg-below-desired', resource: BATCH_ASG },
        { id: 'node-registration/launch-configuration-unsupported', resource: BATCH_ASG, mentions: 'eu-west-1c' },
      ],
    },
    {
      name: 'launches fail because the instance profile was deleted: a symptom only, naming the profile for the IAM checks',
      snapshot: mutate((s) => {
        failLaunches(s, BATCH_ASG, 3, [{ message: INSTANCE_PROFILE_MESSAGE(BATCH_PROFILE_ARN), startTime: minutesBeforeCapture(s, 6), zoneIndex: 1 }]);
      }),
      expect: [
        { id: 'node-registration/asg-below-desired', resource: BATCH_PROFILE_ARN, mentions: 'Invalid IAM Instance Profile ARN' },
        { id: 'node-registration/asg-below-desired', resource: BATCH_LAUNCH_TEMPLATE_ID },
        { id: 'node-registration/asg-below-desired', resource: BATCH_ROLE_ARN },
      ],
    },
    {
      name: 'a group with no InService instance and no recorded failure',
      snapshot: mutate((s) => {
        for (const id of batch(s)) terminateLeavingNode(s, id, { at: minutesBeforeCapture(s, 120), listed: 'terminated' });
        s.aws.autoScalingGroups!.find((x) => x.AutoScalingGroupName === BATCH_ASG)!.DesiredCapacity = 2;
      }),
      expect: [
        { id: 'node-registration/asg-below-desired', resource: BATCH_ASG, severity: 'critical', mentions: '0 of 2 InService' },
        { id: 'node-registration/node-instance-gone', resource: 'i-0b00000000000000' },
      ],
    },
    {
      name: 'an instance stuck Pending past the grace period does not count as capacity',
      snapshot: mutate((s) => {
        launchUnjoinedInstance(s, managed(s)[0]!, { instanceId: NEW_ID, privateIp: '10.0.1.99', launchTime: minutesBeforeCapture(s, 45), lifecycleState: 'Pending' });
        findInstance(s, NEW_ID).State = { Code: 0, Name: 'pending' };
      }),
      expect: [{ id: 'node-registration/asg-below-desired', resource: MANAGED_ASG, mentions: '3 of 4 InService' }],
    },
    {
      name: 'weighted capacity: one InService instance of weight 2 against a desired capacity of 4',
      snapshot: mutate((s) => {
        const g = s.aws.autoScalingGroups!.find((x) => x.AutoScalingGroupName === BATCH_ASG)!;
        for (const m of g.Instances!) m.WeightedCapacity = '2';
        g.Instances = g.Instances!.slice(0, 1);
        g.DesiredCapacity = 4;
        // The other instance left the group but is still a healthy Node: it is not "never joined".
      }),
      expect: [{ id: 'node-registration/asg-below-desired', resource: BATCH_ASG, mentions: '2 of 4 InService' }],
    },
  ],
  errors: [
    failedPart('EC2 instances could not be read', { part: 'aws.reservations', call: 'ec2:DescribeInstances', kind: 'denied', code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.', permission: 'ec2:DescribeInstances' }, 'could not read EC2 instances: ec2:DescribeInstances was denied'),
    failedPart('Auto Scaling groups could not be read', { part: 'aws.autoScalingGroups', call: 'autoscaling:DescribeAutoScalingGroups', kind: 'denied', code: 'AccessDenied', message: 'not authorized', permission: 'autoscaling:DescribeAutoScalingGroups' }, 'could not read Auto Scaling groups'),
  ],
});

describe('node-registration details', () => {
  it('groups the instances of one node group into one finding naming every instance', () => {
    const s = mutate((x) => {
      for (const id of managed(x)) withoutNode(x, id);
    });
    const findings = runDiagnostic(nodeRegistration, s);
    expect(findings.map((f) => f.id)).toEqual(['node-registration/instance-not-joined']);
    const [f] = findings;
    expect(f!.key).toBe(`node-registration/instance-not-joined:${MANAGED_ASG}`);
    expect(f!.title).toBe('3 instances of node group general never registered as Nodes');
    expect(f!.resources.filter((r) => r.type === 'aws:ec2:instance').map((r) => r.id)).toEqual(managed(s));
    expect(f!.resources).toEqual(
      expect.arrayContaining([
        { type: 'aws:autoscaling:group', id: MANAGED_ASG },
        { type: 'aws:eks:nodegroup', id: MANAGED_NODEGROUP },
        { type: 'aws:iam:instance-profile', id: MANAGED_PROFILE_ARN },
        { type: 'aws:iam:role', id: NODE_ROLE_ARN },
        { type: 'aws:ec2:subnet', id: PRIVATE_SUBNETS[0] },
        { type: 'aws:ec2:security-group', id: 'sg-0c1a2b3c4d5e6f701' },
      ]),
    );
    expect(f!.fix.commands[0]).toBe(`aws ec2 get-console-output --instance-id ${managed(s)[0]} --latest --output text --region eu-west-1`);
  });

  it('describes the first five unjoined instances in full and lists the rest by ID', () => {
    const s = buildBaseline({ managedNodes: 8 });
    for (const id of managed(s)) withoutNode(s, id);
    const [f] = runDiagnostic(nodeRegistration, s);
    expect(f!.title).toBe('8 instances of node group general never registered as Nodes');
    expect(f!.evidence).toHaveLength(6);
    expect(f!.evidence[5]).toBe(`3 more instances in the same state: ${managed(s).slice(5).join(', ')}.`);
    expect(f!.resources.filter((r) => r.type === 'aws:ec2:instance')).toHaveLength(8);
  });

  it('measures the grace period against capturedAt, not the wall clock', () => {
    const s = unjoined(40);
    const later = structuredClone(s);
    // The same instance seen 35 minutes earlier was only 5 minutes old.
    later.capturedAt = minutesBeforeCapture(s, 35);
    expect(runDiagnostic(nodeRegistration, s).map((f) => f.id)).toEqual(['node-registration/instance-not-joined']);
    expect(runDiagnostic(nodeRegistration, later)).toEqual([]);
  });

  it('quotes the failed launch and the node group health in the shortfall, and gives the quota a ready-to-run increase', () => {
    const s = mutate((x) => {
      failLaunches(x, BATCH_ASG, 4, [{ message: VCPU_QUOTA_MESSAGE(32), startTime: minutesBeforeCapture(x, 3), zoneIndex: 0 }]);
    });
    const findings = runDiagnostic(nodeRegistration, s);
    const shortfall = findings.find((f) => f.id === 'node-registration/asg-below-desired')!;
    expect(shortfall.symptom).toBe('asg-capacity-shortfall');
    expect(shortfall.evidence.some((e) => e.includes('current vCPU limit of 32'))).toBe(true);
    const quota = findings.find((f) => f.id === 'node-registration/launch-quota-exceeded')!;
    // 32 + 2 missing c6i.2xlarge x 8 vCPUs
    expect(quota.fix.commands).toContain('aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-1216C47A --desired-value 48 --region eu-west-1');
    expect(quota.canExplain).toEqual(['asg-capacity-shortfall', 'pod-unschedulable'].map((symptom) => ({ symptom, resources: [{ type: 'aws:autoscaling:group', id: BATCH_ASG }] })));
  });

  it('the capacity cause explains the managed node group health issue too', () => {
    const s = mutate((x) => {
      failLaunches(x, MANAGED_ASG, 4, [{ message: CAPACITY_MESSAGE('m6i.xlarge', 'eu-west-1b', ['eu-west-1a']), startTime: minutesBeforeCapture(x, 2), zoneIndex: 1 }]);
    });
    const cause = runDiagnostic(nodeRegistration, s).find((f) => f.id === 'node-registration/launch-capacity-unavailable')!;
    expect(cause.canExplain).toContainEqual({ symptom: 'nodegroup-unhealthy', resources: [{ type: 'aws:eks:nodegroup', id: MANAGED_NODEGROUP }] });
    expect(cause.fix.commands.some((c) => c.startsWith('eksctl create nodegroup --cluster shop-prod --name general-multi --managed --instance-types m6i.xlarge,m6a.xlarge,m5.xlarge'))).toBe(true);
  });

  it('tells the engineer how to remove a left-behind Node', () => {
    const s = mutate((x) => {
      terminateLeavingNode(x, batch(x)[0]!, { at: minutesBeforeCapture(x, 30), listed: 'terminated' });
    });
    const name = nodeNameOf(buildBaseline(), batch(buildBaseline())[0]!);
    const f = runDiagnostic(nodeRegistration, s).find((x) => x.id === 'node-registration/node-instance-gone')!;
    expect(f.key).toBe(`node-registration/node-instance-gone:${name}`);
    expect(f.fix.commands).toEqual([`kubectl get pods --all-namespaces --field-selector spec.nodeName=${name} -o wide`, `kubectl delete node ${name}`]);
    expect(f.canExplain).toEqual([{ symptom: 'node-not-ready', resources: [{ type: 'k8s:Node', id: name }, { type: 'aws:ec2:instance', id: 'i-0b00000000000000' }] }]);
  });

  it('does not throw on sparse objects (no tags, no state, no labels, no conditions)', () => {
    const s = mutate((x) => {
      x.aws.reservations!.push({ Instances: [{ InstanceId: 'i-0bare000000000001' }] });
      x.aws.autoScalingGroups!.push({ AutoScalingGroupName: 'bare', MinSize: 0, MaxSize: 1, DesiredCapacity: 1, DefaultCooldown: 300, AvailabilityZones: [], HealthCheckType: 'EC2', CreatedTime: '2026-01-01T00:00:00.000Z', Tags: [{ Key: 'kubernetes.io/cluster/shop-prod', Value: 'owned' }] });
      x.kubernetes.nodes!.push({ metadata: { name: 'bare-node' } });
    });
    expect(runDiagnostic(nodeRegistration, s).map((f) => f.id)).toEqual(['node-registration/asg-below-desired']);
  });
});
