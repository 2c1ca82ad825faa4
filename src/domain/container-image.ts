/**
 * Container image references, as the kubelet and containerd read them: the registry host is the
 * first path component when it looks like a host (has a dot or a port, or is `localhost`), else
 * Docker Hub (`docker.io`), whose one-component names live under `library/` (from memory of
 * github.com/distribution/reference normalize.go, ParseNormalizedNamed, which containerd's CRI
 * plugin uses to normalise what the kubelet passes it).
 */

export interface ImageReference {
  /** The registry host as the runtime contacts it: 'docker.io', '111122223333.dkr.ecr.eu-west-1.amazonaws.com'. */
  registry: string;
  /** The repository path within the registry: 'library/nginx', 'team/app'. */
  repository: string;
  /** The tag, when the reference has one and no digest: 'v1.2.3'. */
  tag?: string;
  /** 'sha256:...' when pinned by digest. */
  digest?: string;
}

/** An Amazon ECR private registry host, parsed: `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`. */
export interface EcrRegistry {
  account: string;
  region: string;
}

const DOCKER_HUB = 'docker.io';
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** Parses an image reference the way the runtime normalises it; undefined for an empty or malformed reference. */
export function parseImageReference(image: string): ImageReference | undefined {
  const trimmed = image.trim();
  if (trimmed === '' || /\s/.test(trimmed)) return undefined;
  const [nameAndTag, digest] = trimmed.split('@', 2) as [string, string | undefined];
  const slash = nameAndTag.indexOf('/');
  const first = slash === -1 ? '' : nameAndTag.slice(0, slash);
  const hasHost = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasHost ? first : DOCKER_HUB;
  let path = hasHost ? nameAndTag.slice(slash + 1) : nameAndTag;
  // The tag is after the last colon of the path (a host's port colon was split off with the host).
  const colon = path.lastIndexOf(':');
  const tag = colon === -1 ? undefined : path.slice(colon + 1);
  if (colon !== -1) path = path.slice(0, colon);
  if (path === '') return undefined;
  const repository = registry === DOCKER_HUB && !path.includes('/') ? `library/${path}` : path;
  return { registry: registry === 'index.docker.io' ? DOCKER_HUB : registry, repository, ...(tag && !digest ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** The account and region of an ECR private registry host, or undefined for any other registry. */
export function ecrRegistry(host: string): EcrRegistry | undefined {
  const m = ECR_HOST.exec(host);
  return m ? { account: m[1]!, region: m[2]! } : undefined;
}

/**
 * Public registries that limit anonymous pulls by source address (Docker Hub's pull rate limit),
 * which an ECR pull-through cache rule can stand in front of. Amazon ECR Public (public.ecr.aws)
 * limits anonymous pulls too.
 */
export const RATE_LIMITED_PUBLIC_REGISTRIES: Readonly<Record<string, { upstreamRegistryUrl: string; label: string }>> = {
  'docker.io': { upstreamRegistryUrl: 'registry-1.docker.io', label: 'Docker Hub' },
  'registry-1.docker.io': { upstreamRegistryUrl: 'registry-1.docker.io', label: 'Docker Hub' },
  'public.ecr.aws': { upstreamRegistryUrl: 'public.ecr.aws', label: 'Amazon ECR Public' },
  'ghcr.io': { upstreamRegistryUrl: 'ghcr.io', label: 'GitHub Container Registry' },
  'quay.io': { upstreamRegistryUrl: 'quay.io', label: 'Quay' },
  'registry.k8s.io': { upstreamRegistryUrl: 'registry.k8s.io', label: 'the Kubernetes registry' },
};
