/**
 * Managed node group health: every issue Amazon EKS reports on a node group (all 36
 * NodegroupIssueCode values), decoded into what it means and what to run, plus node groups stuck
 * in a failed status. Each finding is a `nodegroup-unhealthy` symptom naming the node group, its
 * Auto Scaling groups and the resources the issue concerns, so cause checks (a deleted role, an
 * exhausted subnet) can explain it. Codes that are themselves causes (the node role was deleted,
 * the subnets are full) also explain the node group's missing capacity and NotReady nodes.
 */
import { defineDiagnostic, type FindingCode, type NewFinding } from '../src/engine/diagnostic.js';
import type { ResourceRef } from '../src/engine/finding.js';
import type { Nodegroup, Snapshot } from '../src/snapshot/types.js';
import {
  affectedResources,
  healthFindingCodes,
  healthIssueTitle,
  NODEGROUP_ISSUE_CODES,
  healthCodeToFindingCode,
  type NodegroupCodeEntry,
  type NodegroupContext,
  type NodegroupRelated,
} from './lib/health-codes.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import { refForAwsId } from './lib/symptom-resources.js';
import { DOCS } from './lib/docs-links.js';


/**
 * An issue that explains the node group's missing capacity explains the Pending pods waiting for
 * that capacity too (unschedulable-pods names the node groups and Auto Scaling groups that could run
 * pods lacking room), so the issue ranks above them.
 */
const ENTRIES: Record<string, NodegroupCodeEntry> = Object.fromEntries(
  Object.entries(NODEGROUP_ISSUE_CODES as Record<string, NodegroupCodeEntry>).map(([code, entry]) => [code, entry.explains?.includes('asg-capacity-shortfall') ? { ...entry, explains: [...entry.explains, 'pod-unschedulable' as const] } : entry]),
);

const STATUS_CODES = {
  'status-create-failed': {
    severity: 'critical',
    title: 'Node group creation failed',
    description: 'The node group is in CREATE_FAILED without a health issue that says why; its update history does.',
    symptom: 'nodegroup-unhealthy',
  },
  'status-delete-failed': {
    severity: 'warning',
    title: 'Node group deletion failed',
    description: 'The node group is in DELETE_FAILED: something still depends on its resources.',
    symptom: 'nodegroup-unhealthy',
  },
  'status-degraded': {
    severity: 'critical',
    title: 'Node group is degraded',
    description: 'The node group is DEGRADED without a health issue that says why.',
    symptom: 'nodegroup-unhealthy',
  },
  'status-in-progress': {
    severity: 'info',
    title: 'Node group is being created, updated or deleted',
    description: 'A node group operation is in progress; nodes may be replaced while it runs.',
  },
} satisfies Record<string, FindingCode>;

const codes = healthFindingCodes(STATUS_CODES, ENTRIES, 'nodegroup-unhealthy', 'Node group');

export default defineDiagnostic<string>({
  id: 'nodegroup-health',
  title: 'Managed node groups report no health issues',
  description:
    'Decodes every health issue Amazon EKS reports on a managed node group (DescribeNodegroup health.issues) and node groups in CREATE_FAILED, DEGRADED or DELETE_FAILED, with the cause in plain words and the commands to fix it.',
  docs: [DOCS.troubleshootManagedNodeGroups, DOCS.apiNodegroupIssue],
  needs: ['aws.nodegroups'],
  uses: ['aws.cluster', 'aws.autoScalingGroups', 'aws.scalingActivities', 'aws.subnets'],
  codes,
  check({ snapshot }) {
    const findings: NewFinding<string>[] = [];
    for (const group of snapshot.aws.nodegroups ?? []) findings.push(...nodegroupFindings(snapshot, group));
    return findings;
  },
});

function nodegroupFindings(snapshot: Snapshot, group: Nodegroup): NewFinding<string>[] {
  const name = group.nodegroupName ?? '';
  const ctx = context(snapshot, group);
  const groupRef = resource.nodegroup(name);
  const asgRefs = ctx.asgNames.map(resource.autoScalingGroup);
  const statusText = `Node group ${name} is ${group.status ?? 'in an unknown status'}`;
  const issues = group.health?.issues ?? [];
  const findings: NewFinding<string>[] = [];

  for (const issue of issues) {
    const code = issue.code ?? 'Unknown';
    const entry = ENTRIES[code];
    const resourceIds = issue.resourceIds ?? [];
    const issueCtx = { ...ctx, resourceIds };
    const issueRefs = resourceIds.map(refForAwsId);
    if (!entry) {
      findings.push({
        code: 'unrecognised-issue',
        keyResource: `${name}/${code}`,
        title: `Node group ${name} reports ${code}`,
        rootCause: `Amazon EKS reports a health issue this eks-doctor does not know: ${issue.message ?? 'no message'}.`,
        evidence: [`${statusText}.`, `Health issue ${code}: ${issue.message ?? '(no message)'}`, ...affectedResources(resourceIds)],
        resources: uniqueRefs([groupRef, ...issueRefs, ...asgRefs]),
        fix: { summary: "Read the issue message and the node group's update history.", commands: [`aws eks describe-nodegroup --cluster-name ${ctx.cluster} --nodegroup-name ${name} --region ${ctx.region} --query nodegroup.health`], docs: [DOCS.troubleshootManagedNodeGroups] },
      });
      continue;
    }
    const related = relatedRefs(ctx, entry.related);
    const scope = uniqueRefs([groupRef, ...asgRefs, ...issueRefs.filter((r) => r.type === 'aws:ec2:instance')]);
    const fix = entry.fix(issueCtx);
    findings.push({
      code: healthCodeToFindingCode(code),
      keyResource: `${name}/${code}`,
      title: healthIssueTitle(`Node group ${name}`, entry, code),
      rootCause: entry.cause,
      evidence: [
        `${statusText}; Amazon EKS reports ${code}: ${issue.message ?? '(no message)'}`,
        ...affectedResources(resourceIds),
        ...supportingEvidence(snapshot, ctx, entry.related, resourceIds),
      ],
      resources: uniqueRefs([groupRef, ...issueRefs, ...related]),
      fix: { ...fix, docs: entry.docs },
      ...(entry.explains ? { canExplain: entry.explains.map((symptom) => ({ symptom, resources: scope })) } : {}),
    });
  }

  if (issues.length === 0) {
    const statusCode =
      group.status === 'CREATE_FAILED' ? 'status-create-failed' : group.status === 'DEGRADED' ? 'status-degraded' : group.status === 'DELETE_FAILED' ? 'status-delete-failed' : undefined;
    if (statusCode) {
      findings.push({
        code: statusCode,
        keyResource: name,
        title: `${statusText} and reports no health issue`,
        rootCause: `The node group is ${group.status}, but Amazon EKS lists no health issue; the failed update in its history says what went wrong.`,
        evidence: [`${statusText} (modified ${group.modifiedAt ?? 'at an unknown time'}).`],
        resources: uniqueRefs([groupRef, ...asgRefs]),
        fix: {
          summary: 'Read the failed update of the node group for the error, fix it, and retry.',
          commands: [
            `aws eks list-updates --name ${ctx.cluster} --nodegroup-name ${name} --region ${ctx.region}`,
            `aws eks describe-update --name ${ctx.cluster} --nodegroup-name ${name} --update-id <update-id> --region ${ctx.region}`,
          ],
          docs: [DOCS.troubleshootManagedNodeGroups, DOCS.updateManagedNodeGroup],
        },
      });
    }
  }
  if (group.status === 'CREATING' || group.status === 'UPDATING' || group.status === 'DELETING') {
    findings.push({
      code: 'status-in-progress',
      keyResource: name,
      title: `${statusText}`,
      rootCause: 'A node group operation is in progress: nodes may be launched, drained or terminated while it runs, and other node group changes wait for it.',
      evidence: [`${statusText} since ${group.modifiedAt ?? 'an unknown time'}.`],
      resources: uniqueRefs([groupRef, ...asgRefs]),
      fix: {
        summary: 'Wait for the operation to finish; watch its progress in the node group updates.',
        commands: [`aws eks list-updates --name ${ctx.cluster} --nodegroup-name ${name} --region ${ctx.region}`],
        docs: [DOCS.managedNodeUpdateBehavior],
      },
    });
  }
  return findings;
}

function context(snapshot: Snapshot, group: Nodegroup): NodegroupContext {
  const lt = group.launchTemplate;
  return {
    cluster: group.clusterName ?? snapshot.cluster.name,
    region: snapshot.cluster.region,
    nodegroup: group.nodegroupName ?? '',
    nodegroupArn: group.nodegroupArn ?? '',
    asgNames: (group.resources?.autoScalingGroups ?? []).flatMap((a) => (a.name ? [a.name] : [])),
    subnets: group.subnets ?? [],
    ...(group.nodeRole ? { nodeRoleArn: group.nodeRole } : {}),
    ...(lt ? { launchTemplate: { ...(lt.id ? { id: lt.id } : {}), ...(lt.name ? { name: lt.name } : {}), ...(lt.version ? { version: lt.version } : {}) } } : launchTemplateFromAsg(snapshot, group)),
    instanceTypes: group.instanceTypes ?? [],
    ...(group.capacityType ? { capacityType: group.capacityType } : {}),
    ...(group.amiType ? { amiType: group.amiType } : {}),
    resourceIds: [],
    ...(snapshot.aws.cluster?.resourcesVpcConfig?.clusterSecurityGroupId ? { clusterSecurityGroupId: snapshot.aws.cluster.resourcesVpcConfig.clusterSecurityGroupId } : {}),
  };
}

/** A node group without its own launch template still has the one EKS created, on its Auto Scaling group. */
function launchTemplateFromAsg(snapshot: Snapshot, group: Nodegroup): Pick<NodegroupContext, 'launchTemplate'> {
  const asgName = group.resources?.autoScalingGroups?.[0]?.name;
  const lt = snapshot.aws.autoScalingGroups?.find((a) => a.AutoScalingGroupName === asgName)?.LaunchTemplate;
  if (!lt?.LaunchTemplateId) return {};
  return { launchTemplate: { id: lt.LaunchTemplateId, ...(lt.LaunchTemplateName ? { name: lt.LaunchTemplateName } : {}), ...(lt.Version ? { version: lt.Version } : {}) } };
}

function relatedRefs(ctx: NodegroupContext, related: NodegroupRelated[]): ResourceRef[] {
  const refs: ResourceRef[] = [];
  for (const kind of related) {
    if (kind === 'autoScalingGroups') refs.push(...ctx.asgNames.map(resource.autoScalingGroup));
    if (kind === 'subnets') refs.push(...ctx.subnets.map((s) => resource.subnet(s)));
    if (kind === 'nodeRole' && ctx.nodeRoleArn) refs.push(resource.role(ctx.nodeRoleArn));
    if (kind === 'launchTemplate' && ctx.launchTemplate?.id) refs.push(resource.launchTemplate(ctx.launchTemplate.id, ctx.launchTemplate.name));
    if (kind === 'clusterSecurityGroup' && ctx.clusterSecurityGroupId) refs.push(resource.securityGroup(ctx.clusterSecurityGroupId));
  }
  return refs;
}

/** Facts from other parts of the snapshot that bear on the issue: failed launches, free addresses. */
function supportingEvidence(snapshot: Snapshot, ctx: NodegroupContext, related: NodegroupRelated[], resourceIds: string[]): string[] {
  const lines: string[] = [];
  if (related.includes('autoScalingGroups')) {
    const failed = (snapshot.aws.scalingActivities ?? [])
      .filter((a) => a.AutoScalingGroupName && ctx.asgNames.includes(a.AutoScalingGroupName) && (a.StatusCode === 'Failed' || a.StatusCode === 'Cancelled'))
      .sort((a, b) => (b.StartTime ?? '').localeCompare(a.StartTime ?? ''))
      .slice(0, 3);
    for (const a of failed) lines.push(`Scaling activity ${a.StartTime ?? ''} on ${a.AutoScalingGroupName}: ${a.StatusCode}: ${a.StatusMessage ?? a.Description ?? ''}`.trim());
    for (const name of ctx.asgNames) {
      const asg = snapshot.aws.autoScalingGroups?.find((g) => g.AutoScalingGroupName === name);
      if (asg) lines.push(`Auto Scaling group ${name}: ${asg.Instances?.length ?? 0} instances, desired ${asg.DesiredCapacity ?? '?'}.`);
    }
  }
  if (related.includes('subnets')) {
    const wanted = resourceIds.filter((id) => id.startsWith('subnet-'));
    for (const id of wanted.length > 0 ? wanted : ctx.subnets) {
      const subnet = snapshot.aws.subnets?.find((s) => s.SubnetId === id);
      if (subnet) lines.push(`Subnet ${id} (${subnet.AvailabilityZone ?? '?'}): ${subnet.AvailableIpAddressCount ?? '?'} free addresses${subnet.MapPublicIpOnLaunch ? ', assigns public IPv4' : ''}.`);
      else if (snapshot.aws.subnets) lines.push(`Subnet ${id} is not in the VPC's subnet list (deleted, or in another VPC).`);
    }
  }
  return lines;
}
