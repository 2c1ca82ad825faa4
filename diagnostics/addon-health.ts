/**
 * EKS add-on status and health: every issue Amazon EKS reports on an add-on (all 10
 * AddonIssueCode values) and add-ons stuck in a failed status. Add-on versions and the readiness of
 * the add-ons' DaemonSets are other checks (addon-versions); this one reads only what EKS says about
 * the add-on. Each finding is an `addon-unhealthy` symptom naming the add-on, its Kubernetes
 * workloads and its IAM role, so cause checks (a crashing DaemonSet, a role without its policy) can
 * explain it.
 */
import { defineDiagnostic, type FindingCode, type NewFinding } from '../src/engine/diagnostic.js';
import type { ResourceRef } from '../src/engine/finding.js';
import type { Addon, Snapshot } from '../src/snapshot/types.js';
import { ADDON_ISSUE_CODES, affectedResources, healthCodeToFindingCode, healthFindingCodes, healthIssueTitle, type AddonContext } from './lib/health-codes.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import { refForAwsId } from './lib/symptom-resources.js';
import { DOCS } from './lib/docs-links.js';
import { ADDON_WORKLOADS } from '../src/domain/eks-constants.js';


const ENTRIES: Record<string, (typeof ADDON_ISSUE_CODES)[keyof typeof ADDON_ISSUE_CODES]> = ADDON_ISSUE_CODES;

const FAILED_STATUSES = ['CREATE_FAILED', 'UPDATE_FAILED', 'DELETE_FAILED', 'DEGRADED'] as const;

const STATUS_CODES = {
  'status-create-failed': { severity: 'critical', title: 'Add-on creation failed', description: 'The add-on is CREATE_FAILED without a health issue that says why.', symptom: 'addon-unhealthy' },
  'status-update-failed': { severity: 'critical', title: 'Add-on update failed', description: 'The add-on is UPDATE_FAILED without a health issue that says why; the previous version may still be running.', symptom: 'addon-unhealthy' },
  'status-delete-failed': { severity: 'warning', title: 'Add-on deletion failed', description: 'The add-on is DELETE_FAILED.', symptom: 'addon-unhealthy' },
  'status-degraded': { severity: 'critical', title: 'Add-on is degraded', description: 'The add-on is DEGRADED without a health issue that says why.', symptom: 'addon-unhealthy' },
  'status-in-progress': { severity: 'info', title: 'Add-on is being created, updated or deleted', description: 'An add-on operation is in progress.' },
} satisfies Record<string, FindingCode>;

const codes = healthFindingCodes(STATUS_CODES, ENTRIES, 'addon-unhealthy', 'Add-on');

export default defineDiagnostic<string>({
  id: 'addon-health',
  title: 'EKS add-ons are ACTIVE and report no health issues',
  description:
    'Decodes every health issue Amazon EKS reports on an add-on (DescribeAddon health.issues) with the cause and the fix, and reports add-ons that are DEGRADED or whose create, update or delete failed.',
  docs: [DOCS.apiAddonIssue, DOCS.eksAddOns],
  needs: ['aws.addons'],
  codes,
  check({ snapshot }) {
    return (snapshot.aws.addons ?? []).flatMap((addon) => addonFindings(snapshot, addon));
  },
});

function addonFindings(snapshot: Snapshot, addon: Addon): NewFinding<string>[] {
  const name = addon.addonName ?? '';
  const workloads = ADDON_WORKLOADS[name];
  const ctx: AddonContext = {
    cluster: addon.clusterName ?? snapshot.cluster.name,
    region: snapshot.cluster.region,
    addon: name,
    ...(addon.addonVersion ? { version: addon.addonVersion } : {}),
    ...(addon.serviceAccountRoleArn ? { serviceAccountRoleArn: addon.serviceAccountRoleArn } : {}),
    resourceIds: [],
    ...(workloads ? { podSelector: workloads.podSelector } : {}),
  };
  const addonRef: ResourceRef = resource.addon(name);
  const workloadRefs = [...(workloads?.daemonSets ?? []).map((d) => resource.daemonSet('kube-system', d)), ...(workloads?.deployments ?? []).map((d) => resource.deployment('kube-system', d))];
  const roleRefs = addon.serviceAccountRoleArn ? [resource.role(addon.serviceAccountRoleArn)] : [];
  const statusText = `Add-on ${name}${addon.addonVersion ? ` ${addon.addonVersion}` : ''} is ${addon.status ?? 'in an unknown status'}`;
  const findings: NewFinding<string>[] = [];
  const issues = addon.health?.issues ?? [];

  for (const issue of issues) {
    const code = issue.code ?? 'InternalFailure';
    const entry = ENTRIES[code];
    const resourceIds = issue.resourceIds ?? [];
    const issueRefs = resourceIds.map(refForAwsId);
    const evidence = [`${statusText}; Amazon EKS reports ${code}: ${issue.message ?? '(no message)'}`, ...affectedResources(resourceIds), ...workloadEvidence(snapshot, workloads)];
    if (!entry) {
      findings.push({
        code: 'unrecognised-issue',
        keyResource: `${name}/${code}`,
        title: `Add-on ${name} reports ${code}`,
        rootCause: `Amazon EKS reports an add-on health issue this eks-doctor does not know: ${issue.message ?? 'no message'}.`,
        evidence,
        resources: uniqueRefs([addonRef, ...issueRefs, ...workloadRefs]),
        fix: { summary: 'Read the issue message for what to fix.', commands: [`aws eks describe-addon --cluster-name ${ctx.cluster} --addon-name ${name} --region ${ctx.region} --query addon.health`], docs: [DOCS.eksAddOns] },
      });
      continue;
    }
    const fix = entry.fix({ ...ctx, resourceIds });
    findings.push({
      code: healthCodeToFindingCode(code),
      keyResource: `${name}/${code}`,
      title: healthIssueTitle(`Add-on ${name}`, entry, code),
      rootCause: entry.cause,
      evidence,
      resources: uniqueRefs([addonRef, ...issueRefs, ...workloadRefs, ...(code === 'AddonPermissionFailure' ? roleRefs : [])]),
      fix: { ...fix, docs: entry.docs },
      // Only this add-on's own effects (claim-unbound names the CSI driver's add-on and controller).
      ...('explains' in entry ? { canExplain: entry.explains.map((symptom) => ({ symptom, resources: uniqueRefs([addonRef, ...workloadRefs, ...roleRefs]) })) } : {}),
    });
  }

  const failed = FAILED_STATUSES.find((s) => s === addon.status);
  if (failed && issues.length === 0) {
    findings.push({
      code: `status-${failed.toLowerCase().replace('_', '-')}`,
      keyResource: name,
      title: `${statusText} and reports no health issue`,
      rootCause: `The add-on is ${failed}, but Amazon EKS lists no health issue; the failed update in its history says what went wrong.`,
      evidence: [`${statusText} (modified ${addon.modifiedAt ?? 'at an unknown time'}).`, ...workloadEvidence(snapshot, workloads)],
      resources: uniqueRefs([addonRef, ...workloadRefs]),
      fix: {
        summary: 'Read the failed add-on update for the error, fix it, and update the add-on again.',
        commands: [`aws eks list-updates --name ${ctx.cluster} --addon-name ${name} --region ${ctx.region}`, `aws eks describe-update --name ${ctx.cluster} --addon-name ${name} --update-id <update-id> --region ${ctx.region}`],
        docs: [DOCS.updatingAnAddOn],
      },
    });
  }
  if (addon.status === 'CREATING' || addon.status === 'UPDATING' || addon.status === 'DELETING') {
    findings.push({
      code: 'status-in-progress',
      keyResource: name,
      title: statusText,
      rootCause: 'An add-on operation is in progress; its pods may be restarting while it runs.',
      evidence: [`${statusText} since ${addon.modifiedAt ?? 'an unknown time'}.`],
      resources: [addonRef],
      fix: { summary: 'Wait for the operation to finish.', commands: [`aws eks list-updates --name ${ctx.cluster} --addon-name ${name} --region ${ctx.region}`], docs: [DOCS.updatingAnAddOn] },
    });
  }
  return findings;
}

/** How ready the add-on's workloads are, when the snapshot has them: the first thing to look at. */
function workloadEvidence(snapshot: Snapshot, workloads: (typeof ADDON_WORKLOADS)[string] | undefined): string[] {
  const lines: string[] = [];
  for (const name of workloads?.daemonSets ?? []) {
    const ds = snapshot.kubernetes.daemonSets?.find((d) => d.metadata?.name === name && d.metadata?.namespace === 'kube-system');
    if (ds) lines.push(`DaemonSet kube-system/${name}: ${ds.status?.numberReady ?? 0} of ${ds.status?.desiredNumberScheduled ?? 0} pods ready.`);
  }
  for (const name of workloads?.deployments ?? []) {
    const d = snapshot.kubernetes.deployments?.find((x) => x.metadata?.name === name && x.metadata?.namespace === 'kube-system');
    if (d) lines.push(`Deployment kube-system/${name}: ${d.status?.readyReplicas ?? 0} of ${d.spec?.replicas ?? 0} replicas ready.`);
  }
  return lines;
}
