/**
 * Why the kubelet could not pull an image, read from the messages it writes.
 *
 * Where the messages come from (EKS 1.30–1.35: kubelet with containerd 1.7 on AL2 / AL2023 AMIs
 * before late 2025, containerd 2.x after; Bottlerocket likewise):
 *
 * - kubelet pkg/kubelet/images/image_manager.go, EnsureImageExists: on a failed pull it records a
 *   Warning event, reason `Failed` (events.FailedToPullImage in pkg/kubelet/events/event.go), with
 *   `Failed to pull image "<image>": <error>`; while backing off, a Normal `BackOff` event
 *   `Back-off pulling image "<image>"`. The container then waits with reason `ErrImagePull` or
 *   `ImagePullBackOff`, whose message since Kubernetes 1.30 carries the last error after the image
 *   (`Back-off pulling image "<image>": ErrImagePull: <error>`), and the kuberuntime manager adds
 *   a Warning `Failed` event `Error: ErrImagePull` / `Error: ImagePullBackOff` (from memory of
 *   image_manager.go and pkg/kubelet/kuberuntime/kuberuntime_container.go, startContainer).
 * - `<error>` is the CRI's gRPC error, `rpc error: code = <Code> desc = failed to pull and unpack
 *   image "<ref>": <cause>` (containerd's CRI plugin, PullImage: internal/cri/server/images/
 *   image_pull.go in 2.x, pkg/cri/server/image_pull.go in 1.7).
 * - `<cause>` from containerd's remotes/docker resolver and fetcher (from memory of
 *   core/remotes/docker/resolver.go, fetcher.go, authorizer.go and core/remotes/errors/errors.go):
 *   `failed to resolve reference "<ref>": <ref>: not found` (every host answered 404);
 *   `unexpected status from HEAD request to https://<host>/v2/<repo>/manifests/<tag>: 403 Forbidden`;
 *   `pull access denied, repository does not exist or may require authorization: authorization
 *   failed: no basic auth credentials` (a Basic challenge, which ECR sends, with no credentials:
 *   the kubelet's ecr-credential-provider got no token); `... server message: insufficient_scope:
 *   authorization failed` (a Bearer registry refusing the scope);
 *   `failed to do request: Head "https://<host>/...": dial tcp <ip>:443: i/o timeout` (the
 *   registry) or `failed to copy: httpReadSeeker: failed open: failed to do request: Get
 *   "https://prod-<region>-starport-layer-bucket.s3.<region>.amazonaws.com/...": dial tcp ...: i/o
 *   timeout` (ECR serves layers from S3); `unexpected status code https://<host>/v2/...: 429 Too
 *   Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. ...`.
 */
import type { KubeEvent, KubePod } from '../snapshot/types.js';
import { ecrRegistry, parseImageReference, RATE_LIMITED_PUBLIC_REGISTRIES } from './container-image.js';
import { eventsBySubject, subjectKey, type EventsV1Event } from './kubernetes-events.js';

export const IMAGE_PULL_WAITING_REASONS: ReadonlySet<string> = new Set(['ErrImagePull', 'ImagePullBackOff']);

/** The reason of the kubelet's Warning event for a failed pull (events.FailedToPullImage, pkg/kubelet/events/event.go). */
export const FAILED_TO_PULL_IMAGE_REASON = 'Failed';

export type ImagePullFailureKind = 'rate-limited' | 'not-found' | 'credentials-refused' | 'unreachable' | 'other';

export interface ImagePullFailure {
  kind: ImagePullFailureKind;
  /** The image as the kubelet quoted it, when the message quotes it. */
  image?: string;
  /** The host of the request that failed, when the message names one: the registry, or the S3 bucket ECR serves layers from. */
  host?: string;
  /** The failing request went to S3 (ECR's layer storage), not to the registry. */
  toS3: boolean;
  /** The HTTP status the registry answered, when the message quotes it: '403 Forbidden'. */
  status?: string;
}

/** In order: a 429 message also reads "unexpected status", a NotFound one may also say "failed to resolve". */
const KINDS: readonly [ImagePullFailureKind, RegExp][] = [
  ['rate-limited', /\b429 Too Many Requests\b|toomanyrequests|pull rate limit/i],
  ['not-found', /code = NotFound|: not found(?:$|[^\w])|manifest unknown|MANIFEST_UNKNOWN|NAME_UNKNOWN/i],
  ['credentials-refused', /\b401 Unauthorized\b|\b403 Forbidden\b|no basic auth credentials|authorization failed|pull access denied|insufficient_scope|\bdenied: /i],
  ['unreachable', /i\/o timeout|context deadline exceeded|TLS handshake timeout|Client\.Timeout exceeded|connection timed out|connect: (?:connection refused|network is unreachable|no route to host)|no such host|connection reset by peer/i],
];

const IMAGE = /(?:Failed to pull image|Back-off pulling image|failed to pull and unpack image) "([^"]+)"/;
const URL_HOST = /https?:\/\/([^/"\s:]+)/g;
const DIAL_HOST = /(?:lookup|dial tcp) ([^\s:]+)/;
const STATUS = /\b(4\d\d|5\d\d) ([A-Z][A-Za-z ]+?)(?=$|[\s-]*(?:Server message|\n|$)|;|,)/;
const S3_HOST = /(?:^|\.)s3[.-](?:[a-z0-9-]+\.)*amazonaws\.com(?:\.cn)?$|^s3\.amazonaws\.com$|starport-layer-bucket/;

export function classifyImagePullMessage(message: string): ImagePullFailure {
  const kind = KINDS.find(([, re]) => re.test(message))?.[0] ?? 'other';
  const image = IMAGE.exec(message)?.[1];
  // The last URL is the request that failed (a redirect to S3 comes after the registry's URL).
  const urls = [...message.matchAll(URL_HOST)].map((m) => m[1]!);
  const host = urls.at(-1) ?? DIAL_HOST.exec(message)?.[1];
  const status = STATUS.exec(message);
  return {
    kind,
    ...(image ? { image } : {}),
    ...(host ? { host } : {}),
    toS3: host !== undefined && S3_HOST.test(host),
    ...(status ? { status: `${status[1]} ${status[2]!.trim()}` } : {}),
  };
}

/** One container that waits for its image, with the message that says why. */
export interface FailingPull {
  pod: KubePod;
  /** namespace/name */
  podId: string;
  container: string;
  image: string;
  /** The message classified: the container's waiting message, else the pod's latest "Failed to pull image" event. */
  message: string;
  failure: ImagePullFailure;
}

/**
 * Every container of these pods (each pod once, whichever list holds it) that waits in ErrImagePull
 * or ImagePullBackOff now, classified. Before Kubernetes 1.31 the back-off message carries no error:
 * then the kubelet's Warning `Failed` event for that image says it. Shared by the image-pulls check
 * and the ECR collector, which reads only what these pulls need (src/collect/aws/services/ecr.ts).
 */
export function failingImagePulls(podLists: readonly (readonly KubePod[] | undefined)[], warningEvents: readonly (KubeEvent | EventsV1Event)[] | undefined): FailingPull[] {
  const seen = new Set<string>();
  let events: ReturnType<typeof eventsBySubject> | undefined;
  const out: FailingPull[] = [];
  for (const pod of podLists.flatMap((list) => list ?? [])) {
    const podId = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    if (seen.has(podId)) continue;
    seen.add(podId);
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const status of statuses) {
      const waiting = status.state?.waiting;
      if (!waiting?.reason || !IMAGE_PULL_WAITING_REASONS.has(waiting.reason)) continue;
      const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === status.name);
      const image = spec?.image ?? '';
      let message = (waiting.message ?? '').trim();
      let failure = classifyImagePullMessage(message);
      if (failure.kind === 'other') {
        events ??= eventsBySubject(warningEvents ?? []);
        const failed = (events.get(subjectKey('Pod', pod.metadata?.namespace, pod.metadata?.name ?? '')) ?? []).find((e) => e.reason === FAILED_TO_PULL_IMAGE_REASON && e.message.startsWith(`Failed to pull image "${image}"`));
        if (failed) {
          message = failed.message;
          failure = classifyImagePullMessage(message);
        }
      }
      out.push({ pod, podId, container: status.name, image, message: message || waiting.reason, failure });
    }
  }
  return out;
}

/** An ECR repository as GetRepositoryPolicy names it, with the region of its registry. */
export interface EcrRepositoryName {
  registryId: string;
  region: string;
  repositoryName: string;
}

/** One repository's key wherever repositories are matched: the collector's reads, the check's lookups, the mock's answers. */
export const ecrRepositoryKey = (r: EcrRepositoryName): string => `${r.region}/${r.registryId}/${r.repositoryName}`;

/**
 * The repository in another account's ECR registry that refused this pull with 403 Forbidden: its
 * repository policy decides. ('no basic auth credentials' is no refusal by the repository: the node
 * got no token, which is the node role's own policy.)
 */
export function crossAccountRefusal(pull: Pick<FailingPull, 'image' | 'failure'>, account: string | undefined): EcrRepositoryName | undefined {
  if (!account || pull.failure.kind !== 'credentials-refused' || pull.failure.status !== '403 Forbidden') return undefined;
  const ref = parseImageReference(pull.image);
  const ecr = ref ? ecrRegistry(ref.registry) : undefined;
  if (!ref || !ecr || ecr.account === account) return undefined;
  return { registryId: ecr.account, region: ecr.region, repositoryName: ref.repository };
}

/** The public registry (a key of RATE_LIMITED_PUBLIC_REGISTRIES) whose rate limit refused this pull. */
export function rateLimitedPublicRegistry(pull: Pick<FailingPull, 'image' | 'failure'>): string | undefined {
  if (pull.failure.kind !== 'rate-limited') return undefined;
  const registry = parseImageReference(pull.image)?.registry;
  return registry && RATE_LIMITED_PUBLIC_REGISTRIES[registry] ? registry : undefined;
}

/** The account a cluster runs in: its ARN's, else the caller's. */
export function clusterAccount(aws: { cluster?: { arn?: string } | undefined; callerIdentity?: { Account?: string } | undefined }): string | undefined {
  return aws.cluster?.arn?.split(':')[4] || aws.callerIdentity?.Account;
}
