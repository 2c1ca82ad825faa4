/**
 * Every bundled scenario, end to end through the CLI: the expected root cause comes first with the
 * right exit code, and the healthy baseline has nothing at warning or above.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Report } from '../src/engine/report.js';
import { listScenarios } from '../mocks/scenario-library.js';
import { composeAllScenarios } from '../mocks/scenario/compose.js';
import { scenarioFileText } from '../mocks/scenario/generate.js';
import { runCli } from './support/run-cli.js';

const scenarios = listScenarios();

describe('scenario files', () => {
  it('are up to date with mocks/library and mocks/faults (run `npm run scenarios`)', async () => {
    const composed = await composeAllScenarios();
    expect(composed.map((s) => s.meta!.scenario).sort()).toEqual(scenarios.map((s) => s.name).sort());
    for (const snapshot of composed) {
      const onDisk = readFileSync(scenarios.find((s) => s.name === snapshot.meta!.scenario)!.file, 'utf8');
      expect(onDisk === scenarioFileText(snapshot), `mocks/scenarios/${snapshot.meta!.scenario}.json is stale: run npm run scenarios`).toBe(true);
    }
  });

  it('every scenario has a description', () => {
    for (const s of scenarios) expect(s.description, s.name).not.toBe('');
  });
});

describe.each(scenarios)('scenario $name (offline, through the CLI)', (scenario) => {
  it('names the expected root cause first and exits accordingly', async () => {
    const { code, stdout } = await runCli(['diagnose', '--snapshot', scenario.file, '--output', 'json', '--fail-on', 'warning']);
    const report = JSON.parse(stdout) as Report;
    if (scenario.expectedRootCauses.length === 0) {
      expect(report.findings.filter((f) => f.severity !== 'info').map((f) => f.key)).toEqual([]);
      expect(code).toBe(0);
      return;
    }
    expect(code).toBe(1);
    const rootCauseIds = report.findings.filter((f) => f.explains.length > 0 && f.explainedBy.length === 0).map((f) => f.id);
    expect(report.findings[0]?.id).toBe(scenario.expectedRootCauses[0]);
    for (const id of scenario.expectedRootCauses) expect(rootCauseIds).toContain(id);
    // Every symptom in a sick scenario points at a cause, or says why none was found.
    for (const f of report.findings.filter((x) => x.symptom)) {
      expect(f.explainedBy.length > 0 || f.unexplained !== undefined, f.key).toBe(true);
    }
  });
});
