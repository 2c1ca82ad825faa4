import { NodegroupIssueCode } from '@aws-sdk/client-eks';
import { describe, expect, it } from 'vitest';
import { describeDiagnostic, describeHealthCatalogue, failedPart, healthIssueCases, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { MANAGED_ASG, MANAGED_NODEGROUP, NODE_ROLE_ARN, PRIVATE_SUBNETS } from '../mocks/scenario-builder/baseline.js';
import type { Snapshot } from '../src/snapshot/types.js';
import nodegroupHealth from './nodegroup-health.js';
import { NODEGROUP_ISSUE_CODES, healthCodeToFindingCode } from './lib/health-codes.js';

const group = (s: Snapshot) => s.aws.nodegroups!.find((g) => g.nodegroupName === MANAGED_NODEGROUP)!;
const GROUP = MANAGED_NODEGROUP;

/** Resource ids EKS lists for each kind of issue, so each case looks like the real thing. */
function sampleResourceIds(code: string): string[] {
  if (/Subnet|FreeAddresses/.test(code)) return [PRIVATE_SUBNETS[1]];
  if (/SecurityGroup/.test(code)) return ['sg-0remoteaccess00001'];
  if (/LaunchTemplate/.test(code)) return ['lt-0a9b8c7d6e5f4a3b2'];
  if (code === 'AmiIdNotFound') return ['ami-0deadbeef00000000'];
  if (/NodeCreation|NodeTermination/.test(code)) return ['i-0a000000000000001'];
  if (/AutoScalingGroup|AsgInstance/.test(code)) return [MANAGED_ASG];
  return [];
}

function withIssue(code: string, message = `EKS says ${code}`): Snapshot {
  return mutate((s) => {
    const g = group(s);
    g.status = 'DEGRADED';
    g.health = { issues: [{ code: code as NodegroupIssueCode, message, resourceIds: sampleResourceIds(code) }] };
  });
}

describeDiagnostic(nodegroupHealth, {
  healthy: [{ name: 'baseline: ACTIVE, no issues', snapshot: mutate(() => {}) }],
  broken: [
    ...healthIssueCases('nodegroup-health', NODEGROUP_ISSUE_CODES, (code) => withIssue(code), GROUP, 'Ec2CapacityReservationNotFound'),
    {
      name: 'CREATE_FAILED with no health issue',
      snapshot: mutate((s) => {
        group(s).status = 'CREATE_FAILED';
      }),
      expect: [{ id: 'nodegroup-health/status-create-failed', resource: GROUP, severity: 'critical' as const }],
    },
    {
      name: 'DELETE_FAILED with no health issue',
      snapshot: mutate((s) => {
        group(s).status = 'DELETE_FAILED';
      }),
      expect: [{ id: 'nodegroup-health/status-delete-failed', resource: GROUP, severity: 'warning' as const }],
    },
    {
      name: 'DEGRADED with no health issue',
      snapshot: mutate((s) => {
        group(s).status = 'DEGRADED';
      }),
      expect: [{ id: 'nodegroup-health/status-degraded', resource: GROUP }],
    },
    {
      name: 'UPDATING is info only',
      snapshot: mutate((s) => {
        group(s).status = 'UPDATING';
      }),
      expect: [{ id: 'nodegroup-health/status-in-progress', resource: GROUP, severity: 'info' as const }],
    },
  ],
  errors: [
    failedPart('node groups could not be listed', { part: 'aws.nodegroups', call: 'eks:ListNodegroups', kind: 'denied', code: 'AccessDeniedException', message: 'not authorized', permission: 'eks:ListNodegroups' }, 'eks:ListNodegroups'),
  ],
});

describeHealthCatalogue({ diagnostic: nodegroupHealth, entries: NODEGROUP_ISSUE_CODES, sdkCodes: NodegroupIssueCode, count: 36, withIssue: (code) => withIssue(code), symptom: 'nodegroup-unhealthy' });

describe('nodegroup-health evidence and scope', () => {
  it('AsgInstanceLaunchFailures shows the failed scaling activity and explains the capacity shortfall of its Auto Scaling group', () => {
    const snapshot = mutate((s) => {
      group(s).health = { issues: [{ code: 'AsgInstanceLaunchFailures', message: 'Instance launch failed', resourceIds: [MANAGED_ASG] }] };
      s.aws.scalingActivities!.push({
        ActivityId: 'f1',
        AutoScalingGroupName: MANAGED_ASG,
        Description: 'Launching a new EC2 instance.  Status Reason: We currently do not have sufficient m6i.xlarge capacity in the Availability Zone you requested (eu-west-1b).',
        Cause: 'At 2026-11-20T03:00:00Z an instance was started in response to a difference between desired and actual capacity.',
        StartTime: '2026-11-20T03:00:05.000Z',
        StatusCode: 'Failed',
        StatusMessage: 'We currently do not have sufficient m6i.xlarge capacity in the Availability Zone you requested (eu-west-1b).',
        Progress: 100,
      });
    });
    const [f] = runDiagnostic(nodegroupHealth, snapshot);
    expect(f!.evidence.join('\n')).toContain('sufficient m6i.xlarge capacity');
    expect(f!.fix.commands).toContain(`aws autoscaling describe-scaling-activities --auto-scaling-group-name ${MANAGED_ASG} --max-items 5 --region eu-west-1`);
    // The Pending pods that fit the node group wait for the same instances.
    expect(f!.canExplain).toEqual(['asg-capacity-shortfall', 'pod-unschedulable'].map((symptom) => ({ symptom, resources: expect.arrayContaining([{ type: 'aws:autoscaling:group', id: MANAGED_ASG }]) })));
  });

  it('InsufficientFreeAddresses names the subnet and its free addresses', () => {
    const snapshot = mutate((s) => {
      group(s).health = { issues: [{ code: 'InsufficientFreeAddresses', message: 'not enough IPs', resourceIds: [PRIVATE_SUBNETS[1]] }] };
      s.aws.subnets!.find((x) => x.SubnetId === PRIVATE_SUBNETS[1])!.AvailableIpAddressCount = 0;
    });
    const [f] = runDiagnostic(nodegroupHealth, snapshot);
    expect(f!.resources).toContainEqual({ type: 'aws:ec2:subnet', id: PRIVATE_SUBNETS[1] });
    expect(f!.evidence).toContain(`Subnet ${PRIVATE_SUBNETS[1]} (eu-west-1b): 0 free addresses.`);
  });

  it('IamNodeRoleNotFound names the node role so an IAM cause can scope to it, and fills the role name into the fix', () => {
    const [f] = runDiagnostic(nodegroupHealth, withIssue('IamNodeRoleNotFound'));
    expect(f!.resources).toContainEqual({ type: 'aws:iam:role', id: NODE_ROLE_ARN });
    expect(f!.fix.commands[0]).toContain('--role-name shop-prod-node-role');
    // The missing capacity is what Pending pods that fit the node group wait for.
    expect(f!.canExplain?.map((s) => s.symptom)).toEqual(['instance-not-joined', 'node-not-ready', 'asg-capacity-shortfall', 'pod-unschedulable']);
  });

  it('a symptom-only code claims to explain nothing', () => {
    const [f] = runDiagnostic(nodegroupHealth, withIssue('PodEvictionFailure'));
    expect(f!.canExplain).toBeUndefined();
  });

  it('kebab-cases codes for finding ids', () => {
    expect(healthCodeToFindingCode('Ec2SubnetMissingIpv6Assignment')).toBe('ec2-subnet-missing-ipv6-assignment');
    expect(healthCodeToFindingCode('K8sResourceNotFound')).toBe('k8s-resource-not-found');
    expect(healthCodeToFindingCode('AccessDenied')).toBe('access-denied');
  });
});
