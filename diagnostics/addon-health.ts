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
import { cappedLines } from './lib/workload-owner.js';

/** CoreDNS's pods as EKS labels them (k8s-app=kube-dns): the selector the add-on table holds, not the Service's name. */
const CORE_DNS_PODS = ADDON_WORKLOADS.coredns!.podSelector;
import { COMPUTE_TYPE_ANNOTATION, COREDNS, corednsState, fargateOnly, fargateProfilesSelecting } from './lib/coredns.js';


const ENTRIES: Record<string, (typeof ADDON_ISSUE_CODES)[keyof typeof ADDON_ISSUE_CODES]> = ADDON_ISSUE_CODES;

const FAILED_STATUSES = ['CREATE_FAILED', 'UPDATE_FAILED', 'DELETE_FAILED', 'DEGRADED'] as const;

const STATUS_CODES = {
  'status-create-failed': { severity: 'critical', title: 'Add-on creation failed', description: 'The add-on is CREATE_FAILED without a health issue that says why.', symptom: 'addon-unhealthy' },
  'status-update-failed': { severity: 'critical', title: 'Add-on update failed', description: 'The add-on is UPDATE_FAILED without a health issue that says why; the previous version may still be running.', symptom: 'addon-unhealthy' },
  'status-delete-failed': { severity: 'warning', title: 'Add-on deletion failed', description: 'The add-on is DELETE_FAILED.', symptom: 'addon-unhealthy' },
  'status-degraded': { severity: 'critical', title: 'Add-on is degraded', description: 'The add-on is DEGRADED without a health issue that says why.', symptom: 'addon-unhealthy' },
  'status-in-progress': { severity: 'info', title: 'Add-on is being created, updated or deleted', description: 'An add-on operation is in progress.' },
} satisfies Record<string, FindingCode>;

const COREDNS_CODES = {
  'coredns-unavailable': {
    severity: 'critical',
    title: 'CoreDNS is below its replicas',
    description:
      'The coredns Deployment behind the kube-dns Service has fewer ready pods than it wants (or none): name lookups from every pod fail or time out. Reported once, with what Amazon EKS says about the coredns add-on (InsufficientNumberOfReplicas) when it is one. Its pods that cannot be scheduled, pulled, created or kept running, and the NotReady nodes they are on, explain it.',
    symptom: 'coredns-unavailable',
    whenUnexplained: "No cause was found for CoreDNS's missing pods: its pods' events and previous logs say why they are not ready.",
  },
  'coredns-no-fargate-profile': {
    severity: 'critical',
    title: 'No Fargate profile runs CoreDNS on a Fargate-only cluster',
    description:
      'The cluster has no EC2 capacity, only Fargate, and no Fargate profile selects the CoreDNS pods (namespace kube-system, label k8s-app=kube-dns), or CoreDNS still carries the eks.amazonaws.com/compute-type: ec2 annotation that keeps it off Fargate: its pods stay Pending (the scheduler finds only Fargate nodes, whose taint they do not tolerate).',
    explains: ['coredns-unavailable', 'pod-unschedulable'],
  },
} satisfies Record<string, FindingCode>;

const codes = { ...healthFindingCodes(STATUS_CODES, ENTRIES, 'addon-unhealthy', 'Add-on'), ...COREDNS_CODES };

export default defineDiagnostic<string>({
  id: 'addon-health',
  title: 'EKS add-ons are ACTIVE and report no health issues',
  description:
    'Decodes every health issue Amazon EKS reports on an add-on (DescribeAddon health.issues) with the cause and the fix, and reports add-ons that are DEGRADED or whose create, update or delete failed.',
  docs: [DOCS.apiAddonIssue, DOCS.eksAddOns],
  needs: ['aws.addons'],
  // CoreDNS's Deployment and pods say whether it has its replicas, self-managed or not; the capacity parts whether Fargate is all there is.
  uses: ['kubernetes.deployments', 'kubernetes.kubeSystemPods', 'kubernetes.nodes', 'kubernetes.nodePools', 'aws.fargateProfiles', 'aws.nodegroups', 'aws.autoScalingGroups'],
  codes,
  check({ snapshot }) {
    const coredns = corednsFindings(snapshot);
    // CoreDNS below its replicas is reported once, as coredns-unavailable, with EKS's InsufficientNumberOfReplicas as evidence.
    const folded = (addon: Addon, f: NewFinding<string>) => coredns.length > 0 && addon.addonName === COREDNS.deployment && f.code === healthCodeToFindingCode('InsufficientNumberOfReplicas');
    return [...(snapshot.aws.addons ?? []).flatMap((addon) => addonFindings(snapshot, addon).filter((f) => !folded(addon, f))), ...coredns];
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

/** Pods quoted in the CoreDNS finding. */
const QUOTED_PODS = 5;

/**
 * CoreDNS below its replicas (or scaled to zero), from its Deployment, or from EKS's
 * InsufficientNumberOfReplicas on the coredns add-on when the Deployment was not read; and, on a
 * Fargate-only cluster, the missing Fargate profile that leaves its pods Pending.
 */
function corednsFindings(snapshot: Snapshot): NewFinding<string>[] {
  const state = corednsState(snapshot);
  const addon = snapshot.aws.addons?.find((a) => a.addonName === COREDNS.deployment);
  const eksIssue = addon?.health?.issues?.find((i) => i.code === 'InsufficientNumberOfReplicas');
  const short = state ? state.desired === 0 || state.ready < state.desired : eksIssue !== undefined;
  if (!short) return [];
  const deploymentRef = resource.deployment(COREDNS.namespace, COREDNS.deployment);
  const unready = (state?.pods ?? []).filter((p) => !p.ready);
  const nodes = [...new Set(unready.flatMap((p) => (p.pod.spec?.nodeName ? [p.pod.spec.nodeName] : [])))];
  const counts = state ? (state.desired === 0 ? 'scaled to 0 replicas' : `${state.ready} of ${state.desired} ready`) : 'too few replicas ready, as Amazon EKS reports';
  const region = snapshot.cluster.region;
  const findings: NewFinding<string>[] = [
    {
      code: 'coredns-unavailable',
      keyResource: `${COREDNS.namespace}/${COREDNS.deployment}`,
      title: `CoreDNS is below its replicas: ${counts}`,
      rootCause: `The coredns Deployment serves the cluster's DNS (Service ${COREDNS.namespace}/${COREDNS.service}); with ${state?.desired === 0 ? 'no replica' : 'too few ready replicas'}, name lookups from pods fail or time out, so anything that resolves a Service or an AWS endpoint by name breaks with it.`,
      evidence: [
        ...(state ? [`Deployment ${COREDNS.namespace}/${COREDNS.deployment}: ${state.desired} desired, ${state.ready} ready, ${state.deployment.status?.availableReplicas ?? 0} available.`] : []),
        ...(eksIssue ? [`Amazon EKS reports InsufficientNumberOfReplicas on the coredns add-on${addon?.addonVersion ? ` ${addon.addonVersion}` : ''}: ${eksIssue.message ?? ''}`.trim()] : []),
        ...cappedLines(unready.map((p) => `${COREDNS.namespace}/${p.pod.metadata?.name} on ${p.pod.spec?.nodeName ?? 'no node'}: ${p.state}`), QUOTED_PODS, 'pods'),
      ],
      resources: uniqueRefs([
        deploymentRef,
        resource.service(COREDNS.namespace, COREDNS.service),
        ...(addon ? [resource.addon(COREDNS.deployment)] : []),
        ...unready.slice(0, QUOTED_PODS).map((p) => resource.pod(COREDNS.namespace, p.pod.metadata?.name ?? '')),
        ...nodes.map((n) => resource.node(n)),
      ]),
      fix: {
        summary: state?.desired === 0 ? 'Scale CoreDNS back up (at least 2 replicas); the linked causes say why its pods are missing otherwise.' : "Get CoreDNS's pods running: the linked causes say why they are not (their scheduling, image, nodes); otherwise their events and previous logs.",
        commands: [
          `kubectl get pods -n ${COREDNS.namespace} -l ${CORE_DNS_PODS} -o wide`,
          `kubectl describe deployment -n ${COREDNS.namespace} ${COREDNS.deployment}`,
          ...(state?.desired === 0 ? [`kubectl scale deployment -n ${COREDNS.namespace} ${COREDNS.deployment} --replicas=2`] : []),
          `kubectl get events -n ${COREDNS.namespace} --field-selector involvedObject.kind=Pod --sort-by=.lastTimestamp`,
        ],
        docs: [DOCS.managingCoredns],
      },
    },
  ];
  const fargate = state ? fargateCause(snapshot, state, region) : undefined;
  if (fargate) findings.push(fargate);
  return findings;
}

/** On a Fargate-only cluster, the reason CoreDNS's pods have nowhere to run: no profile selects them, or the EC2 annotation keeps them off Fargate. */
function fargateCause(snapshot: Snapshot, state: NonNullable<ReturnType<typeof corednsState>>, region: string): NewFinding<string> | undefined {
  // Its pods, when they were read, must be the ones waiting: running CoreDNS pods found a place.
  if (fargateOnly(snapshot) !== true || (state.pods.length > 0 && !state.pods.some((p) => p.pod.status?.phase === 'Pending'))) return undefined;
  const template = state.deployment.spec?.template?.metadata;
  const labels = template?.labels ?? {};
  const profiles = fargateProfilesSelecting(snapshot.aws.fargateProfiles ?? [], COREDNS.namespace, labels);
  const pinnedToEc2 = template?.annotations?.[COMPUTE_TYPE_ANNOTATION] === 'ec2';
  if (profiles.length > 0 && !pinnedToEc2) return undefined;
  const cluster = snapshot.cluster.name;
  const role = snapshot.aws.fargateProfiles?.[0]?.podExecutionRoleArn ?? `arn:aws:iam::<account-id>:role/<pod-execution-role>`;
  const subnets = snapshot.aws.fargateProfiles?.[0]?.subnets ?? [];
  const patch = `kubectl patch deployment coredns -n ${COREDNS.namespace} --type json -p='[{"op": "remove", "path": "/spec/template/metadata/annotations/eks.amazonaws.com~1compute-type"}]'`;
  const refs = [resource.deployment(COREDNS.namespace, COREDNS.deployment)];
  return {
    code: 'coredns-no-fargate-profile',
    keyResource: cluster,
    title: profiles.length === 0 ? 'No Fargate profile selects CoreDNS, and the cluster has no EC2 nodes' : 'CoreDNS is annotated to run on EC2, and the cluster has only Fargate',
    rootCause:
      profiles.length === 0
        ? `The cluster's only capacity is Fargate, and none of its Fargate profiles (${(snapshot.aws.fargateProfiles ?? []).map((p) => p.fargateProfileName).join(', ')}) selects namespace ${COREDNS.namespace} with CoreDNS's labels: its pods have no node to run on and stay Pending.`
        : `Fargate profile ${profiles.map((p) => p.fargateProfileName).join(', ')} selects CoreDNS, but its pod template carries ${COMPUTE_TYPE_ANNOTATION}: ec2, which keeps it for EC2 nodes the cluster does not have: its pods stay Pending.`,
    evidence: [
      `Fargate profiles: ${(snapshot.aws.fargateProfiles ?? []).map((p) => `${p.fargateProfileName} (${(p.selectors ?? []).map((x) => `${x.namespace}${x.labels ? ` ${Object.entries(x.labels).map(([k, v]) => `${k}=${v}`).join(',')}` : ''}`).join('; ')})`).join(', ')}.`,
      'No managed node group, Auto Scaling group, Karpenter NodePool or EC2 Node.',
      `CoreDNS pod template labels: ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ') || 'none'}${pinnedToEc2 ? `; annotation ${COMPUTE_TYPE_ANNOTATION}: ec2` : ''}.`,
    ],
    resources: refs,
    fix: {
      summary:
        profiles.length === 0
          ? `Create a Fargate profile for ${COREDNS.namespace} selecting ${CORE_DNS_PODS}${pinnedToEc2 ? ', remove the EC2 annotation from CoreDNS' : ''}, then restart CoreDNS.`
          : 'Remove the EC2 annotation from CoreDNS and restart it, so the Fargate scheduler takes its pods.',
      commands: [
        ...(profiles.length === 0
          ? [`aws eks create-fargate-profile --cluster-name ${cluster} --region ${region} --fargate-profile-name coredns --pod-execution-role-arn ${role}${subnets.length > 0 ? ` --subnets ${subnets.join(' ')}` : ''} --selectors namespace=${COREDNS.namespace},labels={${CORE_DNS_PODS}}`]
          : []),
        ...(pinnedToEc2 ? [patch] : []),
        `kubectl rollout restart -n ${COREDNS.namespace} deployment ${COREDNS.deployment}`,
      ],
      docs: [DOCS.fargateCoredns],
    },
    // Its Pending pods (unschedulable-pods names their Deployment) and CoreDNS below its replicas.
    canExplain: [
      { symptom: 'coredns-unavailable', resources: refs },
      { symptom: 'pod-unschedulable', resources: refs },
    ],
  };
}
