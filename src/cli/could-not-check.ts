/**
 * When no check could run (exit code 2), one paragraph on stderr says why and what to do. The
 * report still lists every check and its reason, but twenty "could not read ...: denied" lines hide
 * the one fact that matters: these credentials may not read anything, and which policy to attach.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeFailure } from '../engine/failure-text.js';
import type { Report } from '../engine/report.js';

const POLICY_FILE = 'policy/iam-policy.json';
const PERMISSIONS_DOC = 'docs/aws.md, "What is called, and the permissions it needs"';
/** Enough denied calls to show the pattern; the report lists all of them. */
const CALLS_NAMED = 4;

/** The shipped policy file, absolute, so `file://` in the printed command works from any directory. */
function shippedPolicyPath(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, POLICY_FILE))) return join(dir, POLICY_FILE);
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The command that attaches the policy inline to the caller, when its ARN names a role or a user. */
function attachCommand(callerArn: string, policyPath: string): string | undefined {
  const document = `--policy-name eks-doctor-read-only --policy-document file://${policyPath}`;
  const role = /:assumed-role\/([^/]+)\//.exec(callerArn)?.[1] ?? /:role\/(?:.*\/)?([^/]+)$/.exec(callerArn)?.[1];
  if (role) return `aws iam put-role-policy --role-name ${role} ${document}`;
  const user = /:user\/(?:.*\/)?([^/]+)$/.exec(callerArn)?.[1];
  return user ? `aws iam put-user-policy --user-name ${user} ${document}` : undefined;
}

function listed(calls: string[]): string {
  const named = calls.slice(0, CALLS_NAMED);
  const more = calls.length - named.length;
  return more > 0 ? `${named.join(', ')} and ${more} more` : named.join(', ');
}

function kubernetesSentence(report: Report): string {
  const access = report.kubernetesAccess;
  if (!access || access.reachable || !access.failure) return '';
  const withoutAws = access.failure.kind === 'not-configured' ? ' (--kubeconfig reaches it without AWS)' : '';
  return ` The Kubernetes API server could not be read either: ${access.failure.message}${withoutAws}.`;
}

/** The paragraph for a report on which no check could run; one line, the terminal wraps it. */
export function couldNotCheckMessage(report: Report): string {
  const awsErrors = report.collectionErrors.filter((e) => e.part.startsWith('aws.'));
  const denied = [...new Set(awsErrors.filter((e) => e.kind === 'denied').map((e) => e.call))];
  if (denied.length > 0) {
    const caller = report.identity?.arn;
    const who = caller ?? 'these credentials (sts:GetCallerIdentity was denied too, so their identity is unknown)';
    const policyPath = shippedPolicyPath();
    const command = caller && policyPath ? attachCommand(caller, policyPath) : undefined;
    return [
      `eks-doctor: no check could run. AWS denied the reads of ${who}: ${denied.length} call${denied.length === 1 ? '' : 's'} (${listed(denied)}).`,
      ` The credentials work but lack eks-doctor's read-only permissions: attach ${POLICY_FILE}${policyPath ? ` (${policyPath})` : ''} to that identity`,
      command ? ` (${command})` : '',
      `, or pick one that has them with --profile; see ${PERMISSIONS_DOC}.`,
      kubernetesSentence(report),
    ].join('');
  }
  const failures = [...new Set(report.collectionErrors.map(describeFailure))];
  const why = failures.length > 0 ? `: ${listed(failures)}` : '';
  return `eks-doctor: no check could run${why}.${kubernetesSentence(report)} The report lists each check and why it could not run.`;
}
