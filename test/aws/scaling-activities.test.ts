/**
 * Scaling activities are fetched only for the groups a check reads them for
 * (src/collect/aws/activity-groups.ts): a healthy cluster makes no DescribeScalingActivities
 * request at any size, and a group short of capacity still gets its activities and the same findings.
 */
import { describe, expect, it } from 'vitest';
import { startAwsMock } from '../../mocks/aws-mock/index.js';
import { loadScenario } from '../../mocks/bundled-scenarios.js';
import { buildBaseline } from '../../mocks/scenario-builder/baseline.js';
import { buildScaledCluster } from '../../mocks/scenario-builder/scale.js';
import { groupsWhoseActivitiesAreRead } from '../../src/collect/aws/activity-groups.js';
import { planFromParts } from '../../src/collect/plan.js';
import { diagnoseSnapshot } from '../../src/engine/diagnose.js';
import { loadDiagnostics } from '../../src/engine/registry.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { canonical, collectFromMock, planForSnapshot } from './support.js';

const ACTIVITY_CALLS = 'autoscaling:DescribeScalingActivities';

describe('which groups have their activities read', () => {
  const batch = (s: Snapshot) => s.aws.autoScalingGroups!.find((g) => g.AutoScalingGroupName === 'shop-prod-batch')!;
  const general = (s: Snapshot) => s.aws.nodegroups!.find((n) => n.nodegroupName === 'general')!;
  it.each<[string, (s: Snapshot) => void, string[]]>([
    ['a healthy cluster: none', () => {}, []],
    ['a group wanting more instances than are InService', (s) => void (batch(s).DesiredCapacity = 3), ['shop-prod-batch']],
    ['a group with an instance still launching', (s) => void (batch(s).Instances![0]!.LifecycleState = 'Pending'), ['shop-prod-batch']],
    ['a group with an unhealthy instance', (s) => void (batch(s).Instances![0]!.HealthStatus = 'Unhealthy'), ['shop-prod-batch']],
    ['a group with suspended processes', (s) => void (batch(s).SuspendedProcesses = [{ ProcessName: 'Launch' }]), ['shop-prod-batch']],
    ['the groups of a node group reporting a health issue', (s) => void (general(s).health = { issues: [{ code: 'AsgInstanceLaunchFailures', message: 'x' }] }), general(buildBaseline()).resources!.autoScalingGroups!.map((a) => a.name!)],
  ])('%s', (_, change, expected) => {
    const s = buildBaseline();
    change(s);
    expect(groupsWhoseActivitiesAreRead(s.aws)).toEqual(expected);
  });
});

describe('collecting scaling activities from the mock', () => {
  it('makes no activity request for a healthy 1,000-node cluster (20 Auto Scaling groups)', async () => {
    const snapshot = buildScaledCluster(1000);
    expect(snapshot.aws.autoScalingGroups!.length).toBeGreaterThanOrEqual(20);
    const mock = await startAwsMock({ snapshots: [snapshot] });
    try {
      const collected = await collectFromMock(snapshot, mock.url, { plan: planFromParts(['aws.autoScalingGroups', 'aws.scalingActivities']) });
      expect(mock.log.countsByAction().get(ACTIVITY_CALLS) ?? 0).toBe(0);
      expect(mock.log.countsByAction().get('autoscaling:DescribeAutoScalingGroups')).toBeGreaterThan(0);
      expect(collected.aws.scalingActivities).toEqual([]);
      expect(collected.errors).toEqual([]);
    } finally {
      await mock.close();
    }
  });

  it('asks only about the short group, gets its activities, and the live report finds what the offline one does', async () => {
    const scenario = loadScenario('asg-insufficient-capacity');
    const short = groupsWhoseActivitiesAreRead(scenario.aws);
    expect(short).toHaveLength(1);
    const mock = await startAwsMock({ clusterOverrides: (s) => ({ endpoint: s.aws.cluster?.endpoint }), snapshots: [scenario] });
    try {
      const collected = await collectFromMock(scenario, mock.url, { plan: planForSnapshot(scenario) });
      expect(mock.log.countsByAction().get(ACTIVITY_CALLS)).toBe(1);
      const ofShort = (s: Snapshot) => (s.aws.scalingActivities ?? []).filter((a) => a.AutoScalingGroupName === short[0]);
      expect(ofShort(scenario).length).toBeGreaterThan(0);
      expect(canonical(ofShort(collected))).toEqual(canonical(ofShort(scenario)));
      const diagnostics = await loadDiagnostics();
      const findings = async (s: Snapshot) =>
        (await diagnoseSnapshot(s, { diagnostics, toolVersion: 'test', generatedAt: new Date(s.capturedAt) })).findings
          .filter((f) => f.check === 'node-registration' || f.check === 'nodegroup-health')
          .map((f) => ({ key: f.key, evidence: f.evidence }));
      const live = await findings({ ...collected, capturedAt: scenario.capturedAt, kubernetes: scenario.kubernetes });
      expect(live.map((f) => f.key)).toContain('node-registration/launch-capacity-unavailable:' + short[0]);
      expect(live).toEqual(await findings(scenario));
    } finally {
      await mock.close();
    }
  });
});
