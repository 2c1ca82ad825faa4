import { defineScenarios } from '../scenario-builder/fault.js';

export const scenarios = defineScenarios([
  {
    name: 'baseline',
    description: 'Healthy baseline: managed, self-managed, Karpenter and Fargate capacity, all joined and Ready.',
    faults: [],
    expectedRootCauses: [],
  },
]);
