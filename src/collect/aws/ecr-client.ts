/**
 * The ECR SDK names eks-doctor uses, loaded on demand by clients.ts: importing this module rather
 * than the client's index lets the bundle keep only these two commands' code (a dynamic import of
 * the index would keep every ECR command).
 */
export { DescribePullThroughCacheRulesCommand, ECRClient, GetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
