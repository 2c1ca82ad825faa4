import type { Finding } from '../../src/engine/finding.js';
import type { Report } from '../../src/engine/report.js';
import type { CheckResult } from '../../src/engine/run-checks.js';

/**
 * A hand-made report for the UI's component tests: one root cause explaining two symptoms, a
 * symptom no cause explains, two other findings, and a check that could not run. Findings are in
 * the order correlation leaves them (root causes first, then by severity).
 */
export const ROLE_ARN = 'arn:aws:iam::111122223333:role/demo-node-role';
export const LONG_FIX_COMMAND =
  'eksctl create iamidentitymapping --cluster demo-cluster --region eu-west-1 --arn arn:aws:iam::111122223333:role/demo-node-role --group system:bootstrappers --group system:nodes --username system:node:{{EC2PrivateDNSName}}';

export function finding(partial: Partial<Finding> & Pick<Finding, 'id' | 'title' | 'severity'>): Finding {
  const check = partial.id.split('/')[0];
  const resource = partial.resources?.[0]?.id ?? 'r';
  return {
    key: `${partial.id}:${resource}`,
    check,
    rootCause: `Because of ${partial.title.toLowerCase()}.`,
    evidence: [],
    resources: [],
    fix: { summary: 'Fix it.', commands: [], docs: [] },
    explains: [],
    explainedBy: [],
    ...partial,
  };
}

export const rootCause = finding({
  id: 'aws-auth/node-role-not-mapped',
  key: `aws-auth/node-role-not-mapped:${ROLE_ARN}`,
  severity: 'critical',
  title: 'Node role demo-node-role is not mapped in aws-auth',
  rootCause: 'Nodes authenticate with the node role, and the cluster does not know it, so kubelets are refused.',
  evidence: ['aws-auth mapRoles lists 1 role; none is arn:aws:iam::111122223333:role/demo-node-role', 'No access entry for the role'],
  resources: [{ type: 'aws:iam:role', id: ROLE_ARN, name: 'demo-node-role' }],
  fix: {
    summary: 'Map the node role in aws-auth.',
    commands: [LONG_FIX_COMMAND],
    alternatives: [{ summary: 'Create an access entry for the node role.', commands: ['aws eks create-access-entry --cluster-name demo-cluster --principal-arn arn:aws:iam::111122223333:role/demo-node-role --type EC2_LINUX'] }],
    docs: ['https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html'],
  },
  explains: ['instances-joined/instance-not-joined:i-0aaa', 'instances-joined/instance-not-joined:i-0bbb'],
});

/** One of the instances the root cause keeps from joining. */
function notJoined(instanceId: string): Finding {
  return finding({
    id: 'instances-joined/instance-not-joined',
    severity: 'warning',
    title: `Instance ${instanceId} has not joined the cluster after 25 minutes`,
    resources: [{ type: 'aws:ec2:instance', id: instanceId }],
    symptom: 'instance-not-joined',
    explainedBy: [rootCause.key],
  });
}

export const symptomA = notJoined('i-0aaa');
export const symptomB = notJoined('i-0bbb');

export const unexplainedSymptom = finding({
  id: 'load-balancers/pending',
  severity: 'warning',
  title: 'Service shop/frontend has no load balancer address',
  resources: [{ type: 'k8s:Service', id: 'shop/frontend' }],
  symptom: 'loadbalancer-pending',
  unexplained: { ruledOut: ['subnet-tags'], couldNotCheck: [{ check: 'lb-controller', reason: 'could not read deployments: forbidden' }] },
});

export const lowIps = finding({
  id: 'subnets/low-free-ips',
  severity: 'critical',
  title: 'Subnet subnet-0123 has 3 free addresses',
  resources: [{ type: 'aws:ec2:subnet', id: 'subnet-0123', name: 'private-a' }],
  fix: { summary: 'Add a subnet or a secondary CIDR.', commands: ['aws ec2 describe-subnets --subnet-ids subnet-0123'], docs: [] },
});

export const oldAddon = finding({
  id: 'addons/outdated',
  severity: 'info',
  title: 'Add-on vpc-cni is two versions behind',
  resources: [{ type: 'aws:eks:addon', id: 'vpc-cni' }],
});

export const ALL_FINDINGS = [rootCause, lowIps, symptomA, symptomB, unexplainedSymptom, oldAddon];

function check(id: string, status: CheckResult['status'], findings: number, reason?: string): CheckResult {
  return { id, title: `Check ${id}`, status, durationMs: 1, findings, ...(reason ? { reason } : {}) };
}

export function makeReport(findings: Finding[] = ALL_FINDINGS, overrides: Partial<Report> = {}): Report {
  const active = findings.filter((f) => !f.suppressed);
  const count = (s: Finding['severity']) => active.filter((f) => f.severity === s).length;
  const checks = [
    check('aws-auth', 'fail', 1),
    check('instances-joined', 'fail', 2),
    check('load-balancers', 'fail', 1),
    check('subnets', 'fail', 1),
    check('addons', 'pass', 1),
    check('lb-controller', 'error', 0, 'could not read deployments: forbidden'),
  ];
  return {
    schemaVersion: '1.0',
    tool: { name: 'eks-doctor', version: '0.1.0' },
    cluster: { name: 'demo-cluster', region: 'eu-west-1', version: '1.29', status: 'ACTIVE', accountId: '111122223333' },
    generatedAt: '2026-11-26T16:00:00.000Z',
    snapshot: { capturedAt: '2026-11-26T15:59:00.000Z' },
    identity: { arn: 'arn:aws:sts::111122223333:assumed-role/OnCall/alex', account: '111122223333' },
    kubernetesAccess: { method: 'eks-token', server: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com', reachable: true },
    summary: {
      critical: count('critical'),
      warning: count('warning'),
      info: count('info'),
      suppressed: findings.length - active.length,
      rootCauses: active.filter((f) => f.explains.length > 0 && f.explainedBy.length === 0).length,
      checks: { total: checks.length, pass: 1, fail: 4, error: 1, skipped: 0, incomplete: 0 },
    },
    checks,
    findings,
    collectionErrors: [],
    ...overrides,
  };
}

/** The report of a re-check narrowed to one check (`R`): the others are deselected, as --only leaves them. */
export function narrowedReport(only: string, findings: Finding[]): Report {
  const full = makeReport(findings);
  return { ...full, checks: full.checks.map((c) => (c.id === only ? { ...c, status: findings.length > 0 ? ('fail' as const) : ('pass' as const), findings: findings.length } : { ...c, status: 'skipped' as const, reason: 'not selected (--only/--skip)', deselected: true as const, findings: 0 })) };
}
