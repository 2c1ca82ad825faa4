/**
 * ec2:DescribeInstances asks for each instance once: by the owner tag, the Karpenter tag, and the
 * groups' untagged members by ID. Managed node groups' instances carry eks:cluster-name as well as
 * the owner tag; that tag is asked about only when the groups could not be read, the one case where
 * it finds what the other queries cannot.
 */
import { describe, expect, it } from 'vitest';
import { startAwsMock, type FaultRule } from '../../mocks/aws-mock/index.js';
import { buildBaseline } from '../../mocks/scenario-builder/baseline.js';
import { buildScaledCluster } from '../../mocks/scenario-builder/scale.js';
import { planFromParts } from '../../src/collect/plan.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { collectFromMock } from './support.js';

const PAGE = 1000;
const instancesOf = (s: Snapshot) => (s.aws.reservations ?? []).flatMap((r) => r.Instances ?? []);
const hasTag = (key: string, value?: string) => (i: ReturnType<typeof instancesOf>[number]) => (i.Tags ?? []).some((t) => t.Key === key && (value === undefined || t.Value === value));
const ids = (s: Snapshot) => instancesOf(s).map((i) => i.InstanceId).sort();

async function collect(snapshot: Snapshot, faults: FaultRule[] = []) {
  const mock = await startAwsMock({ snapshots: [snapshot] });
  mock.setFaults(faults);
  try {
    const collected = await collectFromMock(snapshot, mock.url, { plan: planFromParts(['aws.reservations']) });
    return { collected, describeInstances: mock.log.countsByAction().get('ec2:DescribeInstances') ?? 0 };
  } finally {
    await mock.close();
  }
}

describe('collecting EC2 instances', () => {
  it('pages through each instance of a 2,500-node cluster once, not once per tag it carries', async () => {
    const snapshot = buildScaledCluster(2500);
    const name = snapshot.cluster.name;
    const instances = instancesOf(snapshot);
    const ownerTagged = instances.filter(hasTag(`kubernetes.io/cluster/${name}`)).length;
    const karpenterTagged = instances.filter(hasTag('eks:eks-cluster-name', name)).length;
    // The managed instances carry both tags: asking by eks:cluster-name too would page through them again.
    expect(instances.filter(hasTag('eks:cluster-name', name)).length).toBeGreaterThan(2 * PAGE);
    expect(instances.every(hasTag(`kubernetes.io/cluster/${name}`))).toBe(true);
    const { collected, describeInstances } = await collect(snapshot);
    expect(collected.errors).toEqual([]);
    expect(ids(collected)).toEqual(ids(snapshot));
    expect(describeInstances).toBe(Math.ceil(ownerTagged / PAGE) + Math.max(1, Math.ceil(karpenterTagged / PAGE)));
  });

  describe('managed instances that lost the owner tag', () => {
    const withoutOwnerTag = () => {
      const snapshot = buildBaseline();
      const tag = `kubernetes.io/cluster/${snapshot.cluster.name}`;
      for (const i of instancesOf(snapshot)) if (i.Tags?.some((t) => t.Key === 'eks:cluster-name')) i.Tags = i.Tags.filter((t) => t.Key !== tag);
      const stripped = instancesOf(snapshot).filter((i) => !i.Tags?.some((t) => t.Key === tag));
      expect(stripped.length).toBeGreaterThan(0);
      return { snapshot, stripped: stripped.map((i) => i.InstanceId) };
    };

    it('are found as their groups’ members', async () => {
      const { snapshot, stripped } = withoutOwnerTag();
      const { collected } = await collect(snapshot);
      expect(collected.errors).toEqual([]);
      expect(ids(collected)).toEqual(ids(snapshot));
      expect(ids(collected)).toEqual(expect.arrayContaining(stripped));
    });

    it('are found by eks:cluster-name when the groups cannot be read', async () => {
      const { snapshot, stripped } = withoutOwnerTag();
      const fault: FaultRule = { action: 'autoscaling:DescribeAutoScalingGroups', kind: 'denied' };
      const { collected, describeInstances } = await collect(snapshot, [fault]);
      expect(collected.errors.map((e) => e.part)).toEqual(['aws.autoScalingGroups']);
      expect(ids(collected)).toEqual(expect.arrayContaining(stripped));
      // Owner tag, Karpenter tag, then eks:cluster-name: one page each on the baseline.
      expect(describeInstances).toBe(3);
    });
  });
});
