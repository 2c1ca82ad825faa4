/**
 * Amazon ECR (AWS JSON 1.1, X-Amz-Target AmazonEC2ContainerRegistry_V20150921.*; botocore's
 * data/ecr/2015-09-21/service-2.json): the two reads eks-doctor makes, from the snapshots' ECR parts.
 *
 * - DescribePullThroughCacheRules: the region's rules, maxResults 1-1000 with nextToken; prefixes
 *   asked for that have no rule answer PullThroughCacheRuleNotFoundException.
 * - GetRepositoryPolicy: the policy text as ECR returns it (a JSON string), or what the snapshot
 *   recorded for the repository: RepositoryPolicyNotFoundException when it has none, or the error its
 *   read met (AccessDeniedException across accounts). A repository the snapshots do not know is
 *   RepositoryNotFoundException in the caller's own registry and AccessDeniedException in another
 *   account's, as ECR answers a caller that the other account's policy does not name. Messages as
 *   ECR writes them ("The repository with name 'x' does not exist in the registry with id '…'",
 *   "Repository policy does not exist for the repository with name 'x' in the registry with id '…'",
 *   as the aws CLI prints them).
 */
import { AwsApiError, numberParam, paginate, requiredString, stringList, stringParam, type Handler, type HandlerContext } from '../api.js';

/** The caller the mock answers as, in an AccessDenied message. */
function callerArn(context: HandlerContext): string {
  return context.world.callerIdentity(context.region).Arn ?? 'arn:aws:iam::111122223333:user/eks-doctor-mock';
}

export const ECR_HANDLERS: Record<string, Handler> = {
  DescribePullThroughCacheRules(input, context) {
    const own = context.world.callerIdentity(context.region).Account;
    const registryId = stringParam(input, 'registryId') ?? own;
    const requested = numberParam(input, 'maxResults');
    if (requested !== undefined && (requested < 1 || requested > 1000)) throw new AwsApiError('InvalidParameterException', 'Invalid parameter at \'maxResults\' failed to satisfy constraint: \'Member must have value between 1 and 1000\'', 400);
    const prefixes = stringList(input, 'ecrRepositoryPrefixes');
    const rules = context.world.regional(context.region, 'ecrPullThroughCacheRules').filter((r) => (r.registryId ?? own) === registryId);
    const wanted = prefixes ? rules.filter((r) => prefixes.includes(r.ecrRepositoryPrefix ?? '')) : rules;
    const missing = prefixes?.find((p) => !rules.some((r) => r.ecrRepositoryPrefix === p));
    if (missing !== undefined) throw new AwsApiError('PullThroughCacheRuleNotFoundException', `The pull-through cache rule with prefix '${missing}' does not exist in the registry with id '${registryId}'`, 400);
    const { page, nextToken } = paginate(wanted, { token: stringParam(input, 'nextToken'), pageSize: requested, defaultPageSize: 100, maxPageSize: 1000, context, invalidTokenCode: 'InvalidParameterException' });
    return { pullThroughCacheRules: page, ...(nextToken ? { nextToken } : {}) };
  },

  GetRepositoryPolicy(input, context) {
    const own = context.world.callerIdentity(context.region).Account ?? '';
    const repositoryName = requiredString(input, 'repositoryName', 'InvalidParameterException');
    const registryId = stringParam(input, 'registryId') ?? own;
    const known = context.world.global('ecrRepositoryPolicies').find((p) => p.region === context.region && p.registryId === registryId && p.repositoryName === repositoryName);
    const arn = `arn:aws:ecr:${context.region}:${registryId}:repository/${repositoryName}`;
    if (!known || known.notRead !== undefined) {
      if (registryId === own) throw new AwsApiError('RepositoryNotFoundException', `The repository with name '${repositoryName}' does not exist in the registry with id '${registryId}'`, 400);
      throw deniedAcrossAccounts(callerArn(context), arn);
    }
    if (known.noPolicy) throw new AwsApiError('RepositoryPolicyNotFoundException', `Repository policy does not exist for the repository with name '${repositoryName}' in the registry with id '${registryId}'`, 400);
    if (known.failure) throw new AwsApiError(known.failure.code, known.failure.message, known.failure.kind === 'server-error' ? 500 : 400);
    return { registryId, repositoryName, policyText: JSON.stringify(known.policyText, null, 2) };
  },
};

/** What ECR answers a caller that the other account's repository policy does not name. */
export function deniedAcrossAccounts(caller: string, repositoryArn: string): AwsApiError {
  return new AwsApiError('AccessDeniedException', `User: ${caller} is not authorized to perform: ecr:GetRepositoryPolicy on resource: ${repositoryArn} because no resource-based policy allows the ecr:GetRepositoryPolicy action`, 400);
}
