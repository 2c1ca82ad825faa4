/**
 * Every AWS part's collector, gathered from the services (services/<service>.ts, mirroring the
 * mock's services/). A collector says which calls fill its part and which other parts it reads to
 * know what to ask for; services/<service>-parts.ts declares the same next to it, without the SDK.
 * Lists use the SDK's paginators; lookups by ID are batched where the API takes many IDs (instances,
 * instance types, prefix lists) and issued concurrently where it takes one (node groups, roles,
 * instance profiles).
 */
import type { FailingPull } from '../../domain/image-pull-errors.js';
import type { AwsClients } from './clients.js';
import type { AwsKey, Collectors } from './collection.js';
import { autoScalingCollectors } from './services/autoscaling.js';
import { cloudTrailCollectors } from './services/cloudtrail.js';
import { ec2Collectors } from './services/ec2.js';
import { ecrCollectors } from './services/ecr.js';
import { eksCollectors } from './services/eks.js';
import { cloudWatchCollectors } from './services/cloudwatch.js';
import { iamCollectors } from './services/iam.js';
import { serviceQuotasCollectors } from './services/servicequotas.js';
import { stsCollectors } from './services/sts.js';

/**
 * What the Kubernetes side hands over while AWS collection runs: `extraRoleArns`, the IRSA role ARNs
 * found on ServiceAccounts; `failingPulls`, the containers waiting for their image (what ECR is asked).
 */
export function awsCollectors(clients: AwsClients, extraRoleArns: Promise<string[]>, failingPulls: Promise<FailingPull[]> = Promise.resolve([])): Collectors<AwsKey> {
  return { ...stsCollectors(clients), ...eksCollectors(clients), ...autoScalingCollectors(clients), ...ec2Collectors(clients), ...serviceQuotasCollectors(clients), ...cloudWatchCollectors(clients), ...iamCollectors(clients, extraRoleArns), ...ecrCollectors(clients, failingPulls), ...cloudTrailCollectors(clients) };
}
