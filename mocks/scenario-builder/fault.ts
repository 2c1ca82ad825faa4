import type { ExpectedFinding, Snapshot } from '../../src/snapshot/types.js';

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
  /**
   * Finding ids that must be root causes (explaining at least one symptom, explained by none), the
   * first of them ranked first. Empty when nothing is broken yet.
   */
  expectedRootCauses: string[];
  /**
   * Findings at warning or above that explain no symptom and are no symptom themselves, with their
   * severity: a cause whose effect has not arrived yet (a cluster past standard support), or a
   * warning that corroborates a root cause (an EKS insight). Every finding at warning or above must
   * be a root cause, a symptom, explained by a cause, or listed here; with no root causes, the
   * first of these is ranked first.
   */
  expectedFindings?: ExpectedFinding[];
  /** Scale of the baseline (see BaselineSize). */
  size?: { managedNodes?: number; batchNodes?: number };
}

export function defineFaults(faults: Fault[]): Fault[] {
  return faults;
}

export function defineScenarios(scenarios: ScenarioDefinition[]): ScenarioDefinition[] {
  return scenarios;
}
