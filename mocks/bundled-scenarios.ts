/**
 * The bundled scenarios, as the demo, the mock server and tests read them: snapshot files in
 * mocks/scenarios/, generated from mocks/scenario-definitions/ and mocks/faults/ by `npm run build`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSnapshot } from '../src/snapshot/load.js';
import type { ExpectedFinding, Snapshot } from '../src/snapshot/types.js';
import { closestNames, UserError } from '../src/user-error.js';
import { packageRoot } from '../src/package-root.js';

export const scenariosDir = join(packageRoot(), 'mocks', 'scenarios');

export interface ScenarioSummary {
  name: string;
  description: string;
  faults: string[];
  expectedRootCauses: string[];
  expectedFindings: ExpectedFinding[];
  file: string;
}

export function listScenarios(): ScenarioSummary[] {
  return readdirSync(scenariosDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const s = loadScenarioFile(join(scenariosDir, f));
      return {
        name: f.replace(/\.json$/, ''),
        description: s.meta?.description ?? '',
        faults: s.meta?.faults ?? [],
        expectedRootCauses: s.meta?.expectedRootCauses ?? [],
        expectedFindings: s.meta?.expectedFindings ?? [],
        file: join(scenariosDir, f),
      };
    });
}

function loadScenarioFile(path: string): Snapshot {
  return parseSnapshot(readFileSync(path, 'utf8'), path);
}

export function loadScenario(name: string): Snapshot {
  const file = join(scenariosDir, `${name}.json`);
  if (!existsSync(file)) {
    const names = readdirSync(scenariosDir).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
    const closest = closestNames(name, names, 4);
    throw new UserError(
      `unknown scenario '${name}'`,
      `${closest.length > 0 ? `Closest: ${closest.join(', ')}. ` : ''}\`eks-doctor demo --list\` lists all ${names.length} with what is wrong in each.`,
    );
  }
  return loadScenarioFile(file);
}
