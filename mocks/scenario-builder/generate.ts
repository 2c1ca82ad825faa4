/**
 * Writes mocks/scenarios/<name>.json from the scenario definitions and faults. `npm run build` runs
 * it (so does `npm ci`, through `prepare`, and `npm pack`, which ships the files): they are
 * generated, not committed, and `diagnose --snapshot mocks/scenarios/<name>.json` works on a fresh
 * clone after `npm ci`. A test fails when they are stale (a definition edited since the last build).
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Snapshot } from '../../src/snapshot/types.js';
import { composeAllScenarios } from './compose.js';
import { scenariosDir } from '../bundled-scenarios.js';

export function scenarioFileText(snapshot: Snapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}

export async function writeScenarioFiles(dir = scenariosDir): Promise<string[]> {
  const snapshots = await composeAllScenarios();
  mkdirSync(dir, { recursive: true });
  const wanted = new Set(snapshots.map((s) => `${s.meta!.scenario}.json`));
  for (const existing of readdirSync(dir)) if (existing.endsWith('.json') && !wanted.has(existing)) rmSync(join(dir, existing));
  for (const s of snapshots) writeFileSync(join(dir, `${s.meta!.scenario}.json`), scenarioFileText(s));
  return [...wanted].sort();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const written = await writeScenarioFiles();
  console.log(`wrote ${written.length} scenarios to ${scenariosDir}`);
}
