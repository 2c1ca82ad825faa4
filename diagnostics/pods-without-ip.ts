/**
 * Pods without IPs: pods stuck in ContainerCreating because the kubelet cannot set up their
 * network, seen in the Warning events FailedCreatePodSandBox ("failed to assign an IP address to
 * container", "failed to connect to ipamd"). Grouped per node: the node, its instance, subnet, Auto
 * Scaling group and node group are named, so an exhausted subnet, a full ENI budget or a CNI that
 * is not running can explain them (`pod-without-ip`).
 *
 * Events live an hour by default; a pod counts only while it is still not Running (when the list of
 * pods not Running was collected), or, without that list, when its event is less than an hour old.
 */
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import type { KubeEvent, Snapshot } from '../src/snapshot/types.js';
import { instancesById, nodePlacement, placementRefs, type NodePlacement } from './lib/symptom-resources.js';
import { containerLogCommands } from './lib/container-logs.js';
import { DOCS } from './lib/docs-links.js';


const EVENT_WINDOW_MINUTES = 60;
/** How many pods to quote per node: enough to see the pattern. */
const QUOTED = 5;

type Kind = 'no-free-ip' | 'cni-unreachable' | 'sandbox-network';

const PATTERNS: [Kind, RegExp][] = [
  ['no-free-ip', /failed to assign an IP address to container|no available IP addresses|InsufficientCidrBlocks|InsufficientFreeAddressesInSubnet|no free IP|ipamd: no available/i],
  ['cni-unreachable', /failed to connect to .*ipamd|127\.0\.0\.1:50051|cni plugin not initialized|network plugin (is )?not ready|aws-cni.*connection refused/i],
];

function classify(message: string): Kind {
  return PATTERNS.find(([, re]) => re.test(message))?.[0] ?? 'sandbox-network';
}

export default defineDiagnostic<'pods-without-ip'>({
  id: 'pods-without-ip',
  title: 'Pods get IP addresses',
  description:
    'Finds pods stuck because their sandbox network could not be set up (FailedCreatePodSandBox, "failed to assign an IP address to container"), grouped by node, with the node\'s subnet and instance named so subnet, ENI and CNI causes can explain them.',
  docs: [DOCS.troubleshootCni, DOCS.prefixDelegation],
  needs: ['kubernetes.warningEvents'],
  uses: ['kubernetes.problemPods', 'kubernetes.nodes', 'aws.reservations', 'aws.subnets'],
  codes: {
    'pods-without-ip': {
      severity: 'critical',
      title: 'Pods cannot get an IP address',
      description:
        'Pods on a node are stuck in ContainerCreating: the VPC CNI could not give them an address (the node\'s ENIs or the subnet are out of addresses) or could not be reached (aws-node not running on the node).',
      symptom: 'pod-without-ip',
    },
  },
  check({ snapshot, now }) {
    const problemPods = snapshot.kubernetes.problemPods;
    const stuck = new Map(problemPods?.map((p) => [`${p.metadata?.namespace}/${p.metadata?.name}`, p]));
    const byNode = new Map<string, { pod: string; event: KubeEvent; kind: Kind }[]>();
    for (const event of snapshot.kubernetes.warningEvents ?? []) {
      const o = event.involvedObject;
      const message = event.message ?? '';
      if (o?.kind !== 'Pod' || !o.name) continue;
      if (event.reason !== 'FailedCreatePodSandBox' && !/failed to assign an IP address to container/i.test(message)) continue;
      const pod = `${o.namespace ?? 'default'}/${o.name}`;
      if (problemPods) {
        const current = stuck.get(pod);
        if (!current || current.status?.phase === 'Running' || current.status?.phase === 'Succeeded') continue;
      } else if (minutesAgo(event, now) > EVENT_WINDOW_MINUTES) continue;
      const node = stuck.get(pod)?.spec?.nodeName ?? event.source?.host ?? (event.reportingInstance || undefined) ?? '';
      const list = byNode.get(node) ?? [];
      if (!list.some((x) => x.pod === pod)) list.push({ pod, event, kind: classify(message) });
      byNode.set(node, list);
    }
    const instances = instancesById(snapshot);
    const findings: NewFinding<'pods-without-ip'>[] = [];
    for (const [nodeName, pods] of [...byNode].sort(([a], [b]) => a.localeCompare(b))) {
      const node = snapshot.kubernetes.nodes?.find((n) => n.metadata?.name === nodeName);
      const placement: NodePlacement | undefined = node ? nodePlacement(node, instances) : nodeName ? { nodeName, fargate: false } : undefined;
      findings.push(nodeFinding(snapshot, placement, pods));
    }
    return findings;
  },
});

function minutesAgo(event: KubeEvent, now: Date): number {
  const at = event.series?.lastObservedTime ?? event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp;
  return at ? (now.getTime() - Date.parse(at)) / 60_000 : Number.POSITIVE_INFINITY;
}

function nodeFinding(snapshot: Snapshot, p: NodePlacement | undefined, pods: { pod: string; event: KubeEvent; kind: Kind }[]): NewFinding<'pods-without-ip'> {
  const counts = new Map<Kind, number>();
  for (const x of pods) counts.set(x.kind, (counts.get(x.kind) ?? 0) + 1);
  const kind = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  const where = p ? `node ${p.nodeName}` : 'an unknown node';
  const subnet = p?.subnetId ? snapshot.aws.subnets?.find((s) => s.SubnetId === p.subnetId) : undefined;
  const region = snapshot.cluster.region;
  const evidence = pods.slice(0, QUOTED).map((x) => `${x.pod}: ${x.event.reason} (x${x.event.count ?? 1}, last ${x.event.lastTimestamp ?? x.event.eventTime ?? '?'}): ${(x.event.message ?? '').trim()}`);
  if (pods.length > QUOTED) evidence.push(`... and ${pods.length - QUOTED} more pods on the same node.`);
  if (p?.instance?.InstanceType) evidence.push(`The node is a ${p.instance.InstanceType} in ${p.subnetId ?? 'an unknown subnet'}.`);
  if (subnet) evidence.push(`Subnet ${subnet.SubnetId} (${subnet.AvailabilityZone ?? '?'}) has ${subnet.AvailableIpAddressCount ?? '?'} free addresses.`);
  const rootCause =
    kind === 'no-free-ip'
      ? 'The VPC CNI on the node has no address to give: the node already holds as many ENIs and addresses as its instance type allows, or the subnet has no free addresses for another ENI.'
      : kind === 'cni-unreachable'
        ? 'The CNI plugin on the node cannot reach ipamd: the aws-node pod there is not running or not ready, so no pod on the node can get an address.'
        : 'The kubelet cannot set up the pods\' sandbox network; the event messages say what the CNI plugin answered.';
  const awsNode = p ? snapshot.kubernetes.kubeSystemPods?.find((x) => x.spec?.nodeName === p.nodeName && x.metadata?.ownerReferences?.some((o) => o.name === 'aws-node')) : undefined;
  const [ns, name] = pods[0]!.pod.split('/') as [string, string];
  return {
    code: 'pods-without-ip',
    // Keyed on the node; when no event or pod names one, on the first stuck pod: never a placeholder.
    keyResource: p?.nodeName ?? pods[0]!.pod,
    title: `${pods.length} pod${pods.length === 1 ? '' : 's'} on ${where} cannot get an IP address`,
    rootCause,
    evidence,
    resources: uniqueRefs([...(p ? placementRefs(p) : []), ...pods.map((x) => resource.pod(x.pod))]),
    fix: {
      summary:
        kind === 'no-free-ip'
          ? 'Free addresses for the node: more free addresses in its subnet, prefix delegation to pack more pod addresses per ENI, or fewer pods per node; the stuck pods start once an address is free.'
          : kind === 'cni-unreachable'
            ? 'Get aws-node running on the node (its log says why it is not); the stuck pods start once it is.'
            : 'Read the sandbox error on a stuck pod and the aws-node log on its node.',
      commands: [
        `kubectl describe pod -n ${ns} ${name}`,
        ...(awsNode ? containerLogCommands(awsNode, { container: 'aws-node' }) : []),
        ...(p?.subnetId ? [`aws ec2 describe-subnets --subnet-ids ${p.subnetId} --region ${region} --query 'Subnets[].[SubnetId,AvailableIpAddressCount]' --output table`] : []),
        ...(p ? [`kubectl get pods --all-namespaces --field-selector spec.nodeName=${p.nodeName} -o wide`] : []),
      ],
      docs: kind === 'no-free-ip' ? [DOCS.prefixDelegation, DOCS.managingVpcCni] : [DOCS.managingVpcCni, DOCS.troubleshootCni],
    },
  };
}
