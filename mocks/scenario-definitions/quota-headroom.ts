import { defineScenarios } from '../scenario-builder/fault.js';

export const scenarios = defineScenarios([
  {
    name: 'vcpu-quota-below-groups-max',
    description:
      "Launches succeed today, but the On-Demand Standard vCPU quota (100) is short of what the groups' max needs: 28 vCPUs in use, and general and batch may launch 76 more. The next large scale-up stops short with VcpuLimitExceeded.",
    faults: ['on-demand-quota-below-groups-max'],
    expectedRootCauses: [],
    expectedFindings: [{ id: 'quota-headroom/vcpu-quota-headroom-short', severity: 'warning' }],
  },
  {
    name: 'vcpu-quota-default-below-groups-max',
    description:
      "No On-Demand Standard vCPU quota is applied to the account, so AWS's default of 96 vCPUs holds (read with GetAWSDefaultServiceQuota): 28 in use, 76 more for the groups' max.",
    faults: ['on-demand-quota-default-only'],
    expectedRootCauses: [],
    expectedFindings: [{ id: 'quota-headroom/vcpu-quota-headroom-short', severity: 'warning' }],
  },
  {
    name: 'spot-vcpu-quota-below-groups-max',
    description:
      "The managed node group general runs Spot: 14 Spot vCPUs in use under a Spot Standard quota of 20, and general may launch 3 more m6i.xlarge (12 vCPUs), Karpenter's NodePool default 98 more up to its limits.cpu. The On-Demand quota has room; the Spot one does not.",
    faults: ['general-spot-quota-short'],
    expectedRootCauses: [],
    expectedFindings: [{ id: 'quota-headroom/vcpu-quota-headroom-short', severity: 'warning' }],
  },
  {
    name: 'nodepool-spot-quota-below-limits',
    description:
      "Karpenter's NodePool default may launch Spot up to its limits.cpu of 100 (2 vCPUs in use), but the account's Spot Standard vCPU quota is 64: its next large scale-up stops short with MaxSpotInstanceCountExceeded.",
    faults: ['nodepool-spot-quota-below-limits'],
    expectedRootCauses: [],
    expectedFindings: [{ id: 'quota-headroom/vcpu-quota-headroom-short', severity: 'warning' }],
  },
]);
