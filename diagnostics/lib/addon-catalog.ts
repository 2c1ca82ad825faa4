/**
 * What eks:DescribeAddonVersions says about an add-on: which of its versions are compatible with a
 * Kubernetes version, and which one EKS installs by default for it.
 */
import type { Snapshot } from '../../src/snapshot/types.js';
import { compareVersions, parseVersion, type Version } from './kube-version.js';

export interface CatalogVersion {
  addonVersion: string;
  version: Version;
  isDefault: boolean;
}

/** Undefined when the catalogue does not describe this add-on (not collected, or not an EKS add-on). */
export function compatibleAddonVersions(snapshot: Snapshot, addonName: string, clusterVersion: string): CatalogVersion[] | undefined {
  const info = (snapshot.aws.addonVersions ?? []).find((a) => a.addonName === addonName);
  if (!info) return undefined;
  const versions: CatalogVersion[] = [];
  for (const v of info.addonVersions ?? []) {
    const compatibility = (v.compatibilities ?? []).find((c) => c.clusterVersion === clusterVersion);
    const version = parseVersion(v.addonVersion);
    if (!compatibility || !version || !v.addonVersion) continue;
    versions.push({ addonVersion: v.addonVersion, version, isDefault: compatibility.defaultVersion === true });
  }
  return versions.sort((a, b) => compareVersions(b.version, a.version));
}

export function defaultAddonVersion(snapshot: Snapshot, addonName: string, clusterVersion: string): string | undefined {
  return compatibleAddonVersions(snapshot, addonName, clusterVersion)?.find((v) => v.isDefault)?.addonVersion;
}
