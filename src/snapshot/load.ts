import { readFile } from 'node:fs/promises';
import { UserError } from '../user-error.js';
import { SNAPSHOT_KIND, SNAPSHOT_SCHEMA_VERSION, type AwsData, type KubernetesData, type Snapshot } from './types.js';

const ARRAY_PARTS_AWS: (keyof AwsData)[] = [
  'clusterVersions', 'nodegroups', 'fargateProfiles', 'addons', 'addonVersions', 'accessEntries', 'accessEntryPolicies',
  'podIdentityAssociations', 'insights', 'autoScalingGroups', 'scalingActivities', 'reservations', 'launchTemplateVersions', 'launchTemplateUserData', 'images',
  'instanceTypes', 'vpcs', 'vpcDnsAttributes', 'subnets', 'routeTables', 'securityGroups', 'prefixLists', 'prefixListEntries',
  'natGateways', 'internetGateways', 'vpcEndpoints', 'networkAcls', 'dhcpOptions', 'controlPlaneInterfaces', 'serviceQuotas', 'defaultServiceQuotas', 'quotaUsage', 'iamRoles', 'iamAttachedRolePolicies', 'iamInstanceProfiles',
  'iamOidcProviders', 'ecrPullThroughCacheRules', 'ecrRepositoryPolicies', 'notFound',
];
const ARRAY_PARTS_K8S: (keyof KubernetesData)[] = [
  'nodes', 'kubeSystemPods', 'problemPods', 'daemonSets', 'deployments', 'loadBalancerServices', 'warningEvents',
  'serviceAccounts', 'validatingWebhooks', 'mutatingWebhooks', 'webhookServices', 'apiGroups', 'persistentVolumeClaims',
  'persistentVolumes', 'storageClasses', 'csiDrivers', 'replicaSets', 'jobs', 'clusterAutoscalers', 'clusterAutoscalerStatus',
  'scalingEvents', 'claimEvents', 'nodePools', 'nodeClaims', 'ec2NodeClasses', 'autoModeNodeClasses',
];

export async function loadSnapshotFile(path: string): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`snapshot file ${path} does not exist`, 'Check the path; bundled scenarios are listed by `eks-doctor demo --list`.');
    if (code === 'EISDIR') {
      throw new UserError(`--snapshot ${path} is a directory; --snapshot wants a file`, 'Give the JSON file `eks-doctor collect --out FILE` wrote (or a bundled scenario, mocks/scenarios/NAME.json).');
    }
    throw new UserError(`cannot read snapshot file ${path}: ${(error as Error).message}`);
  }
  return parseSnapshot(text, path);
}

export function parseSnapshot(text: string, source: string): Snapshot {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${source} is not valid JSON: ${jsonErrorLocation(text, error as Error)}`, 'Was the file truncated or edited by hand? Collect it again with `eks-doctor collect`.');
  }
  const other = otherFormat(data);
  if (other) {
    throw new UserError(`${source} is not an eks-doctor snapshot: it looks like ${other}`, 'A snapshot is what `eks-doctor collect --cluster NAME --out FILE` writes: {"kind": "eks-doctor.snapshot", "schemaVersion": 1, "cluster", "aws", "kubernetes", ...} (docs/snapshot.md).');
  }
  const problem = validateSnapshot(data);
  if (problem) throw new UserError(`${source} is not an eks-doctor snapshot: ${problem}`, 'See docs/snapshot.md for the format.');
  // Most snapshots hold no null at all; the scan is cheap next to the parse.
  return (text.includes('null') ? withoutNulls(data) : data) as Snapshot;
}

/**
 * JSON null means "absent" everywhere in a snapshot except `kubernetes.awsAuth` (null: the ConfigMap
 * does not exist). The SDK never produces null, but hand-edited files and Kubernetes objects
 * (`eventTime: null`) do, so null properties are dropped and null list items removed here, once,
 * rather than every check guarding every field against null as well as undefined.
 */
export function withoutNulls(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== null).map((item) => withoutNulls(item));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null && !(k === 'awsAuth' && key === 'kubernetes')) continue;
    out[k] = withoutNulls(v, k);
  }
  return out;
}

/** What a JSON document that is not a snapshot most likely is, for the files people mistake for one. */
function otherFormat(data: unknown): string | undefined {
  if (!isObject(data) || data.kind === SNAPSHOT_KIND) return undefined;
  if (isObject(data.cluster) && typeof data.cluster.arn === 'string' && data.cluster.arn.includes(':eks:')) return 'the output of `aws eks describe-cluster`';
  if (isObject(data.nodegroup)) return 'the output of `aws eks describe-nodegroup`';
  if (Array.isArray(data.clusters)) return 'the output of `aws eks list-clusters`';
  if (typeof data.schemaVersion === 'string' && Array.isArray(data.findings)) return 'an eks-doctor report (`--output json`), not the snapshot it was made from';
  if (data.kind === 'Config' && Array.isArray(data.clusters)) return 'a kubeconfig';
  if (typeof data.kind === 'string' && typeof data.apiVersion === 'string') return `a Kubernetes ${data.kind} (kubectl -o json output)`;
  if (data.kind === undefined) return `a JSON document with the keys ${Object.keys(data).slice(0, 6).join(', ') || '(none)'} and no "kind"`;
  return undefined;
}

/** Returns the first problem found, or undefined when the document has the snapshot's shape. */
export function validateSnapshot(data: unknown): string | undefined {
  if (!isObject(data)) return 'the top level is not a JSON object';
  if (data.kind !== SNAPSHOT_KIND) return `"kind" is ${JSON.stringify(data.kind)}, expected "${SNAPSHOT_KIND}"`;
  if (data.schemaVersion !== SNAPSHOT_SCHEMA_VERSION) {
    return `"schemaVersion" is ${JSON.stringify(data.schemaVersion)}; this eks-doctor reads version ${SNAPSHOT_SCHEMA_VERSION}`;
  }
  if (typeof data.capturedAt !== 'string' || Number.isNaN(Date.parse(data.capturedAt))) return '"capturedAt" is missing or not an ISO-8601 timestamp';
  if (!isObject(data.cluster) || typeof data.cluster.name !== 'string' || typeof data.cluster.region !== 'string') {
    return '"cluster" must be an object with string "name" and "region"';
  }
  if (!isObject(data.aws)) return '"aws" is missing or not an object';
  if (!isObject(data.kubernetes)) return '"kubernetes" is missing or not an object';
  if (!Array.isArray(data.errors)) return '"errors" is missing or not an array';
  for (const [i, e] of data.errors.entries()) {
    if (!isObject(e) || typeof e.part !== 'string' || typeof e.call !== 'string' || typeof e.code !== 'string' || typeof e.message !== 'string') {
      return `"errors[${i}]" must have string "part", "call", "code" and "message"`;
    }
  }
  for (const key of ARRAY_PARTS_AWS) {
    const value = data.aws[key];
    if (value !== undefined && !Array.isArray(value)) return `"aws.${key}" must be an array`;
  }
  for (const key of ARRAY_PARTS_K8S) {
    const value = data.kubernetes[key];
    if (value !== undefined && !Array.isArray(value)) return `"kubernetes.${key}" must be an array`;
  }
  if (data.aws.cluster !== undefined && !isObject(data.aws.cluster)) return '"aws.cluster" must be an object';
  if (data.kubernetes.awsAuth !== undefined && data.kubernetes.awsAuth !== null && !isObject(data.kubernetes.awsAuth)) {
    return '"kubernetes.awsAuth" must be an object or null';
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Node's JSON.parse says "at position N"; people want a line and column. */
function jsonErrorLocation(text: string, error: Error): string {
  const match = /position (\d+)/.exec(error.message);
  if (!match) {
    return text.trim() === '' ? 'the file is empty' : error.message;
  }
  const position = Number(match[1]);
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  const reason = error.message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '');
  return `${reason} at line ${line}, column ${column}`;
}
