import { defineScenarios } from '../scenario-builder/fault.js';

export const scenarios = defineScenarios([
  {
    name: 'api-server-private-only',
    description: 'The cluster endpoint is private only and eks-doctor runs outside the VPC: AWS-side checks run, Kubernetes-side checks cannot, and the report says why.',
    faults: ['api-server-private-only'],
    expectedRootCauses: ['api-server-access/private-endpoint-only'],
  },
  {
    name: 'api-server-caller-not-mapped',
    description: 'eks-doctor runs as an IAM role with no access entry on an access-entries-only cluster: the API server answers 401.',
    faults: ['api-server-caller-not-mapped'],
    expectedRootCauses: ['api-server-access/caller-not-mapped'],
  },
]);
