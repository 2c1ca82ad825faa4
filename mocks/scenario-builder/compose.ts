import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Snapshot } from '../../src/snapshot/types.js';
import { buildBaseline } from './baseline.js';
import type { Fault, ScenarioDefinition } from './fault.js';

/**
 * Faults live in mocks/faults/*, scenario definitions in mocks/scenario-definitions/*: a new check adds its own
 * files there and edits nothing shared.
 */
const mocksDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

async function importAll<T>(folder: string, exportName: string): Promise<T[]> {
  const dir = join(mocksDir, folder);
  const files = readdirSync(dir).filter((f) => f.endsWith(extension) && !f.includes('.test.') && !f.endsWith('.d.ts')).sort();
  const modules = await Promise.all(files.map((f) => import(pathToFileURL(join(dir, f)).href) as Promise<Record<string, unknown>>));
  return modules.flatMap((m, i) => {
    const value = m[exportName];
    if (!Array.isArray(value)) throw new Error(`mocks/${folder}/${files[i]} must export '${exportName}' as an array`);
    return value as T[];
  });
}

export async function loadFaults(): Promise<Map<string, Fault>> {
  const faults = await importAll<Fault>('faults', 'faults');
  const byName = new Map<string, Fault>();
  for (const f of faults) {
    if (byName.has(f.name)) throw new Error(`two faults are named '${f.name}'`);
    byName.set(f.name, f);
  }
  return byName;
}

export async function loadScenarioDefinitions(): Promise<ScenarioDefinition[]> {
  const definitions = await importAll<ScenarioDefinition>('scenario-definitions', 'scenarios');
  const names = new Set<string>();
  for (const d of definitions) {
    if (names.has(d.name)) throw new Error(`two scenarios are named '${d.name}'`);
    names.add(d.name);
  }
  return definitions.sort((a, b) => a.name.localeCompare(b.name));
}

/** The baseline with the named faults applied, in order. */
export function composeScenario(definition: ScenarioDefinition, faults: Map<string, Fault>): Snapshot {
  const snapshot = buildBaseline(definition.size ?? {});
  for (const name of definition.faults) {
    const fault = faults.get(name);
    if (!fault) throw new Error(`scenario ${definition.name} uses unknown fault '${name}'`);
    fault.apply(snapshot);
  }
  snapshot.meta = {
    description: definition.description,
    scenario: definition.name,
    faults: definition.faults,
    expectedRootCauses: definition.expectedRootCauses,
    ...(definition.expectedFindings ? { expectedFindings: definition.expectedFindings } : {}),
  };
  return snapshot;
}

export async function composeAllScenarios(): Promise<Snapshot[]> {
  const [faults, definitions] = await Promise.all([loadFaults(), loadScenarioDefinitions()]);
  return definitions.map((d) => composeScenario(d, faults));
}
