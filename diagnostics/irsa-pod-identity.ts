import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import type { ExplainScope, ResourceRef } from '../src/engine/finding.js';
import { resource } from '../src/engine/resources.js';
import type { SymptomKind } from '../src/engine/symptoms.js';
import type { PolicyDocument, Snapshot } from '../src/snapshot/types.js';
import { POD_IDENTITY_SERVICE_PRINCIPAL } from '../src/domain/eks-constants.js';
import { parseIamArn } from '../src/domain/iam-arn.js';
import { asList, describeTrustedPrincipals, evaluateTrust, statementsOf, trustsService, type ConditionMismatch } from './lib/iam-policy.js';
import { findRole, roleIsMissing } from './lib/node-identity.js';
import { addonsUsing, irsaServiceAccounts } from './lib/workload-identity.js';
import { DOCS } from './lib/docs-links.js';

const AUDIENCE = 'sts.amazonaws.com';

type Code =
  | 'oidc-provider-missing'
  | 'oidc-provider-audience-missing'
  | 'irsa-annotation-invalid'
  | 'irsa-role-not-found'
  | 'irsa-trust-wrong-provider'
  | 'irsa-trust-audience-mismatch'
  | 'irsa-trust-subject-mismatch'
  | 'pod-identity-role-not-found'
  | 'pod-identity-trust-invalid'
  | 'pod-identity-agent-missing';

/** Workloads whose pods cannot get credentials: their add-ons degrade; aws-node cannot assign IPs; a CSI driver's controller cannot create volumes. */
const WORKLOAD: SymptomKind[] = ['addon-unhealthy', 'node-not-ready', 'pod-without-ip', 'pod-crash-looping', 'claim-unbound'];

export default defineDiagnostic<Code>({
  id: 'irsa-pod-identity',
  title: 'IRSA and Pod Identity roles can be assumed by the pods that use them',
  description:
    "Service accounts annotated with eks.amazonaws.com/role-arn need the cluster's IAM OIDC provider (with audience sts.amazonaws.com) and a role whose " +
    'trust policy names that provider with :aud sts.amazonaws.com and a :sub matching system:serviceaccount:<namespace>:<name>. Pod Identity associations ' +
    'need a role trusting pods.eks.amazonaws.com for sts:AssumeRole and sts:TagSession, and the eks-pod-identity-agent add-on.',
  docs: [DOCS.iamRolesForServiceAccounts, DOCS.enableIamRolesForServiceAccounts, DOCS.associateServiceAccountRole, DOCS.podIdRole, DOCS.podIdAgentSetup],
  needs: ['aws.cluster', 'aws.iamRoles'],
  uses: ['aws.iamOidcProviders', 'kubernetes.serviceAccounts', 'aws.podIdentityAssociations', 'aws.addons', 'kubernetes.daemonSets', 'kubernetes.nodes'],
  codes: {
    'oidc-provider-missing': {
      severity: 'critical',
      title: "No IAM OIDC provider for the cluster's issuer",
      description: 'IRSA exchanges the pod\'s service account token for role credentials through the IAM OIDC provider of the cluster issuer; without it every IRSA pod fails with InvalidIdentityToken.',
      explains: WORKLOAD,
    },
    'oidc-provider-audience-missing': {
      severity: 'critical',
      title: 'IAM OIDC provider does not accept the sts.amazonaws.com audience',
      description: 'The provider\'s client ID list must contain sts.amazonaws.com, the audience of the tokens EKS projects into IRSA pods; otherwise STS rejects them ("Incorrect token audience").',
      explains: WORKLOAD,
    },
    'irsa-annotation-invalid': {
      severity: 'critical',
      title: 'eks.amazonaws.com/role-arn is not a role ARN',
      description: 'The annotation must hold the full ARN of an IAM role; anything else leaves the pods without credentials.',
      explains: WORKLOAD,
    },
    'irsa-role-not-found': {
      severity: 'critical',
      title: 'IRSA role does not exist',
      description: 'The service account names a role IAM no longer has; its pods get AccessDenied from sts:AssumeRoleWithWebIdentity.',
      explains: WORKLOAD,
    },
    'irsa-trust-wrong-provider': {
      severity: 'critical',
      title: "IRSA role does not trust this cluster's OIDC provider",
      description: "The role's trust policy has no statement allowing sts:AssumeRoleWithWebIdentity for this cluster's OIDC provider (often it names another, older cluster's).",
      explains: WORKLOAD,
    },
    'irsa-trust-audience-mismatch': {
      severity: 'critical',
      title: 'IRSA trust policy expects another audience',
      description: 'The trust policy\'s :aud condition must allow sts.amazonaws.com, the audience of the tokens EKS gives pods.',
      explains: WORKLOAD,
    },
    'irsa-trust-subject-mismatch': {
      severity: 'critical',
      title: 'IRSA trust policy does not match the service account',
      description: 'The trust policy\'s :sub condition must match system:serviceaccount:<namespace>:<name> of the service account (exactly with StringEquals, or by wildcard with StringLike).',
      explains: WORKLOAD,
    },
    'pod-identity-role-not-found': {
      severity: 'critical',
      title: 'Pod Identity association names a role that does not exist',
      description: 'The association\'s role was deleted, so the Pod Identity agent cannot get credentials for its pods.',
      explains: WORKLOAD,
    },
    'pod-identity-trust-invalid': {
      severity: 'critical',
      title: 'Pod Identity role does not trust pods.eks.amazonaws.com',
      description: 'A role used by a Pod Identity association must let pods.eks.amazonaws.com call sts:AssumeRole and sts:TagSession.',
      explains: WORKLOAD,
    },
    'pod-identity-agent-missing': {
      severity: 'critical',
      title: 'Pod Identity associations exist but the agent is not installed',
      description: 'Pods get Pod Identity credentials from the eks-pod-identity-agent DaemonSet; without the add-on, associated pods get none.',
      explains: WORKLOAD,
    },
  },
  check({ snapshot }) {
    const findings: NewFinding<Code>[] = [];
    const cluster = snapshot.aws.cluster!;
    const ctx = { cluster: snapshot.cluster.name, region: snapshot.cluster.region, partition: cluster.arn?.split(':')[1] ?? 'aws', account: cluster.arn?.split(':')[4] ?? snapshot.aws.callerIdentity?.Account ?? '' };
    const issuerHost = (cluster.identity?.oidc?.issuer ?? '').replace(/^https:\/\//, '');
    const irsaUsers = irsaServiceAccounts(snapshot);
    const associations = snapshot.aws.podIdentityAssociations ?? [];

    // --- the OIDC provider ---
    const providers = snapshot.aws.iamOidcProviders;
    const provider = providers?.find((p) => normalizeIssuer(p.Url ?? p.Arn?.split('oidc-provider/')[1] ?? '') === normalizeIssuer(issuerHost));
    const providerArn = provider?.Arn ?? `arn:${ctx.partition}:iam::${ctx.account}:oidc-provider/${issuerHost}`;
    const providerKnownMissing = issuerHost !== '' && providers !== undefined && !provider;
    if (irsaUsers.length > 0 && providerKnownMissing) {
      const scope = workloadScope(snapshot, irsaUsers);
      findings.push({
        code: 'oidc-provider-missing',
        title: `No IAM OIDC provider for ${snapshot.cluster.name}'s issuer: ${irsaUsers.length} IRSA service account(s) get no credentials`,
        rootCause: `IAM has no OIDC provider for ${issuerHost}, so STS cannot verify the tokens of pods using IRSA (${describeAccounts(irsaUsers)}); every AssumeRoleWithWebIdentity call fails.`,
        evidence: [`Cluster OIDC issuer: https://${issuerHost}`, `IAM OIDC providers: ${(providers ?? []).map((p) => p.Url ?? p.Arn).join(', ') || 'none'}`, `IRSA service accounts: ${describeAccounts(irsaUsers)}`],
        resources: [resource.oidcProvider(providerArn), resource.cluster(snapshot.cluster.name), ...scope.refs],
        keyResource: providerArn,
        fix: {
          summary: "Create the IAM OIDC provider for the cluster's issuer; existing IRSA roles that name it start working without further change.",
          commands: [`eksctl utils associate-iam-oidc-provider --cluster ${ctx.cluster} --region ${ctx.region} --approve`],
          docs: [DOCS.enableIamRolesForServiceAccounts],
        },
        canExplain: scope.explain,
      });
    } else if (irsaUsers.length > 0 && provider && !(provider.ClientIDList ?? []).includes(AUDIENCE)) {
      const scope = workloadScope(snapshot, irsaUsers);
      findings.push({
        code: 'oidc-provider-audience-missing',
        title: `IAM OIDC provider for ${snapshot.cluster.name} does not list the audience ${AUDIENCE}`,
        rootCause: `The provider's client ID list is [${(provider.ClientIDList ?? []).join(', ')}]; EKS gives IRSA pods tokens for ${AUDIENCE}, so STS rejects them with "Incorrect token audience".`,
        evidence: [`Provider ${provider.Arn}: ClientIDList [${(provider.ClientIDList ?? []).join(', ')}]`, `IRSA service accounts: ${describeAccounts(irsaUsers)}`],
        resources: [resource.oidcProvider(provider.Arn), ...scope.refs],
        keyResource: provider.Arn,
        fix: { summary: `Add ${AUDIENCE} to the provider's client IDs.`, commands: [`aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${provider.Arn} --client-id ${AUDIENCE}`], docs: [DOCS.enableIamRolesForServiceAccounts] },
        canExplain: scope.explain,
      });
    }

    // --- each IRSA service account ---
    for (const sa of irsaUsers) {
      const subject = `system:serviceaccount:${sa.namespace}:${sa.name}`;
      const saId = `${sa.namespace}/${sa.name}`;
      const scope = workloadScope(snapshot, [sa]);
      const base = { keyResource: saId, canExplain: scope.explain };
      const parsed = parseIamArn(sa.roleArn);
      if (!parsed || parsed.resourceType !== 'role') {
        findings.push({
          ...base,
          code: 'irsa-annotation-invalid',
          title: `Service account ${saId} is annotated with "${sa.roleArn}", which is not a role ARN`,
          rootCause: `eks.amazonaws.com/role-arn must be the full ARN of an IAM role (arn:${ctx.partition}:iam::<account>:role/<name>); with "${sa.roleArn}" the pods of ${saId} get no credentials.`,
          evidence: [`${saId}: eks.amazonaws.com/role-arn=${sa.roleArn}`],
          resources: [resource.serviceAccount(sa.namespace, sa.name), ...scope.refs],
          fix: {
            summary: 'Annotate the service account with the role ARN and restart its pods (the webhook injects credentials at pod creation).',
            commands: [`kubectl annotate serviceaccount -n ${sa.namespace} ${sa.name} --overwrite eks.amazonaws.com/role-arn=arn:${ctx.partition}:iam::${ctx.account}:role/ROLE_NAME`],
            docs: [DOCS.associateServiceAccountRole],
          },
        });
        continue;
      }
      const role = findRole(snapshot, sa.roleArn);
      const trust = irsaTrustDocument(providerArn, issuerHost, roleSubjects(irsaUsers, sa.roleArn));
      if (!role) {
        if (!roleIsMissing(snapshot, sa.roleArn)) continue; // not collected
        findings.push({
          ...base,
          code: 'irsa-role-not-found',
          title: `IRSA role ${parsed.name} of ${saId} does not exist`,
          rootCause: `${saId} is annotated with ${sa.roleArn}, which IAM does not have; its pods get AccessDenied when they assume it.`,
          evidence: [`${saId}: eks.amazonaws.com/role-arn=${sa.roleArn}`, `iam:GetRole ${parsed.name}: NoSuchEntity`],
          resources: [resource.role(sa.roleArn), resource.serviceAccount(sa.namespace, sa.name), ...scope.refs],
          fix: {
            summary: `Create ${parsed.name} with a trust policy for this service account and attach the permissions the workload needs (or fix the annotation), then restart the pods.`,
            commands: [`aws iam create-role --role-name ${parsed.name}${parsed.path !== '/' ? ` --path ${parsed.path}` : ''} --assume-role-policy-document '${JSON.stringify(trust)}'`, restartCommand(snapshot, sa.namespace, sa.name)],
            docs: [DOCS.associateServiceAccountRole],
          },
        });
        continue;
      }
      const evaluation = evaluateTrust(role.AssumeRolePolicyDocument, {
        kind: 'Federated',
        principal: providerArn,
        action: 'sts:AssumeRoleWithWebIdentity',
        context: { [`${issuerHost}:sub`]: subject, [`${issuerHost}:aud`]: AUDIENCE },
      });
      if (evaluation.allowed) continue;
      const roleName = role.RoleName ?? parsed.name;
      const update = [`aws iam update-assume-role-policy --role-name ${roleName} --policy-document '${JSON.stringify(trust)}'`];
      const refs = [resource.role(role.Arn ?? sa.roleArn), resource.serviceAccount(sa.namespace, sa.name), ...scope.refs];
      if (evaluation.candidates.length === 0 && !evaluation.deniedBy) {
        const otherProviders = statementsOf(role.AssumeRolePolicyDocument).flatMap((s) => (s.Effect === 'Allow' && s.Principal && s.Principal !== '*' ? asList(s.Principal.Federated) : []));
        findings.push({
          ...base,
          code: 'irsa-trust-wrong-provider',
          title: `IRSA role ${roleName} does not trust ${snapshot.cluster.name}'s OIDC provider`,
          rootCause: otherProviders.length > 0
            ? `The trust policy of ${roleName} allows web identities from ${otherProviders.join(', ')}, not from this cluster's provider ${providerArn}, so pods of ${saId} cannot assume it (typical after re-creating or migrating a cluster).`
            : `The trust policy of ${roleName} has no statement letting ${providerArn} call sts:AssumeRoleWithWebIdentity, so pods of ${saId} cannot assume it.`,
          evidence: [`${saId}: eks.amazonaws.com/role-arn=${sa.roleArn}`, `Trust policy principals: ${describeTrustedPrincipals(role.AssumeRolePolicyDocument)}`, `Cluster OIDC provider: ${providerArn}`],
          resources: refs,
          fix: { summary: `Make ${roleName} trust this cluster's OIDC provider for ${subject}, then restart the pods.`, commands: [...update, restartCommand(snapshot, sa.namespace, sa.name)], docs: [DOCS.associateServiceAccountRole] },
        });
        continue;
      }
      const best = [...evaluation.candidates].sort((a, b) => a.mismatches.length - b.mismatches.length)[0];
      const mismatches = best?.mismatches ?? [];
      const subMismatch = mismatches.find((m) => m.key.toLowerCase().endsWith(':sub'));
      const audMismatch = mismatches.find((m) => m.key.toLowerCase().endsWith(':aud'));
      const shown = (m: ConditionMismatch) => `${m.operator} ${m.key} = ${m.expected.join(' | ')}`;
      if (subMismatch || !audMismatch) {
        findings.push({
          ...base,
          code: 'irsa-trust-subject-mismatch',
          title: `IRSA role ${roleName} does not trust service account ${saId}`,
          rootCause: subMismatch
            ? `The trust policy of ${roleName} requires ${subMismatch.key.split(':').pop()} ${subMismatch.operator === 'StringEquals' ? 'to equal' : 'to match'} ${subMismatch.expected.join(' or ')}, but the pods present ${subject}, so sts:AssumeRoleWithWebIdentity is denied.`
            : `An explicit Deny in the trust policy of ${roleName} applies to ${subject}, so sts:AssumeRoleWithWebIdentity is denied.`,
          evidence: [
            `${saId}: eks.amazonaws.com/role-arn=${sa.roleArn}`,
            `Token subject: ${subject}`,
            ...mismatches.map((m) => `Trust condition not met: ${shown(m)}`),
            ...(subMismatch?.operator.startsWith('StringEquals') && subMismatch.expected.some((e) => /[*?]/.test(e)) ? ['StringEquals compares wildcards literally; use StringLike for a pattern'] : []),
            ...(evaluation.deniedBy ? [`Deny statement: ${JSON.stringify(evaluation.deniedBy)}`] : []),
          ],
          resources: refs,
          fix: { summary: `Set the trust policy's :sub condition to ${subject} (StringEquals), or a StringLike pattern that matches it, then restart the pods.`, commands: [...update, restartCommand(snapshot, sa.namespace, sa.name)], docs: [DOCS.associateServiceAccountRole] },
        });
      } else {
        findings.push({
          ...base,
          code: 'irsa-trust-audience-mismatch',
          title: `IRSA role ${roleName} expects audience ${audMismatch.expected.join(' | ')}, not ${AUDIENCE}`,
          rootCause: `The trust policy of ${roleName} requires :aud ${audMismatch.expected.join(' or ')}, but EKS gives pods tokens for ${AUDIENCE}, so sts:AssumeRoleWithWebIdentity is denied for ${saId}.`,
          evidence: [`${saId}: eks.amazonaws.com/role-arn=${sa.roleArn}`, `Trust condition not met: ${shown(audMismatch)}`],
          resources: refs,
          fix: { summary: `Set the trust policy's :aud condition to ${AUDIENCE}, then restart the pods.`, commands: [...update, restartCommand(snapshot, sa.namespace, sa.name)], docs: [DOCS.associateServiceAccountRole] },
        });
      }
    }

    // --- Pod Identity ---
    for (const association of associations) {
      if (!association.roleArn || !association.namespace || !association.serviceAccount) continue;
      const saId = `${association.namespace}/${association.serviceAccount}`;
      const scope = workloadScope(snapshot, [{ namespace: association.namespace, name: association.serviceAccount, roleArn: association.roleArn }]);
      const roleName = parseIamArn(association.roleArn)?.name ?? association.roleArn;
      const refs: ResourceRef[] = [resource.role(association.roleArn), resource.serviceAccount(association.namespace, association.serviceAccount), ...scope.refs];
      const role = findRole(snapshot, association.roleArn);
      const base = { keyResource: association.associationId ?? saId, canExplain: scope.explain };
      if (!role) {
        if (!roleIsMissing(snapshot, association.roleArn)) continue;
        findings.push({
          ...base,
          code: 'pod-identity-role-not-found',
          title: `Pod Identity role ${roleName} for ${saId} does not exist`,
          rootCause: `The Pod Identity association ${association.associationId ?? ''} gives ${saId} the role ${association.roleArn}, which IAM does not have, so its pods get no credentials.`,
          evidence: [`Association ${association.associationId ?? '(no id)'}: ${saId} -> ${association.roleArn}`, `iam:GetRole ${roleName}: NoSuchEntity`],
          resources: refs,
          fix: {
            summary: `Create ${roleName} with the Pod Identity trust policy and the permissions the workload needs.`,
            commands: [`aws iam create-role --role-name ${roleName} --assume-role-policy-document '${JSON.stringify(POD_IDENTITY_TRUST)}'`],
            alternatives: [
              {
                summary: 'Point the association at an existing role.',
                commands: [`aws eks update-pod-identity-association --cluster-name ${ctx.cluster} --region ${ctx.region} --association-id ${association.associationId ?? '<association-id>'} --role-arn <role ARN>`],
              },
            ],
            docs: [DOCS.podIdRole],
          },
        });
        continue;
      }
      if (trustsService(role.AssumeRolePolicyDocument, POD_IDENTITY_SERVICE_PRINCIPAL, ['sts:AssumeRole', 'sts:TagSession'])) continue;
      const missingActions = ['sts:AssumeRole', 'sts:TagSession'].filter((a) => !trustsService(role.AssumeRolePolicyDocument, POD_IDENTITY_SERVICE_PRINCIPAL, [a]));
      findings.push({
        ...base,
        code: 'pod-identity-trust-invalid',
        title: `Pod Identity role ${role.RoleName ?? roleName} does not let ${POD_IDENTITY_SERVICE_PRINCIPAL} call ${missingActions.join(' and ')}`,
        rootCause: `EKS Pod Identity assumes the role as ${POD_IDENTITY_SERVICE_PRINCIPAL} with sts:AssumeRole and sts:TagSession; the trust policy of ${role.RoleName ?? roleName} does not allow ${missingActions.join(' and ')}, so pods of ${saId} get no credentials.`,
        evidence: [`Association ${association.associationId ?? '(no id)'}: ${saId} -> ${association.roleArn}`, `Trust policy principals: ${describeTrustedPrincipals(role.AssumeRolePolicyDocument)}`, `Not allowed for ${POD_IDENTITY_SERVICE_PRINCIPAL}: ${missingActions.join(', ')}`],
        resources: refs,
        fix: {
          summary: `Replace the trust policy of ${role.RoleName ?? roleName} with the Pod Identity trust policy (this drops any IRSA trust it has: keep that statement too if IRSA pods still use the role), then restart the pods of ${saId}.`,
          commands: [`aws iam update-assume-role-policy --role-name ${role.RoleName ?? roleName} --policy-document '${JSON.stringify(POD_IDENTITY_TRUST)}'`, restartCommand(snapshot, association.namespace, association.serviceAccount)],
          docs: [DOCS.podIdRole],
        },
      });
    }
    findings.push(...agentCheck(snapshot, ctx));
    return findings;
  },
});

const POD_IDENTITY_TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: POD_IDENTITY_SERVICE_PRINCIPAL }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] };

function normalizeIssuer(url: string): string {
  return url.replace(/^https:\/\//, '').replace(/\/$/, '').toLowerCase();
}

/** Every subject in this cluster that uses the role, so a rewritten trust policy keeps them all working. */
function roleSubjects(users: { namespace: string; name: string; roleArn: string }[], roleArn: string): string[] {
  return users.filter((u) => u.roleArn === roleArn).map((u) => `system:serviceaccount:${u.namespace}:${u.name}`);
}

function irsaTrustDocument(providerArn: string, issuerHost: string, subjects: string[]): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { Federated: providerArn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${issuerHost}:aud`]: AUDIENCE, [`${issuerHost}:sub`]: subjects.length === 1 ? subjects[0]! : subjects } },
    }],
  };
}

function describeAccounts(users: { namespace: string; name: string }[]): string {
  return users.map((u) => `${u.namespace}/${u.name}`).join(', ');
}

/** Which symptoms a broken role of these service accounts explains: their add-ons, and for aws-node the nodes and pods. */
function workloadScope(snapshot: Snapshot, users: { namespace: string; name: string; roleArn: string }[]): { refs: ResourceRef[]; explain: ExplainScope[] } {
  const addons = [...new Set(users.flatMap((u) => addonsUsing(snapshot, u.namespace, u.name, u.roleArn)))];
  const workloads = users.flatMap((u) => workloadsOf(snapshot, u.namespace, u.name));
  const refs = [...addons.map((a) => resource.addon(a)), ...workloads];
  const serviceAccounts = users.map((u) => resource.serviceAccount(u.namespace, u.name));
  // A workload whose AWS calls are denied usually exits: its crash loop (crash-loops names the ServiceAccount) is this role's doing.
  // The claim-unbound check names the CSI controller, its add-on and service account when a provisioner cannot use its role.
  const explain: ExplainScope[] = [
    { symptom: 'addon-unhealthy', resources: [...refs, ...serviceAccounts] },
    { symptom: 'pod-crash-looping', resources: serviceAccounts },
    { symptom: 'claim-unbound', resources: [...refs, ...serviceAccounts] },
  ];
  if (users.some((u) => u.namespace === 'kube-system' && u.name === 'aws-node')) {
    const nodes = (snapshot.kubernetes.nodes ?? []).filter((n) => n.metadata?.labels?.['eks.amazonaws.com/compute-type'] !== 'fargate').map((n) => resource.node(n.metadata!.name!));
    explain.push({ symptom: 'node-not-ready', resources: nodes }, { symptom: 'pod-without-ip', resources: nodes });
  }
  return { refs, explain };
}

/** The kube-system DaemonSets and Deployments whose pods run as this service account. */
function workloadsOf(snapshot: Snapshot, namespace: string, serviceAccount: string): ResourceRef[] {
  const uses = (spec: { serviceAccountName?: string } | undefined) => (spec?.serviceAccountName ?? 'default') === serviceAccount;
  return [
    ...(snapshot.kubernetes.daemonSets ?? []).filter((d) => d.metadata?.namespace === namespace && uses(d.spec?.template?.spec)).map((d) => resource.daemonSet(namespace, d.metadata!.name!)),
    ...(snapshot.kubernetes.deployments ?? []).filter((d) => d.metadata?.namespace === namespace && uses(d.spec?.template?.spec)).map((d) => resource.deployment(namespace, d.metadata!.name!)),
  ];
}

function restartCommand(snapshot: Snapshot, namespace: string, serviceAccount: string): string {
  const [workload] = workloadsOf(snapshot, namespace, serviceAccount);
  if (!workload) return `kubectl -n ${namespace} delete pod -l <selector of the pods using ${serviceAccount}>`;
  const kind = workload.type === 'k8s:DaemonSet' ? 'daemonset' : 'deployment';
  return `kubectl -n ${namespace} rollout restart ${kind}/${workload.id.split('/')[1]}`;
}

function agentCheck(snapshot: Snapshot, ctx: { cluster: string; region: string }): NewFinding<Code>[] {
  const associations = snapshot.aws.podIdentityAssociations ?? [];
  if (associations.length === 0) return [];
  // Auto Mode runs the agent itself.
  if (snapshot.aws.cluster?.computeConfig?.enabled) return [];
  const addon = (snapshot.aws.addons ?? []).some((a) => a.addonName === 'eks-pod-identity-agent');
  const daemonSet = (snapshot.kubernetes.daemonSets ?? []).some((d) => d.metadata?.namespace === 'kube-system' && d.metadata?.name === 'eks-pod-identity-agent');
  if (addon || daemonSet || (snapshot.aws.addons === undefined && snapshot.kubernetes.daemonSets === undefined)) return [];
  const users = associations.map((a) => ({ namespace: a.namespace ?? '', name: a.serviceAccount ?? '', roleArn: a.roleArn ?? '' }));
  const scope = workloadScope(snapshot, users);
  return [{
    code: 'pod-identity-agent-missing',
    title: `${associations.length} Pod Identity association(s) but no eks-pod-identity-agent`,
    rootCause: `Pods get Pod Identity credentials from the eks-pod-identity-agent DaemonSet, which is not installed, so ${describeAccounts(users)} get none.`,
    evidence: [`Pod Identity associations: ${associations.map((a) => `${a.namespace}/${a.serviceAccount} -> ${a.roleArn}`).join('; ')}`, 'No eks-pod-identity-agent add-on and no kube-system/eks-pod-identity-agent DaemonSet'],
    resources: [resource.addon('eks-pod-identity-agent'), ...users.map((u) => resource.serviceAccount(u.namespace, u.name)), ...scope.refs],
    keyResource: 'eks-pod-identity-agent',
    fix: {
      summary: 'Install the EKS Pod Identity Agent add-on, then restart the pods that use associations.',
      commands: [`aws eks create-addon --cluster-name ${ctx.cluster} --region ${ctx.region} --addon-name eks-pod-identity-agent`],
      docs: [DOCS.podIdAgentSetup],
    },
    canExplain: scope.explain,
  }];
}
