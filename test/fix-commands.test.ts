/**
 * Fixes say exactly what to run, over every bundled scenario:
 * - the steps of one way never hold two alternatives of one another (pasting them would run both);
 * - a fix changes what its evidence shows: it never proposes a security-group rule the snapshot's
 *   groups already have, and never reads a log a container does not have (`--previous` of a
 *   container that never restarted, any log of one that never ran: ImagePullBackOff).
 */
import { describe, expect, it } from 'vitest';
import { listScenarios, loadScenario } from '../mocks/bundled-scenarios.js';
import { groupsAllow, type Protocol } from '../diagnostics/lib/security-group-rules.js';
import { diagnoseSnapshot } from '../src/engine/diagnose.js';
import { fixWays, type Finding } from '../src/engine/finding.js';
import { loadDiagnostics } from '../src/engine/registry.js';
import { renderText } from '../src/render/text.js';
import type { KubePod, Snapshot } from '../src/snapshot/types.js';

/** Commands that do the same job two ways: one way's steps must not hold both. */
const ALTERNATIVES: [RegExp, RegExp, string][] = [
  [/aws eks create-access-entry/, /eksctl create iamidentitymapping/, 'an access entry or an aws-auth mapping'],
  [/aws ec2 start-instances/, /kubectl (drain|delete node)/, 'start the instance or replace the node'],
  [/endpointPrivateAccess=true/, /publicAccessCidrs=/, 'private endpoint access or publicAccessCidrs'],
  [/aws ec2 get-console-output/, /aws ssm start-session|AWSSupport-TroubleshootEKSWorkerNode/, 'three ways to read why a node did not join'],
  [/describe-network-interfaces .*status,Values=available/, /WARM_IP_TARGET|associate-vpc-cidr-block/, 'three ways to free subnet addresses'],
  [/kubectl edit configmap aws-auth/, /eksctl (create|delete) iamidentitymapping/, 'edit aws-auth by hand or with eksctl'],
  [/kubectl get poddisruptionbudgets/, /update-nodegroup-version .*--force/, 'relax the budgets or force the update'],
];

const scenarios = listScenarios();
const diagnostics = await loadDiagnostics();

async function findingsOf(name: string): Promise<{ snapshot: Snapshot; findings: Finding[] }> {
  const snapshot = loadScenario(name);
  const report = await diagnoseSnapshot(snapshot, { diagnostics, toolVersion: 'test', generatedAt: new Date(snapshot.capturedAt) });
  return { snapshot, findings: report.findings };
}

/** `--group-id G --protocol P --port N --source-group S` or `--ip-permissions 'IpProtocol=P,FromPort=N,...GroupId=S'`. */
function proposedRule(command: string): { direction: 'ingress' | 'egress'; group: string; protocol: Protocol; port: number; peer: string } | undefined {
  const m = /authorize-security-group-(ingress|egress) --group-id (\S+) (.*)$/.exec(command);
  if (!m) return undefined;
  const rest = m[3]!;
  const simple = /--protocol (tcp|udp) --port (\d+) --source-group (\S+)/.exec(rest);
  if (simple) return { direction: m[1] as 'ingress' | 'egress', group: m[2]!, protocol: simple[1] as Protocol, port: Number(simple[2]), peer: simple[3]! };
  const perms = /IpProtocol=(tcp|udp),FromPort=(\d+),ToPort=\d+,UserIdGroupPairs=\[\{GroupId=([^}]+)\}\]/.exec(rest);
  if (perms) return { direction: m[1] as 'ingress' | 'egress', group: m[2]!, protocol: perms[1] as Protocol, port: Number(perms[2]), peer: perms[3]! };
  return undefined;
}

/** The pods a `kubectl logs` command reads, with the container and whether it asks for the previous log. */
function logTargets(snapshot: Snapshot, command: string): { pods: KubePod[]; container?: string; previous: boolean } | undefined {
  if (!/^kubectl (-n \S+ )?logs /.test(command)) return undefined;
  const namespace = /-n (\S+)/.exec(command)?.[1] ?? 'default';
  const container = /-c (\S+)/.exec(command)?.[1];
  const previous = command.includes('--previous');
  const all = [...(snapshot.kubernetes.kubeSystemPods ?? []), ...(snapshot.kubernetes.problemPods ?? [])].filter((p) => p.metadata?.namespace === namespace);
  const selector = /-l (\S+)=(\S+)/.exec(command);
  const target = /logs (?:-n \S+ )?([a-z0-9][\w./-]*)/.exec(command.replace(/^kubectl -n \S+ /, 'kubectl '))?.[1];
  let pods: KubePod[];
  if (selector) pods = all.filter((p) => p.metadata?.labels?.[selector[1]!] === selector[2]);
  else if (target?.startsWith('deployment/')) pods = all.filter((p) => p.metadata?.name?.startsWith(`${target.slice('deployment/'.length)}-`));
  else pods = all.filter((p) => p.metadata?.name === target);
  return { pods, ...(container ? { container } : {}), previous };
}

function hasLog(pod: KubePod, container: string | undefined, previous: boolean): boolean {
  const statuses = pod.status?.containerStatuses ?? [];
  const status = container ? statuses.find((s) => s.name === container) : statuses[0];
  if (!status) return false;
  if (previous) return status.lastState?.terminated !== undefined;
  return Boolean(status.state?.running || status.state?.terminated || status.lastState?.terminated);
}

describe.each(scenarios.map((s) => s.name))('fixes of scenario %s', (name) => {
  it('keep alternative ways apart, propose no rule that exists, and read only logs that exist', async () => {
    const { snapshot, findings } = await findingsOf(name);
    const problems: string[] = [];
    for (const f of findings) {
      for (const way of fixWays(f.fix)) {
        for (const [a, b, what] of ALTERNATIVES) {
          if (way.commands.some((c) => a.test(c)) && way.commands.some((c) => b.test(c))) problems.push(`${f.key}: one way holds two alternatives (${what})`);
        }
        for (const command of way.commands) {
          const rule = proposedRule(command);
          if (rule) {
            const allowed = groupsAllow(snapshot, [rule.group], rule.direction, rule.protocol, rule.port, { groupIds: [rule.peer], cidrs: [] });
            if (allowed.allowed) problems.push(`${f.key}: proposes ${rule.direction} ${rule.protocol}/${rule.port} on ${rule.group}, which it already allows (${allowed.by ?? ''})`);
          }
          const logs = logTargets(snapshot, command);
          if (logs && logs.pods.length > 0 && !logs.pods.some((p) => hasLog(p, logs.container, logs.previous))) {
            problems.push(`${f.key}: ${command} reads a log the container does not have`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('alternative ways in the report', () => {
  it('node-role-not-mapped with both access entries and aws-auth in use: the access entry is the way, the mapping the alternative', async () => {
    const { findings } = await findingsOf('aws-auth-broken-yaml');
    const f = findings.find((x) => x.id === 'aws-auth/node-role-not-mapped')!;
    expect(f.fix.commands).toHaveLength(1);
    expect(f.fix.commands[0]).toMatch(/^aws eks create-access-entry /);
    expect(f.fix.alternatives?.map((a) => a.commands)).toEqual([[expect.stringMatching(/^eksctl create iamidentitymapping /)]]);
  });

  it('the text report puts "Or:" before each alternative way', async () => {
    const snapshot = loadScenario('node-instance-stopped');
    const report = await diagnoseSnapshot(snapshot, { diagnostics, toolVersion: 'test', generatedAt: new Date(snapshot.capturedAt) });
    const text = renderText(report);
    expect(text).toMatch(/Fix: Start the instance if it was stopped by mistake\.\n\s+\$ aws ec2 start-instances [^\n]+\n\s+Or: Drain and delete the node[^\n]*\n\s+\$ kubectl drain /);
  });
});
