/**
 * Collectors for the ECR parts (declared in ecr-parts.ts). Both read only what the cluster's failing
 * image pulls need, which the Kubernetes side hands over once it has read the pods and the kubelet's
 * events (src/collect/collect.ts), the way IRSA role ARNs come from ServiceAccounts: a healthy cluster
 * costs no ECR request. The SDK is loaded on first use (clients.ts), so a run that needs no ECR read
 * never loads it.
 *
 * - ecrPullThroughCacheRules: ecr:DescribePullThroughCacheRules in the cluster's region, every page,
 *   when containers wait on a public registry's rate limit.
 * - ecrRepositoryPolicies: ecr:GetRepositoryPolicy for each repository of another account's registry
 *   that refuses a pull with 403, in that registry's region, at most ECR_POLICY_READS_CAP of them.
 *   Each repository's outcome is data: the policy, no policy (RepositoryPolicyNotFoundException), or
 *   the failure (across accounts AccessDeniedException is the usual answer), never a silent skip.
 */
import type { FailingPull } from '../../../domain/image-pull-errors.js';
import { clusterAccount, crossAccountRefusal, ecrRepositoryKey, rateLimitedPublicRegistry, type EcrRepositoryName } from '../../../domain/image-pull-errors.js';
import type { EcrRepositoryPolicy, PolicyDocument } from '../../../snapshot/types.js';
import type { AwsClients } from '../clients.js';
import { CallFailed, each, toSnapshotJson, type AwsCollection, type Collectors } from '../collection.js';
import { ECR_PARTS } from './ecr-parts.js';
import { unique, unlessAborted } from './shared.js';

/** Repositories whose policy one run reads; the rest are recorded as not read. */
export const ECR_POLICY_READS_CAP = 20;

/** DescribePullThroughCacheRules' largest page. */
const RULES_PAGE_SIZE = 1000;

/** A repository policy as ECR returns it (a JSON string), decoded as IAM policies are; a text that is not a policy is the call's bad answer. */
function decodedPolicy(text: string): PolicyDocument {
  const parsed = JSON.parse(text) as unknown;
  if (typeof parsed !== 'object' || parsed === null || !('Statement' in parsed)) throw new Error('the policy text has no Statement');
  return parsed as PolicyDocument;
}

/** `failingPulls`: the containers that wait for their image, handed over by the Kubernetes side. */
export function ecrCollectors({ ecr, region }: AwsClients, failingPulls: Promise<FailingPull[]>): Collectors<keyof typeof ECR_PARTS> {
  /**
   * The failing pulls, once handed over. When the run's deadline comes first (the pods or events
   * still being read), the part fails as not attempted: an empty list would say "no rule" or "no
   * repository refuses" on the strength of data that never came.
   */
  const pulls = async (c: AwsCollection, part: keyof typeof ECR_PARTS): Promise<FailingPull[]> => {
    const handed = await c.shared('failingImagePulls', () => unlessAborted<FailingPull[] | undefined>(failingPulls, c.settings.signal, undefined));
    if (handed) return handed;
    const { step } = ECR_PARTS[part];
    throw new CallFailed({ part: `aws.${part}`, call: step, kind: 'timeout', code: 'DeadlineExceeded', message: `the overall time limit of ${c.settings.deadlineSeconds}s (--timeout) ran out before the pods and events naming the failing image pulls were read`, notAttempted: true });
  };

  return {
    async ecrPullThroughCacheRules(c) {
      const limited = unique((await pulls(c, 'ecrPullThroughCacheRules')).map(rateLimitedPublicRegistry));
      if (limited.length === 0) return [];
      const reader = await ecr(region);
      const rules = [];
      let nextToken: string | undefined;
      do {
        const page = await c.call('ecrPullThroughCacheRules', 'ecr:DescribePullThroughCacheRules', (abortSignal) =>
          reader.describePullThroughCacheRules({ maxResults: RULES_PAGE_SIZE, ...(nextToken ? { nextToken } : {}) }, abortSignal),
        );
        rules.push(...(page?.pullThroughCacheRules ?? []));
        nextToken = page?.nextToken;
      } while (nextToken);
      return toSnapshotJson(rules);
    },

    async ecrRepositoryPolicies(c) {
      const [failing, cluster, caller] = await Promise.all([pulls(c, 'ecrRepositoryPolicies'), c.part('cluster'), c.part('callerIdentity')]);
      const account = clusterAccount({ cluster, callerIdentity: caller });
      const byKey = new Map<string, EcrRepositoryName>();
      for (const pull of failing) {
        const repository = crossAccountRefusal(pull, account);
        if (repository) byKey.set(ecrRepositoryKey(repository), repository);
      }
      const repositories = [...byKey.values()];
      const read = repositories.slice(0, ECR_POLICY_READS_CAP);
      const notRead: EcrRepositoryPolicy[] = repositories.slice(ECR_POLICY_READS_CAP).map((r) => ({ ...r, notRead: `eks-doctor reads at most ${ECR_POLICY_READS_CAP} repository policies a run; ${repositories.length} repositories refuse pulls` }));
      const policies = await each(read, async (repository): Promise<EcrRepositoryPolicy> => {
        try {
          const reader = await ecr(repository.region);
          const out = await c.call('ecrRepositoryPolicies', 'ecr:GetRepositoryPolicy', (abortSignal) =>
            reader.getRepositoryPolicy({ registryId: repository.registryId, repositoryName: repository.repositoryName }, abortSignal),
          );
          if (!out?.policyText) return { ...repository, noPolicy: true };
          try {
            return { ...repository, policyText: toSnapshotJson(decodedPolicy(out.policyText)) };
          } catch (error) {
            return { ...repository, failure: { call: 'ecr:GetRepositoryPolicy', kind: 'invalid-response', code: 'InvalidPolicyDocument', message: `the repository policy could not be decoded: ${(error as Error).message}` } };
          }
        } catch (error) {
          if (!(error instanceof CallFailed)) throw error;
          const { call, kind, code, message } = error.failure;
          // No policy: nothing allows another account to pull. A fact about the repository, not a failure.
          if (code === 'RepositoryPolicyNotFoundException') return { ...repository, noPolicy: true };
          return { ...repository, failure: { call, kind, code, message } };
        }
      });
      return [...policies, ...notRead];
    },
  };
}
