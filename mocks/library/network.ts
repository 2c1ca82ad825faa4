import { defineScenarios } from '../scenario/fault.js';

export const scenarios = defineScenarios([
  {
    name: 'subnet-exhausted',
    description: 'A private subnet has no free addresses: the managed node group cannot add a node (InsufficientFreeAddresses) and pods on the node in that subnet get no IP.',
    faults: ['subnet-exhausted'],
    expectedRootCauses: ['subnets/subnet-exhausted'],
  },
  {
    name: 'node-sg-blocks-api-server',
    description: "The batch nodes' launch template replaced the cluster security group with one the control plane does not accept on TCP 443: relaunched batch nodes never join.",
    faults: ['batch-node-sg-blocks-api-server'],
    expectedRootCauses: ['security-groups/api-server-port-blocked'],
  },
  {
    name: 'nat-gateway-deleted',
    description: "The NAT gateway was deleted, leaving the private subnets' default route a blackhole: a replacement node never joins (NodeCreationFailure).",
    faults: ['nat-gateway-deleted'],
    expectedRootCauses: ['routes-egress/default-route-blackhole'],
  },
  {
    name: 'private-cluster',
    description: 'A healthy fully private cluster: no NAT, private API endpoint only, the interface endpoints nodes and pods need and the S3 gateway endpoint.',
    faults: ['private-cluster'],
    expectedRootCauses: [],
  },
  {
    name: 'public-access-cidrs-exclude-nat',
    description: "Private endpoint access is off and publicAccessCidrs do not include the NAT gateway's address: a relaunched batch node never joins.",
    faults: ['public-access-cidrs-exclude-nat'],
    expectedRootCauses: ['routes-egress/node-egress-ip-not-allowed'],
  },
  {
    name: 'egress-via-transit-gateway',
    description: 'Node subnets leave through a transit gateway: healthy as far as the VPC shows, reported as info (cannot be verified), never as a warning.',
    faults: ['egress-via-transit-gateway'],
    expectedRootCauses: [],
  },
  {
    name: 'nat-deleted-and-node-sg-blocks-api-server',
    description: 'Two faults at once: the NAT gateway was deleted (a replacement managed node never joins) and the batch nodes\' own security group is not accepted on TCP 443 by the control plane (relaunched batch nodes never join).',
    faults: ['nat-gateway-deleted', 'batch-node-sg-blocks-api-server'],
    expectedRootCauses: ['routes-egress/default-route-blackhole', 'security-groups/api-server-port-blocked'],
  },
]);
