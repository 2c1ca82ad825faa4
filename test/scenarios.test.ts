/**
 * Every bundled scenario, end to end through the CLI: the expected root cause comes first with its
 * symptoms linked, findings that explain nothing are present only when the scenario expects them,
 * the exit code follows, and the healthy baseline has nothing at warning or above.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Report } from '../src/engine/report.js';
import { listScenarios } from '../mocks/bundled-scenarios.js';
import { composeAllScenarios } from '../mocks/scenario-builder/compose.js';
import { scenarioFileText } from '../mocks/scenario-builder/generate.js';
import { runCli } from './support/run-cli.js';

const scenarios = listScenarios();

describe('scenario files', () => {
  it('are up to date with mocks/scenario-definitions and mocks/faults (run `npm run build`)', async () => {
    const composed = await composeAllScenarios();
    expect(composed.map((s) => s.meta!.scenario).sort()).toEqual(scenarios.map((s) => s.name).sort());
    for (const snapshot of composed) {
      const onDisk = readFileSync(scenarios.find((s) => s.name === snapshot.meta!.scenario)!.file, 'utf8');
      expect(onDisk === scenarioFileText(snapshot), `mocks/scenarios/${snapshot.meta!.scenario}.json is stale: run npm run build`).toBe(true);
    }
  });

  it('every scenario has a description', () => {
    for (const s of scenarios) expect(s.description, s.name).not.toBe('');
  });
});

describe.each(scenarios)('scenario $name (offline, through the CLI)', (scenario) => {
  it('names the expected root cause first, links its symptoms, and exits accordingly', async () => {
    const { code, stdout } = await runCli(['diagnose', '--snapshot', scenario.file, '--output', 'json', '--fail-on', 'warning']);
    const report = JSON.parse(stdout) as Report;
    const byKey = new Map(report.findings.map((f) => [f.key, f]));
    const rootCauses = report.findings.filter((f) => f.explains.length > 0 && f.explainedBy.length === 0);
    for (const id of scenario.expectedRootCauses) expect(rootCauses.map((f) => f.id)).toContain(id);
    // Each expected root cause explains symptoms, and they point back at it.
    for (const cause of rootCauses.filter((f) => scenario.expectedRootCauses.includes(f.id))) {
      for (const key of cause.explains) expect(byKey.get(key)?.explainedBy, `${key} explained by ${cause.key}`).toContain(cause.key);
    }
    for (const expected of scenario.expectedFindings) {
      const found = report.findings.filter((f) => f.id === expected.id);
      expect(found.length, `${expected.id} is reported`).toBeGreaterThan(0);
      for (const f of found) expect({ key: f.key, severity: f.severity, explains: f.explains }).toEqual({ key: f.key, severity: expected.severity, explains: [] });
    }
    const first = scenario.expectedRootCauses[0] ?? scenario.expectedFindings[0]?.id;
    if (first) expect(report.findings[0]?.id).toBe(first);
    // Every finding at warning or above is accounted for: a root cause, a symptom, explained by a
    // cause, or expected on its own. The healthy baseline is the case where that leaves nothing.
    const expectedIds = new Set(scenario.expectedFindings.map((f) => f.id));
    const unaccounted = report.findings.filter((f) => f.severity !== 'info' && !f.symptom && f.explains.length === 0 && f.explainedBy.length === 0 && !expectedIds.has(f.id));
    expect(unaccounted.map((f) => f.key)).toEqual([]);
    // Every symptom points at a cause, or says why none was found.
    for (const f of report.findings.filter((x) => x.symptom)) {
      expect(f.explainedBy.length > 0 || f.unexplained !== undefined, f.key).toBe(true);
    }
    // --fail-on warning: 1 exactly when something at warning or above is expected.
    const failing = scenario.expectedRootCauses.length > 0 || scenario.expectedFindings.some((f) => f.severity !== 'info');
    expect(code).toBe(failing ? 1 : 0);
    if (!failing) expect(report.findings.filter((f) => f.severity !== 'info').map((f) => f.key)).toEqual([]);
  });
});
