/**
 * Issue 16, "Checks pass on data they never got": the failures an independent fault-injection run
 * found, each reproduced through the live path (SDK, Kubernetes client, mocks) with one read denied
 * or answered by a proxy's HTML page. A check that could not see a part it uses says so
 * (`incomplete`), keeps every finding the data it got supports, never states as fact what only the
 * missing data could show, and never keys a finding on a placeholder.
 */
import { describe, expect, it } from 'vitest';
import type { FaultRule } from '../mocks/aws-mock/index.js';
import { exitCodeFor } from '../src/engine/exit-code.js';
import type { Finding } from '../src/engine/finding.js';
import type { Report } from '../src/engine/report.js';
import type { CheckResult } from '../src/engine/run-checks.js';
import { cleanAndFaultedRuns } from './support/live-run.js';

const INSTANCES_FAULTS: { name: string; rule: FaultRule; named: RegExp }[] = [
  { name: 'denied', rule: { action: 'ec2:DescribeInstances', kind: 'denied' }, named: /ec2:DescribeInstances was denied \(UnauthorizedOperation\); grant ec2:DescribeInstances/ },
  { name: 'answered with a proxy\'s HTML page', rule: { action: 'ec2:DescribeInstances', kind: 'html' }, named: /ec2:DescribeInstances returned a response that could not be parsed/ },
];

const check = (report: Report, id: string): CheckResult => report.checks.find((c) => c.id === id)!;
const finding = (report: Report, key: string): Finding | undefined => report.findings.find((f) => f.key === key);
const keys = (findings: Finding[]) => findings.map((f) => `${f.key} ${f.severity}`).sort();

/** The check ran on what it got and names the part it could not see, with the call and why. */
function expectIncomplete(report: Report, id: string, part: string, named: RegExp): void {
  const result = check(report, id);
  expect(['pass', 'fail'], `${id}: ${result.reason ?? ''}`).toContain(result.status);
  const entry = result.incomplete?.find((p) => p.part === part);
  expect(entry, `${id} names ${part} as unseen`).toBeDefined();
  expect(entry!.reason).toMatch(named);
}

/** No piece of evidence states a fact that only the missing instances could establish. */
function expectNoFactsFromMissingInstances(findings: Finding[]): void {
  for (const f of findings) {
    for (const e of f.evidence) {
      expect(e, f.key).not.toMatch(/no live instances|instance types unknown|0 live instance/);
    }
  }
}

describe.each(INSTANCES_FAULTS)('ec2:DescribeInstances $name', ({ rule, named }) => {
  describe('node-role-not-mapped: a self-managed group whose role aws-auth does not map', () => {
    const runs = cleanAndFaultedRuns('node-role-not-mapped', { aws: [rule] });

    it('aws-auth still finds the unmapped role (from the launch template) and says it could not see the instances', () => {
      const rootCause = runs.clean.report.findings.find((f) => f.id === 'aws-auth/node-role-not-mapped')!;
      expect(rootCause.severity).toBe('critical');
      const kept = finding(runs.faulted.report, rootCause.key);
      expect(kept, 'the critical root cause survives the fault').toBeDefined();
      expect(kept!.severity).toBe('critical');
      expectIncomplete(runs.faulted.report, 'aws-auth', 'aws.reservations', named);
      expectNoFactsFromMissingInstances(runs.faulted.report.findings);
    });

    it('node-registration, which needs the instances, is in error naming the call', () => {
      expect(check(runs.faulted.report, 'node-registration')).toMatchObject({ status: 'error', reason: expect.stringMatching(named) });
    });

    it('the run does not exit 0 on a cluster whose nodes never join', () => {
      expect(exitCodeFor(runs.faulted.report, { failOn: 'critical' }, runs.live.diagnostics)).toBe(1);
      expect(exitCodeFor(runs.faulted.report, { failOn: 'never', failOnError: true }, runs.live.diagnostics)).toBe(1);
    });
  });

  describe.each(['subnet-exhausted', 'subnet-exhausted-pods-and-nodegroup'])('%s', (name) => {
    const runs = cleanAndFaultedRuns(name, { aws: [rule] });

    it('the exhausted subnet stays critical, with the same key, and no evidence claims what the instances would show', () => {
      const subnets = (r: Report) => r.findings.filter((f) => f.check === 'subnets');
      const exhausted = subnets(runs.clean.report).filter((f) => f.id === 'subnets/subnet-exhausted');
      expect(exhausted.length).toBeGreaterThan(0);
      for (const f of exhausted) expect(finding(runs.faulted.report, f.key)?.severity, f.key).toBe('critical');
      // Nothing new and nothing downgraded: every subnets finding of the faulted run is one of the clean run's.
      expect(keys(subnets(runs.faulted.report)).every((k) => keys(subnets(runs.clean.report)).includes(k)), keys(subnets(runs.faulted.report)).join('\n')).toBe(true);
      expectIncomplete(runs.faulted.report, 'subnets', 'aws.reservations', named);
      expectNoFactsFromMissingInstances(runs.faulted.report.findings);
    });
  });

  describe('node-instance-stopped', () => {
    const runs = cleanAndFaultedRuns('node-instance-stopped', { aws: [rule] }, { clean: false });

    it('node-conditions cannot tell whether the NotReady nodes\' instances still run, and says so rather than dropping them silently', () => {
      expectIncomplete(runs.faulted.report, 'node-conditions', 'aws.reservations', named);
      // No finding claims an instance is stopped (or running) when no instance could be read.
      for (const f of runs.faulted.report.findings.filter((x) => x.check === 'node-conditions')) expect(f.id).not.toBe('node-conditions/instance-not-running');
    });
  });
});

describe('pods forbidden (403) on subnet-exhausted-pods-and-nodegroup', () => {
  const runs = cleanAndFaultedRuns('subnet-exhausted-pods-and-nodegroup', { kubernetes: [{ resource: 'pods', kind: 'forbidden' }] });

  it('pods-without-ip keeps its key, node, instance and subnet (the events name the node), and names the 403', () => {
    const before = runs.clean.report.findings.filter((f) => f.id === 'pods-without-ip/pods-without-ip');
    expect(before.length).toBeGreaterThan(0);
    for (const f of before) {
      const after = finding(runs.faulted.report, f.key);
      expect(after, `${f.key} survives`).toBeDefined();
      const ids = (x: Finding) => x.resources.filter((r) => r.type !== 'k8s:Pod').map((r) => `${r.type} ${r.id}`);
      expect(ids(after!)).toEqual(ids(f));
    }
    expectIncomplete(runs.faulted.report, 'pods-without-ip', 'kubernetes.problemPods', /403|forbidden/i);
  });

  it('no finding key of any check holds a placeholder', () => {
    for (const f of runs.faulted.report.findings) expect(f.key).not.toMatch(/unknown|undefined|\?|<[^>]*>/);
  });
});
