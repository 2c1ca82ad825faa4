import { CannotCheck, defineDiagnostic, requirePart, type NewFinding } from '../src/engine/diagnostic.js';
import type { ExplainScope, FixWay, ResourceRef } from '../src/engine/finding.js';
import { NODE_ACCESS_ENTRY_TYPES } from '../src/domain/eks-constants.js';
import { instanceProfileNameOf, roleArnWithoutPath } from '../src/domain/iam-arn.js';
import { resource } from '../src/engine/resources.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { snapshotAwsAuth, type RoleMapping } from './lib/aws-auth-config.js';
import { nodeRoles, type NodeRole } from './lib/node-roles.js';
import { DOCS } from './lib/docs-links.js';

const EC2_NODE = { username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:bootstrappers', 'system:nodes'], entryTypes: [...NODE_ACCESS_ENTRY_TYPES.ec2, ...NODE_ACCESS_ENTRY_TYPES.hybrid] };
const FARGATE_NODE = { username: 'system:node:{{SessionName}}', groups: ['system:bootstrappers', 'system:nodes', 'system:node-proxier'], entryTypes: NODE_ACCESS_ENTRY_TYPES.fargate };

type Code =
  | 'configmap-invalid-yaml'
  | 'configmap-invalid-entry'
  | 'configmap-missing'
  | 'node-role-not-mapped'
  | 'instance-profile-arn-mapped'
  | 'role-path-not-stripped'
  | 'missing-groups'
  | 'wrong-username'
  | 'access-entry-wrong-type'
  | 'duplicate-mapping';

const NODE_SYMPTOMS = ['instance-not-joined', 'node-not-ready', 'nodegroup-unhealthy'] as const;

export default defineDiagnostic<Code>({
  id: 'aws-auth',
  title: 'Node roles are mapped in aws-auth or access entries',
  description:
    'Every IAM role that nodes run as (managed node groups, self-managed groups, Karpenter, Fargate) must be allowed into the cluster: ' +
    'mapped in the kube-system/aws-auth ConfigMap with the node username and groups, or given an access entry of a node type, ' +
    "depending on the cluster's authentication mode. Without it, kubelets get 401 Unauthorized and nodes never join.",
  docs: [DOCS.authConfigmap, DOCS.accessEntries, DOCS.nodeJoinFailure],
  needs: ['aws.cluster'],
  uses: ['kubernetes.awsAuth', 'aws.accessEntries', 'aws.nodegroups', 'aws.reservations', 'aws.iamInstanceProfiles', 'aws.launchTemplateVersions', 'aws.fargateProfiles', 'aws.autoScalingGroups'],
  codes: {
    'configmap-invalid-yaml': { severity: 'critical', title: 'aws-auth ConfigMap is not valid YAML', description: 'The authenticator cannot parse mapRoles/mapUsers, so no mapping in it works: no node can join and mapped users lose access.', explains: [...NODE_SYMPTOMS] },
    'configmap-invalid-entry': { severity: 'warning', title: 'aws-auth entry the authenticator cannot use', description: 'An entry of mapRoles is not a mapping with rolearn, username and groups; it is ignored.' },
    'configmap-missing': { severity: 'critical', title: 'aws-auth ConfigMap does not exist', description: 'With authentication mode CONFIG_MAP, nodes are allowed in only by kube-system/aws-auth; without it no node can join.', explains: [...NODE_SYMPTOMS] },
    'node-role-not-mapped': { severity: 'critical', title: 'Node role not mapped in aws-auth or access entries', description: 'A role that nodes run as has neither an aws-auth mapping nor an access entry of a node type, so its kubelets are rejected with 401 Unauthorized.', explains: [...NODE_SYMPTOMS] },
    'instance-profile-arn-mapped': { severity: 'critical', title: 'aws-auth maps an instance profile ARN instead of the role ARN', description: 'aws-auth matches the role that nodes assume; an instance-profile ARN never matches, so the nodes are rejected.', explains: [...NODE_SYMPTOMS] },
    'role-path-not-stripped': { severity: 'critical', title: 'aws-auth maps a role ARN with its path', description: 'The authenticator sees the role ARN without its path (role/NAME); a mapping that keeps the path (role/PATH/NAME) never matches.', explains: [...NODE_SYMPTOMS] },
    'missing-groups': { severity: 'critical', title: 'Node role mapped without the node groups', description: 'Nodes need system:bootstrappers (to request their certificate) and system:nodes (for the Node authorizer); Fargate also system:node-proxier.', explains: [...NODE_SYMPTOMS] },
    'wrong-username': { severity: 'critical', title: 'Node role mapped with the wrong username', description: 'The Node authorizer only lets a kubelet act for the node named in its username: it must be system:node:{{EC2PrivateDNSName}} (Fargate: system:node:{{SessionName}}).', explains: [...NODE_SYMPTOMS] },
    'access-entry-wrong-type': { severity: 'critical', title: 'Node role has an access entry of the wrong type', description: 'Node roles need an access entry of type EC2_LINUX or EC2_WINDOWS (EC2 only for EKS Auto Mode, HYBRID_LINUX for hybrid nodes, FARGATE_LINUX for Fargate); a STANDARD entry, or EC2 outside Auto Mode, does not grant the node groups.', explains: [...NODE_SYMPTOMS] },
    'duplicate-mapping': { severity: 'warning', title: 'Role mapped more than once in aws-auth', description: 'Only one of the duplicate entries takes effect, so an edit to the other silently does nothing.' },
  },
  check({ snapshot }) {
    const findings: NewFinding<Code>[] = [];
    const cluster = snapshot.aws.cluster!;
    const mode = cluster.accessConfig?.authenticationMode ?? 'CONFIG_MAP';
    const configMapCounts = mode !== 'API';
    const entriesCount = mode !== 'CONFIG_MAP';
    const ctx = commandContext(snapshot);
    const roles = nodeRoles(snapshot);
    const entries = entriesCount ? requirePart(snapshot, 'aws.accessEntries', snapshot.aws.accessEntries) : [];

    const entryFor = (role: NodeRole) => entries.find((e) => sameArn(e.principalArn, role.arn) || sameArn(e.principalArn, roleArnWithoutPath(role.arn)));
    const autoMode = cluster.computeConfig?.enabled === true;
    const validEntry = (role: NodeRole) => {
      const entry = entryFor(role);
      const types = [...expectation(role).entryTypes, ...(autoMode && role.kind === 'ec2' ? NODE_ACCESS_ENTRY_TYPES.autoMode : [])];
      return entry?.type !== undefined && types.includes(entry.type);
    };
    // Roles whose access entry already lets them in need nothing from aws-auth.
    const needConfigMap = roles.filter((r) => !validEntry(r));
    if (needConfigMap.length === 0 && !configMapCounts) return findings;

    let mappings: RoleMapping[] = [];
    let configMapUsable = configMapCounts;
    if (configMapCounts && needConfigMap.length > 0) {
      const awsAuth = snapshot.kubernetes.awsAuth;
      if (awsAuth === undefined) {
        const entriesNote = entriesCount ? ` and ${needConfigMap.length} node role(s) have no usable access entry` : '';
        try {
          requirePart(snapshot, 'kubernetes.awsAuth', awsAuth);
        } catch (error) {
          if (error instanceof CannotCheck) throw new CannotCheck(`${error.reason}${entriesNote}`, error.failed);
          throw error;
        }
      }
      if (awsAuth === null) {
        configMapUsable = false;
        if (mode === 'CONFIG_MAP') {
          findings.push({
            code: 'configmap-missing',
            keyResource: 'kube-system/aws-auth',
            title: `The aws-auth ConfigMap does not exist, so no node can join ${snapshot.cluster.name}`,
            rootCause: 'The cluster authenticates nodes only through kube-system/aws-auth (authentication mode CONFIG_MAP), and that ConfigMap is missing.',
            evidence: [`authenticationMode: ${mode}`, 'GET /api/v1/namespaces/kube-system/configmaps/aws-auth answered 404 Not Found', `Node roles: ${roles.map((r) => r.arn).join(', ') || 'none found'}`],
            resources: [resource.configMap('kube-system', 'aws-auth'), ...roles.map((r) => resource.role(r.arn))],
            fix: {
              summary: 'Recreate aws-auth with a mapping for every node role (eksctl creates the ConfigMap when missing).',
              commands: roles.map((r) => mapRoleCommand(ctx, r)),
              alternatives: [
                {
                  summary: 'Move to access entries: let the cluster accept them (API_AND_CONFIG_MAP), then create one for every node role.',
                  commands: [`aws eks update-cluster-config --name ${ctx.cluster} --region ${ctx.region} --access-config authenticationMode=API_AND_CONFIG_MAP`, ...roles.map((r) => createEntryCommand(ctx, r))],
                },
              ],
              docs: [DOCS.authConfigmap, DOCS.accessEntries],
            },
            canExplain: scopeFor(roles),
          });
          // Every role is unmapped for the same reason: one finding says it.
          return findings;
        }
      } else if (awsAuth) {
        const parsed = snapshotAwsAuth(snapshot)!;
        for (const e of parsed.syntaxErrors) {
          configMapUsable = configMapUsable && e.key !== 'mapRoles';
          findings.push({
            code: 'configmap-invalid-yaml',
            keyResource: `kube-system/aws-auth:${e.key}`,
            title: `aws-auth ${e.key} is not valid YAML (line ${e.line}, column ${e.column})`,
            rootCause: `The authenticator cannot parse ${e.key} in kube-system/aws-auth, so none of its mappings apply${e.key === 'mapRoles' ? ': no node role is recognised and nodes cannot join' : ''}.`,
            evidence: [`${e.key}, line ${e.line}, column ${e.column}: ${e.message}`, ...excerpt(awsAuth.data?.[e.key] ?? '', e.line)],
            resources: [resource.configMap('kube-system', 'aws-auth')],
            fix: {
              summary: `Fix the YAML of ${e.key} at line ${e.line} (indentation, a missing '-' or ':').`,
              commands: [EDIT_CONFIGMAP, 'kubectl get configmap aws-auth -n kube-system -o yaml'],
              docs: [DOCS.authConfigmap],
            },
            ...(e.key === 'mapRoles' ? { canExplain: scopeFor(needConfigMap) } : { canExplain: [] }),
          });
        }
        for (const e of parsed.invalidEntries) {
          findings.push({
            code: 'configmap-invalid-entry',
            keyResource: `kube-system/aws-auth:${e.key}:${e.line}`,
            title: `aws-auth ${e.key} entry at line ${e.line} is ignored`,
            rootCause: `The entry at line ${e.line} of ${e.key} is not a usable mapping: ${e.message}.`,
            evidence: [`${e.key}, line ${e.line}: ${e.message}`, ...excerpt(awsAuth.data?.[e.key] ?? '', e.line)],
            resources: [resource.configMap('kube-system', 'aws-auth')],
            fix: { summary: 'Give the entry rolearn, username and groups keys, or remove it.', commands: [EDIT_CONFIGMAP], docs: [DOCS.authConfigmap] },
          });
        }
        mappings = configMapUsable ? parsed.roles : [];
        findings.push(...duplicates(parsed.roles));
      }
    }

    for (const role of needConfigMap) {
      const expected = expectation(role);
      const bareArn = roleArnWithoutPath(role.arn);
      const mapping = mappings.find((m) => sameArn(m.rolearn, bareArn));
      const entry = entryFor(role);
      // The ConfigMap is named too: what to edit, and where the change history looks for who edited it.
      const base = { keyResource: role.arn, resources: [...roleResources(role), resource.configMap('kube-system', 'aws-auth')], canExplain: scopeFor([role]) };
      const usage = describeUsage(role);

      if (mapping) {
        const missingGroups = expected.groups.filter((g) => !mapping.groups.includes(g));
        if (missingGroups.length > 0) {
          findings.push({
            ...base,
            code: 'missing-groups',
            title: `Node role ${role.name} is mapped in aws-auth without ${missingGroups.join(' and ')}`,
            rootCause: `The aws-auth entry for ${bareArn} (mapRoles line ${mapping.line}) lacks ${missingGroups.join(', ')}, so ${usage} cannot ${missingGroups.includes('system:bootstrappers') ? 'request their kubelet certificates' : 'act as nodes'}.`,
            evidence: [`mapRoles line ${mapping.line}: rolearn ${mapping.rolearn}, groups [${mapping.groups.join(', ')}]`, `expected groups: ${expected.groups.join(', ')}`, `used by ${usage}`],
            fix: { summary: `Add ${missingGroups.join(' and ')} to the groups of that entry.`, commands: [EDIT_CONFIGMAP], alternatives: [remapWithEksctl(ctx, role, mapping.rolearn)], docs: [DOCS.authConfigmap] },
          });
        }
        if (mapping.username !== expected.username) {
          findings.push({
            ...base,
            code: 'wrong-username',
            title: `Node role ${role.name} is mapped with username ${mapping.username ?? '(none)'}`,
            rootCause: `The Node authorizer only lets a kubelet act for the node its username names; ${role.kind === 'fargate' ? 'Fargate' : 'EC2'} nodes must map to ${expected.username}, so ${usage} are refused.`,
            evidence: [`mapRoles line ${mapping.line}: username ${mapping.username ?? '(missing)'}`, `expected username: ${expected.username}`],
            fix: { summary: `Set the entry's username to ${expected.username}.`, commands: [EDIT_CONFIGMAP], alternatives: [remapWithEksctl(ctx, role, mapping.rolearn)], docs: [DOCS.authConfigmap] },
          });
        }
        continue;
      }

      const pathMapping = role.path !== '/' ? mappings.find((m) => sameArn(m.rolearn, role.arn)) : undefined;
      const profileMapping = mappings.find((m) => role.instanceProfileArns.some((p) => sameArn(m.rolearn, p)));
      if (pathMapping) {
        findings.push({
          ...base,
          code: 'role-path-not-stripped',
          title: `aws-auth maps node role ${role.name} with its path ${role.path}`,
          rootCause: `aws-auth must name the role as ${bareArn}; the entry at mapRoles line ${pathMapping.line} keeps the path (${pathMapping.rolearn}), which never matches the role the kubelets present.`,
          evidence: [`mapRoles line ${pathMapping.line}: rolearn ${pathMapping.rolearn}`, `role ${role.arn} has path ${role.path}`, `used by ${usage}`],
          fix: { summary: `Change the rolearn to ${bareArn} (remove the path).`, commands: [EDIT_CONFIGMAP], alternatives: [remapWithEksctl(ctx, role, pathMapping.rolearn)], docs: [DOCS.authConfigmap] },
        });
      } else if (profileMapping) {
        findings.push({
          ...base,
          code: 'instance-profile-arn-mapped',
          title: `aws-auth maps instance profile ${instanceProfileNameOf(profileMapping.rolearn)} instead of role ${role.name}`,
          rootCause: `Nodes authenticate as the role inside the instance profile (${bareArn}), never as the profile; the entry at mapRoles line ${profileMapping.line} names the instance profile, so ${usage} are rejected.`,
          evidence: [`mapRoles line ${profileMapping.line}: rolearn ${profileMapping.rolearn} (an instance-profile ARN)`, `instance profile holds role ${role.arn}`, `used by ${usage}`],
          fix: { summary: `Replace the instance-profile ARN with the role ARN ${bareArn}.`, commands: [EDIT_CONFIGMAP], alternatives: [remapWithEksctl(ctx, role, profileMapping.rolearn)], docs: [DOCS.authConfigmap] },
        });
      } else if (entry && entriesCount) {
        findings.push({
          ...base,
          code: 'access-entry-wrong-type',
          title: `Node role ${role.name} has ${/^[AEIOU]/.test(entry.type ?? '') ? 'an' : 'a'} ${entry.type} access entry; nodes need ${expected.entryTypes[0]}`,
          rootCause: `The access entry for ${role.arn} is of type ${entry.type}, which cannot place it in the node groups, and aws-auth ${configMapCounts ? 'does not map it either' : 'is ignored in authentication mode API'}.`,
          evidence: [`access entry ${entry.principalArn}: type ${entry.type}, groups [${(entry.kubernetesGroups ?? []).join(', ')}]`, `authenticationMode: ${mode}`, `used by ${usage}`],
          fix: {
            summary: `Replace the entry with one of type ${expected.entryTypes[0]} (the type of an entry cannot be changed).`,
            commands: [`aws eks delete-access-entry --cluster-name ${ctx.cluster} --region ${ctx.region} --principal-arn ${entry.principalArn}`, createEntryCommand(ctx, role)],
            docs: [DOCS.creatingAccessEntries],
          },
        });
      } else {
        const ignoredMapping = !configMapCounts ? snapshotAwsAuth(snapshot)?.roles.find((m) => sameArn(m.rolearn, bareArn)) : undefined;
        const where = mode === 'CONFIG_MAP' ? 'in aws-auth' : mode === 'API' ? 'by an access entry' : 'in aws-auth or by an access entry';
        findings.push({
          ...base,
          code: 'node-role-not-mapped',
          title: `Node role ${role.name} is not mapped ${where}`,
          rootCause: `${capitalise(usage)} authenticate as ${role.arn}, which is not allowed into the cluster ${where} (authentication mode ${mode}), so their kubelets get 401 Unauthorized and never register.`,
          evidence: [
            `authenticationMode: ${mode}`,
            ...(configMapCounts ? [`aws-auth mapRoles has ${mappings.length} entr${mappings.length === 1 ? 'y' : 'ies'}, none for ${bareArn}`] : []),
            ...(entriesCount ? [`no access entry for ${role.arn}`] : []),
            ...(ignoredMapping ? [`aws-auth maps it (line ${ignoredMapping.line}), but authentication mode API ignores the ConfigMap`] : []),
            `used by ${usage}`,
          ],
          fix: {
            summary: entriesCount ? `Create an access entry of type ${expected.entryTypes[0]} for the role.` : MAP_ROLE_SUMMARY,
            commands: [entriesCount ? createEntryCommand(ctx, role) : mapRoleCommand(ctx, role)],
            // Either grants the role: run one of them, not both.
            ...(entriesCount && configMapCounts ? { alternatives: [{ summary: MAP_ROLE_SUMMARY, commands: [mapRoleCommand(ctx, role)] }] } : {}),
            docs: entriesCount ? [DOCS.creatingAccessEntries, DOCS.authConfigmap] : [DOCS.authConfigmap],
          },
        });
      }
    }
    return findings;
  },
});

function expectation(role: NodeRole) {
  return role.kind === 'fargate' ? FARGATE_NODE : EC2_NODE;
}

function sameArn(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "the nodes of node group general (3 instances)" */
function describeUsage(role: NodeRole): string {
  const owners: string[] = [];
  if (role.nodegroups.length > 0) owners.push(`node group${role.nodegroups.length > 1 ? 's' : ''} ${role.nodegroups.join(', ')}`);
  else if (role.autoScalingGroups.length > 0) owners.push(`Auto Scaling group${role.autoScalingGroups.length > 1 ? 's' : ''} ${role.autoScalingGroups.join(', ')}`);
  if (role.fargateProfiles.length > 0) owners.push(`Fargate profile${role.fargateProfiles.length > 1 ? 's' : ''} ${role.fargateProfiles.join(', ')}`);
  const count = role.instanceIds.length > 0 ? ` (${role.instanceIds.length} instance${role.instanceIds.length > 1 ? 's' : ''})` : '';
  if (owners.length === 0) return role.instanceIds.length > 0 ? `its ${role.instanceIds.length} instance${role.instanceIds.length > 1 ? 's' : ''}` : 'its nodes';
  return `the nodes of ${owners.join(' and ')}${count}`;
}

function roleResources(role: NodeRole): ResourceRef[] {
  return [
    resource.role(role.arn),
    ...role.instanceProfileArns.map(resource.instanceProfile),
    ...role.nodegroups.map((name) => resource.nodegroup(name)),
    ...role.autoScalingGroups.map(resource.autoScalingGroup),
    ...role.fargateProfiles.map(resource.fargateProfile),
  ];
}

/** What a role problem explains: the symptoms of the instances, groups and profiles that use the role. */
function scopeFor(roles: NodeRole[]): ExplainScope[] {
  const resources = roles.flatMap((r) => [...roleResources(r), ...r.instanceIds.map((id) => resource.instance(id))]);
  return NODE_SYMPTOMS.map((symptom) => ({ symptom, resources }));
}

function duplicates(mappings: RoleMapping[]): NewFinding<Code>[] {
  const byArn = new Map<string, RoleMapping[]>();
  for (const m of mappings) byArn.set(m.rolearn.toLowerCase(), [...(byArn.get(m.rolearn.toLowerCase()) ?? []), m]);
  return [...byArn.values()]
    .filter((list) => list.length > 1)
    .map((list) => ({
      code: 'duplicate-mapping' as const,
      keyResource: list[0]!.rolearn,
      title: `${list[0]!.rolearn} is mapped ${list.length} times in aws-auth`,
      rootCause: 'Only one of the entries takes effect; which one depends on the authenticator, so an edit to the other silently changes nothing.',
      evidence: list.map((m) => `mapRoles line ${m.line}: username ${m.username ?? '(none)'}, groups [${m.groups.join(', ')}]`),
      resources: [resource.role(list[0]!.rolearn), resource.configMap('kube-system', 'aws-auth')],
      fix: { summary: 'Keep one entry per role and merge the groups you need into it.', commands: [EDIT_CONFIGMAP], docs: [DOCS.authConfigmap] },
    }));
}

function excerpt(text: string, line: number): string[] {
  const lines = text.split('\n');
  const from = Math.max(0, line - 2);
  return lines.slice(from, Math.min(lines.length, line + 1)).map((l, i) => `${from + i + 1 === line ? '>' : ' '} ${from + i + 1} | ${l}`);
}

interface CommandContext {
  cluster: string;
  region: string;
}

function commandContext(snapshot: Snapshot): CommandContext {
  return { cluster: snapshot.cluster.name, region: snapshot.cluster.region };
}

const EDIT_CONFIGMAP = 'kubectl edit configmap aws-auth -n kube-system';
const MAP_ROLE_SUMMARY = 'Map the role in aws-auth with the node username and groups.';

/** The eksctl way to correct a mapping: eksctl cannot edit one, so it removes the wrong entry and adds the right one. */
function remapWithEksctl(ctx: CommandContext, role: NodeRole, wrongRoleArn: string): FixWay {
  return {
    summary: `With eksctl: remove the entry for ${wrongRoleArn}, then map ${roleArnWithoutPath(role.arn)} again.`,
    commands: [`eksctl delete iamidentitymapping --cluster ${ctx.cluster} --region ${ctx.region} --arn ${wrongRoleArn}`, mapRoleCommand(ctx, role)],
  };
}

function mapRoleCommand(ctx: CommandContext, role: NodeRole): string {
  const expected = expectation(role);
  return `eksctl create iamidentitymapping --cluster ${ctx.cluster} --region ${ctx.region} --arn ${roleArnWithoutPath(role.arn)} --username '${expected.username}' ${expected.groups.map((g) => `--group ${g}`).join(' ')}`;
}

function createEntryCommand(ctx: CommandContext, role: NodeRole): string {
  return `aws eks create-access-entry --cluster-name ${ctx.cluster} --region ${ctx.region} --principal-arn ${role.arn} --type ${expectation(role).entryTypes[0]}`;
}
