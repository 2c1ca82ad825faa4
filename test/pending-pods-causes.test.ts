/**
 * Pending pods traced to their AWS causes, end to end through the CLI on the bundled scenarios: the
 * cause ranks first, the pods' `pod-unschedulable` symptom is reached from it (directly, or through
 * the group shortfall or NotReady node it explains), and the text report lists the pods under it.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/engine/finding.js';
import type { Report } from '../src/engine/report.js';
import { listScenarios } from '../mocks/bundled-scenarios.js';
import { runCli } from './support/run-cli.js';

/** `listed`: the finding the text report lists under the root cause on the pods' way (the renderer lists a root's direct symptoms only). */
const CASES = [
  { scenario: 'pending-pods-vcpu-quota', cause: 'quota-headroom/vcpu-quota-exhausted', through: ['node-registration/asg-below-desired'], listed: 'unschedulable-pods/unschedulable:shop/checkout' },
  { scenario: 'pending-pods-insufficient-capacity', cause: 'node-registration/launch-capacity-unavailable', through: ['node-registration/asg-below-desired', 'nodegroup-health/asg-instance-launch-failures'], listed: 'unschedulable-pods/unschedulable:shop/checkout' },
  { scenario: 'pending-pods-node-unreachable', cause: 'node-conditions/instance-not-running', through: ['node-conditions/node-not-ready'], listed: 'node-conditions/node-not-ready:ip-10-0-53-10.eu-west-1.compute.internal' },
  { scenario: 'karpenter-relaunch-loop-pending-pods', cause: 'aws-auth/access-entry-wrong-type', through: ['node-registration/instance-not-joined'], listed: 'node-registration/instance-not-joined:i-0c0ffee0c0ffee002' },
  { scenario: 'karpenter-spot-quota-exhausted', cause: 'quota-headroom/vcpu-quota-exhausted', through: ['scheduling-capacity/node-claim-launch-quota'], listed: 'unschedulable-pods/unschedulable:shop/checkout' },
  { scenario: 'pending-pods-untolerated-taint', cause: 'node-taints/untolerated-taint', through: [], listed: 'unschedulable-pods/unschedulable:shop/checkout' },
  { scenario: 'pending-pods-group-at-max', cause: 'scheduling-capacity/capacity-at-maximum', through: [], listed: 'unschedulable-pods/unschedulable:shop/checkout' },
];

/** Every finding key reachable from `from` through `explains`. */
function reached(from: Finding, byKey: Map<string, Finding>): Set<string> {
  const seen = new Set<string>();
  const stack = [...from.explains];
  while (stack.length > 0) {
    const key = stack.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    stack.push(...(byKey.get(key)?.explains ?? []));
  }
  return seen;
}

describe.each(CASES)('$scenario', ({ scenario, cause, through, listed }) => {
  const file = listScenarios().find((s) => s.name === scenario)!.file;

  it(`ranks ${cause} first, with the Pending pods under it`, async () => {
    const { stdout } = await runCli(['diagnose', '--snapshot', file, '--output', 'json']);
    const report = JSON.parse(stdout) as Report;
    const byKey = new Map(report.findings.map((f) => [f.key, f]));
    const first = report.findings[0]!;
    expect(first.id).toBe(cause);
    const pods = report.findings.filter((f) => f.id === 'unschedulable-pods/unschedulable');
    expect(pods.map((f) => f.resources[0]?.id)).toEqual(['shop/checkout']);
    expect(pods[0]!.severity).toBe('warning');
    expect(reached(first, byKey)).toContain(pods[0]!.key);
    // The intermediate symptoms (the group's shortfall, the NotReady node) explain the pods themselves too.
    for (const id of through) expect(pods[0]!.explainedBy.map((k) => byKey.get(k)?.id), `${id} explains the pods`).toContain(id);
  });

  it('the text report lists the Pending pods (or the NotReady node they wait for) under the root cause, not on their own', async () => {
    const { stdout } = await runCli(['diagnose', '--snapshot', file, '--output', 'text']);
    const roots = stdout.slice(stdout.indexOf('ROOT CAUSES'), stdout.indexOf('OTHER FINDINGS') === -1 ? undefined : stdout.indexOf('OTHER FINDINGS'));
    expect(roots).toMatch(/^1\. \[(critical|warning)\] .* {2}/m);
    expect(roots.split('\n').find((l) => l.startsWith('1. '))).toContain(cause);
    expect(roots).toContain(listed);
    expect(stdout).not.toMatch(/^- \[warning\] \d+ pods? of Deployment shop\/checkout/m);
  });
});
