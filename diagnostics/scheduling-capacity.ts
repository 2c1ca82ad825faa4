/**
 * Why nothing adds a node for pods that lack room: every group and NodePool that could take them is
 * at its maximum; no cluster-autoscaler runs (or it is not running, or its auto-discovery tags miss
 * the groups); its status reports the group backing off; a Karpenter/Auto Mode node class is not
 * ready or its NodeClaims fail to launch. Each cause names the real groups, pools and flags, and
 * explains the `pod-unschedulable` findings of the workloads it holds up.
 *
 * Pods for which a scale-up was triggered in the last few minutes are left to the symptom check
 * (info): a cluster that is scaling is not sick.
 */
import { unseenParts } from '../src/engine/run-checks.js';
import { parse } from 'yaml';
import { clusterAutoscalerSettings, discoveredBy, type ClusterAutoscalerSettings } from '../src/domain/cluster-autoscaler.js';
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import type { ResourceRef } from '../src/engine/finding.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import type { KubeDeployment, NodeClass, Snapshot, SnapshotPart } from '../src/snapshot/types.js';
import { capacitySourceRefs, capacitySources, sourceFits, type CapacitySource } from './lib/capacity-sources.js';
import { DOCS } from './lib/docs-links.js';
import { describeEvent, minutesSinceLastSeen, newestFirst, normalizeEvent, type KubernetesEvent } from './lib/events.js';
import { failedNodeClaims, nodeClassOf, nodeClassProblems } from './lib/node-provisioners.js';
import { latestEvent, scaleUpUnderWay, unschedulablePods, type UnschedulablePod } from './lib/pending-pods.js';
import { insufficientResources, lacksCapacity } from './lib/scheduling-message.js';
import { heldByVolumeZone, sourcesInVolumeZones } from './lib/volume-claims.js';
import { cappedLines, describeWorkload, groupByWorkload, workloadResource } from './lib/workload-owner.js';

/** Where nodes for Pending pods can come from: Auto Scaling groups, Karpenter and Auto Mode NodePools. */
const CAPACITY_SOURCE_PARTS: SnapshotPart[] = ['aws.autoScalingGroups', 'kubernetes.nodePools'];

type Code = 'capacity-at-maximum' | 'no-capacity-fits' | 'no-autoscaler' | 'autoscaler-not-running' | 'autoscaler-cannot-discover' | 'scale-up-backoff' | 'node-class-not-ready' | 'node-claim-launch-failed' | 'node-claim-launch-quota' | 'node-claim-capacity-unavailable';

/** A workload held up for lack of room, with the sources that could take its pods. */
interface Waiting {
  pods: UnschedulablePod[];
  fitting: CapacitySource[];
}

export default defineDiagnostic<Code>({
  id: 'scheduling-capacity',
  title: 'Something will add nodes for Pending pods',
  description:
    'For pods Pending for lack of room, checks that a node group or NodePool that could take them can grow and that something grows it: the groups\' sizes against their maximum, the cluster-autoscaler (present, running, discovering the groups by its --node-group-auto-discovery tags, not backing off per its status ConfigMap), Karpenter and EKS Auto Mode NodePools (limits), node classes (SubnetsReady, SecurityGroupsReady, InstanceProfileReady) and NodeClaims (Launched).',
  docs: [DOCS.eksAutoscaling, DOCS.clusterAutoscaler, DOCS.karpenterTroubleshooting],
  needs: ['kubernetes.problemPods'],
  uses: [
    'kubernetes.warningEvents',
    'kubernetes.scalingEvents',
    'kubernetes.replicaSets',
    'kubernetes.jobs',
    'kubernetes.nodes',
    'kubernetes.clusterAutoscalers',
    'kubernetes.clusterAutoscalerStatus',
    'kubernetes.nodePools',
    'kubernetes.nodeClaims',
    'kubernetes.ec2NodeClasses',
    'kubernetes.autoModeNodeClasses',
    'aws.autoScalingGroups',
    'aws.nodegroups',
    'aws.reservations',
    'aws.subnets',
    'kubernetes.persistentVolumeClaims',
    'kubernetes.persistentVolumes',
  ],
  codes: {
    'capacity-at-maximum': {
      severity: 'critical',
      title: 'Every group that could run the Pending pods is at its maximum',
      description: 'Pods lack CPU, memory or pod slots, and every Auto Scaling group (desired = maximum) and NodePool (limits reached) that could run them is full: no autoscaler may add a node.',
      explains: ['pod-unschedulable'],
    },
    'no-capacity-fits': {
      severity: 'warning',
      title: 'No node group or NodePool can run the Pending pods',
      description: 'Pods lack room, and no Auto Scaling group or NodePool has nodes their nodeSelector, node affinity and tolerations accept: adding nodes to any of them would not help.',
      explains: ['pod-unschedulable'],
    },
    'no-autoscaler': {
      severity: 'critical',
      title: 'Nothing scales the node groups the Pending pods need',
      description: 'Pods lack room, a group that could run them is below its maximum, but no cluster-autoscaler runs in the cluster and no Karpenter or Auto Mode NodePool can take them: nothing will raise the desired capacity.',
      explains: ['pod-unschedulable'],
    },
    'autoscaler-not-running': {
      severity: 'critical',
      title: 'The cluster-autoscaler is not running',
      description: 'The cluster-autoscaler Deployment exists but has no available replica (scaled to zero, or its pod cannot start), so Pending pods trigger no scale-up.',
      explains: ['pod-unschedulable'],
    },
    'autoscaler-cannot-discover': {
      severity: 'critical',
      title: 'The cluster-autoscaler does not see the groups the Pending pods need',
      description: 'The groups that could run the pods lack the tags the cluster-autoscaler\'s --node-group-auto-discovery looks for (and --nodes does not name them), so it never scales them.',
      explains: ['pod-unschedulable'],
    },
    'scale-up-backoff': {
      severity: 'critical',
      title: 'The cluster-autoscaler is backing off scaling up a group',
      description: 'The cluster-autoscaler\'s status ConfigMap reports a node group in Backoff: its last scale-up failed (capacity, quota, permissions), and it waits before trying that group again.',
      explains: ['pod-unschedulable'],
    },
    'node-class-not-ready': {
      severity: 'critical',
      title: 'A Karpenter or Auto Mode node class is not ready',
      description: 'An EC2NodeClass or NodeClass reports SubnetsReady, SecurityGroupsReady, InstanceProfileReady or AMIsReady False: its NodePools cannot launch nodes until it resolves.',
      explains: ['pod-unschedulable'],
    },
    'node-claim-launch-failed': {
      severity: 'critical',
      title: 'Karpenter NodeClaims fail to launch',
      description: 'NodeClaims report Launched=False: the EC2 CreateFleet call behind them failed (permissions, a launch template or AMI problem, a subnet or security group), with the reason and message Karpenter recorded.',
      explains: ['pod-unschedulable'],
    },
    'node-claim-capacity-unavailable': {
      severity: 'warning',
      title: 'EC2 has no capacity for the instance types a NodePool allows',
      description:
        "Karpenter's launches for a NodePool the Pending pods need fail with InsufficientCapacityError (it deletes those NodeClaims and tries again): EC2 has none of the instance types and zones the NodePool allows, in the purchase option it buys. Usually temporary; more instance types, zones or On-Demand make the NodePool resilient to it.",
      explains: ['pod-unschedulable'],
    },
    'node-claim-launch-quota': {
      severity: 'critical',
      title: 'Karpenter NodeClaims fail to launch on an EC2 quota',
      description:
        "NodeClaims report Launched=False because EC2 refused the launch on an account quota (VcpuLimitExceeded, MaxSpotInstanceCountExceeded): Karpenter's own account of it, which quota-headroom's finding on the quota explains when it reads the quota.",
      symptom: 'ec2-launch-quota',
      explains: ['pod-unschedulable'],
    },
  },
  check({ snapshot, now }) {
    const findings: NewFinding<Code>[] = [];
    const sources = capacitySources(snapshot);
    const capacitySourcesUnseen = unseenParts(snapshot, CAPACITY_SOURCE_PARTS).length > 0;
    const waiting = groupByWorkload(
      unschedulablePods(snapshot).filter((p) => p.failure && (lacksCapacity(p.failure) || heldByVolumeZone(p.failure)) && !p.fargate),
      (p) => ({ workload: p.workload, reason: 'capacity' }),
    )
      .filter((g) => !scaleUpUnderWay(snapshot, g.members, now))
      // Pods held by their volumes' zone need a node there: only the sources reaching it count (none: volume-zones' finding).
      .flatMap((g) => {
        const fitting = sourcesInVolumeZones(snapshot, g.members[0]!, sources.filter((s) => sourceFits(g.members[0]!.pod, s)));
        return fitting ? [{ pods: g.members, fitting }] : [];
      });

    findings.push(...nodeClassFindings(snapshot, waiting), ...nodeClaimFindings(snapshot, waiting), ...capacityErrorFindings(snapshot, waiting, now));
    const explainedByKarpenter = new Set(findings.flatMap((f) => f.canExplain?.flatMap((c) => c.resources?.map((r) => r.id) ?? []) ?? []));

    const byCause = new Map<string, { code: Code; waiting: Waiting[]; build: (w: Waiting[]) => NewFinding<Code> }>();
    const add = (key: string, code: Code, w: Waiting, build: (w: Waiting[]) => NewFinding<Code>): void => {
      const entry = byCause.get(key) ?? { code, waiting: [], build };
      entry.waiting.push(w);
      byCause.set(key, entry);
    };
    const autoscalers = (snapshot.kubernetes.clusterAutoscalers ?? []).map((d) => ({ deployment: d, settings: clusterAutoscalerSettings(d) })).filter((a): a is { deployment: KubeDeployment; settings: ClusterAutoscalerSettings } => a.settings !== undefined);
    // The status ConfigMap's YAML (tens of KB at thousands of nodes) is parsed only when a workload gets as far as asking it.
    let backoffs: Map<string, Backoff> | undefined;

    for (const w of waiting) {
      if (explainedByKarpenter.has(workloadResource(w.pods[0]!.workload).id)) continue;
      if (w.fitting.length === 0) {
        // "Nothing fits" is a claim about every group and NodePool: not made when some could not be read.
        if (!capacitySourcesUnseen) add(`none`, 'no-capacity-fits', w, (all) => noneFits(snapshot, all, sources));
        continue;
      }
      const growable = w.fitting.filter((s) => !s.full);
      if (growable.length === 0) {
        const key = w.fitting.map((s) => s.name).sort().join(',');
        add(`max:${key}`, 'capacity-at-maximum', w, (all) => atMaximum(snapshot, all));
        continue;
      }
      if (growable.some((s) => s.kind === 'node-pool')) continue; // Karpenter can add a node; its own failures are reported above.
      const groups = growable.filter((s) => s.kind === 'auto-scaling-group');
      // A group already asked for more instances than it runs is growing (or failing to: node-registration's shortfall and its causes explain the pods then): the autoscaler is not what holds them.
      if (groups.some(belowDesired)) continue;
      const backoff = groups.map((g) => (backoffs ??= statusBackoffs(snapshot)).get(g.name)).find((b) => b !== undefined);
      if (snapshot.kubernetes.clusterAutoscalers && autoscalers.length === 0) add('no-autoscaler', 'no-autoscaler', w, (all) => noAutoscaler(snapshot, all));
      else if (autoscalers.length > 0 && autoscalers.every((a) => (a.deployment.status?.availableReplicas ?? 0) === 0)) add('not-running', 'autoscaler-not-running', w, (all) => notRunning(snapshot, all, autoscalers));
      else if (autoscalers.length > 0 && groups.every((g) => !autoscalers.some((a) => discovers(a.settings, g)))) add(`undiscovered:${groups.map((g) => g.name).join(',')}`, 'autoscaler-cannot-discover', w, (all) => cannotDiscover(snapshot, all, autoscalers));
      else if (backoff) add(`backoff:${backoff.group}`, 'scale-up-backoff', w, (all) => backingOff(snapshot, all, backoff));
    }
    for (const cause of byCause.values()) findings.push(cause.build(cause.waiting));
    return findings;
  },
});

function belowDesired(source: CapacitySource): boolean {
  const inService = (source.group?.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length;
  return (source.group?.DesiredCapacity ?? 0) > inService;
}

function discovers(settings: ClusterAutoscalerSettings, source: CapacitySource): boolean {
  return settings.staticGroups.some((g) => g.name === source.name) || discoveredBy(settings, source.group?.Tags ?? []) !== undefined;
}

function workloadScope(waiting: Waiting[]): { symptom: 'pod-unschedulable'; resources: ResourceRef[] }[] {
  return [{ symptom: 'pod-unschedulable', resources: uniqueRefs(waiting.map((w) => workloadResource(w.pods[0]!.workload))) }];
}

function waitingLines(waiting: Waiting[]): string[] {
  return cappedLines(
    waiting.map((w) => {
      const failure = w.pods.find((p) => p.failure)?.failure;
      const short = failure ? insufficientResources(failure).join(', ') : '';
      return `${w.pods.length} pod${w.pods.length === 1 ? '' : 's'} of ${describeWorkload(w.pods[0]!.workload)} Pending: ${short ? `Insufficient ${short}` : heldByVolumeZone(failure) ? 'no node in their volumes\' zone' : 'Insufficient room'}`;
    }),
    5,
    'workloads',
  );
}

function describeSource(s: CapacitySource): string {
  if (s.kind === 'node-pool') return `NodePool ${s.name} (${s.full ?? 'can grow'})`;
  const g = s.group;
  return `Auto Scaling group ${s.name}${s.nodegroup ? ` (node group ${s.nodegroup})` : ''}: desired ${g?.DesiredCapacity ?? '?'}, min ${g?.MinSize ?? '?'}, max ${g?.MaxSize ?? '?'}`;
}

function raiseCommands(snapshot: Snapshot, sources: CapacitySource[]): string[] {
  const region = snapshot.cluster.region;
  return sources.map((s) => {
    if (s.kind === 'node-pool') {
      const limits = Object.fromEntries(Object.entries(s.pool?.spec?.limits ?? {}).map(([k, v]) => [k, `${v} (raise)`]));
      return `kubectl edit nodepool ${s.name}   # spec.limits ${JSON.stringify(limits)}`;
    }
    const max = (s.group?.MaxSize ?? 0) * 2 || 2;
    return s.nodegroup
      ? `aws eks update-nodegroup-config --cluster-name ${snapshot.cluster.name} --nodegroup-name ${s.nodegroup} --scaling-config maxSize=${max} --region ${region}`
      : `aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${s.name} --max-size ${max} --region ${region}`;
  });
}

function autoscalerEvidence(waiting: Waiting[]): string[] {
  const event = waiting.flatMap((w) => w.pods).map((p) => latestEvent(p, 'NotTriggerScaleUp')).find((e) => e !== undefined);
  return event ? [`cluster-autoscaler: ${describeEvent(event)}`] : [];
}

function atMaximum(snapshot: Snapshot, waiting: Waiting[]): NewFinding<Code> {
  const full = [...new Map(waiting.flatMap((w) => w.fitting).map((s) => [s.name, s])).values()];
  const names = full.map((s) => s.name).join(', ');
  return {
    code: 'capacity-at-maximum',
    keyResource: names,
    title: `${full.length === 1 ? `${full[0]!.kind === 'node-pool' ? 'NodePool' : 'Auto Scaling group'} ${names} is` : `Every group that could run them (${names}) is`} at its maximum: Pending pods get no node`,
    rootCause: `The pods lack room on the current nodes, and the only ${full.length === 1 ? 'group' : 'groups'} whose nodes they may run on cannot grow: ${full.map((s) => s.full).join('; ')}.`,
    evidence: [...waitingLines(waiting), ...full.map(describeSource), ...autoscalerEvidence(waiting)],
    resources: uniqueRefs([...capacitySourceRefs(full), ...waiting.map((w) => workloadResource(w.pods[0]!.workload))]),
    canExplain: workloadScope(waiting),
    fix: {
      summary: 'Raise the maximum (or the NodePool limits) of a group the pods can run on, or reduce what the pods request.',
      commands: raiseCommands(snapshot, full),
      docs: [DOCS.eksAutoscaling, DOCS.clusterAutoscaler, DOCS.karpenterTroubleshooting],
    },
  };
}

function noneFits(snapshot: Snapshot, waiting: Waiting[], sources: CapacitySource[]): NewFinding<Code> {
  const pod = waiting[0]!.pods[0]!;
  const selector = Object.entries(pod.pod.spec?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`);
  return {
    code: 'no-capacity-fits',
    keyResource: waiting.map((w) => workloadResource(w.pods[0]!.workload).id).join(','),
    title: `No node group or NodePool can run the Pending pods of ${describeWorkload(pod.workload)}${waiting.length > 1 ? ` and ${waiting.length - 1} more` : ''}`,
    rootCause: `The pods lack room, and none of the ${sources.length} Auto Scaling groups and NodePools makes nodes that their nodeSelector${selector.length > 0 ? ` (${selector.join(', ')})` : ''}, node affinity and tolerations accept: scaling any of them would not help.`,
    evidence: [...waitingLines(waiting), ...cappedLines(sources.map((s) => `${describeSource(s)}; labels ${Object.entries(s.labels).filter(([k]) => !k.startsWith('kubernetes.io/') && !k.startsWith('beta.')).map(([k, v]) => `${k}=${v}`).slice(0, 4).join(', ') || 'none'}${s.taints.length > 0 ? `; taints ${s.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ')}` : ''}`), 5, 'groups')],
    resources: waiting.map((w) => workloadResource(w.pods[0]!.workload)),
    canExplain: workloadScope(waiting),
    fix: {
      summary: 'Change the pods\' nodeSelector/affinity/tolerations to match a group, or create a node group or NodePool whose nodes carry those labels and taints.',
      commands: [`kubectl get pod -n ${pod.namespace} ${pod.name} -o jsonpath='{.spec.nodeSelector}{"\\n"}{.spec.affinity.nodeAffinity}{"\\n"}{.spec.tolerations}{"\\n"}'`, `kubectl get nodes -L eks.amazonaws.com/nodegroup,karpenter.sh/nodepool,topology.kubernetes.io/zone`],
      docs: [DOCS.k8sScheduler, DOCS.managedNodeGroups],
    },
  };
}

function noAutoscaler(snapshot: Snapshot, waiting: Waiting[]): NewFinding<Code> {
  const groups = [...new Map(waiting.flatMap((w) => w.fitting.filter((s) => !s.full)).map((s) => [s.name, s])).values()];
  return {
    code: 'no-autoscaler',
    keyResource: 'cluster-autoscaler',
    title: 'No cluster-autoscaler runs: nothing adds nodes for the Pending pods',
    rootCause: `The pods lack room and ${groups.map((g) => g.name).join(', ')} could grow, but no Deployment in the cluster runs the cluster-autoscaler and no Karpenter or Auto Mode NodePool can take the pods: the groups' desired capacity stays where it is.`,
    evidence: [...waitingLines(waiting), ...groups.map(describeSource), 'No Deployment in any namespace runs the cluster-autoscaler image.', ...(snapshot.kubernetes.nodePools?.length ? [] : ['No Karpenter or Auto Mode NodePool is installed.'])],
    resources: uniqueRefs([...capacitySourceRefs(groups), ...waiting.map((w) => workloadResource(w.pods[0]!.workload))]),
    canExplain: workloadScope(waiting),
    fix: {
      summary: 'Install the cluster-autoscaler (or Karpenter, or turn on EKS Auto Mode), or raise the desired capacity by hand for now.',
      commands: groups.map((g) =>
        g.nodegroup
          ? `aws eks update-nodegroup-config --cluster-name ${snapshot.cluster.name} --nodegroup-name ${g.nodegroup} --scaling-config desiredSize=${Math.min((g.group?.DesiredCapacity ?? 0) + 1, g.group?.MaxSize ?? 1)} --region ${snapshot.cluster.region}`
          : `aws autoscaling set-desired-capacity --auto-scaling-group-name ${g.name} --desired-capacity ${Math.min((g.group?.DesiredCapacity ?? 0) + 1, g.group?.MaxSize ?? 1)} --region ${snapshot.cluster.region}`,
      ),
      docs: [DOCS.eksAutoscaling, DOCS.clusterAutoscaler],
    },
  };
}

function notRunning(_snapshot: Snapshot, waiting: Waiting[], autoscalers: { deployment: KubeDeployment; settings: ClusterAutoscalerSettings }[]): NewFinding<Code> {
  const a = autoscalers[0]!;
  const { namespace, deployment } = a.settings;
  return {
    code: 'autoscaler-not-running',
    keyResource: `${namespace}/${deployment}`,
    title: `The cluster-autoscaler (${namespace}/${deployment}) has no running replica`,
    rootCause: `Deployment ${namespace}/${deployment} runs the cluster-autoscaler, but ${a.deployment.spec?.replicas === 0 ? 'it is scaled to 0 replicas' : `none of its ${a.deployment.spec?.replicas ?? 1} replicas is available`}: nothing triggers a scale-up for the Pending pods.`,
    evidence: [...waitingLines(waiting), `Deployment ${namespace}/${deployment}: ${a.deployment.status?.availableReplicas ?? 0} of ${a.deployment.spec?.replicas ?? 0} replicas available.`, ...(a.deployment.status?.conditions ?? []).map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`)],
    resources: uniqueRefs([resource.deployment(namespace, deployment), ...waiting.map((w) => workloadResource(w.pods[0]!.workload))]),
    canExplain: workloadScope(waiting),
    fix: {
      summary: a.deployment.spec?.replicas === 0 ? 'Scale the cluster-autoscaler back to one replica.' : 'Find why its pod does not run (its events and logs) and fix that.',
      commands: [
        ...(a.deployment.spec?.replicas === 0 ? [`kubectl scale deployment -n ${namespace} ${deployment} --replicas=1`] : []),
        `kubectl describe deployment -n ${namespace} ${deployment}`,
        `kubectl logs -n ${namespace} deployment/${deployment} --tail=50`,
      ],
      docs: [DOCS.clusterAutoscaler],
    },
  };
}

function cannotDiscover(snapshot: Snapshot, waiting: Waiting[], autoscalers: { settings: ClusterAutoscalerSettings }[]): NewFinding<Code> {
  const groups = [...new Map(waiting.flatMap((w) => w.fitting.filter((s) => !s.full && s.kind === 'auto-scaling-group')).map((s) => [s.name, s])).values()];
  const settings = autoscalers[0]!.settings;
  const specs = settings.autoDiscovery;
  const wanted = specs[0]?.tags ?? [];
  const region = snapshot.cluster.region;
  return {
    code: 'autoscaler-cannot-discover',
    keyResource: groups.map((g) => g.name).join(','),
    title: `The cluster-autoscaler does not discover ${groups.map((g) => g.name).join(', ')}, which the Pending pods need`,
    rootCause: `The cluster-autoscaler (${settings.namespace}/${settings.deployment}) finds groups by ${specs.length > 0 ? specs.map((s) => `--node-group-auto-discovery=${s.spec}`).join(' and ') : 'no --node-group-auto-discovery flag'}${settings.staticGroups.length > 0 ? ` and --nodes ${settings.staticGroups.map((g) => g.name).join(', ')}` : ''}; ${groups.length === 1 ? 'this group lacks' : 'these groups lack'} ${wanted.length > 0 ? `the tag${wanted.length === 1 ? '' : 's'} ${wanted.map((t) => t.key).join(', ')}` : 'a matching tag'}, so it never scales ${groups.length === 1 ? 'it' : 'them'}.`,
    evidence: [...waitingLines(waiting), ...groups.map((g) => `${describeSource(g)}; tags: ${(g.group?.Tags ?? []).map((t) => t.Key).join(', ') || 'none'}`), ...autoscalerEvidence(waiting)],
    resources: uniqueRefs([...capacitySourceRefs(groups), resource.deployment(settings.namespace, settings.deployment), ...waiting.map((w) => workloadResource(w.pods[0]!.workload))]),
    canExplain: workloadScope(waiting),
    fix: {
      summary: 'Tag the groups as the auto-discovery flag expects (or add them with --nodes=MIN:MAX:NAME); the cluster-autoscaler picks them up at its next scan.',
      commands: groups.map((g) => `aws autoscaling create-or-update-tags --region ${region} --tags ${wanted.map((t) => `ResourceId=${g.name},ResourceType=auto-scaling-group,Key=${t.key},Value=${t.value ?? (t.key.endsWith('/enabled') ? 'true' : 'owned')},PropagateAtLaunch=false`).join(' ')}`),
      docs: [DOCS.clusterAutoscaler],
    },
  };
}

interface Backoff {
  group: string;
  errorCode?: string;
  errorMessage?: string;
  configMap: string;
}

interface StatusYaml {
  nodeGroups?: { name?: string; scaleUp?: { status?: string; backoffInfo?: { errorCode?: string; errorMessage?: string } } }[];
}

/** Groups the cluster-autoscaler's status ConfigMap reports in Backoff (YAML format of 1.30 and later). */
function statusBackoffs(snapshot: Snapshot): Map<string, Backoff> {
  const out = new Map<string, Backoff>();
  for (const map of snapshot.kubernetes.clusterAutoscalerStatus ?? []) {
    let status: StatusYaml | undefined;
    try {
      status = parse(map.data?.status ?? '') as StatusYaml;
    } catch {
      continue; // the plain-text format of versions before 1.30 carries no per-group backoff we parse
    }
    for (const group of status?.nodeGroups ?? []) {
      if (group.name && group.scaleUp?.status === 'Backoff') {
        out.set(group.name, { group: group.name, ...(group.scaleUp.backoffInfo?.errorCode ? { errorCode: group.scaleUp.backoffInfo.errorCode } : {}), ...(group.scaleUp.backoffInfo?.errorMessage ? { errorMessage: group.scaleUp.backoffInfo.errorMessage } : {}), configMap: `${map.metadata?.namespace}/${map.metadata?.name}` });
      }
    }
  }
  return out;
}

function backingOff(snapshot: Snapshot, waiting: Waiting[], b: Backoff): NewFinding<Code> {
  const [namespace, name] = b.configMap.split('/') as [string, string];
  return {
    code: 'scale-up-backoff',
    keyResource: b.group,
    title: `The cluster-autoscaler is backing off ${b.group}: its last scale-up failed${b.errorCode ? ` (${b.errorCode})` : ''}`,
    rootCause: `The cluster-autoscaler's status reports ${b.group} in Backoff${b.errorCode ? ` with ${b.errorCode}` : ''}${b.errorMessage ? `: ${b.errorMessage}` : ''}. It tried to add nodes, the launch failed, and it waits before asking that group again; the Auto Scaling group's activities say what failed.`,
    evidence: [...waitingLines(waiting), `ConfigMap ${b.configMap}: nodeGroups[${b.group}].scaleUp.status = Backoff${b.errorCode ? `, backoffInfo.errorCode = ${b.errorCode}` : ''}${b.errorMessage ? `, errorMessage = ${b.errorMessage}` : ''}`, ...autoscalerEvidence(waiting)],
    resources: uniqueRefs([resource.autoScalingGroup(b.group), resource.configMap(namespace, name), ...waiting.map((w) => workloadResource(w.pods[0]!.workload))]),
    canExplain: workloadScope(waiting),
    fix: {
      summary: 'Fix what the group\'s failed launches say (the causes eks-doctor ranks for the group), or let the pods use another group.',
      commands: [`aws autoscaling describe-scaling-activities --auto-scaling-group-name ${b.group} --max-items 5 --region ${snapshot.cluster.region}`, `kubectl get configmap -n ${namespace} ${name} -o jsonpath='{.data.status}'`],
      docs: [DOCS.clusterAutoscaler, DOCS.asgInstanceLaunchFailure],
    },
  };
}

/**
 * Workloads that `onPool` says wait on a NodePool. When the NodePools could not be read, no source
 * names a pool: the workloads no readable group can take are the ones Karpenter would launch for,
 * so its failures still explain them rather than silently nothing.
 */
function waitingOnPools(snapshot: Snapshot, waiting: Waiting[], onPool: (s: CapacitySource) => boolean): Waiting[] {
  const poolsUnseen = unseenParts(snapshot, ['kubernetes.nodePools']).length > 0;
  return waiting.filter((w) => w.fitting.some(onPool) || (poolsUnseen && w.fitting.length === 0));
}

/** Workloads waiting on a NodePool that launches with this node class. */
function waitingOnClass(snapshot: Snapshot, waiting: Waiting[], nodeClass: NodeClass): Waiting[] {
  return waitingOnPools(snapshot, waiting, (s) => s.pool !== undefined && nodeClassOf(snapshot, s.pool) === nodeClass);
}

function nodeClassFindings(snapshot: Snapshot, waiting: Waiting[]): NewFinding<Code>[] {
  return [...(snapshot.kubernetes.ec2NodeClasses ?? []), ...(snapshot.kubernetes.autoModeNodeClasses ?? [])].flatMap((nodeClass) => {
    const problems = nodeClassProblems(nodeClass);
    if (problems.length === 0) return [];
    const kind = nodeClass.kind ?? (nodeClass.apiVersion?.startsWith('eks.amazonaws.com') ? 'NodeClass' : 'EC2NodeClass');
    const name = nodeClass.metadata?.name ?? '';
    const held = waitingOnClass(snapshot, waiting, nodeClass);
    const resourceName = kind === 'NodeClass' ? 'nodeclass' : 'ec2nodeclass';
    return [
      {
        code: 'node-class-not-ready' as const,
        keyResource: `${kind}/${name}`,
        title: `${kind} ${name} is not ready: ${problems.map((p) => p.type).join(', ')}`,
        rootCause: `${kind} ${name} reports ${problems.map((p) => `${p.type}=${p.status}${p.message ? ` (${p.message})` : ''}`).join('; ')}. The NodePools that use it cannot launch nodes until it resolves its subnets, security groups and instance profile.`,
        evidence: [...problems.map((p) => `${p.type}=${p.status}, reason ${p.reason ?? '?'}, since ${p.lastTransitionTime ?? '?'}${p.message ? `: ${p.message}` : ''}`), ...waitingLines(held)],
        resources: uniqueRefs([{ type: `k8s:${kind}`, id: name }, ...held.map((w) => workloadResource(w.pods[0]!.workload))]),
        ...(held.length > 0 ? { canExplain: workloadScope(held) } : { canExplain: [] }),
        fix: {
          summary: 'Make its selectors match what exists: subnets and security groups carrying the selector tags, an IAM role (or instance profile) that exists.',
          commands: [`kubectl describe ${resourceName} ${name}`, `kubectl get ${resourceName} ${name} -o jsonpath='{.spec.subnetSelectorTerms}{"\\n"}{.spec.securityGroupSelectorTerms}{"\\n"}{.spec.role}{"\\n"}'`],
          docs: [kind === 'NodeClass' ? DOCS.automode : DOCS.karpenterTroubleshooting],
        },
      },
    ];
  });
}

function nodeClaimFindings(snapshot: Snapshot, waiting: Waiting[]): NewFinding<Code>[] {
  const failed = failedNodeClaims(snapshot);
  if (failed.length === 0) return [];
  const byPool = new Map<string, typeof failed>();
  for (const f of failed) {
    const pool = f.claim.metadata?.labels?.['karpenter.sh/nodepool'] ?? '';
    byPool.set(pool, [...(byPool.get(pool) ?? []), f]);
  }
  return [...byPool.entries()].map(([pool, claims]) => {
    const held = waitingOnPools(snapshot, waiting, (s) => s.kind === 'node-pool' && s.name === pool);
    const reasons = [...new Set(claims.map((c) => c.launched.reason ?? '?'))];
    // EC2's quota errors as CreateFleet returns them in the NodeClaim's message (from memory of the EC2 API error codes).
    // IAM's denial as EC2 words it: "User: arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION is not authorized to perform: ACTION on resource: ARN".
    const deniedMatch = /User: arn:aws[\w-]*:sts::(\d+):assumed-role\/([^/\s]+)\/\S+ is not authorized to perform: (\S+) on resource: (\S+)/.exec(claims[0]!.launched.message ?? '');
    const denied = deniedMatch ? { account: deniedMatch[1]!, role: deniedMatch[2]!, action: deniedMatch[3]!, resource: deniedMatch[4]! } : undefined;
    const quota = claims.every((c) => /VcpuLimitExceeded|MaxSpotInstanceCountExceeded|InstanceLimitExceeded|vCPU limit/i.test(c.launched.message ?? ''));
    return {
      code: quota ? ('node-claim-launch-quota' as const) : ('node-claim-launch-failed' as const),
      keyResource: `NodePool/${pool}`,
      title: `${claims.length} NodeClaim${claims.length === 1 ? '' : 's'} of NodePool ${pool || '(none)'} failed to launch (${reasons.join(', ')})`,
      rootCause: `Karpenter could not launch instances for NodePool ${pool}: ${claims[0]!.launched.message ?? claims[0]!.launched.reason ?? 'no message'}.`,
      evidence: [...cappedLines(claims.map((c) => `NodeClaim ${c.claim.metadata?.name}: Launched=False, reason ${c.launched.reason ?? '?'}, since ${c.launched.lastTransitionTime ?? '?'}: ${c.launched.message ?? ''}`), 5, 'NodeClaims'), ...waitingLines(held)],
      resources: uniqueRefs([resource.nodePool(pool), ...claims.map((c) => resource.nodeClaim(c.claim.metadata?.name ?? '')), ...held.map((w) => workloadResource(w.pods[0]!.workload))]),
      canExplain: held.length > 0 ? workloadScope(held) : [],
      fix: denied
        ? {
            summary: `Let Karpenter's controller role ${denied.role} call ${denied.action} on ${denied.resource} (its controller policy for your Karpenter version allows it); Karpenter retries with new NodeClaims.`,
            commands: [
              `aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::${denied.account}:role/${denied.role} --action-names ${denied.action} --resource-arns ${denied.resource}`,
              `aws iam list-attached-role-policies --role-name ${denied.role}`,
              `kubectl describe nodeclaim ${claims[0]!.claim.metadata?.name ?? ''}`,
            ],
            docs: [DOCS.karpenterTroubleshooting],
          }
        : {
            summary: 'Fix what the launch error names (instance types with capacity, the EC2 quota, the node role\'s permissions); Karpenter retries with new NodeClaims.',
            commands: [`kubectl describe nodeclaim ${claims[0]!.claim.metadata?.name ?? ''}`, `kubectl get events -A --field-selector involvedObject.kind=NodeClaim --sort-by=.lastTimestamp`],
            docs: [DOCS.karpenterTroubleshooting, DOCS.ec2InsufficientCapacity],
          },
    };
  });
}

/** How long after Karpenter's last InsufficientCapacityError its NodePool still counts as short of capacity. */
const CAPACITY_ERROR_WINDOW_MINUTES = 30;

/**
 * Karpenter deletes a NodeClaim whose launch failed for lack of capacity and publishes a Warning
 * event on it, reason InsufficientCapacityError, "NodeClaim NAME event: ERROR" (from memory of
 * karpenter's pkg/controllers/nodeclaim/lifecycle/launch.go and events.go): the event outlives the
 * NodeClaim. Its NodePool is the NodeClaim's name less the suffix generateName adds ("default-x7k2p").
 */
function capacityErrorFindings(snapshot: Snapshot, waiting: Waiting[], now: Date): NewFinding<Code>[] {
  const byPool = new Map<string, KubernetesEvent[]>();
  for (const raw of snapshot.kubernetes.warningEvents ?? []) {
    const event = normalizeEvent(raw);
    if (event.reason !== 'InsufficientCapacityError' || event.regarding.kind !== 'NodeClaim' || minutesSinceLastSeen(event, now) > CAPACITY_ERROR_WINDOW_MINUTES) continue;
    const pool = /^(.+)-[a-z0-9]{5}$/.exec(event.regarding.name ?? '')?.[1];
    if (pool) byPool.set(pool, [...(byPool.get(pool) ?? []), event]);
  }
  return [...byPool.entries()].flatMap(([pool, events]) => {
    const held = waitingOnPools(snapshot, waiting, (s) => s.kind === 'node-pool' && s.name === pool);
    if (held.length === 0) return []; // Karpenter found capacity elsewhere: nothing waits on it
    const newest = [...events].sort(newestFirst)[0]!;
    return [
      {
        code: 'node-claim-capacity-unavailable' as const,
        keyResource: `NodePool/${pool}`,
        title: `EC2 has no capacity for NodePool ${pool}'s instance types: ${events.length} launch${events.length === 1 ? '' : 'es'} failed with InsufficientCapacityError`,
        rootCause: `Karpenter's launches for NodePool ${pool} fail for lack of EC2 capacity in the instance types, zones and purchase option the NodePool allows (${newest.message}); it deletes each NodeClaim and tries again, and the pods wait.`,
        evidence: [...cappedLines(events.map((e) => `NodeClaim ${e.regarding.name}: ${describeEvent(e)}`), 5, 'NodeClaims'), ...waitingLines(held)],
        resources: uniqueRefs([resource.nodePool(pool), ...held.map((w) => workloadResource(w.pods[0]!.workload))]),
        canExplain: workloadScope(held),
        fix: {
          summary: `Let NodePool ${pool} use more instance types (wider instance-category, -family or -size requirements), more zones, or On-Demand as well as Spot; Karpenter picks from whatever its requirements allow.`,
          commands: [`kubectl get nodepool ${pool} -o jsonpath='{.spec.template.spec.requirements}'`, `kubectl get events -A --field-selector reason=InsufficientCapacityError --sort-by=.lastTimestamp`],
          docs: [DOCS.karpenterTroubleshooting, DOCS.ec2InsufficientCapacity],
        },
      },
    ];
  });
}
