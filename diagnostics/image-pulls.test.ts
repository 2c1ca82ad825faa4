/**
 * Image pulls, with the kubelet's and containerd's messages as EKS nodes write them (sources in
 * src/domain/image-pull-errors.ts; the fault helpers in mocks/faults/pod-start.ts build them).
 */
import { describe, expect, it } from 'vitest';
import { describeDiagnostic, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { faults, podsCannotPull, pullError } from '../mocks/faults/pod-start.js';
import { faults as iamFaults } from '../mocks/faults/iam.js';
import type { Snapshot } from '../src/snapshot/types.js';
import imagePulls from './image-pulls.js';

function withFaults(...names: string[]): Snapshot {
  return mutate((s) => names.forEach((n) => [...faults, ...iamFaults].find((f) => f.name === n)!.apply(s)));
}

/** The cart Deployment: its pods' ReplicaSet (shop/cart-6d4f8b7c9d) groups under it. */
const CART = 'shop/cart';

describeDiagnostic(imagePulls, {
  healthy: [
    { name: 'baseline: every image pulled', snapshot: mutate(() => {}) },
    { name: 'pods moved to the pull-through cache: old 429 events of pods that are gone are history', snapshot: withFaults('redis-moved-to-pull-through-cache') },
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

  it('the cross-account cause prints a repository policy naming the node role', () => {
    const cause = runDiagnostic(imagePulls, withFaults('platform-image-cross-account-403')).find((f) => f.id === 'image-pulls/cross-account-pull-refused')!;
    expect(cause.fix.commands[1]).toContain('aws ecr set-repository-policy --registry-id 444455556666 --repository-name platform/base-api --region eu-west-1');
    expect(cause.fix.commands[1]).toContain('"Principal":{"AWS":["arn:aws:iam::111122223333:role/shop-prod-node-role"]}');
  });
});
