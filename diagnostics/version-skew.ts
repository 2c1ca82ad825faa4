import { defineDiagnostic, partFailure, type NewFinding } from '../src/engine/diagnostic.js';
import type { ResourceRef } from '../src/engine/finding.js';
import { resource } from '../src/engine/resources.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { defaultAddonVersion } from './lib/addon-catalog.js';
import { imageTag, minorsBehind, minorText, parseVersion, type Version } from './lib/kube-version.js';
import { nodeNamesByInstanceId } from './lib/node-identity.js';
import { DOCS } from './lib/docs-links.js';
import { groupLaunchTemplate } from './lib/cluster-instances.js';
import { launchTemplateVersionOf } from './lib/launch-templates.js';

/**
 * How long before the end of standard support we start warning. A minor upgrade means checking
 * upgrade insights, updating the control plane, every add-on and every node group, one minor at a
 * time; teams need weeks to test and roll that out, and AWS's own notices start around 60 days out.
 */
const SUPPORT_WARNING_DAYS = 60;

type Code =
  | 'kubelet-newer-than-control-plane'
  | 'kubelet-too-old'
  | 'kube-proxy-newer-than-control-plane'
  | 'kube-proxy-too-old'
  | 'past-extended-support'
  | 'past-standard-support'
  | 'standard-support-ending'
  | 'support-dates-unknown';

/** Kubelets may be three minors older than the API server from Kubernetes 1.28 on, two before. */
function maxKubeletSkew(controlPlane: Version): number {
  return controlPlane.major > 1 || controlPlane.minor >= 28 ? 3 : 2;
}

export default defineDiagnostic<Code>({
  id: 'version-skew',
  title: 'Node and kube-proxy versions within the skew policy; cluster version in support',
  description:
    "Each kubelet must not be newer than the control plane and at most three minor versions older (two before 1.28); kube-proxy likewise. The cluster's " +
    'Kubernetes version is judged against its end of standard and extended support dates from DescribeClusterVersions: past extended support EKS upgrades ' +
    'the cluster itself; past standard support it costs extended-support fees (or is auto-upgraded when the upgrade policy is STANDARD).',
  docs: [DOCS.eksVersions, DOCS.k8sVersionSkewPolicy, DOCS.updateCluster],
  needs: ['aws.cluster'],
  uses: ['kubernetes.nodes', 'kubernetes.daemonSets', 'aws.clusterVersions', 'aws.addons', 'aws.addonVersions', 'aws.reservations'],
  codes: {
    'kubelet-newer-than-control-plane': {
      severity: 'critical',
      title: 'Kubelet newer than the control plane',
      description: 'A kubelet must never be newer than kube-apiserver; such nodes usually come from an AMI for a later Kubernetes version and may fail to register or misbehave.',
      explains: ['node-not-ready'],
    },
    'kubelet-too-old': {
      severity: 'critical',
      title: 'Kubelet too far behind the control plane',
      description: 'The kubelet is more minor versions behind kube-apiserver than the skew policy allows (three from 1.28, two before): the node runs an unsupported combination and may lose its status updates after the next control plane change.',
      explains: ['node-not-ready'],
    },
    'kube-proxy-newer-than-control-plane': {
      severity: 'critical',
      title: 'kube-proxy newer than the control plane',
      description: 'kube-proxy must not be newer than kube-apiserver; Service routing on every node depends on it.',
      explains: ['addon-unhealthy'],
    },
    'kube-proxy-too-old': {
      severity: 'critical',
      title: 'kube-proxy too far behind the control plane',
      description: 'kube-proxy may be at most three minor versions older than kube-apiserver; older ones may use APIs the control plane no longer serves and stop programming Service rules.',
      explains: ['addon-unhealthy'],
    },
    'past-extended-support': {
      severity: 'critical',
      title: 'Cluster version past the end of extended support',
      description: 'EKS no longer supports this Kubernetes version at all and upgrades such clusters automatically, at a time you do not choose.',
    },
    'past-standard-support': {
      severity: 'warning',
      title: 'Cluster version past the end of standard support',
      description: 'The version is in extended support (billed per cluster hour); with an upgrade policy of STANDARD, EKS upgrades the cluster automatically instead.',
    },
    'standard-support-ending': {
      severity: 'warning',
      title: 'Standard support for the cluster version ends soon',
      description: `Standard support ends within ${SUPPORT_WARNING_DAYS} days; an upgrade (control plane, add-ons, node groups, one minor at a time) needs that long to test and roll out.`,
    },
    'support-dates-unknown': {
      severity: 'info',
      title: 'Support dates of the cluster version not known',
      description: 'DescribeClusterVersions was not collected or does not list the version, so the support status was not judged.',
    },
  },
  check({ snapshot, now }) {
    const findings: NewFinding<Code>[] = [];
    const cluster = snapshot.aws.cluster!;
    const controlPlane = parseVersion(cluster.version);
    if (!controlPlane) return findings;
    const ctx = { cluster: snapshot.cluster.name, region: snapshot.cluster.region };
    findings.push(...kubeletSkew(snapshot, controlPlane, ctx));
    findings.push(...kubeProxySkew(snapshot, controlPlane, ctx));
    findings.push(...supportStatus(snapshot, controlPlane, now, ctx));
    return findings;
  },
});

interface Ctx {
  cluster: string;
  region: string;
}

interface SkewedNode {
  name: string;
  kubelet: Version;
  behind: number;
  instanceId: string | undefined;
  arch: 'arm64' | 'x86_64';
}

/**
 * Nodes outside the skew policy, one finding per node group or Auto Scaling group (and direction):
 * a group launched from one old AMI is one thing to fix, not one root cause per node. Nodes in no
 * group are judged one by one.
 */
function kubeletSkew(snapshot: Snapshot, controlPlane: Version, ctx: Ctx): NewFinding<Code>[] {
  const maxSkew = maxKubeletSkew(controlPlane);
  const instanceByNode = new Map([...nodeNamesByInstanceId(snapshot)].map(([instance, node]) => [node, instance]));
  const groups = new Map<string, { nodegroup: string | undefined; asg: string | undefined; newer: boolean; nodes: SkewedNode[] }>();
  for (const node of snapshot.kubernetes.nodes ?? []) {
    const name = node.metadata?.name;
    const kubelet = parseVersion(node.status?.nodeInfo?.kubeletVersion);
    if (!name || !kubelet) continue;
    const behind = minorsBehind(controlPlane, kubelet);
    if (behind >= 0 && behind <= maxSkew) continue;
    const nodegroup = node.metadata?.labels?.['eks.amazonaws.com/nodegroup'];
    const instanceId = instanceByNode.get(name);
    const asg = nodegroup ? undefined : instanceId ? asgOfInstance(snapshot, instanceId) : undefined;
    const newer = behind < 0;
    const key = `${newer}:${nodegroup ? `ng:${nodegroup}` : asg ? `asg:${asg}` : `node:${name}`}`;
    const group = groups.get(key) ?? { nodegroup, asg, newer, nodes: [] };
    group.nodes.push({ name, kubelet, behind, instanceId, arch: node.status?.nodeInfo?.architecture === 'arm64' ? 'arm64' : 'x86_64' });
    groups.set(key, group);
  }
  return [...groups.values()].map(({ nodegroup, asg, newer, nodes }) => skewFinding(snapshot, controlPlane, maxSkew, ctx, { nodegroup, asg, newer, nodes }));
}

function skewFinding(
  snapshot: Snapshot,
  controlPlane: Version,
  maxSkew: number,
  ctx: Ctx,
  { nodegroup, asg, newer, nodes }: { nodegroup: string | undefined; asg: string | undefined; newer: boolean; nodes: SkewedNode[] },
): NewFinding<Code> {
  const cp = minorText(controlPlane);
  const first = nodes[0]!;
  const kubelets = [...new Set(nodes.map((n) => minorText(n.kubelet)))].join(', ');
  const furthest = newer ? Math.min(...nodes.map((n) => n.behind)) : Math.max(...nodes.map((n) => n.behind));
  const groupText = nodegroup ? `node group ${nodegroup}` : asg ? `Auto Scaling group ${asg}` : undefined;
  const who = nodes.length === 1 ? `Node ${first.name}${groupText ? ` (${groupText})` : ''} runs` : `${nodes.length} nodes of ${groupText} run`;
  const resources: ResourceRef[] = [
    ...nodes.map((n) => resource.node(n.name)),
    ...nodes.flatMap((n) => (n.instanceId ? [resource.instance(n.instanceId)] : [])),
    ...(nodegroup ? [resource.nodegroup(nodegroup)] : []),
    ...(asg ? [resource.autoScalingGroup(asg)] : []),
  ];
  const shown = nodes.slice(0, 10).map((n) => `Node ${n.name}: kubelet ${n.kubelet.text}`);
  const evidence = [
    ...shown,
    ...(nodes.length > shown.length ? [`... and ${nodes.length - shown.length} more`] : []),
    `Control plane: ${cp}`,
    `${nodes.length === 1 ? 'The kubelet is' : 'The kubelets are up to'} ${newer ? `${-furthest} minor version(s) ahead` : `${furthest} minor versions behind; at most ${maxSkew} are allowed for a ${cp} control plane`}`,
    ...(nodegroup ? [`Managed node group ${nodegroup}`] : asg ? [`Auto Scaling group ${asg}`] : []),
  ];
  const commands = nodegroup
    ? [`aws eks update-nodegroup-version --cluster-name ${ctx.cluster} --region ${ctx.region} --nodegroup-name ${nodegroup} --kubernetes-version ${cp}`]
    : asg
      ? refreshOntoAmi(snapshot, asg, cp, first.arch, ctx)
      : [`kubectl drain ${first.name} --ignore-daemonsets --delete-emptydir-data`, `kubectl delete node ${first.name}`];
  const these = nodes.length === 1 ? 'this node' : 'these nodes';
  return {
    code: newer ? 'kubelet-newer-than-control-plane' : 'kubelet-too-old',
    title: newer ? `${who} kubelet ${kubelets}, newer than the ${cp} control plane` : `${who} kubelet ${kubelets}, ${furthest} minor versions behind the ${cp} control plane`,
    rootCause: newer
      ? `A kubelet must never be newer than kube-apiserver; ${nodes.length === 1 ? 'this node was' : 'these nodes were'} probably launched from an AMI for Kubernetes ${kubelets}.`
      : `The skew policy allows a kubelet at most ${maxSkew} minor versions behind kube-apiserver; ${nodes.length === 1 ? 'this one is' : 'these are up to'} ${furthest} behind, an unsupported combination that breaks as the API server drops what old kubelets use.`,
    evidence,
    resources,
    keyResource: nodegroup ?? asg ?? first.name,
    fix: {
      summary: newer
        ? `Replace ${these} with nodes from the EKS-optimized AMI for ${cp} (or upgrade the control plane first).`
        : `Upgrade ${these} to ${cp}: ${nodegroup ? `update node group ${nodegroup}` : asg ? `give ${asg}'s launch template the ${cp} EKS-optimized AL2023 AMI and refresh its instances (AL2023 bootstraps with nodeadm: if the template's user data calls /etc/eks/bootstrap.sh, rewrite it first)` : 'replace it with a node on the current AMI'}.`,
      commands,
      docs: [nodegroup ? DOCS.updateManagedNodeGroup : DOCS.updateWorkers, DOCS.k8sVersionSkewPolicy],
    },
    canExplain: [{ symptom: 'node-not-ready', resources: nodes.map((n) => resource.node(n.name)) }],
  };
}

/**
 * A self-managed group onto the EKS-optimized AMI for `minor`: a new launch template version from
 * the one the group runs (so everything but the AMI is kept), the group on $Latest, an instance
 * refresh. Without the launch template in the snapshot, the AMI lookup and the refresh alone.
 */
function refreshOntoAmi(snapshot: Snapshot, asg: string, minor: string, arch: 'arm64' | 'x86_64', ctx: Ctx): string[] {
  const ami = `aws ssm get-parameter --region ${ctx.region} --name /aws/service/eks/optimized-ami/${minor}/amazon-linux-2023/${arch}/standard/recommended/image_id --query Parameter.Value --output text`;
  const refresh = `aws autoscaling start-instance-refresh --region ${ctx.region} --auto-scaling-group-name ${asg}`;
  const group = snapshot.aws.autoScalingGroups?.find((g) => g.AutoScalingGroupName === asg);
  const spec = group ? groupLaunchTemplate(group) : undefined;
  // The version the group launches: a number, $Default, or $Latest (the highest we hold).
  const source = launchTemplateVersionOf(snapshot, spec);
  if (!spec?.LaunchTemplateId || source?.VersionNumber === undefined) return [ami, refresh];
  return [
    `aws ec2 create-launch-template-version --region ${ctx.region} --launch-template-id ${spec.LaunchTemplateId} --source-version ${source.VersionNumber} --version-description 'EKS ${minor} AMI' --launch-template-data "ImageId=$(${ami})"`,
    ...(spec.Version === '$Latest' ? [] : [`aws autoscaling update-auto-scaling-group --region ${ctx.region} --auto-scaling-group-name ${asg} --launch-template 'LaunchTemplateId=${spec.LaunchTemplateId},Version=$Latest'`]),
    refresh,
  ];
}

function asgOfInstance(snapshot: Snapshot, instanceId: string): string | undefined {
  for (const r of snapshot.aws.reservations ?? []) {
    for (const i of r.Instances ?? []) {
      if (i.InstanceId === instanceId) return i.Tags?.find((t) => t.Key === 'aws:autoscaling:groupName')?.Value;
    }
  }
  return undefined;
}

function kubeProxySkew(snapshot: Snapshot, controlPlane: Version, ctx: Ctx): NewFinding<Code>[] {
  const daemonSet = (snapshot.kubernetes.daemonSets ?? []).find((d) => d.metadata?.namespace === 'kube-system' && d.metadata?.name === 'kube-proxy');
  const container = daemonSet?.spec?.template?.spec?.containers?.find((c) => c.name === 'kube-proxy') ?? daemonSet?.spec?.template?.spec?.containers?.[0];
  const addon = (snapshot.aws.addons ?? []).find((a) => a.addonName === 'kube-proxy');
  const tag = imageTag(container?.image);
  const version = parseVersion(tag) ?? parseVersion(addon?.addonVersion);
  if (!version) return [];
  const behind = minorsBehind(controlPlane, version);
  if (behind >= 0 && behind <= 3) return [];
  const newer = behind < 0;
  const resources: ResourceRef[] = [resource.daemonSet('kube-system', 'kube-proxy'), ...(addon ? [resource.addon('kube-proxy')] : [])];
  const target = defaultAddonVersion(snapshot, 'kube-proxy', minorText(controlPlane));
  const commands = addon
    ? [`aws eks update-addon --cluster-name ${ctx.cluster} --region ${ctx.region} --addon-name kube-proxy${target ? ` --addon-version ${target}` : ''} --resolve-conflicts PRESERVE`]
    : [
        `aws eks describe-addon-versions --region ${ctx.region} --addon-name kube-proxy --kubernetes-version ${minorText(controlPlane)} --query 'addons[].addonVersions[].addonVersion'`,
        `kubectl -n kube-system set image daemonset/kube-proxy kube-proxy=${(container?.image ?? '').split(':')[0]}:${target ? target.replace('-eksbuild', '-minimal-eksbuild') : `v${minorText(controlPlane)}.x-minimal-eksbuild.N`}`,
      ];
  return [{
    code: newer ? 'kube-proxy-newer-than-control-plane' : 'kube-proxy-too-old',
    title: newer
      ? `kube-proxy ${version.text} is newer than the ${minorText(controlPlane)} control plane`
      : `kube-proxy ${version.text} is ${behind} minor versions behind the ${minorText(controlPlane)} control plane`,
    rootCause: newer
      ? 'kube-proxy must not be newer than kube-apiserver; it may rely on APIs this control plane does not serve, and Service traffic on every node depends on it.'
      : `kube-proxy may be at most three minor versions older than kube-apiserver; at ${behind} behind it may rely on APIs the control plane no longer serves and stop programming Service rules.`,
    evidence: [
      ...(tag ? [`kube-system/kube-proxy image: ${container?.image}`] : []),
      ...(addon ? [`Managed add-on kube-proxy ${addon.addonVersion}`] : ['kube-proxy is self-managed (no EKS add-on)']),
      `Control plane: ${minorText(controlPlane)}`,
    ],
    resources,
    keyResource: 'kube-system/kube-proxy',
    fix: {
      summary: `Move kube-proxy to the ${minorText(controlPlane)} build${target ? ` (${target})` : ''}.`,
      commands,
      docs: [DOCS.managingKubeProxy, DOCS.k8sVersionSkewPolicy],
    },
    canExplain: [{ symptom: 'addon-unhealthy', resources }],
  }];
}

function supportStatus(snapshot: Snapshot, controlPlane: Version, now: Date, ctx: Ctx): NewFinding<Code>[] {
  const version = minorText(controlPlane);
  const clusterRef = resource.cluster(snapshot.cluster.name);
  const failure = partFailure(snapshot, 'aws.clusterVersions');
  const info = (snapshot.aws.clusterVersions ?? []).find((v) => v.clusterVersion === version);
  // Could not be read: the check's `incomplete` says so, with the permission to grant; no finding restates it.
  if (failure) return [];
  if (!info || !info.endOfStandardSupportDate) {
    const why = snapshot.aws.clusterVersions === undefined
      ? 'eks:DescribeClusterVersions was not collected'
      : `eks:DescribeClusterVersions lists no support dates for ${version}`;
    return [{
      code: 'support-dates-unknown',
      title: `Support status of Kubernetes ${version} not checked`,
      rootCause: `${why}, so whether ${version} is past standard or extended support was not judged (eks-doctor keeps no date table of its own).`,
      evidence: [why, `Cluster version: ${version}`],
      resources: [clusterRef],
      fix: {
        summary: 'Look the dates up yourself.',
        commands: [`aws eks describe-cluster-versions --region ${ctx.region} --cluster-versions ${version}`],
        docs: [DOCS.eksVersions, DOCS.apiDescribeClusterVersions],
      },
    }];
  }
  const endStandard = new Date(info.endOfStandardSupportDate);
  const endExtended = info.endOfExtendedSupportDate ? new Date(info.endOfExtendedSupportDate) : undefined;
  const supportType = snapshot.aws.cluster?.upgradePolicy?.supportType ?? 'EXTENDED';
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const next = `${controlPlane.major}.${controlPlane.minor + 1}`;
  const upgrade = {
    commands: [
      `aws eks list-insights --region ${ctx.region} --cluster-name ${ctx.cluster} --filter kubernetesVersions=${next}`,
      `aws eks update-cluster-version --region ${ctx.region} --name ${ctx.cluster} --kubernetes-version ${next}`,
    ],
    docs: [DOCS.updateCluster, DOCS.eksVersions],
  };
  const evidence = [
    `Cluster version ${version} (${info.versionStatus ?? info.status ?? 'status not reported'})`,
    `End of standard support: ${day(endStandard)}`,
    ...(endExtended ? [`End of extended support: ${day(endExtended)}`] : []),
    `Upgrade policy support type: ${supportType}`,
    `Snapshot taken: ${day(now)}`,
  ];
  const daysUntil = (d: Date) => Math.ceil((d.getTime() - now.getTime()) / 86_400_000);
  if (endExtended && now >= endExtended) {
    return [{
      code: 'past-extended-support',
      title: `Kubernetes ${version} reached the end of extended support on ${day(endExtended)}`,
      rootCause: `EKS no longer supports ${version}; clusters past extended support are upgraded by EKS automatically, at a time you do not choose.`,
      evidence,
      resources: [clusterRef],
      fix: { summary: `Upgrade to ${next} now (check the upgrade insights first), then the add-ons and node groups.`, ...upgrade },
    }];
  }
  if (now >= endStandard) {
    return [{
      code: 'past-standard-support',
      title: `Kubernetes ${version} is past standard support (ended ${day(endStandard)})`,
      rootCause:
        supportType === 'STANDARD'
          ? `Standard support for ${version} ended on ${day(endStandard)} and the upgrade policy is STANDARD, so EKS will upgrade the cluster automatically.`
          : `Standard support for ${version} ended on ${day(endStandard)}; the cluster runs in extended support, billed per cluster hour${endExtended ? `, until ${day(endExtended)} when EKS upgrades it automatically` : ''}.`,
      evidence,
      resources: [clusterRef],
      fix: { summary: `Plan the upgrade to ${next}: check upgrade insights, upgrade the control plane, then add-ons and node groups.`, ...upgrade },
    }];
  }
  const left = daysUntil(endStandard);
  if (left <= SUPPORT_WARNING_DAYS) {
    return [{
      code: 'standard-support-ending',
      title: `Standard support for Kubernetes ${version} ends in ${left} days (${day(endStandard)})`,
      rootCause:
        `Standard support for ${version} ends on ${day(endStandard)}, within the ${SUPPORT_WARNING_DAYS}-day window in which an upgrade must be tested and rolled out; ` +
        (supportType === 'STANDARD' ? 'with the upgrade policy STANDARD, EKS will then upgrade the cluster automatically.' : 'after that the cluster moves to extended support, billed per cluster hour.'),
      evidence,
      resources: [clusterRef],
      fix: { summary: `Start the upgrade to ${next}: check upgrade insights, upgrade the control plane, then add-ons and node groups.`, ...upgrade },
    }];
  }
  return [];
}
