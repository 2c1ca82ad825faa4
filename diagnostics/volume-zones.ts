/**
 * Pending pods whose volumes are in a zone no node they may use can launch in. An EBS volume
 * attaches only to an instance in its own Availability Zone, and its PersistentVolume says so in a
 * required node affinity (`topology.ebs.csi.aws.com/zone` from the EBS CSI driver,
 * `topology.kubernetes.io/zone`) or, for in-tree volumes, zone labels; the scheduler's VolumeBinding
 * filter then rejects every node elsewhere with "node(s) had volume node affinity conflict" (and
 * VolumeZone with "node(s) had no available volume zone"). When none of the Auto Scaling groups and
 * NodePools the pods may run on launches in that zone (their subnets' zones, a NodePool's zone
 * requirement, its node class's subnets), no autoscaler can ever help: "no node group can launch in
 * eu-west-1a", with fixes naming the group, the subnet in that zone, and the StorageClass.
 *
 * When some group can launch there, the zone is not the problem: whether it grows is
 * scheduling-capacity's business, and this check says nothing.
 */
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import type { ResourceRef } from '../src/engine/finding.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import { unseenParts } from '../src/engine/run-checks.js';
import type { Snapshot, SnapshotPart } from '../src/snapshot/types.js';
import { capacitySourceRefs, capacitySources, sourceFits, type CapacitySource } from './lib/capacity-sources.js';
import { clusterVpcId } from './lib/cluster-vpc.js';
import { DOCS } from './lib/docs-links.js';
import { describeEvent } from './lib/events.js';
import { nodeClassOf } from './lib/node-provisioners.js';
import { latestEvent, scaleUpUnderWay, unschedulablePods, type UnschedulablePod } from './lib/pending-pods.js';
import { heldByVolumeZone, podVolumeZones, type PinnedVolume } from './lib/volume-claims.js';
import { cappedLines, describeWorkload, groupByWorkload, workloadResource } from './lib/workload-owner.js';

type Code = 'zone-without-capacity';

/** Where nodes can come from, and where they land: without these, "nothing launches there" is not said. */
const SOURCE_PARTS: SnapshotPart[] = ['aws.autoScalingGroups', 'kubernetes.nodePools', 'aws.subnets', 'kubernetes.ec2NodeClasses', 'kubernetes.autoModeNodeClasses'];

/** A pod held by its volumes' zone, with what pins it. */
interface Pinned {
  pod: UnschedulablePod;
  volumes: PinnedVolume[];
  /** The zones every one of its volumes allows. */
  zones: string[];
  /** The groups and NodePools whose nodes the pod accepts (selector, affinity, taints). */
  fitting: CapacitySource[];
}

export default defineDiagnostic<Code>({
  id: 'volume-zones',
  title: 'Pending pods\' volumes are in zones their nodes can launch in',
  description: 'For pods the scheduler rejects with "volume node affinity conflict", reads the zone of their bound PersistentVolumes (topology.ebs.csi.aws.com/zone, topology.kubernetes.io/zone, or the legacy failure-domain.beta.kubernetes.io/zone label) and the zones the Auto Scaling groups and NodePools they may run on can launch in (the groups\' subnets, NodePool zone requirements, node classes\' subnets): a zone none of them reaches is reported with the group to extend, the subnet in that zone, and the StorageClass to bind WaitForFirstConsumer.',
  docs: [DOCS.k8sVolumeBindingMode, DOCS.ebsCsi, DOCS.eksAutoscaling],
  needs: ['kubernetes.problemPods', 'kubernetes.persistentVolumeClaims', 'kubernetes.persistentVolumes'],
  uses: ['kubernetes.warningEvents', 'kubernetes.scalingEvents', 'kubernetes.replicaSets', 'kubernetes.jobs', 'kubernetes.nodes', 'kubernetes.nodeClaims', 'kubernetes.storageClasses', 'aws.nodegroups', 'aws.reservations', 'aws.cluster', ...SOURCE_PARTS],
  codes: {
    'zone-without-capacity': {
      severity: 'critical',
      title: 'No node group or NodePool the pods may use launches in their volumes\' zone',
      description: 'The pods\' EBS volumes are in an Availability Zone where none of the Auto Scaling groups and NodePools whose nodes they accept can launch an instance: the scheduler reports a volume node affinity conflict on every node, and no autoscaler can add one that fits.',
      explains: ['pod-unschedulable'],
    },
  },
  check({ snapshot, now }) {
    if (unseenParts(snapshot, SOURCE_PARTS).length > 0) return [];
    const sources = capacitySources(snapshot);
    const pinned: Pinned[] = [];
    for (const pod of unschedulablePods(snapshot)) {
      if (pod.fargate || !heldByVolumeZone(pod.failure)) continue;
      if (scaleUpUnderWay(snapshot, [pod], now)) continue;
      const held = podVolumeZones(snapshot, pod.pod);
      if (!held) continue;
      const { zones, volumes } = held;
      const fitting = sources.filter((s) => sourceFits(pod.pod, s));
      // Nothing fits at all is a selector problem (scheduling-capacity's no-capacity-fits); a source whose zones are unknown proves nothing.
      if (zones.length === 0 || fitting.length === 0 || fitting.some((s) => s.zones.length === 0)) continue;
      if (fitting.some((s) => s.zones.some((z) => zones.includes(z)))) continue;
      pinned.push({ pod, volumes, zones, fitting });
    }
    const byZone = new Map<string, Pinned[]>();
    for (const p of pinned) {
      const key = `${p.zones.join(',')}|${p.fitting.map((s) => s.name).sort().join(',')}`;
      byZone.set(key, [...(byZone.get(key) ?? []), p]);
    }
    return [...byZone.values()].map((group) => finding(snapshot, group));
  },
});

function describeSource(s: CapacitySource): string {
  return `${s.kind === 'node-pool' ? 'NodePool' : 'Auto Scaling group'} ${s.name}${s.nodegroup ? ` (node group ${s.nodegroup})` : ''}: ${s.zones.join(', ')}`;
}

/** Private subnets of the cluster's VPC in the zone (the ones nodes go in), else any of its subnets there. */
function subnetsIn(snapshot: Snapshot, zone: string): string[] {
  const vpc = clusterVpcId(snapshot);
  const inZone = (snapshot.aws.subnets ?? []).filter((s) => s.AvailabilityZone === zone && (!vpc || s.VpcId === vpc));
  const privateOnes = inZone.filter((s) => s.MapPublicIpOnLaunch !== true && !(s.Tags ?? []).some((t) => t.Key === 'kubernetes.io/role/elb'));
  return (privateOnes.length > 0 ? privateOnes : inZone).map((s) => s.SubnetId ?? '').filter((id) => id !== '');
}

/** How to let a source launch in the zone, naming it and the subnet. */
function extendCommands(snapshot: Snapshot, s: CapacitySource, zone: string, subnet: string | undefined): string[] {
  const region = snapshot.cluster.region;
  const target = subnet ?? `<a subnet in ${zone}>`;
  if (s.kind === 'node-pool') {
    const pool = s.pool;
    const zoneRequirement = pool?.spec?.template?.spec?.requirements?.find((r) => r.key === 'topology.kubernetes.io/zone');
    const nodeClass = pool ? nodeClassOf(snapshot, pool) : undefined;
    const classZones = (nodeClass?.status?.subnets ?? []).map((x) => x.zone);
    const commands: string[] = [];
    if (!classZones.includes(zone)) {
      const tags = (nodeClass?.spec?.subnetSelectorTerms ?? []).flatMap((t) => Object.entries(t.tags ?? {}));
      commands.push(
        tags.length > 0
          ? `aws ec2 create-tags --resources ${target} --tags ${tags.map(([k, v]) => `Key=${k},Value=${v === '*' ? '' : v}`).join(' ')} --region ${region}`
          : `kubectl edit ${nodeClass?.kind === 'NodeClass' ? 'nodeclass' : 'ec2nodeclass'} ${nodeClass?.metadata?.name ?? ''}   # spec.subnetSelectorTerms: add ${target}`,
      );
    }
    if (zoneRequirement && zoneRequirement.operator === 'In' && !(zoneRequirement.values ?? []).includes(zone)) commands.push(`kubectl edit nodepool ${s.name}   # spec.template.spec.requirements topology.kubernetes.io/zone: add ${zone}`);
    return commands;
  }
  const g = s.group;
  if (s.nodegroup) {
    // A managed node group's subnets cannot be changed: a new group in that zone, shaped like this one.
    const ng = snapshot.aws.nodegroups?.find((n) => n.nodegroupName === s.nodegroup);
    const labels = Object.entries(ng?.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    return [
      `aws eks create-nodegroup --cluster-name ${snapshot.cluster.name} --nodegroup-name ${s.nodegroup}-${zone} --subnets ${target} --node-role ${ng?.nodeRole ?? '<node role ARN>'}${ng?.instanceTypes?.length ? ` --instance-types ${ng.instanceTypes.join(' ')}` : ''} --scaling-config minSize=0,maxSize=${g?.MaxSize ?? 3},desiredSize=1${labels ? ` --labels ${labels}` : ''} --region ${region}`,
    ];
  }
  const current = (g?.VPCZoneIdentifier ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');
  return [`aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${s.name} --vpc-zone-identifier "${[...current, target].join(',')}" --region ${region}`];
}

function finding(snapshot: Snapshot, group: Pinned[]): NewFinding<Code> {
  const first = group[0]!;
  const zones = first.zones;
  const zoneText = zones.join(' or ');
  const fitting = first.fitting;
  const workloads = groupByWorkload(group, (p) => ({ workload: p.pod.workload, reason: 'zone' }));
  const names = workloads.map((w) => describeWorkload(w.workload));
  const subnet = subnetsIn(snapshot, zones[0]!)[0];
  const volumeIds = [...new Set(group.flatMap((p) => p.volumes.map((v) => v.volume.spec?.csi?.volumeHandle ?? v.volume.spec?.awsElasticBlockStore?.volumeID ?? '').filter((id) => id !== '')))];
  const classes = [...new Map(group.flatMap((p) => p.volumes.flatMap((v) => (v.storageClass ? [[v.storageClass.metadata?.name ?? '', v.storageClass] as const] : [])))).values()];
  const immediate = classes.filter((c) => (c.volumeBindingMode ?? 'Immediate') === 'Immediate');
  const notTriggered = group.map((p) => latestEvent(p.pod, 'NotTriggerScaleUp')).find((e) => e !== undefined);
  const extend = fitting.flatMap((s) => extendCommands(snapshot, s, zones[0]!, subnet));
  return {
    code: 'zone-without-capacity',
    keyResource: `${zones.join(',')}:${fitting.map((s) => s.name).sort().join(',')}`,
    title: `No node group can launch in ${zoneText}, where the volumes of ${names.slice(0, 2).join(', ')}${names.length > 2 ? ` and ${names.length - 2} more` : ''} are`,
    rootCause: `The pods' PersistentVolumes are pinned to ${zoneText} (an EBS volume attaches only to an instance in its own Availability Zone), and ${fitting.length === 1 ? `the only ${fitting[0]!.kind === 'node-pool' ? 'NodePool' : 'group'} whose nodes the pods accept, ${fitting[0]!.name}, launches in ${fitting[0]!.zones.join(', ')} only` : `none of the ${fitting.length} groups and NodePools whose nodes the pods accept launches there (${fitting.map((s) => `${s.name}: ${s.zones.join(', ')}`).join('; ')})`}. The scheduler reports a volume node affinity conflict on every node, and no autoscaler can add one in ${zoneText}.${subnet ? '' : ` The cluster's VPC has no subnet in ${zones[0]} either.`}`,
    evidence: [
      ...cappedLines(
        group.flatMap((p) => p.volumes.map((v) => `Pod ${p.pod.namespace}/${p.pod.name} (${describeWorkload(p.pod.workload)}): claim ${v.claim} -> PersistentVolume ${v.volume.metadata?.name}${v.volume.spec?.csi?.volumeHandle ? ` (${v.volume.spec.csi.volumeHandle})` : ''} in ${v.zones.join(', ')}`)),
        5,
        'volumes',
      ),
      ...(first.pod.message ? [`Scheduler: ${first.pod.message}`] : []),
      ...fitting.map(describeSource),
      ...(subnet ? [`Subnet ${subnet} of the cluster's VPC is in ${zones[0]}.`] : []),
      ...(notTriggered ? [`cluster-autoscaler: ${describeEvent(notTriggered)}`] : []),
    ],
    resources: uniqueRefs([
      ...workloads.map((w) => workloadResource(w.workload)),
      ...capacitySourceRefs(fitting),
      ...group.flatMap((p) => p.volumes.map((v) => resource.persistentVolume(v.volume.metadata?.name ?? ''))),
      ...volumeIds.map((id) => resource.awsResource(id)),
      ...(subnet ? [resource.subnet(subnet)] : []),
      ...classes.map((c) => resource.storageClass(c.metadata?.name ?? '')),
    ] as ResourceRef[]),
    canExplain: [{ symptom: 'pod-unschedulable', resources: workloads.map((w) => workloadResource(w.workload)) }],
    fix: {
      summary: `Let ${fitting.length === 1 ? fitting[0]!.name : 'a group the pods accept'} launch in ${zones[0]}${subnet ? ` (subnet ${subnet})` : ' (create a subnet there first)'}; the volumes then find a node.`,
      commands: [...(subnet ? [] : [`aws ec2 create-subnet --vpc-id ${clusterVpcId(snapshot) ?? '<cluster VPC>'} --availability-zone ${zones[0]} --cidr-block <a free CIDR> --region ${snapshot.cluster.region}`]), ...extend],
      alternatives: [
        {
          summary: `Move the data to a zone the groups reach: snapshot the volume${volumeIds.length === 1 ? '' : 's'} and restore into ${fitting[0]!.zones[0]}${immediate.length > 0 ? `; and give new claims a WaitForFirstConsumer StorageClass (${immediate.map((c) => c.metadata?.name).join(', ')} bind${immediate.length === 1 ? 's' : ''} Immediate, before the pod has a node; volumeBindingMode cannot be changed, so create a new class)` : ''}.`,
          commands: [...volumeIds.slice(0, 3).map((id) => `aws ec2 create-snapshot --volume-id ${id} --description "move to ${fitting[0]!.zones[0]}" --region ${snapshot.cluster.region}`), ...immediate.map((c) => `kubectl get storageclass ${c.metadata?.name} -o yaml   # copy with volumeBindingMode: WaitForFirstConsumer under a new name`)],
        },
      ],
      docs: [DOCS.k8sVolumeBindingMode, DOCS.ebsCsi, DOCS.managedNodeGroups],
    },
  };
}
