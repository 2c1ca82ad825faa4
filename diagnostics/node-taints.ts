/**
 * Taints that hold Pending pods: the scheduler's TaintToleration filter rejects a node whose
 * NoSchedule or NoExecute taint the pod does not tolerate, with the reason "node(s) had untolerated
 * taint {key: value}" (from memory of pkg/scheduler/framework/plugins/tainttoleration/
 * taint_toleration.go, Filter: v1helper.FindMatchingUntoleratedTaint over the DoNotSchedule
 * taints, status UnschedulableAndUnresolvable). One finding per taint, naming the nodes that carry
 * it, where it comes from (a managed node group's taints, a NodePool's spec.template.spec.taints,
 * or put on the nodes directly) and the workloads it holds, with both fixes: a toleration on the
 * workload, or the taint taken off the group, pool or nodes.
 *
 * A taint is reported only when the nodes carrying it are nodes the pods select (their nodeSelector
 * and required node affinity match them): a dedicated group doing its job for pods that do not want
 * it is not a cause. Taints that are someone else's finding or that go away on their own are left
 * out: the node lifecycle controller's condition taints (node.kubernetes.io/not-ready, unreachable,
 * memory-, disk- and pid-pressure: node-conditions' NotReady and pressure findings explain those
 * pods through the nodes unschedulable-pods names), the cloud provider's uninitialized/shutdown
 * taints, the autoscalers' scale-down and disruption taints, Fargate's own taint, and taints a
 * self-managed group's user data registers (node-bootstrap's taints-not-tolerated).
 */
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import type { FixWay, ResourceRef } from '../src/engine/finding.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import type { KubeNode, KubePod, NodePool, Snapshot } from '../src/snapshot/types.js';
import { EKS_EFFECT, selectsNodes, tolerates, type Taint } from './lib/capacity-sources.js';
import { DOCS } from './lib/docs-links.js';
import { groupUserData } from './lib/launch-templates.js';
import { scaleUpUnderWay, unschedulablePods, type UnschedulablePod } from './lib/pending-pods.js';
import { instancesById, nodePlacement } from './lib/symptom-resources.js';
import { cappedLines, describeWorkload, groupByWorkload, workloadResource, type WorkloadRef } from './lib/workload-owner.js';

type Code = 'untolerated-taint';

const QUOTED = 5;

/**
 * Taint keys that are not a configuration to fix: the node lifecycle controller's (from memory of
 * pkg/apis/core/well_known_taints.go: node.kubernetes.io/*), the cloud node controller's
 * (node.cloudprovider.kubernetes.io/uninitialized, /shutdown), the cluster-autoscaler's scale-down
 * taint (cluster-autoscaler/utils/taints/taints.go: ToBeDeletedByClusterAutoscaler), Karpenter's
 * disruption and registration taints (pkg/apis/v1/taints.go: karpenter.sh/disrupted,
 * karpenter.sh/unregistered; karpenter.sh/disruption before v1) and the taint of Fargate nodes,
 * which take only the pods a Fargate profile selects.
 */
function isManagedElsewhere(key: string): boolean {
  return (
    key.startsWith('node.kubernetes.io/') ||
    key.startsWith('node.cloudprovider.kubernetes.io/') ||
    ['ToBeDeletedByClusterAutoscaler', 'karpenter.sh/disrupted', 'karpenter.sh/disruption', 'karpenter.sh/unregistered', 'eks.amazonaws.com/compute-type'].includes(key)
  );
}

/** Where a node's taint comes from, so the fix changes the source and not only today's nodes. */
type Origin =
  | { kind: 'nodegroup'; name: string; configured: boolean }
  | { kind: 'node-pool'; name: string; pool?: NodePool; index: number; builtIn: boolean }
  | { kind: 'user-data' }
  | { kind: 'node' };

interface TaintedNode {
  node: KubeNode;
  name: string;
  taint: Taint;
  origin: Origin;
  autoScalingGroup?: string;
}

/** EKS Auto Mode's built-in NodePools, which cannot be edited (from memory of the EKS user guide, "Enable or Disable Built-in NodePools"). */
const AUTO_MODE_BUILT_IN_POOLS = new Set(['general-purpose', 'system']);

const sameTaint = (a: { key?: string; value?: string }, b: { key?: string; value?: string }) => a.key === b.key && (a.value ?? '') === (b.value ?? '');

export default defineDiagnostic<Code>({
  id: 'node-taints',
  title: 'Pending pods tolerate the taints of the nodes they select',
  description:
    "For pods the scheduler rejects with \"node(s) had untolerated taint {key: value}\", finds the nodes they select (nodeSelector and node affinity) that carry the taint, and where it comes from: a managed node group's taints, a Karpenter or Auto Mode NodePool's template, or the nodes themselves. The node lifecycle controller's not-ready, unreachable and pressure taints are left to the NotReady and pressure findings, which explain those pods.",
  docs: [DOCS.k8sTaints, DOCS.managedNodeGroupTaints, DOCS.karpenterNodePools],
  needs: ['kubernetes.problemPods', 'kubernetes.nodes'],
  uses: ['kubernetes.warningEvents', 'kubernetes.scalingEvents', 'kubernetes.replicaSets', 'kubernetes.jobs', 'kubernetes.nodeClaims', 'kubernetes.nodePools', 'aws.nodegroups', 'aws.reservations', 'aws.autoScalingGroups', 'aws.launchTemplateVersions', 'aws.launchTemplateUserData'],
  codes: {
    'untolerated-taint': {
      severity: 'warning',
      title: 'A taint on the nodes Pending pods select is not tolerated',
      description:
        'Pods select nodes (by nodeSelector or node affinity, or select any node) that carry a NoSchedule or NoExecute taint the pods have no toleration for, so the scheduler rejects each of them. The taint is named with its nodes and its source (node group, NodePool, or set on the nodes directly), with both fixes: a toleration on the workload, or the taint removed at its source.',
      explains: ['pod-unschedulable'],
      ruledOut: 'no taint that Pending pods do not tolerate is on the nodes they select',
    },
  },
  check({ snapshot, now }) {
    const nodeTaints = taintedNodes(snapshot);
    // taint "key=value" -> the workloads it holds, and the nodes carrying it that they select
    const byTaint = new Map<string, { key: string; value: string; workloads: { workload: WorkloadRef; pods: UnschedulablePod[] }[]; nodes: Map<string, TaintedNode> }>();
    const held = groupByWorkload(
      unschedulablePods(snapshot).filter((p) => p.failure && !p.fargate),
      (p) => ({ workload: p.workload, reason: 'taint' }),
    ).filter((g) => !scaleUpUnderWay(snapshot, g.members, now));
    for (const group of held) {
      const pod = group.members[0]!;
      const named = pod.failure!.obstacles.flatMap((o) => (o.kind === 'taint' && o.taint && !isManagedElsewhere(o.taint.key) ? [o.taint] : []));
      for (const taint of named) {
        const carrying = nodeTaints.filter((t) => sameTaint(t.taint, taint) && !tolerates(pod.pod, t.taint) && selects(pod.pod, t.node));
        if (carrying.length === 0 || carrying.every((t) => t.origin.kind === 'user-data')) continue;
        const id = `${taint.key}=${taint.value}`;
        const entry = byTaint.get(id) ?? { key: taint.key, value: taint.value, workloads: [], nodes: new Map<string, TaintedNode>() };
        entry.workloads.push({ workload: group.workload, pods: group.members });
        for (const t of carrying) entry.nodes.set(`${t.name}:${t.taint.effect}`, t);
        byTaint.set(id, entry);
      }
    }
    return [...byTaint.values()].map((entry) => finding(snapshot, entry.key, entry.value, entry.workloads, [...entry.nodes.values()]));
  },
});

function selects(pod: KubePod, node: KubeNode): boolean {
  return selectsNodes(pod, { labels: node.metadata?.labels ?? {}, openLabels: new Set() });
}

/** Every NoSchedule/NoExecute taint on the cluster's nodes, with where it comes from. */
function taintedNodes(snapshot: Snapshot): TaintedNode[] {
  const instances = instancesById(snapshot);
  const out: TaintedNode[] = [];
  for (const node of snapshot.kubernetes.nodes ?? []) {
    const taints = (node.spec?.taints ?? []).filter((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !isManagedElsewhere(t.key));
    if (taints.length === 0) continue;
    const placement = nodePlacement(node, instances);
    for (const t of taints) {
      const taint: Taint = { key: t.key, ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect };
      out.push({ node, name: placement.nodeName, taint, origin: originOf(snapshot, node, placement.autoScalingGroup, taint), ...(placement.autoScalingGroup ? { autoScalingGroup: placement.autoScalingGroup } : {}) });
    }
  }
  return out;
}

function originOf(snapshot: Snapshot, node: KubeNode, autoScalingGroup: string | undefined, taint: Taint): Origin {
  const labels = node.metadata?.labels ?? {};
  const nodegroupName = labels['eks.amazonaws.com/nodegroup'];
  if (nodegroupName) {
    const nodegroup = snapshot.aws.nodegroups?.find((g) => g.nodegroupName === nodegroupName);
    const configured = (nodegroup?.taints ?? []).some((t) => sameTaint(t, taint) && EKS_EFFECT[t.effect ?? ''] === taint.effect);
    return { kind: 'nodegroup', name: nodegroupName, configured };
  }
  const poolName = labels['karpenter.sh/nodepool'];
  if (poolName) {
    const pool = snapshot.kubernetes.nodePools?.find((p) => p.metadata?.name === poolName);
    const index = (pool?.spec?.template?.spec?.taints ?? []).findIndex((t) => sameTaint(t, taint) && t.effect === taint.effect);
    const builtIn = pool?.spec?.template?.spec?.nodeClassRef?.group === 'eks.amazonaws.com' && AUTO_MODE_BUILT_IN_POOLS.has(poolName);
    return { kind: 'node-pool', name: poolName, ...(pool ? { pool } : {}), index, builtIn };
  }
  const group = autoScalingGroup ? snapshot.aws.autoScalingGroups?.find((g) => g.AutoScalingGroupName === autoScalingGroup) : undefined;
  const registered = group ? (groupUserData(snapshot, group, undefined)?.facts.taints ?? []) : [];
  if (registered.some((t) => sameTaint(t, taint) && t.effect === taint.effect)) return { kind: 'user-data' };
  return { kind: 'node' };
}

const describeTaint = (t: Taint) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;

function originLabel(t: TaintedNode): string {
  const o = t.origin;
  if (o.kind === 'nodegroup') return o.configured ? `node group ${o.name} (in its taints)` : `node group ${o.name} (put on the nodes directly: the node group does not define it)`;
  if (o.kind === 'node-pool') return o.index >= 0 ? `NodePool ${o.name} (spec.template.spec.taints)` : `NodePool ${o.name} (put on the nodes directly: the NodePool does not define it)`;
  if (o.kind === 'user-data') return `Auto Scaling group ${t.autoScalingGroup} (its launch template's user data)`;
  return t.autoScalingGroup ? `Auto Scaling group ${t.autoScalingGroup} (put on the nodes directly)` : 'put on the nodes directly';
}

/** The workload's pod template with one more toleration: a merge patch replaces the list, so it carries the ones it has. */
function tolerationWay(w: { workload: WorkloadRef; pods: UnschedulablePod[] }, taint: Taint): string {
  const { workload } = w;
  // The DefaultTolerationSeconds admission plugin adds these to pods, not to templates (from memory of plugin/pkg/admission/defaulttolerationseconds).
  const admitted = (t: { key?: string; tolerationSeconds?: number }) => (t.key === 'node.kubernetes.io/not-ready' || t.key === 'node.kubernetes.io/unreachable') && t.tolerationSeconds === 300;
  const existing = (w.pods[0]!.pod.spec?.tolerations ?? []).filter((t) => !admitted(t));
  const added = { key: taint.key, operator: taint.value ? 'Equal' : 'Exists', ...(taint.value ? { value: taint.value } : {}), effect: taint.effect };
  const tolerations = JSON.stringify([...existing, added]);
  const ns = workload.namespace ? ` -n ${workload.namespace}` : '';
  const kind = workload.kind.toLowerCase();
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(workload.kind)) return `kubectl patch ${kind}${ns} ${workload.name} --type merge -p '{"spec":{"template":{"spec":{"tolerations":${tolerations}}}}}'`;
  if (workload.kind === 'CronJob') return `kubectl patch cronjob${ns} ${workload.name} --type merge -p '{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"tolerations":${tolerations}}}}}}}'`;
  // A Job's and a Pod's template cannot be changed: recreate it with the toleration.
  return `kubectl get ${kind}${ns} ${workload.name} -o yaml > ${workload.name}.yaml   # add under spec${workload.kind === 'Pod' ? '' : '.template.spec'}.tolerations: ${JSON.stringify(added)}; then: kubectl replace --force -f ${workload.name}.yaml`;
}

/** How to take the taint off at its source: the node group's config, the NodePool's template, or the nodes. */
function removalCommands(snapshot: Snapshot, nodes: TaintedNode[]): string[] {
  const commands = new Set<string>();
  const direct: TaintedNode[] = [];
  for (const t of nodes) {
    const o = t.origin;
    if (o.kind === 'nodegroup' && o.configured) {
      const eksEffect = Object.entries(EKS_EFFECT).find(([, k]) => k === t.taint.effect)?.[0] ?? t.taint.effect;
      commands.add(`aws eks update-nodegroup-config --cluster-name ${snapshot.cluster.name} --nodegroup-name ${o.name} --taints 'removeTaints=[{key=${t.taint.key}${t.taint.value ? `,value=${t.taint.value}` : ''},effect=${eksEffect}}]' --region ${snapshot.cluster.region}`);
    } else if (o.kind === 'node-pool' && o.index >= 0 && !o.builtIn) {
      commands.add(`kubectl patch nodepool ${o.name} --type json -p '[{"op":"remove","path":"/spec/template/spec/taints/${o.index}"}]'`);
    } else if (o.kind !== 'user-data' && !(o.kind === 'node-pool' && o.builtIn)) direct.push(t);
  }
  const byNode = [...new Set(direct.map((t) => `kubectl taint nodes ${t.name} ${describeTaint(t.taint)}-`))];
  return [...commands, ...cappedLines(byNode, QUOTED, 'nodes').map((line) => (line.startsWith('...') ? `# ${line.slice(4)}: the same command for each` : line))];
}

function finding(snapshot: Snapshot, key: string, value: string, workloads: { workload: WorkloadRef; pods: UnschedulablePod[] }[], nodes: TaintedNode[]): NewFinding<Code> {
  const shown = `${key}${value ? `=${value}` : ''}`;
  const nodeNames = [...new Set(nodes.map((t) => t.name))];
  const origins = [...new Set(nodes.map(originLabel))];
  const effects = [...new Set(nodes.map((t) => t.taint.effect))];
  const configured = nodes.some((t) => (t.origin.kind === 'nodegroup' && t.origin.configured) || (t.origin.kind === 'node-pool' && t.origin.index >= 0));
  const podCount = workloads.reduce((n, w) => n + w.pods.length, 0);
  const first = workloads[0]!;
  const subject = `${podCount} pod${podCount === 1 ? '' : 's'} of ${describeWorkload(first.workload)}${workloads.length > 1 ? ` and ${workloads.length - 1} more workload${workloads.length === 2 ? '' : 's'}` : ''}`;
  const firstTaint = nodes[0]!.taint;
  const addToleration: FixWay = {
    summary: `Give ${workloads.length === 1 ? describeWorkload(first.workload) : 'the workloads'} a toleration for ${describeTaint(firstTaint)}, if these nodes are meant for ${workloads.length === 1 ? 'it' : 'them'}.`,
    commands: workloads.slice(0, QUOTED).map((w) => tolerationWay(w, firstTaint)),
  };
  const removal: FixWay = {
    summary: `Take the taint off at its source${configured ? '' : ' (it is on the nodes only, so nothing puts it back on them but whoever set it)'}, if these nodes are not meant to be reserved.`,
    commands: removalCommands(snapshot, nodes),
  };
  const builtIn = nodes.map((t) => t.origin).find((o) => o.kind === 'node-pool' && o.builtIn);
  // A taint someone configured on purpose keeps its nodes for chosen workloads: tolerating it is the usual fix; one put on by hand is usually left over.
  const [primary, ...others] = configured || removal.commands.length === 0 ? [addToleration, removal] : [removal, addToleration];
  const alternatives = others.filter((w) => w.commands.length > 0);
  return {
    code: 'untolerated-taint',
    keyResource: shown,
    title: `Taint ${shown} on ${nodeNames.length} node${nodeNames.length === 1 ? '' : 's'} of ${origins.map((o) => o.replace(/ \(.*\)$/, '')).join(', ')} keeps ${subject} Pending`,
    rootCause: `The pods select these nodes (their nodeSelector and node affinity match them) but do not tolerate their taint ${effects.map((e) => `${shown}:${e}`).join(' and ')}, so the scheduler's TaintToleration filter rejects each of them ("node(s) had untolerated taint {${key}: ${value}}"). The taint comes from ${origins.join('; ')}.${builtIn?.kind === 'node-pool' ? ` NodePool ${builtIn.name} is one of EKS Auto Mode's built-in NodePools, which cannot be edited: tolerate the taint, or run the pods on a NodePool of your own.` : ''}`,
    evidence: [
      ...cappedLines(
        workloads.map((w) => `${w.pods.length} pod${w.pods.length === 1 ? '' : 's'} of ${describeWorkload(w.workload)} Pending: ${w.pods[0]!.message}`),
        QUOTED,
        'workloads',
      ),
      ...origins.map((o) => `${o}: ${cappedLines(nodes.filter((t) => originLabel(t) === o).map((t) => `${t.name} (${describeTaint(t.taint)})`), QUOTED, 'nodes').join(', ')}`),
      `Tolerations of ${describeWorkload(first.workload)}'s pods: ${JSON.stringify(first.pods[0]!.pod.spec?.tolerations ?? [])}`,
    ],
    resources: uniqueRefs([
      ...workloads.map((w) => workloadResource(w.workload)),
      ...nodes.flatMap((t): ResourceRef[] => [
        ...(t.origin.kind === 'nodegroup' ? [resource.nodegroup(t.origin.name)] : []),
        ...(t.origin.kind === 'node-pool' ? [resource.nodePool(t.origin.name)] : []),
        ...(t.autoScalingGroup ? [resource.autoScalingGroup(t.autoScalingGroup)] : []),
      ]),
      ...nodeNames.slice(0, QUOTED).map(resource.node),
    ]),
    canExplain: [{ symptom: 'pod-unschedulable', resources: workloads.map((w) => workloadResource(w.workload)) }],
    fix: { ...primary!, ...(alternatives.length > 0 ? { alternatives } : {}), docs: [DOCS.k8sTaints, ...(nodes.some((t) => t.origin.kind === 'nodegroup') ? [DOCS.managedNodeGroupTaints] : []), ...(nodes.some((t) => t.origin.kind === 'node-pool') ? [DOCS.karpenterNodePools] : [])] },
  };
}
