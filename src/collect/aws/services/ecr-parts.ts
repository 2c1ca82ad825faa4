/** The ECR parts: what the cluster's failing image pulls need read from Amazon ECR. Collectors in ecr.ts. */
import type { AwsPartDeclarations } from '../../sources.js';

/**
 * The pulls come from the pods and the kubelet's events (src/domain/image-pull-errors.ts): without
 * them nothing is asked, and a healthy cluster costs no ECR request at all.
 */
const pullSources = ['kubernetes.problemPods', 'kubernetes.kubeSystemPods', 'kubernetes.warningEvents'] as const;

export const ECR_PARTS = {
  // In the cluster's region, when containers wait on a public registry's rate limit.
  ecrPullThroughCacheRules: { step: 'ecr:DescribePullThroughCacheRules', actions: ['ecr:DescribePullThroughCacheRules'], uses: pullSources },
  // In the other account's registry and region, for each repository there that refuses a pull with 403.
  ecrRepositoryPolicies: { step: 'ecr:GetRepositoryPolicy', actions: ['ecr:GetRepositoryPolicy'], uses: ['aws.cluster', 'aws.callerIdentity', ...pullSources] },
} as const satisfies AwsPartDeclarations;
