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
import { clusterAccount, crossAccountRefusal, ecrRepositoryKey, failingImagePulls, rateLimitedPublicRegistry, type EcrRepositoryName, type FailingPull, type ImagePullFailureKind } from '../src/domain/image-pull-errors.js';
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import { describeFailure } from '../src/engine/failure-text.js';
import type { ResourceRef, Severity } from '../src/engine/finding.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import type { IncompletePart } from '../src/engine/run-checks.js';
import type { EcrRepositoryPolicy, Snapshot } from '../src/snapshot/types.js';
import { DOCS } from './lib/docs-links.js';
import { allowedPrincipals, cacheRuleFor, ECR_PULL_ACTIONS, policyWithPullStatement, quoteStatement, repositoryPolicyGrantsPull } from './lib/ecr.js';
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

export default defineDiagnostic<Code>({
  id: 'image-pulls',
  title: 'Pods can pull their images',
  description:
    'Finds containers waiting in ErrImagePull or ImagePullBackOff (pods not running, and kube-system pods), classifies the kubelet\'s message (credentials refused, registry or S3 unreachable, not found, rate-limited) and groups them by workload, ' +
    'naming the nodes they are on so node-role, route, endpoint and security-group causes can explain them. Rate limits from a public registry and refusals from an ECR repository in another account are explained here.',
  docs: [DOCS.ecrPullThroughCache, DOCS.ecrOnEks, DOCS.troubleshooting],
  needs: ['kubernetes.problemPods'],
  // The owners group pods under their Deployment or CronJob (a rollout's two ReplicaSets are one workload).
  // The ECR parts are read only for failing pulls that need them (src/collect/aws/services/ecr.ts): a healthy cluster costs no ECR request.
  uses: ['kubernetes.kubeSystemPods', 'kubernetes.warningEvents', 'kubernetes.nodes', 'kubernetes.replicaSets', 'kubernetes.jobs', 'aws.reservations', 'aws.cluster', 'aws.callerIdentity', 'aws.ecrPullThroughCacheRules', 'aws.ecrRepositoryPolicies'],
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
  check({ snapshot, incomplete }) {
    const pulls = failingImagePulls([snapshot.kubernetes.problemPods, snapshot.kubernetes.kubeSystemPods], snapshot.kubernetes.warningEvents);
    if (pulls.length === 0) return [];
    const workloadOf = workloadResolver({ ReplicaSet: snapshot.kubernetes.replicaSets, Job: snapshot.kubernetes.jobs });
    const groups = groupByWorkload(pulls, (p) => ({ workload: workloadOf(p.pod), reason: p.failure.kind }));
    const findings: NewFinding<Code>[] = groups.map((g) => symptomFinding(snapshot, g.workload, g.members));
    findings.push(...rateLimitCauses(snapshot, groups.filter((g) => g.reason === 'rate-limited')));
    findings.push(...crossAccountCauses(snapshot, pulls, incomplete));
    return findings;
  },
});

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

/** What the snapshot says about the account's pull-through cache rules: read, could not be read (and why), or not collected. */
function cacheRulesSeen(snapshot: Snapshot): { rules: NonNullable<Snapshot['aws']['ecrPullThroughCacheRules']> } | { unseen: string } {
  const failure = snapshot.errors.find((e) => e.part === 'aws.ecrPullThroughCacheRules');
  if (failure) return { unseen: `the account's pull-through cache rules could not be read (${describeFailure(failure)}), so whether one already exists is unknown` };
  const rules = snapshot.aws.ecrPullThroughCacheRules;
  return rules ? { rules } : { unseen: "the account's pull-through cache rules were not read (this snapshot does not hold them), so whether one already exists is unknown" };
}

/** One cause per public registry that rate-limits the cluster's pulls, explaining the workloads it refuses. */
function rateLimitCauses(snapshot: Snapshot, groups: WorkloadGroup<FailingPull>[]): NewFinding<Code>[] {
  const byRegistry = new Map<string, { workloads: WorkloadRef[]; pulls: FailingPull[] }>();
  for (const g of groups) {
    for (const p of g.members) {
      const registry = rateLimitedPublicRegistry(p);
      if (!registry) continue;
      const entry = byRegistry.get(registry) ?? { workloads: [], pulls: [] };
      if (!entry.workloads.includes(g.workload)) entry.workloads.push(g.workload);
      entry.pulls.push(p);
      byRegistry.set(registry, entry);
    }
  }
  const region = snapshot.cluster.region;
  const account = accountOf(snapshot) ?? '<account-id>';
  const seen = cacheRulesSeen(snapshot);
  return [...byRegistry].map(([registry, { workloads, pulls: ps }]) => {
    const upstream = RATE_LIMITED_PUBLIC_REGISTRIES[registry]!;
    const example = parseImageReference(ps[0]!.image)!;
    const refs = workloads.map(workloadResource);
    const common = {
      code: 'registry-rate-limit' as const,
      keyResource: registry,
      resources: refs,
      canExplain: [{ symptom: 'image-pull-rate-limited' as const, resources: refs }],
    };
    const limited = `${upstream.label} limits pulls per source address, and the cluster's nodes pull from the few addresses of their NAT gateways or their own public IPs: ${ps.length} container(s) of ${workloads.map(describeWorkload).join(', ')} are refused with 429 Too Many Requests.`;
    const evidence = cappedLines(ps.map((p) => `${p.podId} (${p.image}): ${p.message}`), 3, 'containers');
    const existing = 'rules' in seen ? cacheRuleFor(seen.rules, registry, example, { account, region }) : undefined;
    if (existing) {
      const { rule, cachedImage } = existing;
      const workload = workloads[0]!;
      const container = ps[0]!.container;
      const settable = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'].includes(workload.kind);
      return {
        ...common,
        title: `${upstream.label} rate-limits the cluster's image pulls, though pull-through cache rule ${rule.ecrRepositoryPrefix} already caches it`,
        rootCause: `${limited} The account already has an Amazon ECR pull-through cache rule for ${upstream.label} in ${region} (prefix ${rule.ecrRepositoryPrefix}, upstream ${rule.upstreamRegistryUrl}), but these workloads still pull from ${upstream.label} itself.`,
        evidence: [...evidence, `ecr:DescribePullThroughCacheRules in ${region}: rule ${rule.ecrRepositoryPrefix} -> ${rule.upstreamRegistryUrl}${rule.credentialArn ? ` (credentials ${rule.credentialArn})` : ''}${rule.createdAt ? `, created ${rule.createdAt}` : ''}.`],
        fix: {
          summary: `Use the existing pull-through cache rule ${rule.ecrRepositoryPrefix}: change the images to the cache's names (${ps[0]!.image} becomes ${cachedImage}); the first pull of each image through the cache needs ecr:BatchImportUpstreamImage and ecr:CreateRepository on the node role.`,
          commands: [
            `aws ecr describe-pull-through-cache-rules --ecr-repository-prefixes ${rule.ecrRepositoryPrefix} --region ${region}`,
            ...(settable ? [`kubectl set image ${workload.kind.toLowerCase()}/${workload.name}${workload.namespace ? ` -n ${workload.namespace}` : ''} ${container}=${cachedImage}`] : []),
          ],
          docs: [DOCS.ecrPullThroughCache],
        },
      };
    }
    const prefix = registry === 'docker.io' || registry === 'registry-1.docker.io' ? 'docker-hub' : registry.split('.')[0]!;
    const cached = `${account}.dkr.ecr.${region}.amazonaws.com/${prefix}/${example.repository}${example.tag ? `:${example.tag}` : ''}`;
    const needsCredentials = upstream.upstreamRegistryUrl === 'registry-1.docker.io' || registry === 'ghcr.io';
    return {
      ...common,
      title: `${upstream.label} rate-limits the cluster's image pulls: pull through an ECR pull-through cache`,
      rootCause: `${limited} An Amazon ECR pull-through cache fetches each image once and serves it from ${account}'s registry in ${region}.`,
      evidence: [
        ...evidence,
        'rules' in seen
          ? `ecr:DescribePullThroughCacheRules in ${region}: no rule caches ${upstream.label}${seen.rules.length > 0 ? ` (the ${seen.rules.length} rule(s) cache ${[...new Set(seen.rules.map((r) => r.upstreamRegistryUrl))].join(', ')})` : ''}.`
          : `Not known whether a rule already exists: ${seen.unseen}.`,
      ],
      fix: {
        summary: `Create a pull-through cache rule for ${upstream.label}${needsCredentials ? ' (it needs the registry credentials in a Secrets Manager secret whose name starts with ecr-pullthroughcache/)' : ''}, and change the images to the cache's names (${ps[0]!.image} becomes ${cached}); the first pull of each image through the cache needs ecr:BatchImportUpstreamImage and ecr:CreateRepository on the node role.${'unseen' in seen ? ' First check that no rule exists already (the rules could not be read).' : ''}`,
        commands: [
          ...('unseen' in seen ? [`aws ecr describe-pull-through-cache-rules --region ${region}`] : []),
          `aws ecr create-pull-through-cache-rule --ecr-repository-prefix ${prefix} --upstream-registry-url ${upstream.upstreamRegistryUrl} --region ${region}${needsCredentials ? ` --credential-arn arn:aws:secretsmanager:${region}:${account}:secret:ecr-pullthroughcache/${prefix}` : ''}`,
          ...('unseen' in seen ? [] : [`aws ecr describe-pull-through-cache-rules --region ${region}`]),
        ],
        docs: [DOCS.ecrPullThroughCache],
      },
    };
  });
}

/** What the snapshot holds about a repository's policy: its read, or why there is none. */
function policyRead(snapshot: Snapshot, repository: EcrRepositoryName): EcrRepositoryPolicy | { unseen: string; failedCall?: IncompletePart['failedCalls'][number] } {
  const failure = snapshot.errors.find((e) => e.part === 'aws.ecrRepositoryPolicies');
  // The part failed as a whole: the engine already names it as a part the check could not see.
  if (failure) return { unseen: `the repository policies could not be read (${describeFailure(failure)})` };
  const read = snapshot.aws.ecrRepositoryPolicies?.find((p) => ecrRepositoryKey(p) === ecrRepositoryKey(repository));
  if (read) return read;
  return { unseen: 'the repository policy was not read (this snapshot does not hold it)' };
}

/** One cause per ECR repository in another account that refuses the pull with 403, with what its repository policy says. */
function crossAccountCauses(snapshot: Snapshot, pulls: FailingPull[], incomplete: (unseen: IncompletePart) => void): NewFinding<Code>[] {
  const account = accountOf(snapshot);
  if (!account) return [];
  const byRepository = new Map<string, { repository: EcrRepositoryName; pulls: FailingPull[] }>();
  for (const p of pulls) {
    const repository = crossAccountRefusal(p, account);
    if (!repository) continue;
    const key = ecrRepositoryKey(repository);
    byRepository.set(key, { repository, pulls: [...(byRepository.get(key)?.pulls ?? []), p] });
  }
  return [...byRepository.values()].map(({ repository, pulls: ps }) => {
    const { registryId: owner, region, repositoryName } = repository;
    const arn = ecrRepositoryRef(ps[0]!.image)!.id;
    const nodeRoles = [...new Set(ps.flatMap((p) => nodeRoleOf(snapshot, p.pod.spec?.nodeName)))];
    const principals = nodeRoles.length > 0 ? nodeRoles : [`arn:aws:iam::${account}:role/<node-role>`];
    const who = nodeRoles.length > 0 ? nodeRoles.join(', ') : "the cluster's node role";
    const images = [...new Set(ps.map((p) => p.image))].join(', ');
    const getPolicy = `aws ecr get-repository-policy --registry-id ${owner} --repository-name ${repositoryName} --region ${region}`;
    const read = policyRead(snapshot, repository);
    let policyText: ReturnType<typeof policyWithPullStatement> | undefined;
    let finding: { rootCause: string; evidence: string[]; summary: string };
    const refused = `${ps.length} container(s) pull ${images} from account ${owner}'s registry, which answers 403 Forbidden`;
    if ('policyText' in read && read.policyText) {
      // Every node role the failing pods run under is evaluated: the policy allows the pull only if it allows each of them.
      const evaluated = (nodeRoles.length > 0 ? nodeRoles : [undefined]).map((role) => ({ role, grant: repositoryPolicyGrantsPull(read.policyText!, account, role) }));
      const notAllowed = evaluated.filter((e) => !e.grant.allowed);
      const grant = (notAllowed[0] ?? evaluated[0]!).grant;
      const refusedRoles = notAllowed.flatMap((e) => (e.role ? [e.role] : []));
      const whoRefused = refusedRoles.length > 0 ? refusedRoles.join(', ') : who;
      policyText = policyWithPullStatement(read.policyText, principals);
      const granted = grant.grants.map((s) => `Statement allowing it: ${quoteStatement(s)}`);
      if (grant.allowed) {
        finding = {
          rootCause: `${refused}, although the repository policy of ${repositoryName} allows ${who} to pull${grant.conditional ? ' under conditions eks-doctor cannot evaluate (assumed to hold)' : ''}: the refusal comes from elsewhere: the node role's own ECR permissions, a service control policy of either account's organization, or the repository's KMS key.`,
          evidence: granted,
          summary: `Check the conditions of the statement that allows the pull, the node role's own ECR policy, and the organizations' service control policies; the repository policy of ${repositoryName} already allows ${who}.`,
        };
      } else {
        const principalsNamed = allowedPrincipals(read.policyText);
        finding = {
          rootCause: `${refused}: the repository policy of ${repositoryName} (read with ecr:GetRepositoryPolicy) does not allow ${whoRefused} ${grant.missing.join(', ')}${grant.deniedBy ? ' (a Deny statement applies to it)' : ''}; a cross-account pull needs the repository's permission as well as the node role's.`,
          evidence: [
            ...(grant.deniedBy ? [`Statement denying it: ${quoteStatement(grant.deniedBy)}`] : []),
            ...granted,
            `The policy allows ${principalsNamed.length > 0 ? principalsNamed.join(', ') : 'no principal at all'}; it names neither ${whoRefused} nor account ${account}${grant.grants.length > 0 ? ` for ${grant.missing.join(', ')}` : ''}.`,
          ],
          summary: `In account ${owner}, add a statement allowing ${who} ${ECR_PULL_ACTIONS.join(', ')} to the repository policy of ${repositoryName} (the command below keeps the existing statements: set-repository-policy replaces the whole policy).`,
        };
      }
    } else if ('noPolicy' in read && read.noPolicy) {
      policyText = policyWithPullStatement(undefined, principals);
      finding = {
        rootCause: `${refused}: repository ${repositoryName} has no repository policy (ecr:GetRepositoryPolicy answered RepositoryPolicyNotFoundException), so nothing allows another account to pull from it.`,
        evidence: [`ecr:GetRepositoryPolicy for ${repositoryName} in account ${owner}: RepositoryPolicyNotFoundException (no policy).`],
        summary: `In account ${owner}, give repository ${repositoryName} a policy that allows ${who} to pull.`,
      };
    } else {
      const failure = 'failure' in read ? read.failure : undefined;
      const why = failure
        ? `ecr:GetRepositoryPolicy answered ${failure.code} (${failure.message})${failure.kind === 'denied' ? `: across accounts that is usual, since account ${owner}'s repository policy decides who may read it` : ''}`
        : 'notRead' in read && read.notRead
          ? `it was not read: ${read.notRead}`
          : 'unseen' in read
            ? read.unseen
            : 'the policy was not read';
      if (failure || ('notRead' in read && read.notRead)) {
        incomplete({
          part: 'aws.ecrRepositoryPolicies',
          reason: `could not read the repository policy of ${repositoryName} in account ${owner} (${region}): ${why}`,
          failedCalls: failure ? [{ call: failure.call, code: failure.code, kind: failure.kind, ...(failure.kind === 'denied' ? { permission: failure.call } : {}) }] : [],
        });
      }
      finding = {
        rootCause: `${refused}: the repository policy of ${repositoryName} most likely does not allow ${who} to pull (cross-account pulls need the repository's permission as well as the node role's). eks-doctor could not read that policy: ${why}; someone in account ${owner} can read it.`,
        evidence: [`Could not read the repository policy of ${repositoryName} in account ${owner}: ${why}.`],
        summary: `In account ${owner}, read the repository policy of ${repositoryName} and allow ${who} to pull (merge with the existing statements: set-repository-policy replaces the policy).`,
      };
    }
    // Unread, the policy's own statements are unknown: the command holds the new statement alone, and the summary says to merge.
    const newPolicy = policyText ?? policyWithPullStatement(undefined, principals);
    return {
      code: 'cross-account-pull-refused' as const,
      keyResource: arn,
      title: `ECR repository ${repositoryName} in account ${owner} refuses pulls from ${account}`,
      rootCause: finding.rootCause,
      evidence: [...cappedLines(ps.map((p) => `${p.podId}: ${p.message}`), 3, 'containers'), `The cluster runs in account ${account}; the image is in account ${owner}'s registry.`, ...finding.evidence],
      resources: [resource.ecrRepository(arn), ...nodeRoles.map((r) => resource.role(r))],
      fix: {
        summary: `${finding.summary} Run the commands with credentials of account ${owner}.`,
        commands: [getPolicy, `aws ecr set-repository-policy --registry-id ${owner} --repository-name ${repositoryName} --region ${region} --policy-text '${JSON.stringify(newPolicy)}'`],
        docs: [DOCS.ecrRepositoryPolicies],
      },
      canExplain: [{ symptom: 'image-pull-refused', resources: [resource.ecrRepository(arn)] }],
    };
  });
}

function accountOf(snapshot: Snapshot): string | undefined {
  return clusterAccount(snapshot.aws);
}

/** The IAM role the instance behind a Node runs as (diagnostics/lib/node-roles.ts knows which instances and node groups use which role). */
function nodeRoleOf(snapshot: Snapshot, nodeName: string | undefined): string[] {
  const node = nodeName ? snapshot.kubernetes.nodes?.find((n) => n.metadata?.name === nodeName) : undefined;
  if (!node) return [];
  const placement = nodePlacement(node, instancesById(snapshot));
  const role = nodeRoles(snapshot).find((r) => r.kind === 'ec2' && ((placement.instanceId && r.instanceIds.includes(placement.instanceId)) || (placement.nodegroup && r.nodegroups.includes(placement.nodegroup))));
  return role ? [role.arn] : [];
}
