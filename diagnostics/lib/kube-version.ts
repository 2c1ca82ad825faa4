/**
 * Versions as EKS and Kubernetes spell them: cluster versions ('1.35'), kubelet versions
 * ('v1.35.2-eks-3a1b2c4'), add-on versions ('v1.21.1-eksbuild.1') and image tags
 * ('v1.29.0-minimal-eksbuild.1').
 */

export interface Version {
  major: number;
  minor: number;
  patch: number;
  /** The n of '-eksbuild.n', which orders builds of the same upstream version. */
  build: number;
  text: string;
}

export function parseVersion(text: string | undefined): Version | undefined {
  if (!text) return undefined;
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (!match) return undefined;
  const build = /eksbuild\.(\d+)/.exec(text)?.[1];
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0), build: Number(build ?? 0), text };
}

export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch || a.build - b.build;
}

/** Same upstream release (x.y.z), ignoring the EKS build suffix. */
export function sameRelease(a: Version, b: Version): boolean {
  return a.major === b.major && a.minor === b.minor && a.patch === b.patch;
}

/** How many minor versions `older` is behind `newer` (negative when it is ahead). Same major assumed, as for Kubernetes 1.x. */
export function minorsBehind(newer: Version, older: Version): number {
  return (newer.major - older.major) * 100 + (newer.minor - older.minor);
}

export function minorText(v: Version): string {
  return `${v.major}.${v.minor}`;
}

/** The tag of a container image reference ('602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/kube-proxy:v1.35.2-eksbuild.2@sha256:...'). */
export function imageTag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const withoutDigest = image.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(colon + 1) : undefined;
}
