/**
 * Builds a Snapshot from live sources. The AWS side comes from src/collect/aws; the Kubernetes side
 * (src/collect/kubernetes) starts as soon as DescribeCluster has named the endpoint and CA and runs
 * alongside it: it hands the AWS side the IRSA role ARNs it finds on ServiceAccounts, and takes
 * from it the Pod Identity associations whose ServiceAccounts it keeps. No read waits for another
 * unless it needs its answer: only the IAM lookups of the IRSA roles wait for the ServiceAccounts
 * (and give up on them at the deadline); every other AWS read runs whatever the API server does.
 */
import { IRSA_ROLE_ANNOTATION } from '../domain/eks-constants.js';
import type { CollectEvent } from '../engine/progress.js';
import { SNAPSHOT_KIND, SNAPSHOT_SCHEMA_VERSION, type AwsData, type KubeServiceAccount, type KubernetesPart, type Snapshot } from '../snapshot/types.js';
import { inSpan, NO_TRACE, PHASE, type Tracer } from '../trace/tracer.js';
import { TOOL_VERSION } from '../version.js';
import type { AwsClients } from './aws/clients.js';
import { collectAws } from './aws/collect-aws.js';
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_TIMEOUT_SECONDS } from './aws/defaults.js';
import { KubernetesClient, type KubernetesRequestRecord } from './kubernetes/client.js';
import { collectKubernetes, type KubernetesCollection, type ServiceAccountRef } from './kubernetes/collect-kubernetes.js';
import { connectToApiServer } from './kubernetes/connect.js';
import type { AwsPartKey, CollectionPlan } from './plan.js';

export interface KubernetesAccessOptions {
  /** --kubeconfig; otherwise KUBECONFIG, then DescribeCluster + an EKS token. */
  kubeconfig?: string;
  /** --context (implies a kubeconfig). */
  context?: string;
  /** For KUBECONFIG, HOME and in-cluster detection. */
  env: NodeJS.ProcessEnv;
  /** Bounds each request (defaults to the AWS per-call timeout). */
  requestTimeoutMs?: number;
  /** --debug: one record per request (never the token). */
  onRequest?: (record: KubernetesRequestRecord) => void;
  /** Prefix for the service-account files (tests). */
  fileSystemRoot?: string;
}

export interface CollectSnapshotOptions {
  clusterName: string;
  plan: CollectionPlan;
  aws: AwsClients;
  timeoutSeconds?: number;
  concurrency?: number;
  /** IRSA role ARNs to look up in IAM besides those AWS itself names. */
  extraRoleArns?: string[] | Promise<string[]>;
  /** How to reach the API server; without it the Kubernetes side is only attempted when the plan asks for it, with defaults. */
  kubernetes?: KubernetesAccessOptions;
  onEvent?: (event: CollectEvent) => void;
  endpointDescription?: string;
  /** The clock (tests pin it; the demo pins it to its scenario's time). */
  now?: () => Date;
  /**
   * --trace: the two sides as phase spans. Give the same tracer to createAwsClients, whose request
   * spans hang under the 'collect AWS' phase started here.
   */
  tracer?: Tracer;
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export async function collectSnapshot(options: CollectSnapshotOptions): Promise<Snapshot> {
  const capturedAt = (options.now?.() ?? new Date()).toISOString();
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const kubernetesParts = new Set(options.plan.kubernetes.map((key) => `kubernetes.${key}` as KubernetesPart));
  const serviceAccountRoles = deferred<string[]>();
  if (!kubernetesParts.has('kubernetes.serviceAccounts')) serviceAccountRoles.resolve([]);
  let kubernetesSide: Promise<KubernetesCollection> | undefined;
  // The Kubernetes side shares the run's deadline with the AWS side.
  const deadline = AbortSignal.timeout(timeoutSeconds * 1000);
  const deadlineAt = Date.now() + timeoutSeconds * 1000;

  const tracer = options.tracer ?? NO_TRACE;
  const aws = await inSpan(tracer, PHASE.collectAws, () => collectAws({
    clients: options.aws,
    clusterName: options.clusterName,
    parts: options.plan.aws,
    extraRoleArns: Promise.all([options.extraRoleArns ?? [], serviceAccountRoles.promise]).then(([a, b]) => [...new Set([...a, ...b])]),
    timeoutSeconds,
    capturedAt: new Date(capturedAt),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.endpointDescription ? { endpointDescription: options.endpointDescription } : {}),
    ...(options.tracer ? { tracer: options.tracer } : {}),
    onCluster: (cluster, part) => {
      if (kubernetesParts.size === 0) return;
      // A phase of its own beside 'collect AWS' (not inside it): the two sides run concurrently.
      kubernetesSide = inSpan(tracer, PHASE.collectKubernetes, () =>
        collectKubernetesSide({ options, cluster, part, parts: kubernetesParts, deadline, deadlineAt, onServiceAccounts: serviceAccountRoles.resolve }),
      );
      // Whatever happens on the Kubernetes side, the AWS side must not wait for role ARNs forever.
      void kubernetesSide.finally(() => serviceAccountRoles.resolve([]));
    },
  })).finally(() => serviceAccountRoles.resolve([]));
  const kubernetes = kubernetesSide ? await kubernetesSide : { kubernetes: {}, errors: [] };

  return {
    kind: SNAPSHOT_KIND,
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    capturedAt,
    cluster: { name: options.clusterName, region: options.aws.region },
    meta: { collectedBy: TOOL_VERSION },
    aws: aws.aws,
    kubernetes: kubernetes.kubernetes,
    errors: [...aws.errors, ...kubernetes.errors],
  };
}

async function collectKubernetesSide(args: {
  options: CollectSnapshotOptions;
  cluster: AwsData['cluster'];
  part: <K extends AwsPartKey>(key: K) => Promise<AwsData[K] | undefined>;
  parts: ReadonlySet<KubernetesPart>;
  deadline: AbortSignal;
  deadlineAt: number;
  /** The IRSA role ARNs ServiceAccounts name; [] as soon as they could not be read. */
  onServiceAccounts: (roleArns: string[]) => void;
}): Promise<KubernetesCollection> {
  const { options } = args;
  const access = options.kubernetes ?? { env: {} };
  let connected: ReturnType<typeof connectToApiServer>;
  try {
    connected = connectToApiServer({
      clusterName: options.clusterName,
      region: options.aws.region,
      cluster: args.cluster,
      env: access.env,
      credentials: options.aws.credentials,
      ...(access.kubeconfig ? { kubeconfig: access.kubeconfig } : {}),
      ...(access.context ? { context: access.context } : {}),
      ...(access.fileSystemRoot !== undefined ? { fileSystemRoot: access.fileSystemRoot } : {}),
    });
  } catch (error) {
    // A broken kubeconfig costs the Kubernetes side only; the message says what to fix.
    connected = { unavailable: { message: error instanceof Error ? error.message : String(error) } };
  }
  const client =
    'connection' in connected
      ? new KubernetesClient(connected.connection, {
          requestTimeoutMs: access.requestTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
          deadline: args.deadline,
          deadlineAt: args.deadlineAt,
          ...(access.onRequest ? { onRequest: access.onRequest } : {}),
          ...(options.tracer ? { tracer: options.tracer } : {}),
        })
      : undefined;
  const podIdentityServiceAccounts: Promise<ServiceAccountRef[]> = options.plan.aws.includes('podIdentityAssociations')
    ? args.part('podIdentityAssociations').then((associations) =>
        (associations ?? []).flatMap((a) => (a.namespace && a.serviceAccount ? [{ namespace: a.namespace, name: a.serviceAccount }] : [])),
      )
    : Promise.resolve([]);
  return collectKubernetes({
    parts: args.parts,
    client,
    // Event windows are measured against the snapshot's time (the mock's scenarios have their own).
    ...(options.now ? { now: options.now } : {}),
    ...('unavailable' in connected ? { unavailable: connected.unavailable } : {}),
    podIdentityServiceAccounts,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    // The IAM lookups of IRSA roles wait for this read alone, not for the rest of the Kubernetes side.
    onPartFailed: (key) => {
      if (key === 'serviceAccounts') args.onServiceAccounts([]);
    },
    onPart: (key, value) => {
      if (key !== 'serviceAccounts') return;
      const accounts = (value ?? []) as KubeServiceAccount[];
      args.onServiceAccounts(accounts.flatMap((sa) => (sa.metadata?.annotations?.[IRSA_ROLE_ANNOTATION] ? [sa.metadata.annotations[IRSA_ROLE_ANNOTATION]] : [])));
    },
  });
}

