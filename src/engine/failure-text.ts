import type { CollectionError, SnapshotPart } from '../snapshot/types.js';

/** 'aws.autoScalingGroups' -> 'Auto Scaling groups'; used in "could not read ..." sentences. */
const PART_LABELS: Partial<Record<SnapshotPart, string>> = {
  'aws.autoScalingGroups': 'Auto Scaling groups',
  'aws.reservations': 'EC2 instances',
  'aws.iamRoles': 'IAM roles',
  'aws.iamAttachedRolePolicies': 'IAM role policies',
  'aws.iamInstanceProfiles': 'IAM instance profiles',
  'aws.iamOidcProviders': 'IAM OIDC providers',
  'aws.vpcs': 'VPCs',
  'aws.vpcDnsAttributes': 'VPC DNS attributes',
  'aws.natGateways': 'NAT gateways',
  'aws.vpcEndpoints': 'VPC endpoints',
  'kubernetes.awsAuth': 'the aws-auth ConfigMap',
  'kubernetes.apiServer': 'the Kubernetes API server',
};

export function partLabel(part: SnapshotPart): string {
  const known = PART_LABELS[part];
  if (known) return known;
  const key = part.slice(part.indexOf('.') + 1);
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return part.startsWith('kubernetes.') ? `Kubernetes ${words}` : words;
}

/** "ec2:DescribeSubnets was denied (UnauthorizedOperation); grant ec2:DescribeSubnets" */
export function describeFailure(error: CollectionError): string {
  const what = `${error.call}`;
  // Worded apart from a failure of its own: "GET /api/v1/nodes timed out" would send the engineer
  // after the wrong call.
  if (error.notAttempted) return `${what} was not attempted (${error.message})`;
  switch (error.kind) {
    case 'denied':
      return `${what} was denied (${error.code})${error.permission ? `; grant ${error.permission}` : ''}`;
    case 'throttled':
      // The message says how many attempts were made (and, when it was the deadline, why no more).
      return `${what} was throttled (${error.code}: ${error.message})`;
    case 'timeout':
      return `${what} timed out (${error.message})`;
    case 'unreachable':
      return `${what} could not connect (${error.message})`;
    case 'tls':
      return `${what} failed TLS verification (${error.message})`;
    case 'unauthorized':
      return `${what} was rejected as unauthenticated (${error.code})`;
    case 'invalid-response':
      return `${what} returned a response that could not be parsed (${error.message})`;
    case 'server-error':
      return `${what} failed with a server error (${error.code})`;
    case 'not-found':
      return `${what} found nothing (${error.code}: ${error.message})`;
    default:
      return `${what} failed (${error.code}: ${error.message})`;
  }
}

export function couldNotRead(part: SnapshotPart, error: CollectionError): string {
  return `could not read ${partLabel(part)}: ${describeFailure(error)}`;
}
