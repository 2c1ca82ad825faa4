/**
 * The ECR collectors' decisions without a network: what they ask for follows the failing pulls
 * handed over, and a deadline that comes before the pulls fails the parts rather than leaving them
 * empty (an empty list would read as "no rule" or "no repository refuses"). The wire is proved in
 * test/aws/ecr-reads.test.ts and test/aws/aws-cli-reads-mock.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { faults } from '../../../../mocks/faults/pod-start.js';
import { mutate } from '../../../../test/support/diagnostic-tester.js';
import { failingImagePulls, type FailingPull } from '../../../domain/image-pull-errors.js';
import type { AwsClients, EcrReader } from '../clients.js';
import { AwsCollection, type AwsKey, type Collectors } from '../collection.js';
import { ecrCollectors } from './ecr.js';

function collectionWith(pulls: Promise<FailingPull[]>, signal: AbortSignal) {
  const asked: string[] = [];
  const reader: EcrReader = {
    async describePullThroughCacheRules() {
      asked.push('DescribePullThroughCacheRules');
      return { pullThroughCacheRules: [], $metadata: {} };
    },
    async getRepositoryPolicy(input) {
      asked.push(`GetRepositoryPolicy ${input.registryId}/${input.repositoryName}`);
      return { registryId: input.registryId, repositoryName: input.repositoryName, policyText: '{"Version":"2012-10-17","Statement":[]}', $metadata: {} };
    },
  };
  const clients = { region: 'eu-west-1', ecr: async () => reader } as unknown as AwsClients;
  const own = {
    cluster: async () => ({ arn: 'arn:aws:eks:eu-west-1:111122223333:cluster/shop-prod' }),
    callerIdentity: async () => ({ Account: '111122223333' }),
  };
  // Only the parts these collectors read are given: the others are never asked for.
  const collectors = { ...own, ...ecrCollectors(clients, pulls) } as unknown as Collectors<AwsKey>;
  const collection = new AwsCollection({ clusterName: 'shop-prod', signal, deadlineSeconds: 20, concurrency: 4 }, collectors);
  return { collection, asked };
}

const pullsOf = (...names: string[]) => {
  const s = mutate((x) => names.forEach((n) => faults.find((f) => f.name === n)!.apply(x)));
  return failingImagePulls([s.kubernetes.problemPods, s.kubernetes.kubeSystemPods], s.kubernetes.warningEvents);
};

describe('ECR collectors', () => {
  it('no failing pull: both parts are [] and ECR is asked nothing', async () => {
    const { collection, asked } = collectionWith(Promise.resolve([]), new AbortController().signal);
    expect(await collection.part('ecrPullThroughCacheRules')).toEqual([]);
    expect(await collection.part('ecrRepositoryPolicies')).toEqual([]);
    expect(asked).toEqual([]);
  });

  it('a rate limit asks for the rules only; a cross-account 403 for that repository only; a 401 from the own account for nothing', async () => {
    const { collection, asked } = collectionWith(Promise.resolve(pullsOf('redis-docker-hub-rate-limited', 'platform-image-cross-account-403', 'cart-pull-no-basic-auth-credentials')), new AbortController().signal);
    await Promise.all([collection.part('ecrPullThroughCacheRules'), collection.part('ecrRepositoryPolicies')]);
    expect(asked.sort()).toEqual(['DescribePullThroughCacheRules', 'GetRepositoryPolicy 444455556666/platform/base-api']);
    expect(collection.aws.ecrRepositoryPolicies).toEqual([{ registryId: '444455556666', repositoryName: 'platform/base-api', region: 'eu-west-1', policyText: { Version: '2012-10-17', Statement: [] } }]);
  });

  it('the deadline before the pulls were handed over: both parts fail as not attempted, neither is an empty list', async () => {
    const deadline = new AbortController();
    const { collection, asked } = collectionWith(new Promise(() => undefined), deadline.signal);
    const parts = Promise.all([collection.part('ecrPullThroughCacheRules'), collection.part('ecrRepositoryPolicies')]);
    deadline.abort();
    expect(await parts).toEqual([undefined, undefined]);
    expect(asked).toEqual([]);
    expect(collection.errors.map((e) => `${e.part} ${e.kind} ${e.code} ${e.notAttempted}`).sort()).toEqual([
      'aws.ecrPullThroughCacheRules timeout DeadlineExceeded true',
      'aws.ecrRepositoryPolicies timeout DeadlineExceeded true',
    ]);
    expect(collection.errors[0]!.message).toContain('ran out before the pods and events naming the failing image pulls were read');
  });
});
