import type { Snapshot } from '../../src/snapshot/types.js';
import { BATCH_ASG, BATCH_PROFILE_ARN, BATCH_ROLE_ARN, BATCH_ROLE_NAME, iamArn, KARPENTER_ROLE_ARN, PRIVATE_SUBNETS, AZS, dnsName } from '../scenario-builder/baseline.js';
import { defineFaults } from '../scenario-builder/fault.js';

const BATCH_MAPPING_ARN = iamArn(`role/${BATCH_ROLE_NAME}`);

function editMapRoles(snapshot: Snapshot, edit: (text: string) => string): void {
  const cm = snapshot.kubernetes.awsAuth;
  if (!cm?.data?.mapRoles) throw new Error('baseline has no aws-auth mapRoles');
  cm.data.mapRoles = edit(cm.data.mapRoles);
}

/** Removes the YAML list entry that starts with `- rolearn: <arn>` and its indented lines. */
function removeEntry(text: string, arn: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l === `- rolearn: ${arn}`);
  if (start < 0) throw new Error(`no aws-auth entry for ${arn}`);
  let end = start + 1;
  while (end < lines.length && lines[end]!.startsWith(' ')) end++;
  return [...lines.slice(0, start), ...lines.slice(end)].join('\n');
}

export const faults = defineFaults([
  {
    name: 'batch-scale-out',
    description: 'The self-managed batch group scaled out 35 minutes ago: three new instances are running (no Node yet unless they can join).',
    apply(s) {
      const asg = s.aws.autoScalingGroups!.find((g) => g.AutoScalingGroupName === BATCH_ASG)!;
      const launchTime = new Date(Date.parse(s.capturedAt) - 35 * 60_000).toISOString();
      for (let i = 0; i < 3; i++) {
        const id = `i-0b5ca1e0a000000${i}`;
        const ip = `10.0.${33 + i}.${200 + i}`;
        const az = AZS[(i + 1) % 3]!;
        asg.Instances!.push({ InstanceId: id, InstanceType: 'c6i.2xlarge', AvailabilityZone: az, LifecycleState: 'InService', HealthStatus: 'Healthy', LaunchTemplate: asg.LaunchTemplate, ProtectedFromScaleIn: false });
        const template = structuredClone(s.aws.reservations!.find((r) => r.Instances![0]!.IamInstanceProfile?.Arn === BATCH_PROFILE_ARN)!.Instances![0]!);
        Object.assign(template, { InstanceId: id, PrivateIpAddress: ip, PrivateDnsName: dnsName(ip), LaunchTime: launchTime, SubnetId: PRIVATE_SUBNETS[(i + 1) % 3], Placement: { AvailabilityZone: az, Tenancy: 'default', GroupName: '' } });
        template.NetworkInterfaces = [];
        s.aws.reservations!.push({ ReservationId: `r-0b5ca1e0a000000${i}`, OwnerId: s.aws.callerIdentity?.Account, Groups: [], Instances: [template] });
      }
      asg.DesiredCapacity = asg.Instances!.length;
      s.aws.scalingActivities!.unshift({
        ActivityId: '5a6b7c8d-1111-2222-3333-0000000000b5',
        AutoScalingGroupName: BATCH_ASG,
        Description: 'Launching a new EC2 instance: i-0b5ca1e0a0000000',
        Cause: `At ${launchTime} a user request update of AutoScalingGroup constraints to min: 0, max: 10, desired: 5 changing the desired capacity from 2 to 5.`,
        StartTime: launchTime,
        EndTime: new Date(Date.parse(launchTime) + 30_000).toISOString(),
        StatusCode: 'Successful',
        Progress: 100,
      });
    },
  },
  {
    name: 'aws-auth-batch-role-removed',
    description: "The batch group's node role was deleted from aws-auth (it has no access entry).",
    apply(s) {
      editMapRoles(s, (t) => removeEntry(t, BATCH_MAPPING_ARN));
    },
  },
  {
    name: 'aws-auth-instance-profile-arn',
    description: 'aws-auth maps the batch instance profile ARN instead of its role ARN.',
    apply(s) {
      editMapRoles(s, (t) => t.replace(`- rolearn: ${BATCH_MAPPING_ARN}`, `- rolearn: ${BATCH_PROFILE_ARN}`));
    },
  },
  {
    name: 'aws-auth-role-path-kept',
    description: 'aws-auth maps the batch role with its /eks/ path, which never matches.',
    apply(s) {
      editMapRoles(s, (t) => t.replace(`- rolearn: ${BATCH_MAPPING_ARN}`, `- rolearn: ${BATCH_ROLE_ARN}`));
    },
  },
  {
    name: 'aws-auth-invalid-yaml',
    description: 'A hand edit broke the indentation of aws-auth mapRoles.',
    apply(s) {
      editMapRoles(s, (t) => t.replace('  groups:\n    - system:bootstrappers\n    - system:nodes\n- rolearn: arn:aws:iam::111122223333:role/platform-readonly', '  groups:\n    - system:bootstrappers\n   - system:nodes\n- rolearn: arn:aws:iam::111122223333:role/platform-readonly'));
    },
  },
  {
    name: 'karpenter-access-entry-deleted',
    description: "The Karpenter node role's EC2_LINUX access entry was deleted (it is not in aws-auth either).",
    apply(s) {
      s.aws.accessEntries = s.aws.accessEntries!.filter((e) => e.principalArn !== KARPENTER_ROLE_ARN);
    },
  },
]);
