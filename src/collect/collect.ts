/**
 * Builds a Snapshot from live sources. The AWS side comes from src/collect/aws; the Kubernetes side
 * (src/collect/kubernetes) starts as soon as DescribeCluster has named the endpoint and CA and runs
 * alongside it: it hands the AWS side the IRSA role ARNs it finds on ServiceAccounts and the
 * containers waiting for their image (what ECR is asked), and takes from it the Pod Identity
 * associations whose ServiceAccounts it keeps. No read waits for another unless it needs its
 * answer: only the IAM lookups of the IRSA roles wait for the ServiceAccounts, and the ECR reads for
 * the pods and events (each gives up at the deadline); every other AWS read runs whatever the API
 * server does.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { IRSA_ROLE_ANNOTATION } from '../domain/eks-constants.js';
import { failingImagePulls, type FailingPull } from '../domain/image-pull-errors.js';
import type { CollectEvent } from '../engine/progress.js';
import { SNAPSHOT_KIND, SNAPSHOT_SCHEMA_VERSION, type AwsData, type KubeServiceAccount, type KubernetesData, type KubernetesPart, type Snapshot } from '../snapshot/types.js';
import { inSpan, NO_TRACE, PHASE, timedImport, type Tracer } from '../trace/tracer.js';
import { TOOL_VERSION } from '../version.js';
import type { AwsClients } from './aws/clients.js';
import { collectAws } from './aws/collect-aws.js';
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_TIMEOUT_SECONDS } from './aws/defaults.js';
import { KubernetesClient, type KubernetesRequestRecord } from './kubernetes/client.js';
import { collectKubernetes, type KubernetesCollection, type ServiceAccountRef } from './kubernetes/collect-kubernetes.js';
import type { ConnectResult } from './kubernetes/connect.js';
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
  /** Containers waiting for their image besides those the Kubernetes side finds (what ECR is asked). */
  failingPulls?: FailingPull[];
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

/**
 * How to reach the API server, and client-node beneath it: with its dependencies 1.7 MB of the
 * bundle, the largest load of a live run. It loads while the first AWS requests (DescribeCluster
 * among them) are in flight, instead of before the first request.
 */
const loadConnect = () => timedImport('collect/kubernetes/connect', () => import('./kubernetes/connect.js'));

/** Node publishes every outgoing HTTP request here (the SDK's and client-node's both go through node:http). */
const HTTP_REQUEST_START = 'http.client.request.start';

/**
 * Starts loading the Kubernetes connection once the first HTTP request has left: started earlier,
 * its compilation ran ahead of the SDK's own work for those requests and delayed them. Returns the
 * unsubscribe for when no request is ever made.
 */
function loadConnectAfterFirstRequest(): () => void {
  const onRequest = (): void => {
    stop();
    // A failed load is said where the Kubernetes side awaits it.
    loadConnect().catch(() => undefined);
  };
  const stop = (): void => void diagnosticsChannel.unsubscribe(HTTP_REQUEST_START, onRequest);
  diagnosticsChannel.subscribe(HTTP_REQUEST_START, onRequest);
  return stop;
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
  const failingPulls = failingPullsHandOff(options.plan, kubernetesParts);
  let kubernetesSide: Promise<KubernetesCollection> | undefined;
  // The Kubernetes side shares the run's deadline with the AWS side.
  const deadline = AbortSignal.timeout(timeoutSeconds * 1000);
  const deadlineAt = Date.now() + timeoutSeconds * 1000;

  const tracer = options.tracer ?? NO_TRACE;
  const stopWaitingForRequest = kubernetesParts.size > 0 ? loadConnectAfterFirstRequest() : undefined;
  const aws = await inSpan(tracer, PHASE.collectAws, () => collectAws({
    clients: options.aws,
    clusterName: options.clusterName,
    parts: options.plan.aws,
    extraRoleArns: Promise.all([options.extraRoleArns ?? [], serviceAccountRoles.promise]).then(([a, b]) => [...new Set([...a, ...b])]),
    failingPulls: failingPulls.promise.then((found) => [...(options.failingPulls ?? []), ...found]),
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
        collectKubernetesSide({ options, cluster, part, parts: kubernetesParts, deadline, deadlineAt, onServiceAccounts: serviceAccountRoles.resolve, failingPulls }),
      );
      // Whatever happens on the Kubernetes side, the AWS side must not wait for role ARNs or pulls forever.
      // Its own failure is awaited below; this branch only releases the AWS side.
      kubernetesSide
        .finally(() => {
          serviceAccountRoles.resolve([]);
          failingPulls.settle();
        })
        .catch(() => undefined);
    },
  })).finally(() => {
    serviceAccountRoles.resolve([]);
    failingPulls.resolve([]);
    stopWaitingForRequest?.();
  });
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

/** The Kubernetes parts the failing image pulls are read from. */
const PULL_PARTS = ['problemPods', 'kubeSystemPods', 'warningEvents'] as const;
type PullPart = (typeof PULL_PARTS)[number];

/**
 * The containers waiting for their image, once the pods and events the plan reads have each been
 * read or failed (settle(): with whatever came, when the Kubernetes side ends first). Nothing is
 * computed when no ECR part is planned.
 */
function failingPullsHandOff(plan: CollectionPlan, kubernetesParts: ReadonlySet<KubernetesPart>) {
  const { promise, resolve } = deferred<FailingPull[]>();
  const pending = new Set<PullPart>(PULL_PARTS.filter((key) => kubernetesParts.has(`kubernetes.${key}`)));
  const read: Pick<KubernetesData, PullPart> = {};
  let settled = false;
  const settleWith = (pulls: () => FailingPull[]) => {
    if (settled) return;
    settled = true;
    // A pod shaped unlike any seen must cost the ECR reads, not the collection: nothing is asked of ECR then.
    try {
      resolve(pulls());
    } catch {
      resolve([]);
    }
  };
  const settle = () => settleWith(() => failingImagePulls([read.problemPods, read.kubeSystemPods], read.warningEvents));
  if (!plan.aws.some((p) => p.startsWith('ecr')) || (!pending.has('problemPods') && !pending.has('kubeSystemPods'))) settleWith(() => []);
  const done = (key: string, value?: unknown) => {
    if (settled || !pending.delete(key as PullPart)) return;
    if (value !== undefined) (read as Record<string, unknown>)[key] = value;
    if (pending.size === 0) settle();
  };
  return { promise, resolve, settle, onPart: (key: string, value: unknown) => done(key, value), onPartFailed: (key: string) => done(key) };
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
  /** Takes the pods and events the failing image pulls are read from. */
  failingPulls: { onPart(key: string, value: unknown): void; onPartFailed(key: string): void };
}): Promise<KubernetesCollection> {
  const { options } = args;
  const access = options.kubernetes ?? { env: {} };
  let connected: ConnectResult;
  try {
    const { connectToApiServer } = await loadConnect();
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
  try {
    return await collectKubernetes({
      parts: args.parts,
      client,
      // Event windows are measured against the snapshot's time (the mock's scenarios have their own).
      ...(options.now ? { now: options.now } : {}),
      ...('unavailable' in connected ? { unavailable: connected.unavailable } : {}),
      podIdentityServiceAccounts,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      // The IAM lookups of IRSA roles wait for this read alone, not for the rest of the Kubernetes side.
      onPartFailed: (key) => {
        args.failingPulls.onPartFailed(key);
        if (key === 'serviceAccounts') args.onServiceAccounts([]);
      },
      onPart: (key, value) => {
        args.failingPulls.onPart(key, value);
        if (key !== 'serviceAccounts') return;
        const accounts = (value ?? []) as KubeServiceAccount[];
        args.onServiceAccounts(accounts.flatMap((sa) => (sa.metadata?.annotations?.[IRSA_ROLE_ANNOTATION] ? [sa.metadata.annotations[IRSA_ROLE_ANNOTATION]] : [])));
      },
    });
  } finally {
    // The connections kept alive end with the collection (each --watch run opens its own).
    if ('connection' in connected) connected.connection.close();
  }
}

