/**
 * The ECR reads, live against the mock cluster (SDK over HTTP, the Kubernetes side over TLS): they
 * are planned only with image-pulls, and asked only for the failing pulls that need them, which the
 * Kubernetes side hands over. The request log counts them: none on a healthy cluster (even one whose
 * account has a pull-through cache rule), one DescribePullThroughCacheRules for a rate-limited public
 * image, one GetRepositoryPolicy per repository of another account that refuses with 403, at most
 * ECR_POLICY_READS_CAP of them; and each repository's outcome is data.
 */
import { describe, expect, it } from 'vitest';
import imagePulls from '../../diagnostics/image-pulls.js';
import { faults, podsCannotPull, pullError } from '../../mocks/faults/pod-start.js';
import { loadScenario } from '../../mocks/bundled-scenarios.js';
import type { FaultRule } from '../../mocks/aws-mock/index.js';
import { startMockCluster } from '../../mocks/mock-cluster.js';
import { createAwsClients } from '../../src/collect/aws/clients.js';
import { ECR_POLICY_READS_CAP } from '../../src/collect/aws/services/ecr.js';
import { collectSnapshot } from '../../src/collect/collect.js';
import { planCollection } from '../../src/collect/plan.js';
import type { Snapshot } from '../../src/snapshot/types.js';

/** Collects what image-pulls needs from a mock cluster serving `scenario`; the ECR requests it made, by action and region. */
async function collectForImagePulls(scenario: Snapshot, awsFaults: FaultRule[] = [], slow?: { hangPath: string; timeoutSeconds: number }): Promise<{ snapshot: Snapshot; ecr: string[] }> {
  const cluster = await startMockCluster({ scenario, awsFaults, ...(slow ? { kubernetesRequestFaults: [{ kind: 'hang' as const, path: slow.hangPath }] } : {}) });
  try {
    const clients = await createAwsClients({ region: scenario.cluster.region, endpointUrl: cluster.awsUrl, credentials: cluster.credentials, env: {}, maxAttempts: 1 });
    try {
      const snapshot = await collectSnapshot({
        clusterName: scenario.cluster.name,
        plan: planCollection([imagePulls]),
        aws: clients,
        timeoutSeconds: slow?.timeoutSeconds ?? 20,
        // A hung read lasts until the run's deadline.
        kubernetes: { env: {}, requestTimeoutMs: slow ? 60_000 : 2000 },
        now: () => new Date(scenario.capturedAt),
      });
      const ecr = cluster.log.entries.filter((e) => e.service === 'ecr').map((e) => `${e.action} ${e.region} ${e.status}`);
      return { snapshot, ecr };
    } finally {
      clients.destroy();
    }
  } finally {
    await cluster.close();
  }
}

const plan = planCollection([imagePulls]);

describe('ECR reads for image-pulls', () => {
  it('are planned with image-pulls', () => {
    expect(plan.aws).toEqual(expect.arrayContaining(['ecrPullThroughCacheRules', 'ecrRepositoryPolicies']));
  });

  it('a healthy cluster, even one with a pull-through cache rule: no ECR request at all', async () => {
    const scenario = loadScenario('baseline');
    faults.find((f) => f.name === 'docker-hub-pull-through-cache-rule')!.apply(scenario);
    const { snapshot, ecr } = await collectForImagePulls(scenario);
    expect(ecr).toEqual([]);
    expect(snapshot.aws.ecrPullThroughCacheRules).toEqual([]);
    expect(snapshot.aws.ecrRepositoryPolicies).toEqual([]);
    expect(snapshot.errors).toEqual([]);
  });

  it('a rate-limited Docker Hub image: one DescribePullThroughCacheRules in the cluster region, and the rule comes back', async () => {
    const scenario = loadScenario('image-pull-docker-hub-cache-rule-unused');
    const { snapshot, ecr } = await collectForImagePulls(scenario);
    expect(ecr).toEqual(['DescribePullThroughCacheRules eu-west-1 200']);
    expect(snapshot.aws.ecrPullThroughCacheRules).toEqual(scenario.aws.ecrPullThroughCacheRules);
    expect(snapshot.aws.ecrRepositoryPolicies).toEqual([]);
  });

  it.each([
    ['image-pull-cross-account-refused', 'GetRepositoryPolicy eu-west-1 200', 'the policy, decoded'],
    ['image-pull-cross-account-policy-unreadable', 'GetRepositoryPolicy eu-west-1 400', "AccessDenied across accounts, kept as that repository's data (code, message), not as a failed part"],
  ])("%s: a 403 from another account's repository asks for its policy once (%s): %s", async (name, request) => {
    const scenario = loadScenario(name);
    const { snapshot, ecr } = await collectForImagePulls(scenario);
    expect(ecr).toEqual([request]);
    expect(snapshot.aws.ecrRepositoryPolicies).toEqual(scenario.aws.ecrRepositoryPolicies);
    expect(snapshot.aws.ecrPullThroughCacheRules).toEqual([]);
    expect(snapshot.errors).toEqual([]);
  });

  it('no policy on the repository: RepositoryPolicyNotFoundException kept as noPolicy', async () => {
    const scenario = loadScenario('image-pull-cross-account-refused');
    scenario.aws.ecrRepositoryPolicies = [{ ...scenario.aws.ecrRepositoryPolicies![0]!, policyText: undefined, noPolicy: true }];
    delete scenario.aws.ecrRepositoryPolicies[0]!.policyText;
    const { snapshot } = await collectForImagePulls(scenario);
    expect(snapshot.aws.ecrRepositoryPolicies).toEqual([{ registryId: '444455556666', repositoryName: 'platform/base-api', region: 'eu-west-1', noPolicy: true }]);
  });

  it(`at most ${ECR_POLICY_READS_CAP} repositories are read, in their registries' regions; the rest are recorded as not read`, async () => {
    const scenario = loadScenario('baseline');
    const count = ECR_POLICY_READS_CAP + 3;
    for (let i = 0; i < count; i++) {
      const region = i % 2 === 0 ? 'eu-west-1' : 'us-east-1';
      const image = `444455556666.dkr.ecr.${region}.amazonaws.com/platform/service-${String(i).padStart(2, '0')}:1.0.0`;
      podsCannotPull(scenario, { namespace: 'billing', app: `svc-${i}`, image, count: 1, error: pullError(image, 'Unknown', `failed to resolve reference "<ref>": unexpected status from HEAD request to https://444455556666.dkr.ecr.${region}.amazonaws.com/v2/platform/service-${i}/manifests/1.0.0: 403 Forbidden`) });
    }
    const { snapshot, ecr } = await collectForImagePulls(scenario);
    expect(ecr).toHaveLength(ECR_POLICY_READS_CAP);
    expect(new Set(ecr)).toEqual(new Set(['GetRepositoryPolicy eu-west-1 400', 'GetRepositoryPolicy us-east-1 400']));
    const policies = snapshot.aws.ecrRepositoryPolicies!;
    expect(policies).toHaveLength(count);
    // The mock knows none of them: another account's unknown repository answers AccessDenied, as ECR does.
    expect(policies.filter((p) => p.failure?.code === 'AccessDeniedException')).toHaveLength(ECR_POLICY_READS_CAP);
    expect(policies.filter((p) => p.notRead)).toHaveLength(3);
  });

  it('the events never come (the API server hangs until the deadline): the rules are read or fail as not attempted, never an empty list that would say "no rule"', async () => {
    const scenario = loadScenario('image-pull-docker-hub-cache-rule-unused');
    const { snapshot } = await collectForImagePulls(scenario, [], { hangPath: '/api/v1/events', timeoutSeconds: 2 });
    // Which deadline fires first (the Kubernetes side's or the AWS side's) decides which of the two; both are honest.
    const failure = snapshot.errors.find((e) => e.part === 'aws.ecrPullThroughCacheRules');
    if (failure) {
      expect(snapshot.aws.ecrPullThroughCacheRules).toBeUndefined();
      expect(failure).toMatchObject({ kind: 'timeout', code: 'DeadlineExceeded' });
    } else {
      expect(snapshot.aws.ecrPullThroughCacheRules).toEqual(scenario.aws.ecrPullThroughCacheRules);
    }
    expect(snapshot.errors.some((e) => e.part === 'kubernetes.warningEvents')).toBe(true);
  });

  it('DescribePullThroughCacheRules denied: the part fails with the permission to grant; nothing else does', async () => {
    const scenario = loadScenario('image-pull-docker-hub-cache-rule-unused');
    const { snapshot } = await collectForImagePulls(scenario, [{ action: 'ecr:DescribePullThroughCacheRules', kind: 'denied' }]);
    expect(snapshot.errors.map((e) => `${e.part} ${e.kind} ${e.code} ${e.permission}`)).toEqual(['aws.ecrPullThroughCacheRules denied AccessDeniedException ecr:DescribePullThroughCacheRules']);
    expect(snapshot.aws.ecrPullThroughCacheRules).toBeUndefined();
  });
});
