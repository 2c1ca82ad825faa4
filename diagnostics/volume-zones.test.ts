import { describe, expect, it } from 'vitest';
import { describeDiagnostic, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { applyVolumeFaults, ledgerBoundIn } from '../mocks/faults/volumes.js';
import { applySchedulingFaults, recorderEvent } from '../mocks/faults/scheduling.js';
import { BATCH_ASG } from '../mocks/scenario-builder/baseline.js';
import type { Snapshot } from '../src/snapshot/types.js';
import schedulingCapacity from './scheduling-capacity.js';
import volumeZones from './volume-zones.js';

const withFaults = (...names: string[]): Snapshot => mutate((s) => applyVolumeFaults(s, ...names));

/** ledger-db's pods select NodePool `pool` (not the batch nodes); the pool's zone requirement narrowed to `zones`. */
function onNodePool(s: Snapshot, pool: string, zones?: string[]): void {
  for (const pod of s.kubernetes.problemPods!.filter((p) => p.metadata?.name?.startsWith('ledger-db-'))) pod.spec!.nodeSelector = { 'karpenter.sh/nodepool': pool };
  const requirement = s.kubernetes.nodePools!.find((p) => p.metadata?.name === pool)!.spec!.template!.spec!.requirements!.find((r) => r.key === 'topology.kubernetes.io/zone')!;
  if (zones) requirement.values = zones;
}

describeDiagnostic(volumeZones, {
  healthy: [
    ...[[], ['karpenter-only'], ['auto-mode-enabled']].map((names) => ({ name: `nothing Pending (${names.join(', ') || 'baseline'})`, snapshot: mutate((s) => applySchedulingFaults(s, ...names)) })),
    { name: 'volumes in eu-west-1a, and the batch group still launches there (whether it grows is scheduling-capacity\'s business)', snapshot: withFaults('ledger-db-volumes-in-eu-west-1a') },
    {
      name: 'a scale-up was triggered for the pods two minutes ago (the autoscaler found a group in the zone)',
      snapshot: mutate((s) => {
        applyVolumeFaults(s, 'batch-group-leaves-eu-west-1a', 'ledger-db-volumes-in-eu-west-1a');
        for (const pod of s.kubernetes.problemPods!.filter((p) => p.metadata?.name?.startsWith('ledger-db-'))) {
          s.kubernetes.scalingEvents!.push(recorderEvent(s, { pod, reason: 'TriggeredScaleUp', type: 'Normal', note: 'pod triggered scale-up: [{shop-prod-batch-1a 0->1 (max: 3)}]', controller: 'cluster-autoscaler', instance: 'cluster-autoscaler-7c9f8d6b5-x4k2m', minutesAgo: 2 }));
        }
      }),
    },
    {
      name: 'Karpenter-only: NodePool default can launch in the volumes\' zone',
      snapshot: mutate((s) => {
        applySchedulingFaults(s, 'karpenter-only');
        applyVolumeFaults(s, 'ledger-db-volumes-in-eu-west-1a');
        onNodePool(s, 'default');
      }),
    },
  ],
  broken: [
    {
      name: 'the batch group no longer launches in eu-west-1a, where the volumes are',
      snapshot: withFaults('batch-group-leaves-eu-west-1a', 'ledger-db-volumes-in-eu-west-1a'),
      expect: [{ id: 'volume-zones/zone-without-capacity', resource: BATCH_ASG, canExplain: ['pod-unschedulable'], mentions: 'eu-west-1a' }],
    },
    {
      name: 'volumes pinned by topology.kubernetes.io/zone (newer EBS CSI drivers)',
      snapshot: mutate((s) => {
        applyVolumeFaults(s, 'batch-group-leaves-eu-west-1a');
        ledgerBoundIn(s, 'eu-west-1a', 'topology.kubernetes.io/zone');
      }),
      expect: [{ id: 'volume-zones/zone-without-capacity', resource: 'shop/ledger-db', mentions: 'eu-west-1a' }],
    },
    {
      name: 'an in-tree volume labelled failure-domain.beta.kubernetes.io/zone (VolumeZone: "no available volume zone")',
      snapshot: mutate((s) => {
        applyVolumeFaults(s, 'batch-group-leaves-eu-west-1a', 'ledger-db-volumes-in-eu-west-1a');
        for (const pv of s.kubernetes.persistentVolumes!.filter((v) => v.spec?.claimRef?.name?.startsWith('data-ledger-db-'))) {
          delete pv.spec!.nodeAffinity;
          pv.metadata!.labels = { 'failure-domain.beta.kubernetes.io/region': 'eu-west-1', 'failure-domain.beta.kubernetes.io/zone': 'eu-west-1a' };
        }
        // From memory of pkg/scheduler/framework/plugins/volumezone/volume_zone.go, ErrReasonConflict.
        for (const pod of s.kubernetes.problemPods!.filter((p) => p.metadata?.name?.startsWith('ledger-db-'))) {
          pod.status!.conditions![0]!.message = pod.status!.conditions![0]!.message!.replace('had volume node affinity conflict', 'had no available volume zone');
        }
      }),
      expect: [{ id: 'volume-zones/zone-without-capacity', resource: BATCH_ASG }],
    },
    {
      name: 'Karpenter-only: NodePool default\'s zone requirement leaves out eu-west-1a',
      snapshot: mutate((s) => {
        applySchedulingFaults(s, 'karpenter-only');
        applyVolumeFaults(s, 'ledger-db-volumes-in-eu-west-1a');
        onNodePool(s, 'default', ['eu-west-1b', 'eu-west-1c']);
      }),
      expect: [{ id: 'volume-zones/zone-without-capacity', resource: 'default', mentions: 'NodePool whose nodes the pods accept, default' }],
    },
    {
      name: 'EKS Auto Mode: its NodeClass resolves no subnet in eu-west-1a',
      snapshot: mutate((s) => {
        applySchedulingFaults(s, 'auto-mode-enabled');
        applyVolumeFaults(s, 'ledger-db-volumes-in-eu-west-1a');
        const nodeClass = s.kubernetes.autoModeNodeClasses![0]!;
        nodeClass.status!.subnets = nodeClass.status!.subnets!.filter((x) => x.zone !== 'eu-west-1a');
        nodeClass.spec!.subnetSelectorTerms = nodeClass.status!.subnets.map((x) => ({ id: x.id }));
        onNodePool(s, 'general-purpose');
      }),
      expect: [{ id: 'volume-zones/zone-without-capacity', resource: 'general-purpose' }],
    },
  ],
});

describe('volume-zones fixes and limits', () => {
  it('extends the self-managed group with the subnet of the cluster\'s VPC in the zone', () => {
    const [f] = runDiagnostic(volumeZones, withFaults('batch-group-leaves-eu-west-1a', 'ledger-db-volumes-in-eu-west-1a'));
    expect(f!.fix.commands).toEqual([`aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${BATCH_ASG} --vpc-zone-identifier "subnet-0b22222222222222b,subnet-0c33333333333333c,subnet-0a11111111111111a" --region eu-west-1`]);
    expect(f!.fix.alternatives?.[0]?.commands[0]).toBe('aws ec2 create-snapshot --volume-id vol-0d1e2f3a4b5c6d7e0 --description "move to eu-west-1b" --region eu-west-1');
  });

  it('a NodePool narrowed by its zone requirement: the requirement is the fix', () => {
    const s = mutate((x) => {
      applySchedulingFaults(x, 'karpenter-only');
      applyVolumeFaults(x, 'ledger-db-volumes-in-eu-west-1a');
      onNodePool(x, 'default', ['eu-west-1b', 'eu-west-1c']);
    });
    expect(runDiagnostic(volumeZones, s)[0]!.fix.commands).toEqual(['kubectl edit nodepool default   # spec.template.spec.requirements topology.kubernetes.io/zone: add eu-west-1a']);
  });

  it('says nothing when the groups could not be read (their zones are unknown)', () => {
    const s = mutate((x) => {
      applyVolumeFaults(x, 'batch-group-leaves-eu-west-1a', 'ledger-db-volumes-in-eu-west-1a');
      delete x.aws.autoScalingGroups;
      x.errors.push({ part: 'aws.autoScalingGroups', call: 'autoscaling:DescribeAutoScalingGroups', kind: 'denied', code: 'AccessDenied', message: 'not authorized' });
    });
    expect(runDiagnostic(volumeZones, s)).toEqual([]);
  });
});

describe('a group that reaches the volumes\' zone but is full is scheduling-capacity\'s, not volume-zones\'', () => {
  const s = withFaults('batch-group-at-max', 'ledger-db-volumes-in-eu-west-1a');

  it('volume-zones says nothing', () => {
    expect(runDiagnostic(volumeZones, s)).toEqual([]);
  });

  it('scheduling-capacity reports the full group, which explains the Pending StatefulSet', () => {
    const [f] = runDiagnostic(schedulingCapacity, s);
    expect(f?.id).toBe('scheduling-capacity/capacity-at-maximum');
    expect(f!.resources.map((r) => r.id)).toEqual(expect.arrayContaining([BATCH_ASG, 'shop/ledger-db']));
    expect(f!.evidence).toContain('3 pods of StatefulSet shop/ledger-db Pending: no node in their volumes\' zone');
  });

  it('scheduling-capacity leaves a zone no group reaches to volume-zones (no "no capacity fits" beside it)', () => {
    expect(runDiagnostic(schedulingCapacity, withFaults('batch-group-leaves-eu-west-1a', 'ledger-db-volumes-in-eu-west-1a'))).toEqual([]);
  });
});
