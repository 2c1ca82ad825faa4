import { defineScenarios } from '../scenario-builder/fault.js';

/** Pods that cannot be scheduled, traced to their causes; and busy-but-healthy clusters that must stay clean. */
export const scenarios = defineScenarios([
  {
    name: 'auto-mode-healthy',
    description: 'EKS Auto Mode runs the cluster\'s capacity (its general-purpose and system NodePools, NodeClass default ready); nothing is Pending. Nothing to report about scheduling.',
    faults: ['auto-mode-enabled'],
    expectedRootCauses: [],
  },
]);
