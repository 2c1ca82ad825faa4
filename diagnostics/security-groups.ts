/**
 * Security groups between the control plane and the nodes, as the EKS user guide's security group
 * requirements state them: the control plane accepts TCP 443 from nodes, nodes accept TCP 10250
 * and the admission webhooks' ports from the control plane, nodes reach each other on TCP and UDP
 * 53 for DNS, and nodes can get out on 443. Rules are followed through group references, CIDRs and
 * prefix lists.
 */
import { instanceIdFromProviderId } from '../src/domain/provider-id.js';
import { resource } from '../src/engine/resources.js';
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import type { ResourceRef } from '../src/engine/finding.js';
import { memoised } from '../src/engine/snapshot-memo.js';
import type { SymptomKind } from '../src/engine/symptoms.js';
import type { Snapshot, ValidatingWebhook } from '../src/snapshot/types.js';
import { cidrContains } from './lib/ipv4-cidr.js';
import { scopeRefs } from './lib/node-placement.js';
import { nodePeer, nodeSecurityGroupSets, type NodeGroupSet } from './lib/node-security-groups.js';
import { allowedPeers, danglingReferences, groupLabel, groupsAllow, type FlowVerdict, type Peer, type Protocol } from './lib/security-group-rules.js';
import { subnetById } from './lib/route-tables.js';
import { clusterVpcId } from './lib/cluster-vpc.js';
import { DOCS } from './lib/docs-links.js';
import { endpointSlicesOf } from './lib/admission-webhooks.js';


type Code =
  | 'api-server-port-blocked'
  | 'kubelet-port-blocked'
  | 'webhook-port-blocked'
  | 'dns-blocked'
  | 'node-egress-blocked'
  | 'rule-references-deleted-group'
  | 'control-plane-group-missing';

const NODE_SYMPTOMS = ['instance-not-joined', 'node-not-ready', 'nodegroup-unhealthy'] as const satisfies readonly SymptomKind[];


export default defineDiagnostic<Code>({
  id: 'security-groups',
  title: 'Security groups let nodes and the control plane reach each other',
  description:
    'Evaluates the cluster security group and additional control-plane groups against the groups on the nodes (which a launch template may have replaced): ' +
    'TCP 443 nodes → control plane, TCP 10250 and admission webhook ports control plane → nodes, TCP/UDP 53 between nodes, outbound 443 from nodes, ' +
    'following group references, CIDRs and prefix lists; reports rules that reference deleted groups.',
  docs: [DOCS.securityGroupReqs, DOCS.securityGroupRules],
  needs: ['aws.cluster', 'aws.securityGroups'],
  uses: ['aws.reservations', 'aws.nodegroups', 'aws.autoScalingGroups', 'aws.launchTemplateVersions', 'aws.subnets', 'aws.vpcs', 'aws.vpcEndpoints', 'aws.prefixListEntries', 'kubernetes.validatingWebhooks', 'kubernetes.mutatingWebhooks', 'kubernetes.webhookServices', 'kubernetes.webhookEndpointSlices', 'kubernetes.kubeSystemPods', 'kubernetes.nodes'],
  codes: {
    'api-server-port-blocked': {
      severity: 'critical',
      title: 'Nodes cannot reach the API server on TCP 443',
      description: 'No rule lets the nodes reach the control-plane network interfaces on TCP 443 (node egress or control-plane ingress): kubelets cannot register or post status, so nodes never join or go NotReady.',
      explains: [...NODE_SYMPTOMS],
    },
    'kubelet-port-blocked': {
      severity: 'warning',
      title: 'Control plane cannot reach kubelets on TCP 10250',
      description: 'The control plane reaches kubelets on TCP 10250 for kubectl logs, exec, port-forward and metrics; without it those fail.',
    },
    'webhook-port-blocked': {
      severity: 'warning',
      title: "Control plane cannot reach an admission webhook's pods",
      description: "The API server calls admission webhooks on their Service's targetPort on the pods' nodes; if the node security groups block it from the control plane, calls time out and, with failurePolicy Fail, the requests the webhook covers are rejected: controllers cannot create the pods it covers.",
      explains: ['pod-create-failing'],
    },
    'dns-blocked': {
      severity: 'critical',
      title: 'Nodes cannot reach CoreDNS on port 53',
      description: 'Pods resolve names through CoreDNS pods on other nodes: node security groups must allow TCP and UDP 53 between nodes.',
    },
    'node-egress-blocked': {
      severity: 'critical',
      title: 'Node security groups block outbound HTTPS',
      description: 'Nodes need outbound TCP 443 to the EKS, EC2, ECR, S3 and STS endpoints (or to the VPC endpoints standing in for them) to register and pull images.',
      explains: [...NODE_SYMPTOMS, 'image-pull-unreachable'],
    },
    'rule-references-deleted-group': {
      severity: 'warning',
      title: 'Security group rule references a group that no longer exists',
      description: 'A rule allowing traffic from or to a deleted security group allows nothing: whatever it was meant to let through is now blocked.',
    },
    'control-plane-group-missing': {
      severity: 'critical',
      title: 'A control-plane security group no longer exists',
      description: 'The cluster security group or an additional control-plane group the cluster was created with is gone; EKS cannot attach it to new control-plane or node interfaces (Ec2SecurityGroupNotFound).',
      explains: ['cluster-unhealthy', 'nodegroup-unhealthy'],
    },
  },
  check({ snapshot }) {
    const findings: NewFinding<Code>[] = [];
    const vpc = snapshot.aws.cluster!.resourcesVpcConfig ?? {};
    const controlPlaneGroups = [...new Set([vpc.clusterSecurityGroupId, ...(vpc.securityGroupIds ?? [])].filter((g): g is string => !!g))];
    const known = new Set((snapshot.aws.securityGroups ?? []).map((g) => g.GroupId));
    for (const id of controlPlaneGroups.filter((g) => !known.has(g))) {
      findings.push({
        code: 'control-plane-group-missing',
        keyResource: id,
        title: `Control-plane security group ${id} no longer exists`,
        rootCause: `The cluster lists ${id} as its ${id === vpc.clusterSecurityGroupId ? 'cluster security group' : 'additional control-plane security group'}, but it is not among the VPC's security groups: EKS cannot attach it to new interfaces.`,
        evidence: [`cluster.resourcesVpcConfig: clusterSecurityGroupId ${vpc.clusterSecurityGroupId ?? '(none)'}, securityGroupIds ${(vpc.securityGroupIds ?? []).join(', ') || '(none)'}.`, `ec2:DescribeSecurityGroups for ${vpc.vpcId ?? 'the VPC'} does not return ${id}.`],
        resources: [resource.securityGroup(id), resource.cluster(snapshot.cluster.name)],
        fix: {
          summary:
            id === vpc.clusterSecurityGroupId
              ? 'A deleted cluster security group cannot be restored or replaced: keep the running nodes, contact AWS Support, and plan a new cluster; new managed nodes fail until then.'
              : 'Point the cluster at security groups that exist (the list replaces the old one).',
          commands:
            id === vpc.clusterSecurityGroupId
              ? [`aws eks describe-cluster --name ${snapshot.cluster.name} --query cluster.resourcesVpcConfig`]
              : [`aws eks update-cluster-config --name ${snapshot.cluster.name} --resources-vpc-config securityGroupIds=${[...(vpc.securityGroupIds ?? []).filter((g) => g !== id && known.has(g)), '<existing-sg-id>'].join(',')}`],
          docs: [DOCS.securityGroupReqs],
        },
        canExplain: [{ symptom: 'cluster-unhealthy' }, { symptom: 'nodegroup-unhealthy', resources: [resource.securityGroup(id)] }],
      });
    }
    const existingControlPlane = controlPlaneGroups.filter((g) => known.has(g));
    if (existingControlPlane.length === 0) return findings;
    const clusterSubnetCidrs = (vpc.subnetIds ?? []).flatMap((id) => subnetById(snapshot, id)?.CidrBlock ?? []);
    const controlPlane: Peer = { groupIds: existingControlPlane, cidrs: clusterSubnetCidrs.length > 0 ? clusterSubnetCidrs : vpcCidrs(snapshot) };
    const sets = nodeSecurityGroupSets(snapshot);

    for (const set of sets) {
      const nodes = nodePeer(snapshot, set);
      const who = describeSet(snapshot, set);
      const note = set.replacedClusterGroupNote ? [set.replacedClusterGroupNote] : [];
      const resources = setResources(set);
      // Names every instance of the set: built only when the set gets a finding.
      let scope: ResourceRef[] | undefined;
      const scopeOf = () => (scope ??= scopeRefs(snapshot, { instanceIds: set.instances.map((i) => i.InstanceId!), nodegroups: set.nodegroups, autoScalingGroups: set.autoScalingGroups, securityGroupIds: set.groupIds }));
      const nodeGroup = set.groupIds[0]!;

      // Nodes → control plane, TCP 443.
      const api = flowForAll(snapshot, nodes, controlPlane, 'tcp', 443);
      if (!api.allowed) {
        findings.push({
          code: 'api-server-port-blocked',
          keyResource: set.groupIds.join('+'),
          title: `Nodes with ${set.groupIds.join(', ')} cannot reach the API server on TCP 443`,
          rootCause: `${api.blockedBy === 'egress' ? `No outbound rule of the nodes' groups allows TCP 443 to the control plane` : `No inbound rule of the control-plane groups (${existingControlPlane.join(', ')}) allows TCP 443 from the nodes' groups or addresses`}, so kubelets cannot register with or report to the API server.`,
          evidence: [who, `Control-plane network interfaces carry ${existingControlPlane.map((g) => groupLabel(snapshot, g)).join(', ')} in subnets ${clusterSubnetCidrs.join(', ') || '(unknown)'}.`, ...api.evidence, ...note],
          resources,
          fix: {
            summary: api.blockedBy === 'egress' ? 'Allow the nodes out to the control plane on TCP 443.' : 'Allow TCP 443 from the node security group into the cluster security group.',
            commands: [
              ...(api.egressBlocked ? [`aws ec2 authorize-security-group-egress --group-id ${nodeGroup} --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=${existingControlPlane[0]}}]'`] : []),
              ...(api.ingressBlocked ? [`aws ec2 authorize-security-group-ingress --group-id ${vpc.clusterSecurityGroupId && known.has(vpc.clusterSecurityGroupId) ? vpc.clusterSecurityGroupId : existingControlPlane[0]} --protocol tcp --port 443 --source-group ${nodeGroup}`] : []),
            ],
            docs: [DOCS.securityGroupReqs, DOCS.nodeJoinFailure],
          },
          canExplain: NODE_SYMPTOMS.map((symptom) => ({ symptom, resources: scopeOf() })),
        });
      }

      // Nodes → anywhere, TCP 443 (AWS APIs, ECR, S3, STS or their VPC endpoints).
      const egress = egressToAws(snapshot, set.groupIds);
      if (!egress.allowed) {
        findings.push({
          code: 'node-egress-blocked',
          keyResource: set.groupIds.join('+'),
          title: `Nodes with ${set.groupIds.join(', ')} have no outbound HTTPS`,
          rootCause: `None of the nodes' security groups allows outbound TCP 443 beyond the VPC${egress.endpoints ? ' or to its interface endpoints' : ''}, so nodes cannot reach EKS, EC2, ECR, S3 or STS to register and pull images.`,
          evidence: [who, `Outbound TCP 443 allowed to: ${egress.allowedTo.join(', ') || 'nothing'}.`, ...note],
          resources,
          fix: {
            summary: 'Restore outbound HTTPS from the node security group (to 0.0.0.0/0, or at least to the VPC endpoints and AWS service prefix lists).',
            commands: [`aws ec2 authorize-security-group-egress --group-id ${nodeGroup} --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}]'`],
            docs: [DOCS.securityGroupReqs, DOCS.nodeJoinFailure],
          },
          canExplain: [...NODE_SYMPTOMS, 'image-pull-unreachable' as const].map((symptom) => ({ symptom, resources: scopeOf() })),
        });
      }

      // Control plane → nodes, TCP 10250.
      const kubelet = flowForAll(snapshot, controlPlane, nodes, 'tcp', 10250);
      if (!kubelet.allowed) {
        findings.push({
          code: 'kubelet-port-blocked',
          keyResource: set.groupIds.join('+'),
          title: `Control plane cannot reach kubelets with ${set.groupIds.join(', ')} on TCP 10250`,
          rootCause: `${kubelet.blockedBy === 'egress' ? 'No outbound rule of the control-plane groups allows TCP 10250 to these nodes' : "No inbound rule of the nodes' groups allows TCP 10250 from the control plane"}: kubectl logs, exec, port-forward and metrics for these nodes fail.`,
          evidence: [who, ...kubelet.evidence, ...note],
          resources,
          fix: {
            summary: 'Allow TCP 10250 from the cluster security group into the node security group.',
            commands: [
              ...(kubelet.egressBlocked ? [`aws ec2 authorize-security-group-egress --group-id ${existingControlPlane[0]} --ip-permissions 'IpProtocol=tcp,FromPort=10250,ToPort=10250,UserIdGroupPairs=[{GroupId=${nodeGroup}}]'`] : []),
              ...(kubelet.ingressBlocked ? [`aws ec2 authorize-security-group-ingress --group-id ${nodeGroup} --protocol tcp --port 10250 --source-group ${existingControlPlane[0]}`] : []),
            ],
            docs: [DOCS.securityGroupReqs],
          },
        });
      }
    }

    findings.push(...webhookFindings(snapshot, sets, controlPlane, existingControlPlane));
    findings.push(...dnsFindings(snapshot, sets));

    const dangling = danglingReferences(snapshot, [...new Set([...existingControlPlane, ...sets.flatMap((s) => s.groupIds)])]);
    const byGroup = new Map<string, typeof dangling>();
    for (const d of dangling) byGroup.set(d.groupId, [...(byGroup.get(d.groupId) ?? []), d]);
    for (const [groupId, rules] of byGroup) {
      findings.push({
        code: 'rule-references-deleted-group',
        keyResource: groupId,
        title: `${groupLabel(snapshot, groupId)} has rules referencing deleted security groups`,
        rootCause: `Rules of ${groupId} reference ${[...new Set(rules.map((r) => r.missingGroupId))].join(', ')}, which no longer exist: those rules allow nothing, and whatever they were meant to let through is blocked.`,
        evidence: rules.map((r) => `${groupId} ${r.description}: ${r.missingGroupId} does not exist.`),
        resources: [resource.securityGroup(groupId), ...[...new Set(rules.map((r) => r.missingGroupId))].map((g) => resource.securityGroup(g))],
        fix: {
          summary: 'Point the rules at the security group that replaced the deleted one, then revoke the stale rules.',
          commands: rules.map((r) =>
            r.direction === 'inbound'
              ? `aws ec2 describe-security-group-rules --filters Name=group-id,Values=${groupId} --query "SecurityGroupRules[?ReferencedGroupInfo.GroupId=='${r.missingGroupId}'].SecurityGroupRuleId" --output text | xargs -n1 -I{} aws ec2 revoke-security-group-ingress --group-id ${groupId} --security-group-rule-ids {}`
              : `aws ec2 describe-security-group-rules --filters Name=group-id,Values=${groupId} --query "SecurityGroupRules[?ReferencedGroupInfo.GroupId=='${r.missingGroupId}'].SecurityGroupRuleId" --output text | xargs -n1 -I{} aws ec2 revoke-security-group-egress --group-id ${groupId} --security-group-rule-ids {}`,
          ),
          docs: [DOCS.securityGroupRules],
        },
      });
    }
    return findings;
  },
});

function vpcCidrs(snapshot: Snapshot): string[] {
  const vpcId = clusterVpcId(snapshot);
  const vpc = (snapshot.aws.vpcs ?? []).find((v) => v.VpcId === vpcId);
  const cidrs = (vpc?.CidrBlockAssociationSet ?? []).flatMap((a) => (a.CidrBlock && a.CidrBlockState?.State === 'associated' ? [a.CidrBlock] : []));
  return cidrs.length > 0 ? cidrs : vpc?.CidrBlock ? [vpc.CidrBlock] : [];
}

/**
 * A flow between two peers, allowed only if allowed for every address range of each end (a CIDR rule
 * covering one node but not another does not count), with the blocking side named.
 */
function flowForAll(snapshot: Snapshot, from: Peer, to: Peer, protocol: Protocol, port: number): { allowed: boolean; blockedBy?: 'egress' | 'ingress'; egressBlocked: boolean; ingressBlocked: boolean; evidence: string[] } {
  // The first address range of `peer` the groups do not allow. A rule naming the peer's security
  // group allows every range at once, so that is tried first: a 5,000-node peer has 5,000 ranges.
  const firstFailing = (groupIds: string[], direction: 'ingress' | 'egress', peer: Peer): FlowVerdict | undefined => {
    if (peer.cidrs.length > 1 && groupsAllow(snapshot, groupIds, direction, protocol, port, { groupIds: peer.groupIds, cidrs: [] }).allowed) return undefined;
    const each = peer.cidrs.length > 0 ? peer.cidrs.map((c) => ({ groupIds: peer.groupIds, cidrs: [c] })) : [{ groupIds: peer.groupIds, cidrs: [] }];
    for (const one of each) {
      const verdict = groupsAllow(snapshot, groupIds, direction, protocol, port, one);
      if (!verdict.allowed) return verdict;
    }
    return undefined;
  };
  const egress = firstFailing(from.groupIds, 'egress', to);
  const ingress = firstFailing(to.groupIds, 'ingress', from);
  const uncertain = (egress?.uncertain ?? false) || (ingress?.uncertain ?? false);
  // A prefix list whose entries were not collected could be what allows it: do not claim a block.
  if ((!egress && !ingress) || uncertain) return { allowed: true, egressBlocked: false, ingressBlocked: false, evidence: [] };
  const evidence: string[] = [];
  if (egress) evidence.push(`Outbound: no rule of ${from.groupIds.join(', ')} allows ${protocol.toUpperCase()} ${port} to ${to.groupIds.join(', ')} or ${summarise(to.cidrs)}.`);
  else evidence.push(`Outbound from ${from.groupIds.join(', ')} allows ${protocol.toUpperCase()} ${port}.`);
  if (ingress) evidence.push(`Inbound: no rule of ${to.groupIds.join(', ')} allows ${protocol.toUpperCase()} ${port} from ${from.groupIds.join(', ')} or ${summarise(from.cidrs)}.`);
  return { allowed: false, blockedBy: ingress ? 'ingress' : 'egress', egressBlocked: !!egress, ingressBlocked: !!ingress, evidence };
}

function summarise(cidrs: string[]): string {
  if (cidrs.length === 0) return 'their addresses';
  return cidrs.length > 3 ? `${cidrs.slice(0, 3).join(', ')} and ${cidrs.length - 3} more` : cidrs.join(', ');
}

/**
 * Whether the groups let nodes out on TCP 443 to AWS: to a range reaching beyond the VPC, to a
 * prefix list (AWS service lists), or, when the VPC has interface endpoints, to the VPC or the
 * endpoints' groups.
 */
function egressToAws(snapshot: Snapshot, groupIds: string[]): { allowed: boolean; endpoints: boolean; allowedTo: string[] } {
  const allowed = allowedPeers(snapshot, groupIds, 'egress', 'tcp', 443);
  const inVpc = vpcCidrs(snapshot);
  const endpoints = (snapshot.aws.vpcEndpoints ?? []).filter((e) => e.VpcEndpointType === 'Interface');
  const allowedTo = [...allowed.cidrs, ...allowed.prefixLists, ...allowed.groups];
  if (!snapshot.aws.vpcs) return { allowed: true, endpoints: endpoints.length > 0, allowedTo };
  const beyondVpc = allowed.cidrs.some((c) => !c.includes(':') && !inVpc.some((v) => cidrContains(v, c)));
  if (beyondVpc || allowed.prefixLists.length > 0) return { allowed: true, endpoints: endpoints.length > 0, allowedTo };
  const endpointGroups = endpoints.flatMap((e) => (e.Groups ?? []).flatMap((g) => (g.GroupId ? [g.GroupId] : [])));
  const toEndpoints = endpoints.length > 0 && (allowed.cidrs.length > 0 || allowed.groups.some((g) => endpointGroups.includes(g)));
  return { allowed: toEndpoints, endpoints: endpoints.length > 0, allowedTo };
}

function describeSet(snapshot: Snapshot, set: NodeGroupSet): string {
  const what = [
    ...set.nodegroups.map((n) => `node group ${n}`),
    ...set.autoScalingGroups.filter((a) => !(snapshot.aws.nodegroups ?? []).some((ng) => ng.resources?.autoScalingGroups?.some((x) => x.name === a))).map((a) => `Auto Scaling group ${a}`),
  ];
  const instances = set.instances.length > 0 ? `instances ${set.instances.map((i) => i.InstanceId).slice(0, 5).join(', ')}${set.instances.length > 5 ? ` and ${set.instances.length - 5} more` : ''}` : 'no live instance yet';
  return `Nodes of ${what.join(', ') || 'the cluster'} (${instances}) carry ${set.groupIds.map((g) => groupLabel(snapshot, g)).join(', ')}.`;
}

function setResources(set: NodeGroupSet): ResourceRef[] {
  return [
    ...set.groupIds.map((g) => resource.securityGroup(g)),
    ...set.nodegroups.map((n) => resource.nodegroup(n)),
    ...set.autoScalingGroups.map((a) => resource.autoScalingGroup(a)),
    ...set.instances.slice(0, 20).map((i) => resource.instance(i.InstanceId!)),
  ];
}

/** Webhooks the API server calls through a Service in the cluster, with the port the pods listen on. */
function webhookTargets(snapshot: Snapshot): { configuration: string; webhook: ValidatingWebhook; service: string; targetPort: number; failurePolicy: string; selector?: Record<string, string> }[] {
  const out: { configuration: string; webhook: ValidatingWebhook; service: string; targetPort: number; failurePolicy: string; selector?: Record<string, string> }[] = [];
  const configurations = [...(snapshot.kubernetes.validatingWebhooks ?? []), ...(snapshot.kubernetes.mutatingWebhooks ?? [])];
  for (const config of configurations) {
    for (const webhook of config.webhooks ?? []) {
      const target = webhook.clientConfig?.service;
      if (!target) continue;
      const service = (snapshot.kubernetes.webhookServices ?? []).find((s) => s.metadata?.namespace === target.namespace && s.metadata?.name === target.name);
      const port = (service?.spec?.ports ?? []).find((p) => p.port === (target.port ?? 443));
      // A named targetPort resolves per pod: the EndpointSlice controller writes the resolved port under the Service port's name.
      const resolved = typeof port?.targetPort === 'string' ? endpointSlicesOf(snapshot, target.namespace, target.name).flatMap((e) => e.ports ?? []).find((p) => (p.name ?? '') === (port.name ?? ''))?.port : undefined;
      const targetPort = typeof port?.targetPort === 'number' ? port.targetPort : port?.targetPort === undefined && port ? port.port : (resolved ?? undefined);
      if (targetPort === undefined) continue;
      out.push({ configuration: `${config.kind} ${config.metadata?.name}`, webhook, service: `${target.namespace}/${target.name}`, targetPort, failurePolicy: webhook.failurePolicy ?? 'Fail', selector: service?.spec?.selector });
    }
  }
  return out;
}

function webhookFindings(snapshot: Snapshot, sets: NodeGroupSet[], controlPlane: Peer, controlPlaneGroups: string[]): NewFinding<Code>[] {
  const findings: NewFinding<Code>[] = [];
  const seen = new Set<string>();
  for (const target of webhookTargets(snapshot)) {
    // Only the nodes running the webhook's pods matter; when those are unknown, every node could.
    const podNodes = podNodesMatching(snapshot, target.service.split('/')[0]!, target.selector);
    // Outside kube-system the pods were not read; their Service's EndpointSlices name their nodes.
    if (podNodes.size === 0) for (const id of endpointNodes(snapshot, target.service)) podNodes.add(id);
    const relevant = podNodes.size > 0 ? sets.filter((s) => s.instances.some((i) => podNodes.has(i.InstanceId!))) : sets;
    for (const set of relevant) {
      const key = `${target.service}:${target.targetPort}:${set.groupIds.join('+')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const flow = flowForAll(snapshot, controlPlane, nodePeer(snapshot, set), 'tcp', target.targetPort);
      if (flow.allowed) continue;
      const hooks = webhookTargets(snapshot).filter((t) => t.service === target.service && t.targetPort === target.targetPort);
      const failClosed = hooks.some((h) => h.failurePolicy === 'Fail');
      findings.push({
        code: 'webhook-port-blocked',
        keyResource: key,
        severity: failClosed ? 'critical' : 'warning',
        title: `Control plane cannot reach webhook ${target.service} on TCP ${target.targetPort}`,
        rootCause: `The API server calls ${hooks.map((h) => h.webhook.name).join(', ')} on port ${target.targetPort} of ${target.service}'s pods, but the node security groups ${set.groupIds.join(', ')} do not allow it from the control plane${failClosed ? '; with failurePolicy Fail, the requests these webhooks cover are rejected' : ''}.`,
        evidence: [
          ...hooks.map((h) => `${h.configuration}: webhook ${h.webhook.name} → service ${h.service} targetPort ${h.targetPort}, failurePolicy ${h.failurePolicy}.`),
          describeSet(snapshot, set),
          ...flow.evidence,
          ...(set.replacedClusterGroupNote ? [set.replacedClusterGroupNote] : []),
        ],
        resources: [resource.service(target.service), ...set.groupIds.map((g) => resource.securityGroup(g))],
        fix: {
          summary: `Allow TCP ${target.targetPort} from the cluster security group to the node security group${flow.egressBlocked && !flow.ingressBlocked ? ' (outbound from the cluster security group is what blocks it)' : ''}.`,
          commands: [
            ...(flow.egressBlocked ? [`aws ec2 authorize-security-group-egress --group-id ${controlPlaneGroups[0]} --ip-permissions 'IpProtocol=tcp,FromPort=${target.targetPort},ToPort=${target.targetPort},UserIdGroupPairs=[{GroupId=${set.groupIds[0]}}]'`] : []),
            ...(flow.ingressBlocked ? [`aws ec2 authorize-security-group-ingress --group-id ${set.groupIds[0]} --protocol tcp --port ${target.targetPort} --source-group ${controlPlaneGroups[0]}`] : []),
          ],
          docs: [DOCS.securityGroupReqs, DOCS.networkReqs],
        },
        // With failurePolicy Ignore the API server admits without the webhook: nothing is blocked.
        canExplain: failClosed ? [{ symptom: 'pod-create-failing', resources: [resource.service(target.service)] }] : [],
      });
    }
  }
  return findings;
}

function podNodesMatching(snapshot: Snapshot, namespace: string, selector: Record<string, string> | undefined): Set<string> {
  const instances = new Set<string>();
  if (!selector || Object.keys(selector).length === 0) return instances;
  const instanceOfNode = instanceIdsByNodeName(snapshot);
  const wanted = Object.entries(selector);
  for (const pod of snapshot.kubernetes.kubeSystemPods ?? []) {
    if (pod.metadata?.namespace !== namespace) continue;
    const labels = pod.metadata?.labels ?? {};
    if (!wanted.every(([k, v]) => labels[k] === v)) continue;
    const id = pod.spec?.nodeName === undefined ? undefined : instanceOfNode.get(pod.spec.nodeName);
    if (id) instances.add(id);
  }
  return instances;
}

/** The instances whose nodes the Service's EndpointSlices place its endpoints on. */
function endpointNodes(snapshot: Snapshot, service: string): string[] {
  const [namespace, name] = service.split('/') as [string, string];
  const instanceOfNode = instanceIdsByNodeName(snapshot);
  return endpointSlicesOf(snapshot, namespace, name).flatMap((e) => (e.endpoints ?? []).flatMap((x) => {
    const id = x.nodeName === undefined ? undefined : instanceOfNode.get(x.nodeName);
    return id ? [id] : [];
  }));
}

/** Node name -> EC2 instance ID from its providerID; the last Node of a repeated name wins, as `new Map(entries)` does. */
function instanceIdsByNodeName(snapshot: Snapshot): ReadonlyMap<string | undefined, string | undefined> {
  return memoised(snapshot, 'security-groups/instance-by-node-name', () => new Map((snapshot.kubernetes.nodes ?? []).map((n) => [n.metadata?.name, instanceIdFromProviderId(n.spec?.providerID)])));
}

/** Every node set must reach the nodes running CoreDNS (all nodes when they are unknown) on TCP and UDP 53. */
function dnsFindings(snapshot: Snapshot, sets: NodeGroupSet[]): NewFinding<Code>[] {
  const findings: NewFinding<Code>[] = [];
  // EKS's CoreDNS (and the CoreDNS chart as the cluster's DNS) keeps kube-dns's label.
  const dnsNodes = podNodesMatching(snapshot, 'kube-system', { 'k8s-app': 'kube-dns' });
  const servers = dnsNodes.size > 0 ? sets.filter((s) => s.instances.some((i) => dnsNodes.has(i.InstanceId!))) : sets.filter((s) => s.instances.length > 0);
  for (const client of sets) {
    for (const server of servers) {
      const blocked = (['udp', 'tcp'] as const).map((p) => ({ protocol: p, flow: flowForAll(snapshot, nodePeer(snapshot, client), nodePeer(snapshot, server), p, 53) })).filter((x) => !x.flow.allowed);
      if (blocked.length === 0) continue;
      findings.push({
        code: 'dns-blocked',
        keyResource: `${client.groupIds.join('+')}->${server.groupIds.join('+')}`,
        title: `Nodes with ${client.groupIds.join(', ')} cannot reach CoreDNS on ${blocked.map((b) => b.protocol.toUpperCase()).join(' and ')} 53`,
        rootCause: `CoreDNS runs on nodes with ${server.groupIds.join(', ')}; the security groups block ${blocked.map((b) => b.protocol.toUpperCase()).join(' and ')} 53 from nodes with ${client.groupIds.join(', ')}, so their pods' name lookups time out.`,
        evidence: [describeSet(snapshot, client), `CoreDNS nodes: ${describeSet(snapshot, server)}`, ...blocked.flatMap((b) => b.flow.evidence)],
        resources: [...new Set([...client.groupIds, ...server.groupIds])].map((g) => resource.securityGroup(g)),
        fix: {
          summary: `Allow ${blocked.map((b) => b.protocol.toUpperCase()).join(' and ')} 53 between the node security groups, on the side that blocks it.`,
          // Only the rules that are missing: a rule the groups already have would change nothing.
          commands: blocked.flatMap((b) => [
            ...(b.flow.egressBlocked ? [`aws ec2 authorize-security-group-egress --group-id ${client.groupIds[0]} --ip-permissions 'IpProtocol=${b.protocol},FromPort=53,ToPort=53,UserIdGroupPairs=[{GroupId=${server.groupIds[0]}}]'`] : []),
            ...(b.flow.ingressBlocked ? [`aws ec2 authorize-security-group-ingress --group-id ${server.groupIds[0]} --protocol ${b.protocol} --port 53 --source-group ${client.groupIds[0]}`] : []),
          ]),
          docs: [DOCS.securityGroupReqs],
        },
      });
    }
  }
  return findings;
}
