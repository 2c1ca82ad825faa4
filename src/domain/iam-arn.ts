/**
 * Reading IAM ARNs (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html):
 * `arn:<partition>:iam::<account>:role/<path/>name`, `...:instance-profile/<path/>name`, and STS's
 * `arn:<partition>:sts::<account>:assumed-role/<role name>/<session>` (which drops the role's path).
 */

export interface IamArn {
  partition: string;
  /** The 12-digit account ID; 'aws' for AWS managed policies (arn:aws:iam::aws:policy/NAME). */
  account: string;
  /** 'role', 'instance-profile', 'user', 'oidc-provider', 'assumed-role', ... */
  resourceType: string;
  /** The path with its slashes ('/' when none), for roles, users and instance profiles. */
  path: string;
  /** The last path segment: the role, profile or user name. */
  name: string;
}

export function parseIamArn(arn: string): IamArn | undefined {
  const match = /^arn:([^:]+):(iam|sts)::(\d{12}|aws):([^/]+)\/(.+)$/.exec(arn);
  if (!match) return undefined;
  const [, partition, , account, resourceType, rest] = match as unknown as [string, string, string, string, string, string];
  // Only AWS managed policies live in the account named 'aws'.
  if (account === 'aws' && resourceType !== 'policy') return undefined;
  if (resourceType === 'assumed-role') {
    return { partition, account, resourceType, path: '/', name: rest.split('/')[0]! };
  }
  const segments = rest.split('/');
  const name = segments.pop()!;
  return { partition, account, resourceType, path: segments.length > 0 ? `/${segments.join('/')}/` : '/', name };
}

/**
 * The name an IAM API takes (iam:GetRole's RoleName, iam:GetInstanceProfile's InstanceProfileName):
 * the ARN's last path segment, the role for an assumed-role ARN; a name is returned as it is.
 */
function nameOf(arnOrName: string): string {
  return parseIamArn(arnOrName)?.name ?? arnOrName.slice(arnOrName.lastIndexOf('/') + 1);
}

/** The role name in a role ARN or an assumed-role ARN; the input itself when it is already a name. */
export function roleNameOf(arnOrName: string): string {
  return nameOf(arnOrName);
}

/** The instance profile name in a profile ARN; the input itself when it is already a name. */
export function instanceProfileNameOf(arnOrName: string): string {
  return nameOf(arnOrName);
}

/** arn:aws:iam::111122223333:role/eks/x -> arn:aws:iam::111122223333:role/x (what aws-auth must use); anything else as it is. */
export function roleArnWithoutPath(arn: string): string {
  const parsed = parseIamArn(arn);
  if (!parsed || parsed.resourceType !== 'role') return arn;
  return `arn:${parsed.partition}:iam::${parsed.account}:role/${parsed.name}`;
}

/**
 * The IAM role behind the caller: for `arn:aws:sts::111122223333:assumed-role/admin/jane` that is
 * role name `admin` (STS drops the role's path, so match roles by name). Undefined for users and roots.
 */
export function assumedRoleOf(callerArn: string): { roleName: string; account: string; roleArnWithoutPath: string } | undefined {
  const parsed = parseIamArn(callerArn);
  if (!parsed || parsed.resourceType !== 'assumed-role') return undefined;
  return { roleName: parsed.name, account: parsed.account, roleArnWithoutPath: `arn:${parsed.partition}:iam::${parsed.account}:role/${parsed.name}` };
}

/** Two role references (ARN with or without path, or name) denote the same role. */
export function sameRole(a: string, b: string): boolean {
  if (a === b) return true;
  const pa = parseIamArn(a);
  const pb = parseIamArn(b);
  if (pa && pb && pa.account !== pb.account) return false;
  return roleNameOf(a) === roleNameOf(b);
}
