import { defineScenarios } from '../scenario-builder/fault.js';

export const scenarios = defineScenarios([
  {
    name: 'custom-networking',
    description: 'Healthy: VPC CNI custom networking done right, one ENIConfig per zone chosen by the zone label, pods on the pod subnets of a secondary CIDR.',
    faults: ['custom-networking'],
    expectedRootCauses: [],
  },
  {
    name: 'custom-networking-eniconfig-missing',
    description: 'Custom networking chooses ENIConfigs by zone and there is none for eu-west-1c: pods on the node there wait in ContainerCreating without an address.',
    faults: ['custom-networking-eniconfig-missing'],
    expectedRootCauses: ['custom-networking/eniconfig-missing'],
  },
  {
    name: 'custom-networking-switched-on-late',
    description: 'Custom networking was switched on after every node had joined: the nodes keep their old interfaces until they are replaced.',
    faults: ['custom-networking-switched-on-late'],
    expectedRootCauses: [],
    expectedFindings: [{ id: 'custom-networking/node-predates-custom-networking', severity: 'warning' }],
  },
  {
    name: 'security-groups-for-pods',
    description: 'Healthy: security groups for pods with the controller policy, trunk interfaces on the EC2 nodes, and a SecurityGroupPolicy whose groups exist and allow DNS.',
    faults: ['security-groups-for-pods'],
    expectedRootCauses: [],
  },
  {
    name: 'security-groups-for-pods-no-controller-policy',
    description: 'ENABLE_POD_ENI is on but the cluster role lacks AmazonEKSVPCResourceController: the payments pods wait in ContainerCreating.',
    faults: ['security-groups-for-pods-no-controller-policy'],
    expectedRootCauses: ['security-groups-for-pods/controller-policy-missing'],
  },
  {
    name: 'security-groups-for-pods-group-deleted',
    description: "The payments pods' SecurityGroupPolicy names a deleted security group: they wait in ContainerCreating.",
    faults: ['security-groups-for-pods-group-deleted'],
    expectedRootCauses: ['security-groups-for-pods/policy-group-missing'],
  },
]);
