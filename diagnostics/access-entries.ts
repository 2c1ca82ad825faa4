/**
 * Access entries beyond node mappings (aws-auth checks that node roles are let in): entry types used
 * for the wrong kind of principal, entries whose IAM principal was deleted, and — when the API
 * server refused eks-doctor's own reads with 403 — the caller's own entry that grants nothing to
 * read with. A caller with no entry at all is api-server-access's (caller-not-mapped).
 */
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import type { ResourceRef } from '../src/engine/finding.js';
import { isNodeAccessEntryType } from '../src/domain/eks-constants.js';
import { resource } from '../src/engine/resources.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { assumedRoleOf, parseIamArn, sameRole } from '../src/domain/iam-arn.js';
import { trustsService } from './lib/iam-policy.js';
import { findRole } from './lib/node-identity.js';
import { nodeRoles } from './lib/node-roles.js';
import { DOCS } from './lib/docs-links.js';

/** Services that a role acting as a node (EC2, Fargate, hybrid nodes via SSM or IAM Roles Anywhere) is assumed by. */
const NODE_SERVICES = ['ec2.amazonaws.com', 'eks-fargate-pods.amazonaws.com', 'ssm.amazonaws.com', 'rolesanywhere.amazonaws.com', 'sagemaker.amazonaws.com'];

type Code = 'ec2-type-without-auto-mode' | 'node-type-for-non-node' | 'principal-not-found' | 'caller-entry-grants-no-read';

export default defineDiagnostic<Code>({
  id: 'access-entries',
  title: 'Access entries have the right type and a living principal',
  description:
    'Access entry types must fit the principal: EC2_LINUX/EC2_WINDOWS for self-managed node roles, EC2 only for EKS Auto Mode node roles, FARGATE_LINUX for Fargate pod ' +
    'execution roles, HYBRID_LINUX for hybrid nodes, STANDARD for people and tools. Entries whose IAM principal was deleted grant nothing (and do not follow a ' +
    're-created principal of the same name). When the API server refused eks-doctor with 403, the caller\'s own entry is examined.',
  docs: [DOCS.accessEntries, DOCS.creatingAccessEntries, DOCS.accessPolicies],
  needs: ['aws.cluster', 'aws.accessEntries'],
  uses: ['aws.accessEntryPolicies', 'aws.iamRoles', 'aws.callerIdentity', 'kubernetes.apiServer', 'aws.nodegroups', 'aws.reservations', 'aws.iamInstanceProfiles', 'aws.fargateProfiles'],
  codes: {
    'ec2-type-without-auto-mode': {
      severity: 'warning',
      title: 'EC2 access entry on a cluster without EKS Auto Mode',
      description: 'The EC2 type is for EKS Auto Mode node roles; on a cluster without Auto Mode, a role no node uses yet should have EC2_LINUX or EC2_WINDOWS for its future nodes to be placed in the node groups. (A node role in use with the wrong type is aws-auth\'s access-entry-wrong-type.)',
    },
    'node-type-for-non-node': {
      severity: 'warning',
      title: 'Node-type access entry for a principal that is not a node',
      description: 'An IAM user, or a role no node service can assume, has an entry of a node type: it gets node permissions instead of access policies (entries of node types cannot have any), so people or tools using it are refused almost everything.',
    },
    'principal-not-found': {
      severity: 'warning',
      title: 'Access entry for a principal that no longer exists',
      description: 'The IAM principal was deleted; the entry grants nothing, and a principal re-created with the same ARN does not inherit it (entries are bound to the unique ID), so it must be deleted and created again.',
    },
    'caller-entry-grants-no-read': {
      severity: 'critical',
      title: "The caller's access entry grants no cluster-wide read",
      description: 'The API server refused eks-doctor (403): the caller has an access entry, but of a node type, or with no access policy and no Kubernetes groups, or with namespace-scoped policies only, so it cannot list cluster-wide resources.',
      explains: ['api-server-unreachable'],
    },
  },
  check({ snapshot }) {
    const findings: NewFinding<Code>[] = [];
    const cluster = snapshot.aws.cluster!;
    const entries = snapshot.aws.accessEntries!;
    const ctx = { cluster: snapshot.cluster.name, region: snapshot.cluster.region };
    const autoMode = cluster.computeConfig?.enabled === true;
    const roles = nodeRoles(snapshot);

    for (const entry of entries) {
      const principal = entry.principalArn;
      if (!principal) continue;
      const entryRef = resource.accessEntry(principal);
      const parsed = parseIamArn(principal);
      const deleteCommand = `aws eks delete-access-entry --cluster-name ${ctx.cluster} --region ${ctx.region} --principal-arn ${principal}`;

      const gone = (snapshot.aws.notFound ?? []).some((n) => n.resourceType === 'iam-role' && sameRole(n.id, principal));
      if (gone) {
        findings.push({
          code: 'principal-not-found',
          title: `Access entry for ${principal}, which no longer exists`,
          rootCause: `IAM has no ${parsed?.resourceType ?? 'principal'} ${principal}; the entry grants nothing, and if the ${parsed?.resourceType ?? 'principal'} is re-created with the same name it will not match this entry (entries are bound to the principal's unique ID).`,
          evidence: [`Access entry ${principal}: type ${entry.type ?? 'STANDARD'}, created ${entry.createdAt ?? 'unknown'}`, `iam:GetRole ${parsed?.name ?? principal}: NoSuchEntity`],
          resources: [entryRef, resource.role(principal)],
          keyResource: principal,
          fix: {
            // No create-access-entry here: it fails for a principal that does not exist, and a pasted fix must not.
            summary: `Delete the stale entry. If the ${parsed?.resourceType ?? 'principal'} is re-created and needs access again, create its entry afterwards (aws eks create-access-entry ... --type ${entry.type ?? 'STANDARD'}).`,
            commands: [deleteCommand],
            docs: [DOCS.accessEntries],
          },
        });
        continue;
      }

      if (entry.type === 'EC2' && !autoMode) {
        // A role nodes run as is aws-auth's to report (access-entry-wrong-type, with the nodes that
        // cannot join): two findings for one entry would give the on-call engineer two root causes.
        if (roles.some((r) => sameRole(r.arn, principal))) continue;
        findings.push({
          code: 'ec2-type-without-auto-mode',
          title: `Access entry ${principal} has type EC2, but ${ctx.cluster} does not use EKS Auto Mode`,
          rootCause: 'The EC2 entry type is for EKS Auto Mode node roles; without Auto Mode no node uses it, and nodes that later run as this role will not be placed in the node groups (they need EC2_LINUX or EC2_WINDOWS).',
          evidence: [`Access entry ${principal}: type EC2`, `Cluster computeConfig.enabled: ${String(cluster.computeConfig?.enabled ?? false)}`, 'No node group, instance profile or instance uses this role'],
          resources: [entryRef, resource.role(principal)],
          keyResource: principal,
          fix: {
            summary: 'Delete the entry: no node uses this role.',
            commands: [deleteCommand],
            alternatives: [
              {
                summary: 'If nodes are meant to run as this role, replace the entry with one of type EC2_LINUX (the type of an entry cannot be changed).',
                commands: [deleteCommand, `aws eks create-access-entry --cluster-name ${ctx.cluster} --region ${ctx.region} --principal-arn ${principal} --type EC2_LINUX`],
              },
            ],
            docs: [DOCS.creatingAccessEntries, DOCS.automode],
          },
        });
        continue;
      }

      if (isNodeAccessEntryType(entry.type) && !roles.some((r) => sameRole(r.arn, principal)) && notANode(snapshot, principal)) {
        findings.push({
          code: 'node-type-for-non-node',
          title: `${principal} has a ${entry.type} access entry but is not a node`,
          rootCause: `${parsed?.resourceType === 'user' ? 'An IAM user cannot be a node' : 'No node service (EC2, Fargate, SSM, Roles Anywhere) can assume this role'}, yet its entry is of type ${entry.type}: whoever uses it gets node permissions and cannot be given access policies, so kubectl is refused almost everything.`,
          evidence: [`Access entry ${principal}: type ${entry.type}, username ${entry.username ?? '(default)'}`, ...(parsed?.resourceType === 'role' ? ['Its trust policy allows none of: ' + NODE_SERVICES.join(', ')] : [])],
          resources: [entryRef],
          keyResource: principal,
          fix: {
            summary: 'Replace the entry with a STANDARD one and associate the access policy this principal needs.',
            commands: [
              deleteCommand,
              `aws eks create-access-entry --cluster-name ${ctx.cluster} --region ${ctx.region} --principal-arn ${principal} --type STANDARD`,
              `aws eks associate-access-policy --cluster-name ${ctx.cluster} --region ${ctx.region} --principal-arn ${principal} --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy --access-scope type=cluster`,
            ],
            docs: [DOCS.creatingAccessEntries, DOCS.accessPolicies],
          },
        });
      }
    }

    findings.push(...callerAccess(snapshot, ctx));
    return findings;
  },
});

/** A principal we can show is no node: an IAM user, or a role whose trust policy (when collected) allows no node service. */
function notANode(snapshot: Snapshot, principal: string): boolean {
  const parsed = parseIamArn(principal);
  if (parsed?.resourceType === 'user') return true;
  if (parsed?.resourceType !== 'role') return false;
  const role = findRole(snapshot, principal);
  if (!role?.AssumeRolePolicyDocument) return false;
  return !NODE_SERVICES.some((service) => trustsService(role.AssumeRolePolicyDocument, service));
}

function callerAccess(snapshot: Snapshot, ctx: { cluster: string; region: string }): NewFinding<Code>[] {
  const failure = snapshot.kubernetes.apiServer?.failure;
  const callerArn = snapshot.aws.callerIdentity?.Arn;
  if (!failure || !callerArn || !(failure.kind === 'forbidden' || failure.httpStatus === 403)) return [];
  const assumed = assumedRoleOf(callerArn);
  const entry = (snapshot.aws.accessEntries ?? []).find((e) => {
    const p = e.principalArn ?? '';
    if (assumed) return parseIamArn(p)?.resourceType === 'role' && parseIamArn(p)?.name === assumed.roleName && parseIamArn(p)?.account === assumed.account;
    return p === callerArn;
  });
  if (!entry?.principalArn) return []; // no entry: api-server-access says so (caller-not-mapped)
  const principal = entry.principalArn;
  const policies = (snapshot.aws.accessEntryPolicies ?? []).find((p) => p.principalArn === principal)?.associatedAccessPolicies;
  const groups = entry.kubernetesGroups ?? [];
  const clusterWide = (policies ?? []).filter((p) => p.accessScope?.type === 'cluster');
  let why: string | undefined;
  if (isNodeAccessEntryType(entry.type)) {
    why = `its access entry is of type ${entry.type}, which gives node permissions only and cannot carry access policies`;
  } else if (policies !== undefined && policies.length === 0 && groups.length === 0) {
    why = 'its STANDARD access entry has no access policy and no Kubernetes groups, so it authenticates but is authorized for nothing (unless RBAC binds its username)';
  } else if (policies !== undefined && policies.length > 0 && clusterWide.length === 0 && groups.length === 0) {
    why = `its access policies are scoped to namespaces (${policies.flatMap((p) => p.accessScope?.namespaces ?? []).join(', ')}), so it cannot list cluster-wide resources such as Nodes`;
  }
  if (!why) return [];
  const refs: ResourceRef[] = [resource.accessEntry(principal), resource.cluster(snapshot.aws.cluster?.arn ?? ctx.cluster, ctx.cluster)];
  return [{
    code: 'caller-entry-grants-no-read',
    title: `The API server refused ${callerArn}: ${isNodeAccessEntryType(entry.type) ? `its access entry is of type ${entry.type}` : 'its access entry grants no cluster-wide read'}`,
    rootCause: `eks-doctor runs as ${callerArn}, and ${why}.`,
    evidence: [
      `API server: ${failure.message}`,
      `sts:GetCallerIdentity: ${callerArn}`,
      `Access entry ${principal}: type ${entry.type ?? 'STANDARD'}, Kubernetes groups [${groups.join(', ')}]`,
      `Access policies: ${policies === undefined ? 'not read' : policies.map((p) => `${p.policyArn?.split('/').pop()} (${p.accessScope?.type}${p.accessScope?.namespaces?.length ? `: ${p.accessScope.namespaces.join(', ')}` : ''})`).join(', ') || 'none'}`,
    ],
    resources: refs,
    keyResource: principal,
    fix: {
      summary: isNodeAccessEntryType(entry.type)
        ? 'Replace the entry with a STANDARD one and associate a cluster-wide view policy.'
        : 'Associate a cluster-wide read policy with the entry (AmazonEKSAdminViewPolicy reads everything eks-doctor needs).',
      commands: [
        ...(isNodeAccessEntryType(entry.type)
          ? [`aws eks delete-access-entry --cluster-name ${ctx.cluster} --region ${ctx.region} --principal-arn ${principal}`, `aws eks create-access-entry --cluster-name ${ctx.cluster} --region ${ctx.region} --principal-arn ${principal} --type STANDARD`]
          : []),
        `aws eks associate-access-policy --cluster-name ${ctx.cluster} --region ${ctx.region} --principal-arn ${principal} --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy --access-scope type=cluster`,
      ],
      docs: [DOCS.accessPolicies, DOCS.accessEntries],
    },
  }];
}
