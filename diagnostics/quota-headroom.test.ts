/**
 * quota-headroom on the baseline (256 On-Demand and 256 Spot Standard vCPUs; 28 On-Demand in use by
 * general's 3 m6i.xlarge and batch's 2 c6i.2xlarge, 2 Spot by Karpenter's m7g.large; general may
 * grow to 6, batch to 10). The launch failure quoted is EC2's own message (VCPU_QUOTA_MESSAGE, as
 * Auto Scaling's activity StatusMessage shows it: from memory of the Auto Scaling troubleshooting
 * guide, "You have requested more vCPU capacity than your current vCPU limit of 32 allows for the
 * instance bucket that the specified instance type belongs to").
 */
import { describe, expect, it } from 'vitest';
import type { CollectionError, Snapshot } from '../src/snapshot/types.js';
import { runChecks } from '../src/engine/run-checks.js';
import { BATCH_ASG, MANAGED_ASG, MANAGED_NODEGROUP, buildBaseline } from '../mocks/scenario-builder/baseline.js';
import { setVcpuQuota, setVcpuUsage, vcpuQuota } from '../mocks/scenario-builder/service-quotas.js';
import { VCPU_QUOTA_MESSAGE, failLaunches, minutesBeforeCapture } from '../mocks/faults/node-registration.js';
import { describeDiagnostic, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { applySchedulingFaults } from '../mocks/faults/scheduling.js';
import quotaHeadroom from './quota-headroom.js';

const ON_DEMAND = 'L-1216C47A';
const SPOT = 'L-34B43A08';
const G_ON_DEMAND = 'L-DB2E81BA';

/** The batch group scaled from 2 to 4 c6i.2xlarge with every launch refused on the vCPU quota of 32. */
const batchBlocked = (s: Snapshot) => {
  setVcpuQuota(s, ON_DEMAND, 32);
  setVcpuUsage(s, ON_DEMAND, 28);
  failLaunches(s, BATCH_ASG, 4, [{ message: VCPU_QUOTA_MESSAGE(32), startTime: minutesBeforeCapture(s, 3), zoneIndex: 0 }]);
};

/** The NodePool default's karpenter.sh/capacity-type requirement. */
const capacityTypes = (s: Snapshot, values: string[]) => {
  const requirement = s.kubernetes.nodePools![0]!.spec!.template!.spec!.requirements!.find((r) => r.key === 'karpenter.sh/capacity-type')!;
  requirement.values = values;
};

const spotGeneral = (s: Snapshot) => {
  s.aws.nodegroups!.find((n) => n.nodegroupName === MANAGED_NODEGROUP)!.capacityType = 'SPOT';
};

const denied = (part: CollectionError['part'], call: string, code: string): CollectionError => ({ part, call, kind: 'denied', code, message: `not authorized to perform: ${call}`, permission: call });

function incompleteOf(snapshot: Snapshot) {
  return runChecks(snapshot, [quotaHeadroom], {}).then(({ checks, findings }) => ({ check: checks[0]!, findings }));
}

describeDiagnostic(quotaHeadroom, {
  healthy: [
    { name: 'the baseline: 28 of 256 On-Demand vCPUs in use, 76 more for every group at its max', snapshot: buildBaseline() },
    {
      name: 'exactly enough: 28 in use and 76 launchable under a quota of 104',
      snapshot: mutate((s) => setVcpuQuota(s, ON_DEMAND, 104)),
    },
    {
      // The Spot quota is read on every run; no group launches Spot and the NodePool buys On-Demand only, so its small value matters to none.
      name: 'a Spot quota of 5 with no Spot group, the NodePool On-Demand only',
      snapshot: mutate((s) => {
        setVcpuQuota(s, SPOT, 5);
        capacityTypes(s, ['on-demand']);
      }),
    },
    {
      // EKS Auto Mode's built-in general-purpose pool sets no limits: it is not counted, whatever it might launch.
      name: 'Auto Mode: NodePools without a cpu limit are not counted',
      snapshot: mutate((s) => {
        applySchedulingFaults(s, 'auto-mode-enabled');
        setVcpuQuota(s, SPOT, 5);
      }),
    },
    {
      name: "Karpenter's NodePool counted on the Spot quota, with room: 2 in use, 98 more up to limits.cpu 100, under 256",
      snapshot: mutate((s) => applySchedulingFaults(s, 'karpenter-only')),
    },
    {
      name: 'no applied value: the default (GetAWSDefaultServiceQuota) is the quota, and it is enough',
      snapshot: mutate((s) => {
        s.aws.serviceQuotas = s.aws.serviceQuotas!.filter((q) => q.QuotaCode !== ON_DEMAND);
        s.aws.defaultServiceQuotas = [vcpuQuota(s, ON_DEMAND, 128, 'default')];
      }),
    },
  ],
  broken: [
    {
      name: "the NodePool's cpu limit counted on the Spot quota: 2 in use and 98 more up to limits.cpu 100 overrun a Spot quota of 64",
      snapshot: mutate((s) => setVcpuQuota(s, SPOT, 64)),
      expect: [{ id: 'quota-headroom/vcpu-quota-headroom-short', resource: 'default', severity: 'warning', mentions: "NodePools' limits need 98 more" }],
    },
    {
      name: 'an On-Demand-only NodePool is counted on the On-Demand quota, beside the groups',
      snapshot: mutate((s) => {
        capacityTypes(s, ['on-demand']);
        setVcpuQuota(s, ON_DEMAND, 150);
      }),
      expect: [{ id: 'quota-headroom/vcpu-quota-headroom-short', resource: 'default', mentions: "the groups' max and NodePools' limits need 174 more" }],
    },
    {
      name: 'the Spot quota used up while the NodePool\'s NodeClaims fail on it: the quota explains the Pending pods waiting for the NodePool',
      snapshot: mutate((s) => applySchedulingFaults(s, 'karpenter-only', 'karpenter-spot-quota-exhausted')),
      expect: [{ id: 'quota-headroom/vcpu-quota-exhausted', resource: 'default', severity: 'critical', canExplain: ['pod-unschedulable', 'ec2-launch-quota'] }],
    },
    {
      name: 'near the limit: 28 in use, 76 launchable, quota 100',
      snapshot: mutate((s) => setVcpuQuota(s, ON_DEMAND, 100)),
      expect: [{ id: 'quota-headroom/vcpu-quota-headroom-short', resource: BATCH_ASG, severity: 'warning', mentions: 'leaves 72 vCPUs' }],
    },
    {
      name: 'over the limit: 33 in use of 32',
      snapshot: mutate((s) => {
        setVcpuQuota(s, ON_DEMAND, 32);
        setVcpuUsage(s, ON_DEMAND, 33);
      }),
      expect: [{ id: 'quota-headroom/vcpu-quota-exhausted', resource: MANAGED_ASG, severity: 'critical', mentions: '33 of 32 vCPUs in use' }],
    },
    {
      name: "batch below desired, 4 vCPUs left and c6i.2xlarge needs 8: the launches' own failure",
      snapshot: mutate(batchBlocked),
      expect: [{ id: 'quota-headroom/vcpu-quota-exhausted', resource: BATCH_ASG, severity: 'critical', mentions: 'shop-prod-batch cannot launch', canExplain: ['asg-capacity-shortfall', 'ec2-launch-quota', 'pod-unschedulable'] }],
    },
    {
      name: 'the managed node group short of desired with the quota used up: its shortfall and its health issue explained',
      snapshot: mutate((s) => {
        setVcpuQuota(s, ON_DEMAND, 28);
        failLaunches(s, MANAGED_ASG, 5, [{ message: VCPU_QUOTA_MESSAGE(28), startTime: minutesBeforeCapture(s, 4), zoneIndex: 1 }]);
      }),
      expect: [{ id: 'quota-headroom/vcpu-quota-exhausted', resource: MANAGED_NODEGROUP, severity: 'critical', mentions: '28 of 28 vCPUs in use', canExplain: ['asg-capacity-shortfall', 'ec2-launch-quota', 'nodegroup-unhealthy'] }],
    },
    {
      name: 'a Spot managed node group judged against the Spot quota, not the On-Demand one',
      snapshot: mutate((s) => {
        spotGeneral(s);
        setVcpuQuota(s, SPOT, 10);
        setVcpuQuota(s, ON_DEMAND, 100);
      }),
      // general (Spot): 2 + 3 x 4 = 14 > 10; On-Demand: 28 + batch's 64 = 92 <= 100.
      expect: [{ id: 'quota-headroom/vcpu-quota-headroom-short', resource: MANAGED_ASG, mentions: `(${SPOT})` }],
    },
    {
      name: 'no applied value and a default of 32: judged against the default',
      snapshot: mutate((s) => {
        s.aws.serviceQuotas = s.aws.serviceQuotas!.filter((q) => q.QuotaCode !== ON_DEMAND);
        s.aws.defaultServiceQuotas = [vcpuQuota(s, ON_DEMAND, 32, 'default')];
      }),
      expect: [{ id: 'quota-headroom/vcpu-quota-headroom-short', resource: BATCH_ASG, mentions: 'leaves 4 vCPUs' }],
    },
  ],
});

describe('quota-headroom in detail', () => {
  it('names the quota, the usage metric, each group and the increase to request', () => {
    const [finding] = runDiagnostic(quotaHeadroom, mutate((s) => setVcpuQuota(s, ON_DEMAND, 100)));
    expect(finding!.evidence).toContain('Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances (L-1216C47A): 100 vCPUs.');
    expect(finding!.evidence.some((e) => e.startsWith('In use: 28 vCPUs (AWS/Usage ResourceCount Maximum at 2026-11-20T03:05:00.000Z), 72 left.'))).toBe(true);
    expect(finding!.evidence).toContain('Auto Scaling group shop-prod-batch may still launch 8 c6i.2xlarge (8 vCPUs each, 64 in all): desired 2, max 10.');
    expect(finding!.evidence).toContain(`node group ${MANAGED_NODEGROUP} (${MANAGED_ASG}) may still launch 3 m6i.xlarge (4 vCPUs each, 12 in all): desired 3, max 6.`);
    expect(finding!.evidence).toContain('In use plus what the groups may still launch: 104 vCPUs, 4 over the quota.');
    expect(finding!.fix.commands[0]).toBe('aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-1216C47A --desired-value 128 --region eu-west-1');
  });

  it('quotes the failed launches that cite the vCPU limit', () => {
    const [finding] = runDiagnostic(quotaHeadroom, mutate(batchBlocked));
    expect(finding!.rootCause).toContain('Only 4 On-Demand vCPUs of this class are left under the quota of 32, fewer than one instance of Auto Scaling group shop-prod-batch (c6i.2xlarge, 8 vCPUs) needs');
    expect(finding!.evidence.some((e) => e.includes('launch failed') && e.includes('current vCPU limit of 32'))).toBe(true);
  });

  it('a mixed instances policy splits the room: its On-Demand base and percentage, the rest Spot', () => {
    const snapshot = mutate((s) => {
      const batch = s.aws.autoScalingGroups!.find((g) => g.AutoScalingGroupName === BATCH_ASG)!;
      const spec = batch.LaunchTemplate!;
      delete batch.LaunchTemplate;
      // 8 more instances from 2: base 2 already met, 25% of the rest On-Demand: 2 On-Demand (16 vCPUs), 6 Spot (48).
      batch.MixedInstancesPolicy = {
        LaunchTemplate: { LaunchTemplateSpecification: spec, Overrides: [{ InstanceType: 'c6i.2xlarge' }] },
        InstancesDistribution: { OnDemandBaseCapacity: 2, OnDemandPercentageAboveBaseCapacity: 25 },
      };
      setVcpuQuota(s, SPOT, 40);
    });
    const [finding] = runDiagnostic(quotaHeadroom, snapshot);
    expect(finding!.id).toBe('quota-headroom/vcpu-quota-headroom-short');
    expect(finding!.key).toBe(`quota-headroom/vcpu-quota-headroom-short:${SPOT}`);
    expect(finding!.evidence).toContain('Auto Scaling group shop-prod-batch may still launch 6 c6i.2xlarge (8 vCPUs each, 48 in all) as Spot: desired 2, max 10.');
  });

  it('a G instance group reads its own class: without that quota the check is incomplete, never passing', async () => {
    const snapshot = mutate((s) => {
      s.aws.nodegroups!.find((n) => n.nodegroupName === MANAGED_NODEGROUP)!.instanceTypes = ['g5.xlarge'];
      s.aws.instanceTypes!.push({ ...s.aws.instanceTypes![0]!, InstanceType: 'g5.xlarge', VCpuInfo: { DefaultVCpus: 4 } });
    });
    const { check, findings } = await incompleteOf(snapshot);
    expect(findings).toEqual([]);
    expect(check.status).toBe('pass');
    expect(check.incomplete?.map((p) => p.reason)).toEqual([expect.stringContaining(`On-Demand G and VT vCPU quota (${G_ON_DEMAND}) is not in the snapshot`)]);
  });

  it('GetServiceQuota denied: no verdict on a default, which is only a floor; the check names the permission', async () => {
    const snapshot = mutate((s) => {
      delete s.aws.serviceQuotas;
      s.errors.push(denied('aws.serviceQuotas', 'servicequotas:GetServiceQuota', 'AccessDeniedException'));
      // What the collector reads instead: AWS's defaults, far below what the account really has.
      s.aws.defaultServiceQuotas = [vcpuQuota(s, ON_DEMAND, 5, 'default'), vcpuQuota(s, SPOT, 5, 'default')];
    });
    const { check, findings } = await incompleteOf(snapshot);
    expect(findings).toEqual([]);
    expect(check.incomplete?.flatMap((p) => p.failedCalls.map((c) => c.permission))).toContain('servicequotas:GetServiceQuota');
    expect(check.incomplete?.map((p) => p.reason)).toContain(
      `the On-Demand Standard (A, C, D, H, I, M, R, T, Z) vCPU quota (${ON_DEMAND}) is known only by its AWS default (5 vCPUs), a floor under the applied value GetServiceQuota could not give, so the groups that launch against it are not judged`,
    );
  });

  it('GetMetricData denied, or the usage metric empty: incomplete, and no verdict without usage', async () => {
    const deniedUsage = await incompleteOf(
      mutate((s) => {
        setVcpuQuota(s, ON_DEMAND, 32);
        delete s.aws.quotaUsage;
        s.errors.push(denied('aws.quotaUsage', 'cloudwatch:GetMetricData', 'AccessDenied'));
      }),
    );
    expect(deniedUsage.findings).toEqual([]);
    expect(deniedUsage.check.incomplete?.map((p) => p.failedCalls[0]?.permission)).toEqual(['cloudwatch:GetMetricData']);

    const empty = await incompleteOf(
      mutate((s) => {
        setVcpuQuota(s, ON_DEMAND, 32);
        s.aws.quotaUsage = s.aws.quotaUsage!.map((u) => (u.QuotaCode === ON_DEMAND ? { ...u, Timestamps: [], Values: [] } : u));
      }),
    );
    expect(empty.findings).toEqual([]);
    expect(empty.check.status).toBe('pass');
    expect(empty.check.incomplete?.map((p) => p.reason)).toEqual([
      `the usage metric of the On-Demand Standard (A, C, D, H, I, M, R, T, Z) vCPU quota (${ON_DEMAND}) (AWS/Usage ResourceCount Class=Standard/OnDemand, Resource=vCPU, Service=EC2, Type=Resource) has no datapoint in the hour before the snapshot, so its usage is unknown`,
    ]);
  });

  it('a snapshot from before quotas were collected: incomplete, saying so', async () => {
    const { check, findings } = await incompleteOf(
      mutate((s) => {
        delete s.aws.serviceQuotas;
        delete s.aws.defaultServiceQuotas;
        delete s.aws.quotaUsage;
      }),
    );
    expect(findings).toEqual([]);
    expect(check.incomplete?.map((p) => p.reason)).toEqual([expect.stringContaining('the snapshot holds no EC2 vCPU quotas')]);
  });
});
