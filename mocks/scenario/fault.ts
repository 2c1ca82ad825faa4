import type { Snapshot } from '../../src/snapshot/types.js';

/**
 * A named way to break the baseline. `apply` edits the snapshot in place (it is handed a private
 * copy), so faults compose: a scenario with two faults is the baseline with both applied in order.
 */
export interface Fault {
  name: string;
  description: string;
  apply(snapshot: Snapshot): void;
}

export interface ScenarioDefinition {
  name: string;
  description: string;
  faults: string[];
  /** Finding ids that must be root causes, the first of them ranked first. Empty for healthy scenarios. */
  expectedRootCauses: string[];
  /** Scale of the baseline (see BaselineSize). */
  size?: { managedNodes?: number; batchNodes?: number };
}

export function defineFaults(faults: Fault[]): Fault[] {
  return faults;
}

export function defineScenarios(scenarios: ScenarioDefinition[]): ScenarioDefinition[] {
  return scenarios;
}
