/**
 * Node bootstrap: what each group's launch-template user data tells its nodes (the facts kept in
 * `aws.launchTemplateUserData`, never the user data), against the cluster and the AMI.
 *
 * - User data naming another cluster, API endpoint or CA than DescribeCluster: the kubelet talks to
 *   the wrong API server or cannot verify the right one, and the nodes never join.
 * - A bootstrap the AMI does not run: /etc/eks/bootstrap.sh on AL2023 (which has only nodeadm), a
 *   NodeConfig alone on AL2 (which ignores it), anything but TOML on Bottlerocket.
 * - User data that cannot be read: a multipart without its closing boundary (nodeadm's Go MIME
 *   reader fails on it), a NodeConfig that is not valid YAML or not a NodeConfig, TOML Bottlerocket refuses.
 * - A cluster DNS IP outside the cluster's service CIDR: pods on those nodes get a nameserver that is not there.
 * - max-pods above what the instance type can address in the CNI's mode (secondary IPs,
 *   prefix delegation, custom networking, which gives pods no address on the primary ENI).
 * - Taints the nodes register with that the pending pods (and every kube-system Deployment) do not tolerate.
 *
 * Which version: the one each Auto Scaling group launches from (lib/launch-templates.ts); for a
 * managed node group that is EKS's copy, with EKS's own bootstrap merged in.
 */
import { caFingerprint } from '../src/domain/certificate.js';
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import type { ResourceRef } from '../src/engine/finding.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import type { AutoScalingGroup, LaunchTemplateVersion, Snapshot, UserDataFacts, UserDataTaint } from '../src/snapshot/types.js';
import { clusterInstances, type ClusterInstances } from './lib/cluster-instances.js';
import { DOCS } from './lib/docs-links.js';
import { normalizeEvent } from './lib/events.js';
import { parseCidr, parseIpv4 } from './lib/ipv4-cidr.js';
import { familyOfAmiType, familyOfImage, groupInstanceTypes, groupUserData, type AmiFamily } from './lib/launch-templates.js';
import { cniSetting, eniLimits, podsWaitingForAddress } from './lib/pod-addresses.js';
import { unschedulablePods } from './lib/pending-pods.js';
import { workloadResource } from './lib/workload-owner.js';

const NODEADM = 'https://awslabs.github.io/amazon-eks-ami/nodeadm/';
const AL2023_MIGRATION = 'https://docs.aws.amazon.com/eks/latest/userguide/al2023.html';
const BOTTLEROCKET_SETTINGS = 'https://bottlerocket.dev/en/os/latest/#/api/settings/kubernetes/';
const TAINTS = 'https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/';

type Code = 'user-data-other-cluster' | 'bootstrap-not-for-ami' | 'user-data-malformed' | 'cluster-dns-outside-service-cidr' | 'max-pods-above-capacity' | 'taints-not-tolerated';

/** How many groups and pods a finding names in its evidence. */
const QUOTED = 5;

export default defineDiagnostic<Code>({
  id: 'node-bootstrap',
  title: "Launch templates bootstrap nodes into this cluster",
  description:
    "Reads what each group's launch-template user data configures (decoded at collection; only facts are kept): the cluster, endpoint and CA it names against DescribeCluster, the bootstrap against the AMI, whether it can be read at all, the cluster DNS IP, max-pods against the instance type's addresses in the CNI's mode, and taints nothing pending tolerates.",
  docs: [DOCS.launchTemplates, DOCS.nodeJoinFailure, NODEADM],
  needs: ['aws.launchTemplateUserData', 'aws.cluster'],
  uses: [
    'aws.launchTemplateVersions', 'aws.autoScalingGroups', 'aws.nodegroups', 'aws.reservations', 'aws.images', 'aws.instanceTypes',
    'kubernetes.nodes', 'kubernetes.daemonSets', 'kubernetes.deployments', 'kubernetes.problemPods', 'kubernetes.warningEvents', 'kubernetes.replicaSets', 'kubernetes.jobs',
  ],
  codes: {
    'user-data-other-cluster': {
      severity: 'critical',
      title: 'User data names another cluster, endpoint or CA',
      description:
        "The launch template's bootstrap (NodeConfig, bootstrap.sh, Bottlerocket or Windows settings) names a cluster, API server endpoint or CA certificate that is not this cluster's (DescribeCluster): typically user data copied from another cluster. The kubelet talks to the wrong API server, or cannot verify this one, and the instances never join.",
      explains: ['instance-not-joined', 'nodegroup-unhealthy'],
    },
    'bootstrap-not-for-ami': {
      severity: 'critical',
      title: "User data bootstraps in a way the AMI does not run",
      description:
        'AL2023 has no /etc/eks/bootstrap.sh (it joins through nodeadm and a NodeConfig), AL2 ignores a NodeConfig, and Bottlerocket reads only TOML settings: with the wrong kind the node boots but never joins. On AL2023 a bootstrap.sh call beside a NodeConfig fails on its own and its flags are not applied (a warning).',
      explains: ['instance-not-joined', 'nodegroup-unhealthy'],
    },
    'user-data-malformed': {
      severity: 'critical',
      title: 'User data cannot be read',
      description:
        "The user data is not well-formed: a MIME multipart without its closing boundary line (nodeadm's Go MIME reader stops with 'multipart: NextPart: EOF'), a NodeConfig that is not valid YAML or not a node.eks.aws NodeConfig, or TOML Bottlerocket refuses. The bootstrap does not run and the nodes never join (cloud-init still runs an AL2 script in a multipart without its closing line: a warning).",
      explains: ['instance-not-joined', 'nodegroup-unhealthy'],
    },
    'cluster-dns-outside-service-cidr': {
      severity: 'warning',
      title: "Kubelet's cluster DNS IP is outside the service CIDR",
      description:
        "The user data gives the kubelet a cluster DNS IP (or service CIDR) that does not belong to this cluster's service CIDR: pods on those nodes get a nameserver that is not kube-dns, and every name lookup times out.",
    },
    'max-pods-above-capacity': {
      severity: 'warning',
      title: 'User data sets max-pods above what the node can address',
      description:
        "The user data sets max-pods above what the instance type's network interfaces hold in the VPC CNI's mode: ENIs × (IPv4 per ENI − 1) + 2 with secondary IPs, 16 addresses per slot with prefix delegation, one ENI fewer with custom networking (pods get no address on the primary ENI). The scheduler places pods the CNI can never give an address: they stay ContainerCreating.",
      explains: ['pod-without-ip'],
    },
    'taints-not-tolerated': {
      severity: 'warning',
      title: 'Nodes register with a taint nothing pending tolerates',
      description:
        'The user data registers the nodes with a NoSchedule or NoExecute taint that the pending pods do not tolerate (their FailedScheduling events name it) and no kube-system Deployment tolerates: the nodes run only DaemonSets while those pods wait.',
      explains: ['pod-unschedulable'],
    },
  },
  check({ snapshot }) {
    const index = clusterInstances(snapshot);
    const findings: NewFinding<Code>[] = [];
    for (const use of versionsInUse(snapshot, index)) {
      findings.push(
        ...otherCluster(snapshot, use),
        ...bootstrapForAmi(snapshot, use),
        ...malformed(snapshot, use),
        ...dnsOutsideServiceCidr(snapshot, use),
        ...maxPodsAboveCapacity(snapshot, index, use),
        ...untoleratedTaints(snapshot, use),
      );
    }
    return findings;
  },
});

/** One launch-template version and the groups that launch from it. */
interface VersionInUse {
  facts: UserDataFacts;
  version: LaunchTemplateVersion;
  groups: { group: AutoScalingGroup; nodegroup?: string }[];
}

function versionsInUse(snapshot: Snapshot, index: ClusterInstances): VersionInUse[] {
  const byVersion = new Map<string, VersionInUse>();
  for (const group of index.groups.values()) {
    const nodegroup = index.nodegroupOfGroup(group.AutoScalingGroupName!);
    const found = groupUserData(snapshot, group, nodegroup ? index.nodegroups.get(nodegroup) : undefined);
    if (!found) continue;
    const key = `${found.facts.LaunchTemplateId}:${found.facts.VersionNumber}`;
    const entry = byVersion.get(key) ?? { ...found, groups: [] };
    entry.groups.push({ group, ...(nodegroup ? { nodegroup } : {}) });
    byVersion.set(key, entry);
  }
  return [...byVersion.values()];
}

const key = (use: VersionInUse) => `${use.facts.LaunchTemplateId}:${use.facts.VersionNumber}`;
const templateLabel = (use: VersionInUse) => `launch template ${use.facts.LaunchTemplateId}${use.facts.LaunchTemplateName ? ` (${use.facts.LaunchTemplateName})` : ''} version ${use.facts.VersionNumber}`;
const groupsLabel = (use: VersionInUse) =>
  use.groups
    .slice(0, QUOTED)
    .map((g) => (g.nodegroup ? `node group ${g.nodegroup} (${g.group.AutoScalingGroupName})` : `Auto Scaling group ${g.group.AutoScalingGroupName}`))
    .join(', ') + (use.groups.length > QUOTED ? ` and ${use.groups.length - QUOTED} more` : '');

function groupRefs(use: VersionInUse): ResourceRef[] {
  return uniqueRefs([
    resource.launchTemplate(use.facts.LaunchTemplateId, use.facts.LaunchTemplateName),
    ...use.groups.flatMap((g) => [resource.autoScalingGroup(g.group.AutoScalingGroupName!), ...(g.nodegroup ? [resource.nodegroup(g.nodegroup)] : [])]),
  ]);
}

/** The scope of a cause that keeps a group's instances from joining. */
function joinScope(use: VersionInUse) {
  const groups = use.groups.map((g) => resource.autoScalingGroup(g.group.AutoScalingGroupName!));
  const nodegroups = use.groups.flatMap((g) => (g.nodegroup ? [resource.nodegroup(g.nodegroup)] : []));
  return [{ symptom: 'instance-not-joined' as const, resources: [...groups, ...nodegroups] }, ...(nodegroups.length > 0 ? [{ symptom: 'nodegroup-unhealthy' as const, resources: nodegroups }] : [])];
}

const bootstrapLabel: Record<UserDataFacts['bootstrap'], string> = {
  nodeadm: 'a nodeadm NodeConfig',
  'bootstrap-sh': 'a script calling /etc/eks/bootstrap.sh',
  bottlerocket: 'Bottlerocket TOML settings',
  windows: 'a PowerShell script calling Start-EKSBootstrap.ps1',
  custom: 'a custom script (no EKS bootstrap found)',
  none: 'no user data',
};

/** How to put corrected user data into service: a new version, then the groups onto it. */
function rolloutCommands(snapshot: Snapshot, use: VersionInUse): string[] {
  const region = snapshot.cluster.region;
  const lt = use.facts.LaunchTemplateId;
  return [
    `aws ec2 create-launch-template-version --launch-template-id ${lt} --source-version ${use.facts.VersionNumber} --launch-template-data "UserData=$(base64 -w0 user-data.mime)" --region ${region}`,
    ...use.groups.map((g) =>
      g.nodegroup
        ? `aws eks update-nodegroup-version --cluster-name ${snapshot.cluster.name} --nodegroup-name ${g.nodegroup} --launch-template id=<the node group's launch template>,version=<the new version> --region ${region}`
        : `aws autoscaling start-instance-refresh --auto-scaling-group-name ${g.group.AutoScalingGroupName} --region ${region}`,
    ),
  ];
}

function normalizeEndpoint(endpoint: string): string {
  return endpoint.trim().toLowerCase().replace(/\/+$/, '').replace(/^(?!https?:\/\/)/, 'https://');
}

function otherCluster(snapshot: Snapshot, use: VersionInUse): NewFinding<Code>[] {
  const cluster = snapshot.aws.cluster!;
  const { facts } = use;
  const mismatches: string[] = [];
  if (facts.clusterName !== undefined && facts.clusterName !== snapshot.cluster.name) mismatches.push(`cluster name "${facts.clusterName}" (this cluster is "${snapshot.cluster.name}")`);
  if (facts.apiServerEndpoint !== undefined && cluster.endpoint && normalizeEndpoint(facts.apiServerEndpoint) !== normalizeEndpoint(cluster.endpoint)) {
    mismatches.push(`API server endpoint ${facts.apiServerEndpoint} (DescribeCluster: ${cluster.endpoint})`);
  }
  const clusterCa = caFingerprint(cluster.certificateAuthority?.data);
  if (facts.caFingerprint !== undefined && clusterCa !== undefined && facts.caFingerprint !== clusterCa) {
    mismatches.push(`a CA certificate with fingerprint ${facts.caFingerprint} (the cluster's CA is ${clusterCa})`);
  }
  if (mismatches.length === 0) return [];
  const region = snapshot.cluster.region;
  return [
    {
      code: 'user-data-other-cluster',
      keyResource: key(use),
      title: `${templateLabel(use)} bootstraps nodes into another cluster`,
      rootCause: `The user data of ${templateLabel(use)}, which ${groupsLabel(use)} launch${use.groups.length === 1 ? 'es' : ''} from, gives the kubelet ${mismatches.join(', ')}: the nodes ${facts.clusterName !== undefined && facts.clusterName !== snapshot.cluster.name ? 'try to join another cluster' : 'cannot reach or trust this cluster\'s API server'} and never register here.`,
      evidence: [`${templateLabel(use)} bootstraps with ${bootstrapLabel[facts.bootstrap]}.`, ...mismatches.map((m) => `It names ${m}.`), `Used by ${groupsLabel(use)}.`],
      resources: groupRefs(use),
      fix: {
        summary: `Write this cluster's name, endpoint and CA into the user data (from DescribeCluster), as a new version of the launch template, and roll the groups onto it.`,
        commands: [
          `aws eks describe-cluster --name ${snapshot.cluster.name} --region ${region} --query "cluster.{endpoint: endpoint, certificateAuthority: certificateAuthority.data, cidr: kubernetesNetworkConfig.serviceIpv4Cidr}"`,
          ...rolloutCommands(snapshot, use),
        ],
        docs: [DOCS.launchTemplates, NODEADM, DOCS.nodeJoinFailure],
      },
      canExplain: joinScope(use),
    },
  ];
}

/** The OS family of the AMI the version's groups boot: the node group's amiType, else the template's or the instances' image. */
function amiFamily(snapshot: Snapshot, use: VersionInUse): { family: AmiFamily; source: string } | undefined {
  for (const { nodegroup } of use.groups) {
    const amiType = (snapshot.aws.nodegroups ?? []).find((n) => n.nodegroupName === nodegroup)?.amiType;
    const family = familyOfAmiType(amiType);
    if (family) return { family, source: `node group ${nodegroup} has amiType ${amiType}` };
  }
  const imageIds = [use.version.LaunchTemplateData?.ImageId, ...use.groups.flatMap((g) => (g.group.Instances ?? []).map((i) => i.InstanceId))]
    .filter((x): x is string => x !== undefined)
    .map((id) => (id.startsWith('i-') ? instanceImage(snapshot, id) : id))
    .filter((x): x is string => x !== undefined);
  for (const imageId of new Set(imageIds)) {
    const image = (snapshot.aws.images ?? []).find((i) => i.ImageId === imageId);
    const family = familyOfImage(image);
    if (family) return { family, source: `${imageId} is ${image!.Name ?? image!.Description}` };
  }
  return undefined;
}

function instanceImage(snapshot: Snapshot, instanceId: string): string | undefined {
  for (const r of snapshot.aws.reservations ?? []) for (const i of r.Instances ?? []) if (i.InstanceId === instanceId) return i.ImageId;
  return undefined;
}

function bootstrapForAmi(snapshot: Snapshot, use: VersionInUse): NewFinding<Code>[] {
  const ami = amiFamily(snapshot, use);
  if (!ami) return [];
  const { facts } = use;
  const callsBootstrapSh = (facts.parts ?? []).some((p) => p.kind === 'bootstrap-sh');
  let problem: { why: string; fix: string; severity?: 'warning'; joins: boolean } | undefined;
  if (ami.family === 'al2023' && facts.bootstrap === 'bootstrap-sh') {
    problem = { why: 'AL2023 has no /etc/eks/bootstrap.sh: it joins the cluster through nodeadm, which finds no NodeConfig in this user data', fix: 'Replace the bootstrap.sh call with a NodeConfig (apiVersion node.eks.aws/v1alpha1) in an application/node.eks.aws MIME part', joins: false };
  } else if (ami.family === 'al2023' && facts.bootstrap === 'nodeadm' && callsBootstrapSh) {
    problem = { why: 'a script part also calls /etc/eks/bootstrap.sh, which AL2023 does not have: that part fails and whatever it passes (kubelet flags, labels, max-pods) is not applied, while the NodeConfig joins the node', fix: 'Move what the bootstrap.sh call passes into the NodeConfig (spec.kubelet.config and spec.kubelet.flags) and drop the call', severity: 'warning', joins: true };
  } else if (ami.family === 'al2' && facts.bootstrap === 'nodeadm' && !callsBootstrapSh) {
    problem = { why: 'AL2 ignores a NodeConfig (nodeadm is AL2023\'s) and nothing calls /etc/eks/bootstrap.sh', fix: 'Call /etc/eks/bootstrap.sh from a shell-script part, or move the group to an AL2023 AMI', joins: false };
  } else if (ami.family === 'bottlerocket' && facts.bootstrap !== 'bottlerocket' && facts.bootstrap !== 'none') {
    problem = { why: 'Bottlerocket reads its user data as TOML settings only (settings.kubernetes.*)', fix: 'Give the settings as Bottlerocket TOML: [settings.kubernetes] cluster-name, api-server, cluster-certificate', joins: false };
  } else if (ami.family === 'windows' && (facts.bootstrap === 'nodeadm' || facts.bootstrap === 'bootstrap-sh' || facts.bootstrap === 'bottlerocket')) {
    problem = { why: 'the Windows AMI bootstraps through Start-EKSBootstrap.ps1 in a <powershell> block', fix: 'Call Start-EKSBootstrap.ps1 from a <powershell> block', joins: false };
  }
  if (!problem) return [];
  const familyName: Record<AmiFamily, string> = { al2: 'AL2', al2023: 'AL2023', bottlerocket: 'Bottlerocket', windows: 'Windows', ubuntu: 'Ubuntu' };
  return [
    {
      code: 'bootstrap-not-for-ami',
      keyResource: key(use),
      ...(problem.severity ? { severity: problem.severity } : {}),
      title: `${templateLabel(use)} bootstraps with ${bootstrapLabel[facts.bootstrap]} on ${familyName[ami.family]}`,
      rootCause: `${groupsLabel(use)} boot${use.groups.length === 1 ? 's' : ''} ${familyName[ami.family]} (${ami.source}), and the user data of ${templateLabel(use)} ${problem.why}${problem.joins ? '.' : ': the nodes never join.'}`,
      evidence: [`${templateLabel(use)}: ${bootstrapLabel[facts.bootstrap]}; its parts: ${(facts.parts ?? []).map((p) => `${p.contentType} (${p.kind})`).join(', ') || 'none'}.`, `AMI: ${ami.source}.`],
      resources: groupRefs(use),
      fix: { summary: `${problem.fix}, as a new version of the launch template, and roll the groups onto it.`, commands: rolloutCommands(snapshot, use), docs: [AL2023_MIGRATION, NODEADM, BOTTLEROCKET_SETTINGS] },
      ...(problem.joins ? { canExplain: [] } : { canExplain: joinScope(use) }),
    },
  ];
}

function malformed(snapshot: Snapshot, use: VersionInUse): NewFinding<Code>[] {
  const problems = use.facts.problems ?? [];
  if (problems.length === 0) return [];
  // cloud-init reads a multipart without its closing line (it records a defect) and runs AL2's script.
  const lenient = use.facts.bootstrap === 'bootstrap-sh' && problems.every((p) => p.kind === 'mime');
  return [
    {
      code: 'user-data-malformed',
      keyResource: key(use),
      ...(lenient ? { severity: 'warning' as const } : {}),
      title: `${templateLabel(use)} has user data that cannot be read: ${problems[0]!.message}`,
      rootCause: lenient
        ? `The user data of ${templateLabel(use)} is malformed (${problems.map((p) => `${p.where}: ${p.message}`).join('; ')}); cloud-init still runs its bootstrap.sh script, but nodeadm or a stricter reader would not.`
        : `The user data of ${templateLabel(use)}, which ${groupsLabel(use)} launch${use.groups.length === 1 ? 'es' : ''} from, cannot be read (${problems.map((p) => `${p.where}: ${p.message}`).join('; ')}): the bootstrap does not run and the nodes never join.`,
      evidence: [...problems.map((p) => `${p.kind === 'nodeconfig' ? 'NodeConfig' : p.kind === 'mime' ? 'MIME' : p.kind === 'toml' ? 'TOML' : p.kind} problem in ${p.where}: ${p.message}.`), `Used by ${groupsLabel(use)}.`],
      resources: groupRefs(use),
      fix: {
        summary: 'Correct the user data (end a multipart with its closing boundary line "--BOUNDARY--"; indent YAML with spaces; give apiVersion node.eks.aws/v1alpha1 and kind NodeConfig), as a new version of the launch template, and roll the groups onto it.',
        commands: [
          `aws ec2 describe-launch-template-versions --launch-template-id ${use.facts.LaunchTemplateId} --versions ${use.facts.VersionNumber} --query "LaunchTemplateVersions[0].LaunchTemplateData.UserData" --output text --region ${snapshot.cluster.region} | base64 -d > user-data.mime`,
          ...rolloutCommands(snapshot, use),
        ],
        docs: [NODEADM, DOCS.launchTemplates],
      },
      ...(lenient ? { canExplain: [] } : { canExplain: joinScope(use) }),
    },
  ];
}

function dnsOutsideServiceCidr(snapshot: Snapshot, use: VersionInUse): NewFinding<Code>[] {
  const serviceCidr = snapshot.aws.cluster?.kubernetesNetworkConfig?.serviceIpv4Cidr;
  const range = serviceCidr ? parseCidr(serviceCidr) : undefined;
  if (!range || !serviceCidr) return [];
  const outside = (use.facts.clusterDns ?? []).filter((ip) => {
    const n = parseIpv4(ip);
    return n !== undefined && (n < range.start || n > range.end);
  });
  const wrongCidr = use.facts.serviceCidr !== undefined && parseCidr(use.facts.serviceCidr) !== undefined && use.facts.serviceCidr !== serviceCidr ? use.facts.serviceCidr : undefined;
  if (outside.length === 0 && !wrongCidr) return [];
  const what = [...(outside.length > 0 ? [`cluster DNS IP ${outside.join(', ')}`] : []), ...(wrongCidr ? [`service CIDR ${wrongCidr}`] : [])].join(' and ');
  return [
    {
      code: 'cluster-dns-outside-service-cidr',
      keyResource: key(use),
      title: `${templateLabel(use)} gives the kubelet ${what}, outside the cluster's ${serviceCidr}`,
      rootCause: `The user data of ${templateLabel(use)} gives the kubelet ${what}, but this cluster's services are in ${serviceCidr}: pods on nodes of ${groupsLabel(use)} are given a nameserver that is not kube-dns, and their name lookups time out.`,
      evidence: [`DescribeCluster: serviceIpv4Cidr ${serviceCidr}.`, `${templateLabel(use)}: ${what}.`],
      resources: groupRefs(use),
      fix: { summary: `Give the kubelet this cluster's DNS IP (the .10 address of ${serviceCidr}) or leave it out so the bootstrap derives it, as a new version of the launch template.`, commands: rolloutCommands(snapshot, use), docs: [DOCS.launchTemplates, NODEADM] },
    },
  ];
}

/** The pod addresses an instance type holds in the CNI's mode; undefined when the mode cannot be told. */
function addressCapacity(info: NonNullable<ReturnType<typeof eniLimits>>, prefix: boolean, custom: boolean): number {
  const enis = custom ? info.maxEnis - 1 : info.maxEnis;
  return enis * (info.ipv4PerEni - 1) * (prefix && info.nitro ? 16 : 1) + 2;
}

function maxPodsAboveCapacity(snapshot: Snapshot, index: ClusterInstances, use: VersionInUse): NewFinding<Code>[] {
  const maxPods = use.facts.maxPods;
  if (maxPods === undefined) return [];
  const prefix = cniSetting(snapshot, 'ENABLE_PREFIX_DELEGATION');
  const custom = cniSetting(snapshot, 'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG');
  // Without the values, assume the mode that holds the most addresses: only a certain excess is reported.
  const prefixOn = prefix.state === 'set' ? prefix.value === 'true' : prefix.state !== 'unset';
  const customOn = custom.state === 'set' ? custom.value === 'true' : false;
  const mode = `${prefixOn ? 'prefix delegation' : 'secondary IPs'}${customOn ? ' with custom networking (no pod addresses on the primary ENI)' : ''}${prefix.state === 'set-unknown' || prefix.state === 'no-aws-node' ? ' (assumed: the snapshot does not say whether prefix delegation is on)' : ''}`;
  const over: { type: string; capacity: number; limits: NonNullable<ReturnType<typeof eniLimits>> }[] = [];
  const types = new Set(use.groups.flatMap((g) => groupInstanceTypes(snapshot, g.group, g.nodegroup)));
  for (const type of types) {
    const info = (snapshot.aws.instanceTypes ?? []).find((t) => t.InstanceType === type);
    const limits = info ? eniLimits(info) : undefined;
    if (!limits) continue;
    const capacity = addressCapacity(limits, prefixOn, customOn);
    if (maxPods > capacity) over.push({ type, capacity, limits });
  }
  if (over.length === 0) return [];
  const groupNames = new Set(use.groups.map((g) => g.group.AutoScalingGroupName));
  const nodes = index.instances.filter((i) => groupNames.has(index.groupNameOf(i.InstanceId!))).flatMap((i) => index.nodeOf(i.InstanceId!)?.metadata?.name ?? []);
  const waiting = nodes.flatMap((n) => podsWaitingForAddress(snapshot, n));
  const lowest = Math.min(...over.map((o) => o.capacity));
  return [
    {
      code: 'max-pods-above-capacity',
      keyResource: key(use),
      ...(waiting.length > 0 ? { severity: 'critical' as const } : {}),
      title: `${templateLabel(use)} sets max-pods ${maxPods}, above the ${lowest} pod addresses ${over.map((o) => o.type).join(', ')} can hold`,
      rootCause: `The user data of ${templateLabel(use)} sets max-pods ${maxPods}, but with ${mode} ${over.map((o) => `${o.type} holds ${o.capacity}`).join(', ')}: pods scheduled past that stay ContainerCreating without an IP${waiting.length > 0 ? `, as ${waiting.length} already do` : ''}.`,
      evidence: [
        ...over.map((o) => `${o.type}: ${o.limits.maxEnis} network interfaces × ${o.limits.ipv4PerEni} IPv4 addresses → ${o.capacity} pods with ${mode}.`),
        `aws-node: ENABLE_PREFIX_DELEGATION ${describeSetting(prefix)}, AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG ${describeSetting(custom)}.`,
        ...waiting.slice(0, QUOTED).map((w) => `${w.pod}: ${w.message}`),
      ],
      resources: uniqueRefs([...groupRefs(use), ...waiting.map((w) => resource.pod(w.pod))]),
      fix: {
        summary: `Set max-pods to ${lowest} (or leave it out: nodeadm and bootstrap.sh compute it for the instance type) in a new version of the launch template${prefixOn ? '' : ', or turn on prefix delegation for Nitro types'}, and roll the groups onto it.`,
        commands: rolloutCommands(snapshot, use),
        docs: [DOCS.maxPods, DOCS.prefixDelegation, DOCS.customNetworking],
      },
      canExplain: [{ symptom: 'pod-without-ip', resources: [...nodes.map((n) => resource.node(n)), ...waiting.map((w) => resource.pod(w.pod))] }],
    },
  ];
}

function describeSetting(setting: ReturnType<typeof cniSetting>): string {
  if (setting.state === 'set') return `= ${setting.value}`;
  if (setting.state === 'unset') return 'not set (false)';
  if (setting.state === 'set-unknown') return 'set (value not in the snapshot)';
  return 'unknown (aws-node not read)';
}

const describeTaint = (t: UserDataTaint) => `${t.key}${t.value !== undefined ? `=${t.value}` : ''}:${t.effect}`;

function tolerates(tolerations: { key?: string; operator?: string; value?: string; effect?: string }[] | undefined, taint: UserDataTaint): boolean {
  return (tolerations ?? []).some(
    (t) => (t.effect === undefined || t.effect === '' || t.effect === taint.effect) && (t.operator === 'Exists' ? t.key === undefined || t.key === '' || t.key === taint.key : t.key === taint.key && (t.value ?? '') === (taint.value ?? '')),
  );
}

function untoleratedTaints(snapshot: Snapshot, use: VersionInUse): NewFinding<Code>[] {
  const taints = (use.facts.taints ?? []).filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  if (taints.length === 0 || !snapshot.kubernetes.warningEvents) return [];
  const findings: NewFinding<Code>[] = [];
  for (const taint of taints) {
    // The scheduler's words (pkg/scheduler/framework/plugins/tainttoleration, from memory): "node(s) had untolerated taint {key: value}"; before 1.25 "node(s) had taint {key: value}, that the pod didn't tolerate".
    const named = new RegExp(`had (?:untolerated )?taint\\(?s?\\)? \\{${escape(taint.key)}: ${escape(taint.value ?? '')}\\}`);
    const blocked = new Map<string, string>();
    for (const raw of snapshot.kubernetes.warningEvents) {
      const event = normalizeEvent(raw);
      if (event.reason !== 'FailedScheduling' || event.regarding.kind !== 'Pod' || !named.test(event.message)) continue;
      blocked.set(`${event.regarding.namespace}/${event.regarding.name}`, event.message);
    }
    const stillPending = [...blocked.keys()].filter((id) => (snapshot.kubernetes.problemPods ?? []).some((p) => `${p.metadata?.namespace}/${p.metadata?.name}` === id && p.status?.phase === 'Pending'));
    if (stillPending.length === 0) continue;
    const tolerating = (snapshot.kubernetes.deployments ?? []).filter((d) => tolerates(d.spec?.template?.spec?.tolerations, taint)).map((d) => `${d.metadata?.namespace}/${d.metadata?.name}`);
    if (tolerating.length > 0) continue;
    findings.push({
      code: 'taints-not-tolerated',
      keyResource: `${key(use)}:${taint.key}`,
      title: `Nodes of ${groupsLabel(use)} register with taint ${describeTaint(taint)}, which ${stillPending.length} pending pod${stillPending.length === 1 ? '' : 's'} do${stillPending.length === 1 ? 'es' : ''} not tolerate`,
      rootCause: `The user data of ${templateLabel(use)} registers the nodes with the taint ${describeTaint(taint)}; ${stillPending.length} pending pod${stillPending.length === 1 ? '' : 's'} cannot be scheduled there for it, and no kube-system Deployment tolerates it either: those nodes take DaemonSets only.`,
      evidence: [`${templateLabel(use)} sets the taint ${describeTaint(taint)}.`, ...stillPending.slice(0, QUOTED).map((id) => `${id}: ${blocked.get(id)}`), ...(stillPending.length > QUOTED ? [`and ${stillPending.length - QUOTED} more pending pods.`] : [])],
      resources: uniqueRefs([...groupRefs(use), ...stillPending.map((id) => resource.pod(id))]),
      // The Pending pods' workloads, as unschedulable-pods names its symptoms.
      canExplain: [{ symptom: 'pod-unschedulable', resources: unschedulablePods(snapshot).filter((p) => stillPending.includes(`${p.namespace}/${p.name}`)).map((p) => workloadResource(p.workload)) }],
      fix: {
        summary: `Either add a toleration for ${describeTaint(taint)} to the workloads meant for these nodes, or drop the taint from the user data (a new launch-template version).`,
        commands: [`kubectl get pods -A --field-selector=status.phase=Pending -o wide`, ...rolloutCommands(snapshot, use)],
        docs: [TAINTS, DOCS.launchTemplates],
      },
    });
  }
  return findings;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
