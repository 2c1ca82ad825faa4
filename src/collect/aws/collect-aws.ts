/**
 * Collects the AWS side of a snapshot: checks the credentials and that the cluster exists (the two
 * failures that make everything else pointless, reported as user errors), then fetches the planned
 * parts concurrently under one deadline. Every other failure is recorded against its part.
 */
import { setMaxListeners } from 'node:events';
import { ListClustersCommand } from '@aws-sdk/client-eks';
import type { FailingPull } from '../../domain/image-pull-errors.js';
import type { CollectEvent } from '../../engine/progress.js';
import type { AwsData, CollectionError } from '../../snapshot/types.js';
import type { Tracer } from '../../trace/tracer.js';
import { closestRegions, isKnownRegion, OPT_IN_REGIONS } from '../../domain/aws-regions.js';
import { UserError } from '../../user-error.js';
import { AWS_PARTS, type AwsPartKey } from '../plan.js';
import type { AwsClients } from './clients.js';
import { AwsCollection } from './collection.js';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_SECONDS } from './defaults.js';
import { awsCollectors } from './collectors.js';


export interface AwsCollectRequest {
  clients: AwsClients;
  clusterName: string;
  parts: readonly AwsPartKey[];
  /** Role ARNs found elsewhere (IRSA annotations on service accounts); may arrive while AWS collection runs. */
  extraRoleArns?: string[] | Promise<string[]>;
  /** The containers waiting for their image, from the Kubernetes side; may arrive while AWS collection runs (what ECR is asked). */
  failingPulls?: FailingPull[] | Promise<FailingPull[]>;
  /** Bounds the whole collection; calls still running then are recorded as timed out. */
  timeoutSeconds?: number;
  concurrency?: number;
  onEvent?: (event: CollectEvent) => void;
  /**
   * Called once the credentials work and the cluster exists, with what DescribeCluster said (absent
   * if it failed) and a way to await other parts: the Kubernetes side starts then (it needs the
   * endpoint and CA, and later the Pod Identity associations) and runs alongside the AWS side.
   */
  onCluster?: (cluster: AwsData['cluster'], part: <K extends AwsPartKey>(key: K) => Promise<AwsData[K] | undefined>) => void;
  /** Where the requests go, for error messages ("cannot reach ..."). */
  endpointDescription?: string;
  /** The snapshot's capturedAt: time windows (quota usage metrics) end there. */
  capturedAt?: Date;
  /** --trace: waits for a free slot under the concurrency cap as spans. */
  tracer?: Tracer;
}

export interface AwsCollectResult {
  aws: AwsData;
  errors: CollectionError[];
}

export async function collectAws(request: AwsCollectRequest): Promise<AwsCollectResult> {
  const timeoutSeconds = request.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const deadline = new AbortController();
  // Every call in flight listens on this one signal; dozens at once is expected, not a leak.
  setMaxListeners(0, deadline.signal);
  const timer = setTimeout(() => deadline.abort(), timeoutSeconds * 1000);
  try {
    const collection = new AwsCollection(
      {
        clusterName: request.clusterName,
        signal: deadline.signal,
        deadlineSeconds: timeoutSeconds,
        concurrency: request.concurrency ?? DEFAULT_CONCURRENCY,
        ...(request.onEvent ? { onEvent: request.onEvent } : {}),
        ...(request.tracer ? { tracer: request.tracer } : {}),
        ...(request.capturedAt ? { capturedAt: request.capturedAt } : {}),
      },
      awsCollectors(request.clients, Promise.resolve(request.extraRoleArns ?? []), Promise.resolve(request.failingPulls ?? [])),
    );

    await Promise.all([collection.part('callerIdentity'), collection.part('cluster')]);
    await failOnUnusableCredentials(collection.errors, request);
    await failOnUnknownCluster(collection, request, deadline.signal);
    request.onCluster?.(collection.aws.cluster, (key) => collection.part(key));

    await Promise.all(request.parts.map((p) => collection.part(p)));

    const aws: AwsData = {};
    for (const key of AWS_PARTS) if (collection.aws[key] !== undefined) (aws as Record<string, unknown>)[key] = collection.aws[key];
    aws.notFound = collection.notFound;
    const order = new Map(AWS_PARTS.map((p, i) => [`aws.${p}`, i]));
    const errors = [...collection.errors].sort((a, b) => (order.get(a.part) ?? 99) - (order.get(b.part) ?? 99));
    return { aws, errors };
  } finally {
    clearTimeout(timer);
  }
}

/** Credentials, region and endpoint that cannot work at all: one user error, before any check runs. */
export async function failOnUnusableCredentials(errors: CollectionError[], request: { clients: Pick<AwsClients, 'region'>; endpointDescription?: string }): Promise<void> {
  const failure = errors.find((e) => e.part === 'aws.callerIdentity');
  if (!failure) return;
  if (failure.code === 'CredentialsProviderError' || (failure.kind === 'other' && /credential/i.test(failure.message))) {
    // The SDK's own sentence is generic unless a named profile is missing or broken: then it says which.
    const specific = /could not load credentials from any providers/i.test(failure.message) ? '' : ` (${failure.message})`;
    throw new UserError(
      `no AWS credentials found${specific}`,
      [
        'Looked where the AWS SDK looks, in this order: the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY),',
        'the shared files ~/.aws/credentials and ~/.aws/config (the profile from --profile or AWS_PROFILE, else default; SSO and credential_process included),',
        'web identity (AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN, as IRSA sets them), container credentials (ECS, EKS Pod Identity), then EC2 instance metadata.',
        'Provide them in one of those places: --profile NAME, `aws sso login --profile NAME`, or the environment variables. See "Credentials" in docs/aws.md.',
      ].join(' '),
    );
  }
  const region = request.clients.region;
  // STS in an opt-in region the account has not enabled refuses every key as unknown.
  if (failure.code === 'OptInRequired' || (OPT_IN_REGIONS.has(region) && (failure.code === 'UnrecognizedClientException' || failure.code === 'InvalidClientTokenId'))) {
    throw new UserError(
      `region ${region} is not enabled for this AWS account (STS answered ${failure.code})`,
      `${region} is an opt-in region: an account administrator enables it (AWS console, Account, AWS Regions; or \`aws account enable-region --region-name ${region}\`), or pass the --region your cluster is in.`,
    );
  }
  if (failure.kind === 'unauthorized') {
    throw new UserError(`AWS rejected the credentials (${failure.code}: ${failure.message})`, 'Refresh them (`aws sso login`, new session token) or pick another --profile. See docs/aws.md.');
  }
  // A region the SDK does not know (from a profile: --region and AWS_REGION are checked before any call) has no endpoint.
  if (failure.kind === 'unreachable' && !request.endpointDescription && /ENOTFOUND/.test(failure.message) && failure.message.includes(`.${region}.`) && !(await isKnownRegion(region))) {
    const closest = await closestRegions(region);
    throw new UserError(
      `cannot reach AWS in region ${region}: its endpoint does not resolve (${failure.message}); most likely ${region} is not the region you meant`,
      `${closest.length > 0 ? `Did you mean ${closest.join(' or ')}? ` : ''}Pass the region your cluster is in with --region; if the region is right, check DNS, HTTPS_PROXY/NO_PROXY and the network (docs/aws.md).`,
    );
  }
  if (failure.kind === 'unreachable' || failure.kind === 'tls') {
    throw new UserError(`cannot reach AWS${request.endpointDescription ? ` at ${request.endpointDescription}` : ''}: ${failure.message}`, 'Check --endpoint-url, AWS_ENDPOINT_URL, HTTPS_PROXY/NO_PROXY and the network. See docs/aws.md.');
  }
}

async function failOnUnknownCluster(collection: AwsCollection, request: AwsCollectRequest, signal: AbortSignal): Promise<void> {
  const failure = collection.errors.find((e) => e.part === 'aws.cluster');
  if (!failure || failure.code !== 'ResourceNotFoundException') return;
  const region = request.clients.region;
  let hint: string;
  try {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await request.clients.eks.send(new ListClustersCommand({ maxResults: 100, ...(nextToken ? { nextToken } : {}) }), { abortSignal: signal });
      names.push(...(page.clusters ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    hint = names.length > 0 ? `Clusters in ${region}: ${names.sort().join(', ')}. Pass --region if yours is elsewhere.` : `There are no EKS clusters in ${region}. Pass --region if yours is elsewhere.`;
  } catch (error) {
    hint = `Could not list the clusters in ${region} (${error instanceof Error ? error.name : String(error)}); check the name and --region.`;
  }
  throw new UserError(`no EKS cluster named '${request.clusterName}' in ${region}`, hint);
}
