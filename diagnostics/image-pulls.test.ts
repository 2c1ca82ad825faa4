/**
 * Image pulls, with the kubelet's and containerd's messages as EKS nodes write them (sources in
 * src/domain/image-pull-errors.ts; the fault helpers in mocks/faults/pod-start.ts build them).
 */
import { describe, expect, it } from 'vitest';
import { describeDiagnostic, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { faults, podsCannotPull, pullError } from '../mocks/faults/pod-start.js';
import { faults as iamFaults } from '../mocks/faults/iam.js';
import { PLATFORM_REPOSITORY } from '../mocks/faults/pod-start.js';
import { BATCH_ASG, BATCH_ROLE_NAME } from '../mocks/scenario-builder/baseline.js';
import { runChecks, type IncompletePart } from '../src/engine/run-checks.js';
import type { PolicyStatement, Snapshot } from '../src/snapshot/types.js';
import imagePulls from './image-pulls.js';

function withFaults(...names: string[]): Snapshot {
  return mutate((s) => names.forEach((n) => [...faults, ...iamFaults].find((f) => f.name === n)!.apply(s)));
}

/** The general node group's role, which the billing API's nodes run as. */
const NODE_ROLE = 'arn:aws:iam::111122223333:role/shop-prod-node-role';

/** The cart Deployment: its pods' ReplicaSet (shop/cart-6d4f8b7c9d) groups under it. */
const CART = 'shop/cart';

describeDiagnostic(imagePulls, {
  healthy: [
    { name: 'baseline: every image pulled', snapshot: mutate(() => {}) },
    { name: 'pods moved to the pull-through cache: old 429 events of pods that are gone are history', snapshot: withFaults('redis-moved-to-pull-through-cache') },
    { name: 'pods moved to the pull-through cache, whose rule is there', snapshot: withFaults('docker-hub-pull-through-cache-rule', 'redis-moved-to-pull-through-cache') },
  ],
  broken: [
    {
      name: 'no basic auth credentials from ECR: refused, naming the nodes the pods are on',
      snapshot: withFaults('cart-pull-no-basic-auth-credentials'),
      expect: [{ id: 'image-pulls/pull-refused', resource: CART, severity: 'critical', mentions: 'the node role cannot get a token' }],
    },
    {
      name: 'S3 layer timeout, found in the Failed event when the status carries no error (kubelet before 1.31)',
      snapshot: withFaults('cart-pull-s3-timeout'),
      expect: [{ id: 'image-pulls/pull-unreachable', resource: CART, mentions: 'and to S3' }],
    },
    {
      name: '403 from another account: refused, and the repository policy there is the cause',
      snapshot: withFaults('platform-image-cross-account-403'),
      expect: [
        { id: 'image-pulls/pull-refused', resource: 'billing/billing-api' },
        { id: 'image-pulls/cross-account-pull-refused', resource: 'arn:aws:ecr:eu-west-1:444455556666:repository/platform/base-api', canExplain: ['image-pull-refused'] },
      ],
    },
    {
      name: "Docker Hub's 429: rate-limited, and the pull-through cache as the cause's fix",
      snapshot: withFaults('redis-docker-hub-rate-limited'),
      expect: [
        { id: 'image-pulls/pull-rate-limited', resource: 'shop/session-cache' },
        { id: 'image-pulls/registry-rate-limit', resource: 'shop/session-cache', canExplain: ['image-pull-rate-limited'] },
      ],
    },
    {
      name: 'a tag that was never pushed: a warning about the reference',
      snapshot: withFaults('cart-image-tag-not-found'),
      expect: [{ id: 'image-pulls/image-not-found', resource: CART, severity: 'warning', mentions: 'No AWS setting causes this' }],
    },
    {
      name: "aws-node on a node whose role lost its ECR policy (401 in the back-off message)",
      snapshot: withFaults('general-node-role-ecr-policy-detached'),
      expect: [{ id: 'image-pulls/pull-refused', resource: 'kube-system/aws-node' }],
    },
  ],
});

describe('image-pulls', () => {
  it('one finding per workload and reason, evidence capped, the S3 host named', () => {
    const s = mutate((x) =>
      podsCannotPull(x, {
        namespace: 'shop',
        app: 'cart',
        image: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/cart:2026.12.1',
        count: 8,
        error: pullError('111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/cart:2026.12.1', 'Unknown', 'failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com/x": dial tcp 52.218.41.122:443: i/o timeout'),
      }),
    );
    const findings = runDiagnostic(imagePulls, s);
    expect(findings.map((f) => f.id)).toEqual(['image-pulls/pull-unreachable']);
    expect(findings[0]!.evidence).toContain('... and 3 more containers');
    expect(findings[0]!.evidence.at(-1)).toBe('The failing request went to prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com (S3: Amazon ECR serves image layers from S3, so the node needs S3 as well as the registry).');
    // The Nodes and the instances behind them, for node-side causes to match.
    expect(findings[0]!.resources.filter((r) => r.type === 'k8s:Node').length).toBeGreaterThan(0);
    expect(findings[0]!.resources.filter((r) => r.type === 'aws:ec2:instance').length).toBeGreaterThan(0);
  });

  it("a rollout: the pods of the Deployment's old and new ReplicaSets are one finding on the Deployment", () => {
    const image = 'redis:7.4.1';
    const error = pullError(image, 'Unknown', 'failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/redis/manifests/7.4.1: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit');
    const s = mutate((x) => {
      podsCannotPull(x, { namespace: 'shop', app: 'session-cache', image, error, count: 2, hash: '6d4f8b7c9d' });
      podsCannotPull(x, { namespace: 'shop', app: 'session-cache', image, error, count: 2, hash: '58b9c7d6f4' });
    });
    expect(s.kubernetes.replicaSets!.filter((r) => r.metadata?.name?.startsWith('session-cache-'))).toHaveLength(2);
    const symptoms = runDiagnostic(imagePulls, s).filter((f) => f.id === 'image-pulls/pull-rate-limited');
    expect(symptoms.map((f) => f.title)).toEqual(['Deployment shop/session-cache cannot start: the registry rate-limits the pull (4 containers)']);
    expect(symptoms[0]!.resources.filter((r) => r.type === 'k8s:Pod').map((r) => r.id)).toEqual([
      'shop/session-cache-6d4f8b7c9d-b4n7x',
      'shop/session-cache-6d4f8b7c9d-c8m2z',
      'shop/session-cache-58b9c7d6f4-b4n7x',
      'shop/session-cache-58b9c7d6f4-c8m2z',
    ]);
  });

  it('the rate-limit cause names the cache rule with the Secrets Manager credential Docker Hub needs, and the cached image name', () => {
    const cause = runDiagnostic(imagePulls, withFaults('redis-docker-hub-rate-limited')).find((f) => f.id === 'image-pulls/registry-rate-limit')!;
    expect(cause.fix.commands[0]).toBe('aws ecr create-pull-through-cache-rule --ecr-repository-prefix docker-hub --upstream-registry-url registry-1.docker.io --region eu-west-1 --credential-arn arn:aws:secretsmanager:eu-west-1:111122223333:secret:ecr-pullthroughcache/docker-hub');
    expect(cause.fix.summary).toContain('redis:7.4.1 becomes 111122223333.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/redis:7.4.1');
  });

  it('the cross-account cause, with the policy read: it names the node role nowhere; the fix keeps its statements and adds one for the node role', () => {
    const cause = runDiagnostic(imagePulls, withFaults('platform-image-cross-account-403')).find((f) => f.id === 'image-pulls/cross-account-pull-refused')!;
    expect(cause.rootCause).toContain(`the repository policy of platform/base-api (read with ecr:GetRepositoryPolicy) does not allow ${NODE_ROLE} ecr:BatchGetImage, ecr:GetDownloadUrlForLayer, ecr:BatchCheckLayerAvailability`);
    expect(cause.evidence.at(-1)).toBe(`The policy allows arn:aws:iam::777788889999:root; it names neither ${NODE_ROLE} nor account 111122223333.`);
    expect(cause.fix.commands[0]).toBe('aws ecr get-repository-policy --registry-id 444455556666 --repository-name platform/base-api --region eu-west-1');
    const policy = JSON.parse(/--policy-text '(.*)'$/.exec(cause.fix.commands[1]!)![1]!) as { Statement: { Sid: string; Principal: unknown }[] };
    expect(policy.Statement.map((x) => [x.Sid, x.Principal])).toEqual([
      ['AllowPullFromCi', { AWS: 'arn:aws:iam::777788889999:root' }],
      ['AllowPullFromCluster', { AWS: NODE_ROLE }],
    ]);
    expect(cause.fix.summary).toContain('with credentials of account 444455556666');
  });

  const withPolicy = (statement: PolicyStatement) =>
    mutate((s) => {
      faults.find((f) => f.name === 'platform-image-cross-account-403')!.apply(s);
      s.aws.ecrRepositoryPolicies = [{ ...PLATFORM_REPOSITORY, policyText: { Version: '2012-10-17', Statement: [statement] } }];
    });
  const pull = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'];
  const crossAccount = (snapshot: Snapshot) => {
    const unseen: IncompletePart[] = [];
    const findings = imagePulls.check({ snapshot, options: {}, now: new Date(snapshot.capturedAt), incomplete: (u) => unseen.push(u) });
    expect(findings.map((f) => f.id).sort()).toEqual(['image-pulls/cross-account-pull-refused', 'image-pulls/pull-refused']);
    return { cause: findings.find((f) => f.id === 'image-pulls/cross-account-pull-refused')!, unseen };
  };

  it.each([
    ['the node role', { AWS: NODE_ROLE }, false],
    ["the node role's account (root)", { AWS: 'arn:aws:iam::111122223333:root' }, false],
    ['the bare account ID', { AWS: '111122223333' }, false],
  ])('a policy that allows %s: the 403 comes from elsewhere, and the cause says so', (_, principal) => {
    const { cause } = crossAccount(withPolicy({ Sid: 'Pull', Effect: 'Allow', Principal: principal, Action: pull }));
    expect(cause.rootCause).toContain(`although the repository policy of platform/base-api allows ${NODE_ROLE} to pull: the refusal comes from elsewhere`);
    expect(cause.evidence.at(-1)).toContain('Statement allowing it: {"Sid":"Pull"');
  });

  it("'*' with a condition eks-doctor cannot evaluate allows, and says the condition was assumed to hold", () => {
    const { cause } = crossAccount(withPolicy({ Sid: 'Org', Effect: 'Allow', Principal: '*', Action: 'ecr:*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }));
    expect(cause.rootCause).toContain('under conditions eks-doctor cannot evaluate (assumed to hold)');
  });

  it.each([
    ['aws:PrincipalAccount of another account', { StringEquals: { 'aws:PrincipalAccount': '777788889999' } }],
    ['aws:PrincipalArn of another role', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/ci-*' } }],
  ])("'*' with a condition on what eks-doctor knows (%s) is evaluated: it does not allow the node role", (_, condition) => {
    const { cause } = crossAccount(withPolicy({ Sid: 'Scoped', Effect: 'Allow', Principal: '*', Action: pull, Condition: condition }));
    expect(cause.rootCause).toContain(`does not allow ${NODE_ROLE} ecr:BatchGetImage, ecr:GetDownloadUrlForLayer, ecr:BatchCheckLayerAvailability`);
  });

  it("'*' with aws:PrincipalArn naming the node role's pattern allows it", () => {
    const { cause } = crossAccount(withPolicy({ Sid: 'Nodes', Effect: 'Allow', Principal: '*', Action: pull, Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/shop-prod-*' } } }));
    expect(cause.rootCause).toContain(`although the repository policy of platform/base-api allows ${NODE_ROLE} to pull: the refusal`);
  });

  it('pods under two node roles: a policy that allows one of them does not allow the pull, and the cause names the other', () => {
    const snapshot = withPolicy({ Sid: 'Pull', Effect: 'Allow', Principal: { AWS: NODE_ROLE }, Action: pull });
    const batchInstance = snapshot.aws.autoScalingGroups!.find((g) => g.AutoScalingGroupName === BATCH_ASG)!.Instances![0]!.InstanceId!;
    const batchNode = snapshot.kubernetes.nodes!.find((n) => n.spec?.providerID?.endsWith(`/${batchInstance}`))!.metadata!.name!;
    const failing = snapshot.kubernetes.problemPods!.filter((p) => p.metadata?.namespace === 'billing');
    failing[1]!.spec = { ...failing[1]!.spec!, nodeName: batchNode };
    const { cause } = crossAccount(snapshot);
    const batchRole = snapshot.aws.iamRoles!.find((r) => r.RoleName === BATCH_ROLE_NAME)!.Arn!;
    expect(cause.rootCause).toContain(`does not allow ${batchRole} ecr:BatchGetImage`);
    expect(cause.rootCause).not.toContain(`does not allow ${NODE_ROLE}`);
  });

  it('a Deny for the node role wins over an Allow for its account', () => {
    const snapshot = withPolicy({ Sid: 'Account', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: pull });
    (snapshot.aws.ecrRepositoryPolicies![0]!.policyText!.Statement as PolicyStatement[]).push({ Sid: 'NotNodes', Effect: 'Deny', Principal: { AWS: NODE_ROLE }, Action: 'ecr:BatchGetImage' });
    const { cause } = crossAccount(snapshot);
    expect(cause.rootCause).toContain(`does not allow ${NODE_ROLE} ecr:BatchGetImage (a Deny statement applies to it)`);
    expect(cause.evidence).toContain(`Statement denying it: {"Sid":"NotNodes","Effect":"Deny","Principal":{"AWS":"${NODE_ROLE}"},"Action":"ecr:BatchGetImage"}`);
  });

  it('no repository policy (RepositoryPolicyNotFoundException): nothing allows another account', () => {
    const { cause, unseen } = crossAccount(mutate((s) => {
      faults.find((f) => f.name === 'platform-image-cross-account-403')!.apply(s);
      s.aws.ecrRepositoryPolicies = [{ ...PLATFORM_REPOSITORY, noPolicy: true }];
    }));
    expect(cause.rootCause).toContain('repository platform/base-api has no repository policy (ecr:GetRepositoryPolicy answered RepositoryPolicyNotFoundException), so nothing allows another account to pull from it');
    expect(JSON.parse(/--policy-text '(.*)'$/.exec(cause.fix.commands[1]!)![1]!)).toEqual({ Version: '2012-10-17', Statement: [{ Sid: 'AllowPullFromCluster', Effect: 'Allow', Principal: { AWS: NODE_ROLE }, Action: pull }] });
    expect(unseen).toEqual([]);
  });

  it('the policy read denied across accounts: the cause stands on the 403, says why it could not read the policy and who can; the check names the call it could not make', () => {
    const { cause, unseen } = crossAccount(withFaults('platform-image-cross-account-403', 'platform-repository-policy-unreadable'));
    expect(cause.severity).toBe('critical');
    expect(cause.rootCause).toContain('eks-doctor could not read that policy: ecr:GetRepositoryPolicy answered AccessDeniedException (User: ');
    expect(cause.rootCause).toContain("across accounts that is usual, since account 444455556666's repository policy decides who may read it; someone in account 444455556666 can read it");
    expect(unseen).toEqual([
      expect.objectContaining({ part: 'aws.ecrRepositoryPolicies', failedCalls: [{ call: 'ecr:GetRepositoryPolicy', code: 'AccessDeniedException', kind: 'denied', permission: 'ecr:GetRepositoryPolicy' }] }),
    ]);
  });

  it('the policies not collected, or their read failed as a whole: the cause stands, saying the policy is unknown; a failed part makes the check incomplete', async () => {
    const absent = crossAccount(mutate((s) => {
      faults.find((f) => f.name === 'platform-image-cross-account-403')!.apply(s);
      delete s.aws.ecrRepositoryPolicies;
    }));
    expect(absent.cause.rootCause).toContain('eks-doctor could not read that policy: the repository policy was not read (this snapshot does not hold it)');
    const failed = mutate((s) => {
      faults.find((f) => f.name === 'platform-image-cross-account-403')!.apply(s);
      delete s.aws.ecrRepositoryPolicies;
      s.errors.push({ part: 'aws.ecrRepositoryPolicies', call: 'ecr:GetRepositoryPolicy', kind: 'timeout', code: 'DeadlineExceeded', message: 'the overall time limit of 60s (--timeout) ran out before ecr:GetRepositoryPolicy answered' });
    });
    expect(crossAccount(failed).cause.rootCause).toContain('the repository policies could not be read (ecr:GetRepositoryPolicy timed out');
    const { checks } = await runChecks(failed, [imagePulls], {});
    expect(checks[0]!.status).toBe('fail');
    expect(checks[0]!.incomplete?.map((p) => p.part)).toEqual(['aws.ecrRepositoryPolicies']);
  });

  it('a repository over the read cap: recorded as not read, and the check says it could not see it', () => {
    const { cause, unseen } = crossAccount(mutate((s) => {
      faults.find((f) => f.name === 'platform-image-cross-account-403')!.apply(s);
      s.aws.ecrRepositoryPolicies = [{ ...PLATFORM_REPOSITORY, notRead: 'eks-doctor reads at most 20 repository policies a run; 23 repositories refuse pulls' }];
    }));
    expect(cause.rootCause).toContain('it was not read: eks-doctor reads at most 20 repository policies a run');
    expect(unseen.map((u) => u.failedCalls)).toEqual([[]]);
  });

  it('a pull-through cache rule for Docker Hub exists: the fix uses it (the cached name under its prefix), it does not create another', () => {
    const findings = runDiagnostic(imagePulls, withFaults('docker-hub-pull-through-cache-rule', 'redis-docker-hub-rate-limited'));
    expect(findings.map((f) => f.id).sort()).toEqual(['image-pulls/pull-rate-limited', 'image-pulls/registry-rate-limit']);
    const cause = findings.find((f) => f.id === 'image-pulls/registry-rate-limit')!;
    expect(cause.canExplain?.map((x) => x.symptom)).toEqual(['image-pull-rate-limited']);
    expect(cause.title).toBe("Docker Hub rate-limits the cluster's image pulls, though pull-through cache rule docker-hub already caches it");
    expect(cause.fix.summary).toContain('Use the existing pull-through cache rule docker-hub: change the images to the cache\'s names (redis:7.4.1 becomes 111122223333.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/redis:7.4.1)');
    expect(cause.fix.commands).toEqual([
      'aws ecr describe-pull-through-cache-rules --ecr-repository-prefixes docker-hub --region eu-west-1',
      'kubectl set image deployment/session-cache -n shop session-cache=111122223333.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/redis:7.4.1',
    ]);
    expect(cause.fix.commands.join('\n')).not.toContain('create-pull-through-cache-rule');
  });

  it('rules for other registries only, or one whose upstream prefix does not cover the image: the fix creates one, and the evidence says what the rules cache', () => {
    const snapshot = mutate((s) => {
      faults.find((f) => f.name === 'redis-docker-hub-rate-limited')!.apply(s);
      s.aws.ecrPullThroughCacheRules = [
        { ecrRepositoryPrefix: 'quay', upstreamRegistryUrl: 'quay.io', upstreamRegistry: 'quay', registryId: '111122223333' },
        { ecrRepositoryPrefix: 'hub-bitnami', upstreamRegistryUrl: 'registry-1.docker.io', upstreamRegistry: 'docker-hub', upstreamRepositoryPrefix: 'bitnami', registryId: '111122223333' },
      ];
    });
    const cause = runDiagnostic(imagePulls, snapshot).find((f) => f.id === 'image-pulls/registry-rate-limit')!;
    expect(cause.fix.commands[0]).toContain('aws ecr create-pull-through-cache-rule --ecr-repository-prefix docker-hub');
    expect(cause.evidence.at(-1)).toBe('ecr:DescribePullThroughCacheRules in eu-west-1: no rule caches Docker Hub (the 2 rule(s) cache quay.io, registry-1.docker.io).');
  });

  it('the rules could not be read: the cause stands with today\'s fix, says the rules are unknown, and the check is incomplete', async () => {
    const snapshot = mutate((s) => {
      faults.find((f) => f.name === 'redis-docker-hub-rate-limited')!.apply(s);
      delete s.aws.ecrPullThroughCacheRules;
      s.errors.push({ part: 'aws.ecrPullThroughCacheRules', call: 'ecr:DescribePullThroughCacheRules', kind: 'denied', code: 'AccessDeniedException', message: 'denied', permission: 'ecr:DescribePullThroughCacheRules' });
    });
    const cause = runDiagnostic(imagePulls, snapshot).find((f) => f.id === 'image-pulls/registry-rate-limit')!;
    expect(cause.evidence.at(-1)).toBe("Not known whether a rule already exists: the account's pull-through cache rules could not be read (ecr:DescribePullThroughCacheRules was denied (AccessDeniedException); grant ecr:DescribePullThroughCacheRules), so whether one already exists is unknown.");
    expect(cause.fix.commands).toEqual([
      'aws ecr describe-pull-through-cache-rules --region eu-west-1',
      'aws ecr create-pull-through-cache-rule --ecr-repository-prefix docker-hub --upstream-registry-url registry-1.docker.io --region eu-west-1 --credential-arn arn:aws:secretsmanager:eu-west-1:111122223333:secret:ecr-pullthroughcache/docker-hub',
    ]);
    const { checks } = await runChecks(snapshot, [imagePulls], {});
    expect(checks[0]!.incomplete?.map((p) => p.failedCalls[0]?.permission)).toEqual(['ecr:DescribePullThroughCacheRules']);
  });
});
