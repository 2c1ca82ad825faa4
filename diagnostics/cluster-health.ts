/**
 * Cluster health: every issue Amazon EKS reports on the cluster itself (all 19 ClusterIssueCode
 * values) and the cluster's own status (FAILED, UPDATING, ...). Each issue is a `cluster-unhealthy`
 * symptom naming the cluster and the resources the issue concerns (its subnets, security groups,
 * role, KMS key, VPC), so cause checks can explain it.
 */
import { defineDiagnostic, type FindingCode, type NewFinding } from '../src/engine/diagnostic.js';
import type { ResourceRef } from '../src/engine/finding.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { affectedResources, CLUSTER_ISSUE_CODES, healthCodeToFindingCode, healthFindingCodes, healthIssueTitle, type ClusterCodeEntry, type ClusterContext } from './lib/health-codes.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import { refForAwsId } from './lib/symptom-resources.js';
import { DOCS } from './lib/docs-links.js';

const ENTRIES: Record<string, ClusterCodeEntry> = CLUSTER_ISSUE_CODES;

const STATUS_CODES = {
  'status-failed': {
    severity: 'critical',
    title: 'The cluster is in FAILED status',
    description: 'Cluster creation failed; a FAILED cluster cannot be used or repaired and must be deleted and recreated.',
    symptom: 'cluster-unhealthy',
  },
  'status-deleting': {
    severity: 'warning',
    title: 'The cluster is being deleted',
    description: 'The cluster is DELETING; everything on it is about to go away.',
    symptom: 'cluster-unhealthy',
  },
  'status-in-progress': {
    severity: 'info',
    title: 'The cluster is being created or updated',
    description: 'The cluster is CREATING, PENDING or UPDATING: API server endpoints may be replaced and other updates wait until it finishes.',
  },
} satisfies Record<string, FindingCode>;

const codes = healthFindingCodes(STATUS_CODES, ENTRIES, 'cluster-unhealthy', 'Cluster');

export default defineDiagnostic<string>({
  id: 'cluster-health',
  title: 'The cluster is ACTIVE and reports no health issues',
  description:
    'Decodes every health issue Amazon EKS reports on the cluster (DescribeCluster health.issues) with the cause and the fix, and reports a cluster that is FAILED, DELETING or mid-update.',
  docs: [DOCS.clusterHealthStatus, DOCS.apiClusterIssue],
  needs: ['aws.cluster'],
  codes,
  check({ snapshot }) {
    const cluster = snapshot.aws.cluster;
    if (!cluster) return [];
    const ctx = context(snapshot);
    const clusterRef = resource.cluster(ctx.cluster);
    const statusText = `Cluster ${ctx.cluster} is ${cluster.status ?? 'in an unknown status'}`;
    const findings: NewFinding<string>[] = [];
    for (const issue of cluster.health?.issues ?? []) {
      const code = issue.code ?? 'Other';
      const resourceIds = issue.resourceIds ?? [];
      const entry = ENTRIES[code];
      const issueRefs = resourceIds.map(refForAwsId);
      if (!entry) {
        findings.push({
          code: 'unrecognised-issue',
          keyResource: code,
          title: `Cluster ${ctx.cluster} reports ${code}`,
          rootCause: `Amazon EKS reports a cluster health issue this eks-doctor does not know: ${issue.message ?? 'no message'}.`,
          evidence: [`${statusText}.`, `Health issue ${code}: ${issue.message ?? '(no message)'}`, ...affectedResources(resourceIds)],
          resources: uniqueRefs([clusterRef, ...issueRefs]),
          fix: { summary: 'Read the issue message for what to fix.', commands: [`aws eks describe-cluster --name ${ctx.cluster} --region ${ctx.region} --query cluster.health`], docs: [DOCS.clusterHealthStatus] },
        });
        continue;
      }
      const fix = entry.fix({ ...ctx, resourceIds });
      findings.push({
        code: healthCodeToFindingCode(code),
        keyResource: code,
        title: healthIssueTitle(`Cluster ${ctx.cluster}`, entry, code),
        rootCause: `${entry.cause}${entry.recoverable ? '' : ' Amazon EKS documents this as not recoverable.'}`,
        evidence: [`${statusText}; Amazon EKS reports ${code}: ${issue.message ?? '(no message)'}`, ...affectedResources(resourceIds), ...supportingEvidence(snapshot, code, resourceIds)],
        resources: uniqueRefs([clusterRef, ...issueRefs, ...relatedRefs(ctx, code)]),
        fix: { ...fix, docs: entry.docs },
      });
    }
    const statusFinding = (code: keyof typeof STATUS_CODES, rootCause: string, evidence: string, fix: NewFinding<string>['fix']): NewFinding<string> => ({
      code,
      keyResource: ctx.cluster,
      title: statusText,
      rootCause,
      evidence: [evidence],
      resources: [clusterRef],
      fix,
    });
    if (cluster.status === 'FAILED') {
      findings.push(
        statusFinding(
          'status-failed',
          'Cluster creation failed. A FAILED cluster cannot be repaired: find why it failed (its health issues and the CloudTrail CreateCluster event), fix that, delete it and create it again.',
          `${statusText} (created ${cluster.createdAt ?? 'at an unknown time'}).`,
          {
            summary: 'Read why creation failed, then delete and recreate the cluster.',
            commands: [`aws eks describe-cluster --name ${ctx.cluster} --region ${ctx.region} --query cluster.health`, `aws eks delete-cluster --name ${ctx.cluster} --region ${ctx.region}`],
            docs: [DOCS.clusterHealthStatus],
          },
        ),
      );
    } else if (cluster.status === 'DELETING') {
      findings.push(
        statusFinding('status-deleting', 'Someone or some automation deleted the cluster; it cannot be stopped.', `${statusText}.`, {
          summary: 'Find who deleted it in CloudTrail; recreate from your infrastructure code if it was a mistake.',
          commands: [`aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=DeleteCluster --region ${ctx.region}`],
          docs: [DOCS.clusterHealthStatus],
        }),
      );
    } else if (cluster.status === 'CREATING' || cluster.status === 'UPDATING' || cluster.status === 'PENDING') {
      findings.push(
        statusFinding(
          'status-in-progress',
          'A cluster operation is in progress; other cluster and node group updates wait for it, and the API server may briefly drop connections.',
          `${statusText}.`,
          { summary: 'Wait for the update to finish.', commands: [`aws eks list-updates --name ${ctx.cluster} --region ${ctx.region}`], docs: [DOCS.updateCluster] },
        ),
      );
    }
    return findings;
  },
});

function context(snapshot: Snapshot): ClusterContext {
  const cluster = snapshot.aws.cluster!;
  const vpc = cluster.resourcesVpcConfig;
  const kmsKeyArn = cluster.encryptionConfig?.find((e) => e.provider?.keyArn)?.provider?.keyArn;
  return {
    cluster: cluster.name ?? snapshot.cluster.name,
    region: snapshot.cluster.region,
    resourceIds: [],
    ...(cluster.roleArn ? { roleArn: cluster.roleArn } : {}),
    subnetIds: vpc?.subnetIds ?? [],
    securityGroupIds: vpc?.securityGroupIds ?? [],
    ...(vpc?.vpcId ? { vpcId: vpc.vpcId } : {}),
    ...(kmsKeyArn ? { kmsKeyArn } : {}),
    ...(cluster.version ? { version: cluster.version } : {}),
  };
}

/** The configured resources an issue concerns when its resourceIds do not name them. */
function relatedRefs(ctx: ClusterContext, code: string): ResourceRef[] {
  if ((code === 'AccessDenied' || code === 'IamRoleNotFound') && ctx.roleArn) return [resource.role(ctx.roleArn)];
  if (code.startsWith('Kms') && ctx.kmsKeyArn) return [resource.kmsKey(ctx.kmsKeyArn)];
  if (code === 'VpcNotFound' && ctx.vpcId) return [resource.vpc(ctx.vpcId)];
  return [];
}

function supportingEvidence(snapshot: Snapshot, code: string, resourceIds: string[]): string[] {
  if (code !== 'InsufficientFreeAddresses' && code !== 'Ec2SubnetNotFound') return [];
  return resourceIds
    .filter((id) => id.startsWith('subnet-'))
    .flatMap((id) => {
      const subnet = snapshot.aws.subnets?.find((s) => s.SubnetId === id);
      if (subnet) return [`Subnet ${id} (${subnet.AvailabilityZone ?? '?'}): ${subnet.AvailableIpAddressCount ?? '?'} free addresses.`];
      return snapshot.aws.subnets ? [`Subnet ${id} is not in the VPC's subnet list.`] : [];
    });
}
