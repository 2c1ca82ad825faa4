/**
 * Images that cannot be pulled (ErrImagePull, ImagePullBackOff), grouped by workload and by why,
 * as the kubelet's own message says it (src/domain/image-pull-errors.ts): the registry refused
 * the credentials, the registry or its layer storage (S3, for ECR) could not be reached, the image
 * does not exist, or the registry rate-limits the cluster's pulls.
 *
 * Each symptom names the Node the pod is on and what that Node sits on (instance, subnet, node
 * group), so node-side causes can explain it: the node role without an ECR pull policy
 * (node-iam-role), a default route to nowhere or a missing ecr.api / ecr.dkr / S3 endpoint
 * (routes-egress), node security groups without outbound HTTPS (security-groups). Rate limits are
 * explained here: the public registry limits the addresses the cluster pulls from, and an ECR
 * pull-through cache is the fix. A repository in another account refusing the node role is a
 * cause here too: the repository policy there must allow it.
 *
 * A pod counts while its container waits with one of those reasons now; events alone never make a
 * symptom (an old `Failed` event of an image that has since been changed is history).
 */
import { ecrRegistry, parseImageReference, RATE_LIMITED_PUBLIC_REGISTRIES } from '../src/domain/container-image.js';
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import type { ResourceRef, Severity } from '../src/engine/finding.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import type { KubePod, Snapshot } from '../src/snapshot/types.js';
import { DOCS } from './lib/docs-links.js';
import { eventsBySubject, subjectKey } from './lib/events.js';
import { classifyImagePullMessage, IMAGE_PULL_WAITING_REASONS, type ImagePullFailure, type ImagePullFailureKind } from '../src/domain/image-pull-errors.js';
import { nodeRoles } from './lib/node-roles.js';
import { instancesById, nodePlacement, placementRefs } from './lib/symptom-resources.js';
import { cappedLines, describeWorkload, describeWorkloadCommand, groupByWorkload, workloadResolver, workloadResource, type WorkloadGroup, type WorkloadRef } from './lib/workload-owner.js';

type Code = 'pull-refused' | 'pull-unreachable' | 'pull-rate-limited' | 'image-not-found' | 'pull-failing' | 'registry-rate-limit' | 'cross-account-pull-refused';

/** Pods quoted per workload. */
const QUOTED = 5;

/** The symptom code of each kind of failure. */
const SYMPTOM_CODE: Record<ImagePullFailureKind, Code> = {
  'credentials-refused': 'pull-refused',
  unreachable: 'pull-unreachable',
  'rate-limited': 'pull-rate-limited',
  'not-found': 'image-not-found',
  other: 'pull-failing',
};

interface FailingPull {
  pod: KubePod;
  podId: string;
  container: string;
  image: string;
  /** The message classified: the container's waiting message, else the pod's latest "Failed to pull image" event. */
  message: string;
  failure: ImagePullFailure;
}

export default defineDiagnostic<Code>({
  id: 'image-pulls',
  title: 'Pods can pull their images',
  description:
    'Finds containers waiting in ErrImagePull or ImagePullBackOff (pods not running, and kube-system pods), classifies the kubelet\'s message (credentials refused, registry or S3 unreachable, not found, rate-limited) and groups them by workload, ' +
    'naming the nodes they are on so node-role, route, endpoint and security-group causes can explain them. Rate limits from a public registry and refusals from an ECR repository in another account are explained here.',
  docs: [DOCS.ecrPullThroughCache, DOCS.ecrOnEks, DOCS.troubleshooting],
  needs: ['kubernetes.problemPods'],
  // The owners group pods under their Deployment or CronJob (a rollout's two ReplicaSets are one workload).
  uses: ['kubernetes.kubeSystemPods', 'kubernetes.warningEvents', 'kubernetes.nodes', 'kubernetes.replicaSets', 'kubernetes.jobs', 'aws.reservations', 'aws.cluster'],
  codes: {
    'pull-refused': {
      severity: 'critical',
      title: 'The registry refuses the image pull',
      description: "The registry answered 401/403 or the kubelet had no credentials to offer (for ECR: its credential provider got no token, so containerd says 'no basic auth credentials'). For ECR, the node role needs an ECR pull policy, and a repository in another account must allow the node role in its repository policy.",
      symptom: 'image-pull-refused',
    },
    'pull-unreachable': {
      severity: 'critical',
      title: 'The registry or its layer storage cannot be reached',
      description: 'The pull timed out or could not connect: to the registry, or (for ECR) to the S3 bucket it serves layers from. The node needs a way out: a NAT gateway route, or the ecr.api, ecr.dkr and S3 gateway endpoints in a private subnet, and security groups that allow outbound HTTPS.',
      symptom: 'image-pull-unreachable',
    },
    'pull-rate-limited': {
      severity: 'critical',
      title: 'The registry rate-limits the image pull',
      description: "The registry answered 429 Too Many Requests (Docker Hub: 'toomanyrequests: You have reached your pull rate limit'). Every node behind the same NAT gateway shares one address and one anonymous limit.",
      symptom: 'image-pull-rate-limited',
    },
    'image-not-found': {
      severity: 'warning',
      title: 'The image does not exist',
      description: "The registry has no such repository or tag ('not found', 'manifest unknown'): the image reference itself is wrong, or the image was never pushed. No AWS setting causes this.",
      symptom: 'image-pull-failing',
    },
    'pull-failing': {
      severity: 'warning',
      title: 'An image cannot be pulled',
      description: "Containers wait in ErrImagePull or ImagePullBackOff and the kubelet's message matches none of the known causes; the message is quoted.",
      symptom: 'image-pull-failing',
    },
    'registry-rate-limit': {
      severity: 'warning',
      title: 'A public registry rate-limits the cluster: use an ECR pull-through cache',
      description: 'Docker Hub (and other public registries) limit anonymous pulls per source address; a cluster pulling through NAT gateways shares a few addresses. An ECR pull-through cache rule serves the images from the account\'s own registry, pulled from upstream once.',
      explains: ['image-pull-rate-limited'],
    },
    'cross-account-pull-refused': {
      severity: 'critical',
      title: 'An ECR repository in another account refuses the node role',
      description: 'The image is in another account\'s ECR repository and the pull is refused (403): that repository\'s policy must allow the node role (ecr:BatchGetImage, ecr:GetDownloadUrlForLayer, ecr:BatchCheckLayerAvailability), besides the node role\'s own ECR policy.',
      explains: ['image-pull-refused'],
    },
  },
  check({ snapshot }) {
    const pulls = failingPulls(snapshot);
    if (pulls.length === 0) return [];
    const workloadOf = workloadResolver({ ReplicaSet: snapshot.kubernetes.replicaSets, Job: snapshot.kubernetes.jobs });
    const groups = groupByWorkload(pulls, (p) => ({ workload: workloadOf(p.pod), reason: p.failure.kind }));
    const findings: NewFinding<Code>[] = groups.map((g) => symptomFinding(snapshot, g.workload, g.members));
    findings.push(...rateLimitCauses(snapshot, groups.filter((g) => g.reason === 'rate-limited')));
    findings.push(...crossAccountCauses(snapshot, pulls.filter((p) => p.failure.kind === 'credentials-refused')));
    return findings;
  },
});

function failingPulls(snapshot: Snapshot): FailingPull[] {
  const seen = new Set<string>();
  const pods = [...(snapshot.kubernetes.problemPods ?? []), ...(snapshot.kubernetes.kubeSystemPods ?? [])].filter((p) => {
    const id = `${p.metadata?.namespace}/${p.metadata?.name}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  let events: ReturnType<typeof eventsBySubject> | undefined;
  const out: FailingPull[] = [];
  for (const pod of pods) {
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const status of statuses) {
      const waiting = status.state?.waiting;
      if (!waiting?.reason || !IMAGE_PULL_WAITING_REASONS.has(waiting.reason)) continue;
      const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === status.name);
      const image = spec?.image ?? '';
      const podId = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
      let message = (waiting.message ?? '').trim();
      let failure = classifyImagePullMessage(message);
      if (failure.kind === 'other') {
        // Before Kubernetes 1.31 the back-off message carries no error: the kubelet's Failed event does.
        events ??= eventsBySubject(snapshot.kubernetes.warningEvents ?? []);
        const failed = (events.get(subjectKey('Pod', pod.metadata?.namespace, pod.metadata?.name ?? '')) ?? []).find((e) => e.reason === 'Failed' && e.message.startsWith(`Failed to pull image "${image}"`));
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

const TITLES: Record<ImagePullFailureKind, string> = {
  'credentials-refused': 'the registry refuses the pull',
  unreachable: 'the registry cannot be reached',
  'rate-limited': 'the registry rate-limits the pull',
  'not-found': 'the image does not exist',
  other: 'the pull fails',
};

function symptomFinding(snapshot: Snapshot, workload: WorkloadRef, pulls: FailingPull[]): NewFinding<Code> {
  const kind = pulls[0]!.failure.kind;
  const images = [...new Set(pulls.map((p) => p.image))];
  const what = describeWorkload(workload);
  const instances = instancesById(snapshot);
  const nodeNames = [...new Set(pulls.flatMap((p) => (p.pod.spec?.nodeName ? [p.pod.spec.nodeName] : [])))];
  const placements = nodeNames.map((name) => {
    const node = snapshot.kubernetes.nodes?.find((n) => n.metadata?.name === name);
    return node ? placementRefs(nodePlacement(node, instances)) : [resource.node(name)];
  });
  const hosts = [...new Set(pulls.flatMap((p) => (p.failure.host ? [p.failure.host] : [])))];
  const toS3 = pulls.some((p) => p.failure.toS3);
  const evidence = [
    ...cappedLines(pulls.map((p) => `${p.podId} container ${p.container} (${p.image}) on ${p.pod.spec?.nodeName ?? 'no node'}: ${p.message}`), QUOTED, 'containers'),
    ...(hosts.length > 0 ? [`The failing request went to ${hosts.join(', ')}${toS3 ? ' (S3: Amazon ECR serves image layers from S3, so the node needs S3 as well as the registry)' : ''}.`] : []),
  ];
  const registries = [...new Set(images.flatMap((i) => parseImageReference(i)?.registry ?? []))];
  const [namespace, podName] = pulls[0]!.podId.split('/') as [string, string];
  const rootCause: Record<ImagePullFailureKind, string> = {
    'credentials-refused': `The kubelet cannot pull ${images.join(', ')} for ${what}: the registry refuses it${registries.some((r) => ecrRegistry(r)) ? ' (for Amazon ECR: the node role cannot get a token or is not allowed to read the repository)' : ' (the pull needs credentials: an imagePullSecret, or the image is private)'}.`,
    unreachable: `The kubelet cannot reach ${hosts.join(', ') || 'the registry'} to pull ${images.join(', ')} for ${what}: the node's way out to the registry${toS3 ? ' and to S3' : ''} is broken.`,
    'rate-limited': `The registry refuses to serve ${images.join(', ')} for ${what} because the cluster's pulls passed its rate limit.`,
    'not-found': `The registry has no ${images.join(', ')}: the image reference of ${what} is wrong, or the image was never pushed. No AWS setting causes this.`,
    other: `The kubelet cannot pull ${images.join(', ')} for ${what}; its message is quoted.`,
  };
  const severity: Severity | undefined = workload.namespace === 'kube-system' && kind === 'not-found' ? 'critical' : undefined;
  return {
    code: SYMPTOM_CODE[kind],
    ...(severity ? { severity } : {}),
    keyResource: `${workloadResource(workload).id}:${kind}`,
    title: `${what} cannot start: ${TITLES[kind]} (${pulls.length} container${pulls.length === 1 ? '' : 's'})`,
    rootCause: rootCause[kind],
    evidence,
    resources: uniqueRefs([workloadResource(workload), ...pulls.slice(0, QUOTED).map((p) => resource.pod(p.podId)), ...placements.flat(), ...images.flatMap((i) => ecrRepositoryRef(i) ?? [])]),
    fix: {
      summary:
        kind === 'not-found'
          ? `Correct the image reference of ${what} (repository and tag), or push the image.`
          : kind === 'rate-limited'
            ? 'Pull through an Amazon ECR pull-through cache (see the cause), or authenticate to the registry.'
            : "Fix the node's access to the registry (the linked cause says which); the kubelet retries the pull by itself.",
      commands: [`kubectl describe pod -n ${namespace} ${podName}`, describeWorkloadCommand(workload), `kubectl get events -n ${namespace} --field-selector involvedObject.name=${podName},reason=Failed`],
      docs: kind === 'not-found' ? [DOCS.k8sImages] : [DOCS.ecrOnEks, DOCS.troubleshooting],
    },
  };
}

function ecrRepositoryRef(image: string): ResourceRef | undefined {
  const ref = parseImageReference(image);
  const ecr = ref ? ecrRegistry(ref.registry) : undefined;
  return ref && ecr ? resource.ecrRepository(`arn:aws:ecr:${ecr.region}:${ecr.account}:repository/${ref.repository}`) : undefined;
}

/** One cause per public registry that rate-limits the cluster's pulls, explaining the workloads it refuses. */
function rateLimitCauses(snapshot: Snapshot, groups: WorkloadGroup<FailingPull>[]): NewFinding<Code>[] {
  const byRegistry = new Map<string, { workloads: WorkloadRef[]; pulls: FailingPull[] }>();
  for (const g of groups) {
    for (const p of g.members) {
      const registry = parseImageReference(p.image)?.registry;
      if (!registry || !RATE_LIMITED_PUBLIC_REGISTRIES[registry]) continue;
      const entry = byRegistry.get(registry) ?? { workloads: [], pulls: [] };
      if (!entry.workloads.includes(g.workload)) entry.workloads.push(g.workload);
      entry.pulls.push(p);
      byRegistry.set(registry, entry);
    }
  }
  const region = snapshot.cluster.region;
  const account = accountOf(snapshot) ?? '<account-id>';
  return [...byRegistry].map(([registry, { workloads, pulls: ps }]) => {
    const upstream = RATE_LIMITED_PUBLIC_REGISTRIES[registry]!;
    const prefix = registry === 'docker.io' ? 'docker-hub' : registry.split('.')[0]!;
    const example = parseImageReference(ps[0]!.image)!;
    const cached = `${account}.dkr.ecr.${region}.amazonaws.com/${prefix}/${example.repository}${example.tag ? `:${example.tag}` : ''}`;
    const needsCredentials = registry === 'docker.io' || registry === 'ghcr.io';
    const refs = workloads.map(workloadResource);
    return {
      code: 'registry-rate-limit' as const,
      keyResource: registry,
      title: `${upstream.label} rate-limits the cluster's image pulls: pull through an ECR pull-through cache`,
      rootCause: `${upstream.label} limits pulls per source address, and the cluster's nodes pull from the few addresses of their NAT gateways or their own public IPs: ${ps.length} container(s) of ${workloads.map(describeWorkload).join(', ')} are refused with 429 Too Many Requests. An Amazon ECR pull-through cache fetches each image once and serves it from ${account}'s registry in ${region}.`,
      evidence: cappedLines(ps.map((p) => `${p.podId} (${p.image}): ${p.message}`), 3, 'containers'),
      resources: refs,
      fix: {
        summary: `Create a pull-through cache rule for ${upstream.label}${needsCredentials ? ' (it needs the registry credentials in a Secrets Manager secret whose name starts with ecr-pullthroughcache/)' : ''}, and change the images to the cache's names (${ps[0]!.image} becomes ${cached}); the first pull of each image through the cache needs ecr:BatchImportUpstreamImage and ecr:CreateRepository on the node role.`,
        commands: [
          `aws ecr create-pull-through-cache-rule --ecr-repository-prefix ${prefix} --upstream-registry-url ${upstream.upstreamRegistryUrl} --region ${region}${needsCredentials ? ` --credential-arn arn:aws:secretsmanager:${region}:${account}:secret:ecr-pullthroughcache/${prefix}` : ''}`,
          `aws ecr describe-pull-through-cache-rules --region ${region}`,
        ],
        docs: [DOCS.ecrPullThroughCache],
      },
      canExplain: [{ symptom: 'image-pull-rate-limited', resources: refs }],
    };
  });
}

/** One cause per ECR repository in another account that refuses the pull with 403. */
function crossAccountCauses(snapshot: Snapshot, pulls: FailingPull[]): NewFinding<Code>[] {
  const account = accountOf(snapshot);
  if (!account) return [];
  const byRepository = new Map<string, FailingPull[]>();
  for (const p of pulls) {
    const ref = parseImageReference(p.image);
    const ecr = ref ? ecrRegistry(ref.registry) : undefined;
    // 'no basic auth credentials' means no token at all: the node role's own policy, not the repository's.
    if (!ecr || ecr.account === account || p.failure.status !== '403 Forbidden') continue;
    const arn = ecrRepositoryRef(p.image)!.id;
    byRepository.set(arn, [...(byRepository.get(arn) ?? []), p]);
  }
  return [...byRepository].map(([arn, ps]) => {
    const [, , , region, owner, rest] = arn.split(':') as [string, string, string, string, string, string];
    const repository = rest.replace(/^repository\//, '');
    const nodeRoles = [...new Set(ps.flatMap((p) => nodeRoleOf(snapshot, p.pod.spec?.nodeName)))];
    const principals = nodeRoles.length > 0 ? nodeRoles : [`arn:aws:iam::${account}:role/<node-role>`];
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'AllowPullFromCluster', Effect: 'Allow', Principal: { AWS: principals }, Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'] }],
    });
    return {
      code: 'cross-account-pull-refused' as const,
      keyResource: arn,
      title: `ECR repository ${repository} in account ${owner} refuses pulls from ${account}`,
      rootCause: `${ps.length} container(s) pull ${[...new Set(ps.map((p) => p.image))].join(', ')} from account ${owner}'s registry, which answers 403 Forbidden: the repository policy of ${repository} does not allow ${nodeRoles.length > 0 ? nodeRoles.join(', ') : "the cluster's node role"} to pull (cross-account pulls need the repository's permission as well as the node role's).`,
      evidence: [...cappedLines(ps.map((p) => `${p.podId}: ${p.message}`), 3, 'containers'), `The cluster runs in account ${account}; the image is in account ${owner}'s registry.`],
      resources: [resource.ecrRepository(arn), ...nodeRoles.map((r) => resource.role(r))],
      fix: {
        summary: `In account ${owner}, allow the node role to pull from ${repository} (merge with the existing statements: set-repository-policy replaces the policy).`,
        commands: [
          `aws ecr get-repository-policy --registry-id ${owner} --repository-name ${repository} --region ${region}`,
          `aws ecr set-repository-policy --registry-id ${owner} --repository-name ${repository} --region ${region} --policy-text '${policy}'`,
        ],
        docs: [DOCS.ecrRepositoryPolicies],
      },
      canExplain: [{ symptom: 'image-pull-refused', resources: [resource.ecrRepository(arn)] }],
    };
  });
}

function accountOf(snapshot: Snapshot): string | undefined {
  return snapshot.aws.cluster?.arn?.split(':')[4] || snapshot.aws.callerIdentity?.Account;
}

/** The IAM role the instance behind a Node runs as (diagnostics/lib/node-roles.ts knows which instances and node groups use which role). */
function nodeRoleOf(snapshot: Snapshot, nodeName: string | undefined): string[] {
  const node = nodeName ? snapshot.kubernetes.nodes?.find((n) => n.metadata?.name === nodeName) : undefined;
  if (!node) return [];
  const placement = nodePlacement(node, instancesById(snapshot));
  const role = nodeRoles(snapshot).find((r) => r.kind === 'ec2' && ((placement.instanceId && r.instanceIds.includes(placement.instanceId)) || (placement.nodegroup && r.nodegroups.includes(placement.nodegroup))));
  return role ? [role.arn] : [];
}
