/**
 * `eks-doctor demo`: the live path end to end against the bundled mocks, for every scenario. The
 * report must be the one the same scenario gives offline (diagnose --snapshot): collection through
 * the SDK and the Kubernetes client changes nothing the checks see.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listScenarios } from '../../mocks/bundled-scenarios.js';
import type { Report } from '../../src/engine/report.js';
import { parseSnapshot } from '../../src/snapshot/load.js';
import { runCli } from '../support/run-cli.js';
import { DEFAULT_DEMO_SCENARIO, FEATURED_DEMO_SCENARIOS } from '../../src/cli/commands/demo.js';

describe('eks-doctor demo', () => {
  it('--list names every scenario with its description', async () => {
    const { code, stdout } = await runCli(['demo', '--list']);
    expect(code).toBe(0);
    for (const s of listScenarios()) expect(stdout).toContain(s.name);
  });

  it('--list starts with the scenarios to show a newcomer first, each a bundled scenario, the first the default', async () => {
    const { stdout } = await runCli(['demo', '--list']);
    const start = stdout.slice(0, stdout.indexOf('All scenarios:'));
    expect(start.split('\n')[0]).toBe('Start with (eks-doctor demo serves the first):');
    expect(start.split('\n')[1]!.trim().startsWith(DEFAULT_DEMO_SCENARIO)).toBe(true);
    const names = listScenarios().map((s) => s.name);
    for (const f of FEATURED_DEMO_SCENARIOS) expect(names).toContain(f.name);
    // A scheduling scenario is what a newcomer sees first: Pending pods with the AWS cause above them.
    expect(listScenarios().find((s) => s.name === DEFAULT_DEMO_SCENARIO)!.expectedRootCauses).toEqual(['scheduling-capacity/capacity-at-maximum']);
  });

  it('an unknown scenario is a user error naming it and pointing at --list', async () => {
    const { code, stderr } = await runCli(['demo', 'no-such-scenario']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown scenario 'no-such-scenario'");
    expect(stderr).toContain('eks-doctor demo --list');
  });

  for (const scenario of listScenarios()) {
    it(`scenario ${scenario.name}: the live report equals the offline one`, async () => {
      const live = await runCli(['demo', scenario.name, '--output', 'json', '--fail-on', 'warning']);
      const offline = await runCli(['diagnose', '--snapshot', scenario.file, '--output', 'json', '--fail-on', 'warning']);
      const liveReport = JSON.parse(live.stdout) as Report;
      const offlineReport = JSON.parse(offline.stdout) as Report;
      expect(live.code).toBe(offline.code);
      // The same findings in the same order, with the same links from root causes to symptoms.
      const chains = (r: Report) => r.findings.map((f) => ({ key: f.key, severity: f.severity, explains: f.explains, explainedBy: f.explainedBy }));
      expect(chains(liveReport)).toEqual(chains(offlineReport));
      expect(liveReport.checks.map((c) => `${c.id}:${c.status}`)).toEqual(offlineReport.checks.map((c) => `${c.id}:${c.status}`));
      expect(liveReport.kubernetesAccess?.method).toBe('eks-token');
      expect(liveReport.kubernetesAccess?.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const first = scenario.expectedRootCauses[0] ?? scenario.expectedFindings[0]?.id;
      if (first) expect(liveReport.findings[0]?.id).toBe(first);
      for (const id of scenario.expectedRootCauses) expect(liveReport.findings.find((f) => f.id === id)?.explains.length, `${id} explains its symptoms live`).toBeGreaterThan(0);
    });
  }

  it('--save-snapshot --redact: the bundle and the report share placeholders, and no account ID survives', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-demo-'));
    const file = join(dir, 'bundle.json');
    const { code, stdout } = await runCli(['demo', 'node-role-not-mapped', '--output', 'json', '--save-snapshot', file, '--redact']);
    expect(code).toBe(1);
    const text = readFileSync(file, 'utf8');
    const bundle = parseSnapshot(text, file);
    expect(bundle.meta?.redacted).toBe(true);
    for (const output of [text, stdout]) {
      expect(output).not.toContain('111122223333');
      expect(output).not.toMatch(/ip-10-0-1-10\b/);
    }
    const report = JSON.parse(stdout) as Report;
    expect(report.findings[0]?.id).toBe('aws-auth/node-role-not-mapped');
    // The role the report names is the one the bundle holds.
    const named = report.findings[0]!.resources[0]!.id;
    expect(text).toContain(named);
    // And the bundle diagnoses the same offline.
    const again = JSON.parse((await runCli(['diagnose', '--snapshot', file, '--output', 'json'])).stdout) as Report;
    expect(again.findings.map((f) => f.key)).toEqual(report.findings.map((f) => f.key));
  });
});
