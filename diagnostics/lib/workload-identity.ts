/**
 * Which IAM role a Kubernetes service account's pods get, and which managed add-on owns a service
 * account. Pods get a role through IRSA (the `eks.amazonaws.com/role-arn` annotation, which EKS also
 * sets for an add-on's `serviceAccountRoleArn`) or through an EKS Pod Identity association.
 */
import { IRSA_ROLE_ANNOTATION } from '../../src/domain/eks-constants.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { sameRole } from '../../src/domain/iam-arn.js';

export interface ServiceAccountRole {
  namespace: string;
  serviceAccount: string;
  roleArn: string;
  via: 'irsa' | 'pod-identity' | 'addon';
  /** For Pod Identity: the association's ID. */
  associationId?: string;
}

/**
 * The service accounts whose pods use each add-on's IAM role, from each add-on's documentation
 * (vpc-cni: aws-node; EBS, EFS and Mountpoint CSI drivers: their controller service accounts).
 * Only used to say which add-on breaks when a role does; add-ons with an explicit
 * serviceAccountRoleArn or Pod Identity association are matched by those too.
 */
const ADDON_SERVICE_ACCOUNTS: Record<string, string[]> = {
  'vpc-cni': ['kube-system/aws-node'],
  'aws-ebs-csi-driver': ['kube-system/ebs-csi-controller-sa'],
  'aws-efs-csi-driver': ['kube-system/efs-csi-controller-sa'],
  'aws-mountpoint-s3-csi-driver': ['kube-system/s3-csi-driver-sa'],
  'amazon-cloudwatch-observability': ['amazon-cloudwatch/cloudwatch-agent'],
};

/** Service accounts annotated for IRSA, with the role ARN they name (as written, maybe not an ARN). */
export function irsaServiceAccounts(snapshot: Snapshot): { namespace: string; name: string; roleArn: string }[] {
  return (snapshot.kubernetes.serviceAccounts ?? []).flatMap((sa) => {
    const roleArn = sa.metadata?.annotations?.[IRSA_ROLE_ANNOTATION]?.trim();
    return roleArn ? [{ namespace: sa.metadata!.namespace ?? 'default', name: sa.metadata!.name!, roleArn }] : [];
  });
}

/** Every role a service account's pods may get credentials from. */
export function rolesForServiceAccount(snapshot: Snapshot, namespace: string, name: string): ServiceAccountRole[] {
  const roles: ServiceAccountRole[] = [];
  const sa = (snapshot.kubernetes.serviceAccounts ?? []).find((s) => s.metadata?.namespace === namespace && s.metadata?.name === name);
  const annotated = sa?.metadata?.annotations?.[IRSA_ROLE_ANNOTATION]?.trim();
  if (annotated) roles.push({ namespace, serviceAccount: name, roleArn: annotated, via: 'irsa' });
  for (const association of snapshot.aws.podIdentityAssociations ?? []) {
    if (association.namespace === namespace && association.serviceAccount === name && association.roleArn) {
      roles.push({ namespace, serviceAccount: name, roleArn: association.roleArn, via: 'pod-identity', ...(association.associationId ? { associationId: association.associationId } : {}) });
    }
  }
  // Without the service account in the snapshot, the add-on's own setting says what EKS annotated.
  if (!sa) {
    for (const addon of snapshot.aws.addons ?? []) {
      if (addon.serviceAccountRoleArn && (ADDON_SERVICE_ACCOUNTS[addon.addonName ?? ''] ?? []).includes(`${namespace}/${name}`)) {
        roles.push({ namespace, serviceAccount: name, roleArn: addon.serviceAccountRoleArn, via: 'addon' });
      }
    }
  }
  return roles.filter((r, i) => roles.findIndex((o) => o.roleArn === r.roleArn) === i);
}

/** Names of the managed add-ons whose pods run as this service account or use this role. */
export function addonsUsing(snapshot: Snapshot, namespace: string, serviceAccount: string, roleArn?: string): string[] {
  const names = new Set<string>();
  const installed = new Set((snapshot.aws.addons ?? []).map((a) => a.addonName));
  for (const [addon, accounts] of Object.entries(ADDON_SERVICE_ACCOUNTS)) {
    if (accounts.includes(`${namespace}/${serviceAccount}`) && installed.has(addon)) names.add(addon);
  }
  for (const addon of snapshot.aws.addons ?? []) {
    if (!addon.addonName) continue;
    if (roleArn && addon.serviceAccountRoleArn && sameRole(addon.serviceAccountRoleArn, roleArn)) names.add(addon.addonName);
  }
  const associationArns = new Set(
    (snapshot.aws.podIdentityAssociations ?? []).filter((a) => a.namespace === namespace && a.serviceAccount === serviceAccount).map((a) => a.associationArn),
  );
  for (const addon of snapshot.aws.addons ?? []) {
    if (addon.addonName && (addon.podIdentityAssociations ?? []).some((arn) => associationArns.has(arn))) names.add(addon.addonName);
  }
  return [...names].sort();
}
