/**
 * What the image-pulls check reads from Amazon ECR: whether a repository policy lets a principal of
 * another account pull, and which pull-through cache rule stands for a public registry and what an
 * image is called through it.
 *
 * A repository policy is a resource-based policy, evaluated like a trust policy here
 * (diagnostics/lib/iam-policy.ts): a statement grants the principal when it names the role ARN, its
 * account (`arn:aws:iam::<account>:root` or the bare account ID) or `*`; an explicit Deny wins;
 * aws:PrincipalAccount and aws:PrincipalArn are the node's account and role; conditions on keys a
 * snapshot cannot know (aws:PrincipalOrgID, aws:SourceVpce) are assumed to hold, and said so (https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html).
 *
 * Pull-through cache names (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-working-pulling.html):
 * `<account>.dkr.ecr.<region>.amazonaws.com/<ecrRepositoryPrefix>/<upstream repository>`; a rule
 * with an upstreamRepositoryPrefix maps only the repositories under it, with that prefix replaced;
 * `ROOT` stands for no prefix.
 */
import { RATE_LIMITED_PUBLIC_REGISTRIES, type ImageReference } from '../../src/domain/container-image.js';
import { parseIamArn, roleArnWithoutPath } from '../../src/domain/iam-arn.js';
import type { AwsElement, PolicyDocument, PolicyStatement } from '../../src/snapshot/types.js';
import { asList, evaluateTrust, statementsOf } from './iam-policy.js';

/** The actions a node needs on a repository to pull from it. */
export const ECR_PULL_ACTIONS = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'] as const;

export interface PullGrant {
  /** Every pull action is allowed to the principal, and none denied. */
  allowed: boolean;
  /** The pull actions no statement allows (or a statement denies). */
  missing: string[];
  /** The Allow statements that grant a pull action to the principal. */
  grants: PolicyStatement[];
  /** A Deny statement that applies to the principal. */
  deniedBy?: PolicyStatement;
  /** A granting statement has conditions eks-doctor cannot evaluate (assumed to hold). */
  conditional: boolean;
}

/** The ways a policy may name `roleArn` (with and without its path) and its account. */
function principalForms(roleArn: string | undefined, account: string): string[] {
  const forms = [`arn:aws:iam::${account}:root`, account];
  if (roleArn) {
    const partition = parseIamArn(roleArn)?.partition ?? 'aws';
    forms.unshift(roleArn, roleArnWithoutPath(roleArn), `arn:${partition}:iam::${account}:root`);
  }
  return [...new Set(forms)];
}

/** Whether the repository policy lets `roleArn` (a role of `account`; the account alone when the role is unknown) pull. */
export function repositoryPolicyGrantsPull(policy: PolicyDocument, account: string, roleArn: string | undefined): PullGrant {
  const forms = principalForms(roleArn, account);
  // What a node's pull is known to carry: its account and, when the node role is known, the role (aws:PrincipalArn of an assumed role is the role's ARN).
  const context: Record<string, string> = { 'aws:PrincipalAccount': account, ...(roleArn ? { 'aws:PrincipalArn': roleArn } : {}) };
  const grants = new Set<PolicyStatement>();
  const missing: string[] = [];
  let deniedBy: PolicyStatement | undefined;
  let conditional = false;
  for (const action of ECR_PULL_ACTIONS) {
    const evaluations = forms.map((principal) => evaluateTrust(policy, { kind: 'AWS', principal, action, context }));
    const denied = evaluations.find((e) => e.deniedBy)?.deniedBy;
    deniedBy ??= denied;
    const allowing = evaluations.flatMap((e) => e.candidates.filter((c) => c.mismatches.length === 0).map((c) => c.statement));
    for (const s of allowing) {
      grants.add(s);
      const known = new Set(Object.keys(context).map((k) => k.toLowerCase()));
      if (Object.values(s.Condition ?? {}).some((keys) => Object.keys(keys).some((k) => !known.has(k.toLowerCase())))) conditional = true;
    }
    if (denied || allowing.length === 0) missing.push(action);
  }
  return { allowed: missing.length === 0, missing, grants: [...grants], ...(deniedBy ? { deniedBy } : {}), conditional };
}

/** A statement as the evidence quotes it: compact JSON, cut at `max` characters. */
export function quoteStatement(statement: PolicyStatement, max = 400): string {
  const text = JSON.stringify(statement);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The policy with a statement added that lets `principals` pull: what set-repository-policy is given (it replaces the whole policy). */
export function policyWithPullStatement(policy: PolicyDocument | undefined, principals: string[]): PolicyDocument {
  const statement: PolicyStatement = { Sid: 'AllowPullFromCluster', Effect: 'Allow', Principal: { AWS: principals.length === 1 ? principals[0]! : principals }, Action: [...ECR_PULL_ACTIONS] };
  return { Version: policy?.Version ?? '2012-10-17', ...(policy?.Id ? { Id: policy.Id } : {}), Statement: [...statementsOf(policy).filter((s) => s.Sid !== 'AllowPullFromCluster'), statement] };
}

/** The principals (AWS) an Allow statement of the policy names, for evidence. */
export function allowedPrincipals(policy: PolicyDocument): string[] {
  return [...new Set(statementsOf(policy).flatMap((s) => (s.Effect !== 'Allow' || s.Principal === undefined ? [] : s.Principal === '*' ? ['*'] : asList(s.Principal.AWS))))];
}

/** The upstreamRegistry value ECR gives each public registry's rules. */
const UPSTREAM_REGISTRY: Readonly<Record<string, string>> = {
  'registry-1.docker.io': 'docker-hub',
  'public.ecr.aws': 'ecr-public',
  'ghcr.io': 'github-container-registry',
  'quay.io': 'quay',
  'registry.k8s.io': 'k8s',
};

const prefixOf = (value: string | undefined) => (value === undefined || value === 'ROOT' ? '' : value);

/** The repository the image has in the cache under this rule, or undefined when the rule does not map it. */
function cachedRepository(rule: AwsElement<'ecrPullThroughCacheRules'>, image: ImageReference): string | undefined {
  const upstream = prefixOf(rule.upstreamRepositoryPrefix);
  const own = prefixOf(rule.ecrRepositoryPrefix);
  if (upstream && !image.repository.startsWith(`${upstream}/`)) return undefined;
  const rest = upstream ? image.repository.slice(upstream.length + 1) : image.repository;
  return own ? `${own}/${rest}` : rest;
}

/** The rule that caches this public registry's image, and the image's name through it. */
export function cacheRuleFor(rules: readonly AwsElement<'ecrPullThroughCacheRules'>[], registry: string, image: ImageReference, fallback: { account: string; region: string }): { rule: AwsElement<'ecrPullThroughCacheRules'>; cachedImage: string } | undefined {
  const upstreamUrl = RATE_LIMITED_PUBLIC_REGISTRIES[registry]?.upstreamRegistryUrl;
  if (!upstreamUrl) return undefined;
  for (const rule of rules) {
    if (rule.upstreamRegistryUrl !== upstreamUrl && !(rule.upstreamRegistry !== undefined && rule.upstreamRegistry === UPSTREAM_REGISTRY[upstreamUrl])) continue;
    const repository = cachedRepository(rule, image);
    if (!repository) continue;
    const host = `${rule.registryId ?? fallback.account}.dkr.ecr.${fallback.region}.amazonaws.com`;
    const reference = image.digest ? `@${image.digest}` : image.tag ? `:${image.tag}` : '';
    return { rule, cachedImage: `${host}/${repository}${reference}` };
  }
  return undefined;
}
