import { defineScenarios } from '../scenario-builder/fault.js';

export const scenarios = defineScenarios([
  {
    name: 'asg-insufficient-capacity',
    description:
      'The managed node group general was scaled from 3 to 5 m6i.xlarge instances, and every launch since has failed with InsufficientInstanceCapacity, in each of its three Availability Zones in turn: the group stays at 3 of 5.',
    faults: ['general-launches-insufficient-capacity'],
    expectedRootCauses: ['node-registration/launch-capacity-unavailable'],
  },
  {
    name: 'asg-vcpu-quota',
    description:
      'The self-managed batch group was scaled from 2 to 4 c6i.2xlarge instances, and every launch fails because the account is at its On-Demand vCPU quota of 32: the group stays at 2 of 4.',
    faults: ['batch-launches-vcpu-quota'],
    expectedRootCauses: ['quota-headroom/vcpu-quota-exhausted'],
  },
  {
    name: 'asg-capacity-and-quota',
    description:
      'Two groups short at once: the managed node group general cannot get m6i.xlarge capacity in any zone, and the self-managed batch group is blocked by the On-Demand vCPU quota. The quota ranks first: it will not resolve by itself.',
    faults: ['general-launches-insufficient-capacity', 'batch-launches-vcpu-quota'],
    expectedRootCauses: ['quota-headroom/vcpu-quota-exhausted', 'node-registration/launch-capacity-unavailable'],
  },
  {
    name: 'asg-instance-profile-deleted',
    description:
      'The instance profile of the self-managed batch group (shop-prod-batch-profile) was deleted while its launch template still names it: the group was scaled from 2 to 3 and every launch fails with "Invalid IAM Instance Profile ARN".',
    faults: ['batch-instance-profile-deleted'],
    expectedRootCauses: ['node-iam-role/instance-profile-not-found'],
  },
]);
