import { defineScenarios } from '../scenario-builder/fault.js';

export const scenarios = defineScenarios([
  {
    name: 'webhook-deployment-scaled-to-zero',
    description: "Kyverno's admission controller was scaled to zero while its failurePolicy Fail webhook covers pod creation: the cart rollout creates no pods (FailedCreate: no endpoints available).",
    faults: ['kyverno-scaled-to-zero'],
    expectedRootCauses: ['admission-webhooks/webhook-backend-unavailable'],
  },
  {
    name: 'webhook-left-behind-after-uninstall',
    description: "Kyverno was uninstalled and its webhook configuration left behind, calling a Service that no longer exists: the cart rollout creates no pods.",
    faults: ['kyverno-uninstalled-webhook-left'],
    expectedRootCauses: ['admission-webhooks/webhook-no-endpoints'],
  },
  {
    name: 'webhook-ignore-without-endpoints',
    description: "Kyverno's admission controller is scaled to zero but its webhook has failurePolicy Ignore: pods are admitted without it, nothing is wrong with pod creation.",
    faults: ['kyverno-ignore-webhook-without-endpoints'],
    expectedRootCauses: [],
  },
]);
