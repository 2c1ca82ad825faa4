import { defineScenarios } from '../scenario-builder/fault.js';

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
    name: 'private-cluster-ecr-dkr-endpoint-missing',
    description: 'A fully private cluster whose ecr.dkr endpoint was deleted: a new node cannot pull the VPC CNI image and stays NotReady.',
    faults: ['private-cluster', 'ecr-dkr-endpoint-deleted'],
    expectedRootCauses: ['routes-egress/endpoint-missing'],
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
    name: 'lb-public-subnets-untagged',
    description: 'No public subnet carries kubernetes.io/role/elb: the internet-facing storefront NLB stays pending.',
    faults: ['public-subnets-untagged'],
    expectedRootCauses: ['load-balancers/no-subnets-for-scheme'],
    expectedFindings: [{ id: 'subnets/elb-tag-missing', severity: 'warning' }], // the same missing tag, seen from the subnets
  },
  {
    name: 'lb-controller-missing',
    description: 'The AWS Load Balancer Controller was uninstalled: the storefront Service, which asks for it, stays pending.',
    faults: ['lb-controller-missing'],
    expectedRootCauses: ['load-balancers/controller-missing'],
  },
  {
    name: 'lb-controller-crashlooping',
    description: 'The AWS Load Balancer Controller pods crash-loop: the storefront Service stays pending.',
    faults: ['lb-controller-crashlooping'],
    expectedRootCauses: ['load-balancers/controller-not-running'],
  },
  {
    name: 'pods-max-pods-above-eni-capacity',
    description: 'A node runs with max-pods above what its network interfaces can address and no prefix delegation: pods past the limit get no IP.',
    faults: ['max-pods-above-eni-capacity'],
    expectedRootCauses: ['pod-ip-capacity/max-pods-exceeds-ip-capacity'],
  },
  {
    name: 'nat-deleted-and-node-sg-blocks-api-server',
    description: 'Two faults at once: the NAT gateway was deleted (a replacement managed node never joins) and the batch nodes\' own security group is not accepted on TCP 443 by the control plane (relaunched batch nodes never join).',
    faults: ['nat-gateway-deleted', 'batch-node-sg-blocks-api-server'],
    expectedRootCauses: ['routes-egress/default-route-blackhole', 'security-groups/api-server-port-blocked'],
  },
  {
    name: 'nat-deleted-and-lb-controller-missing',
    description: 'Two faults at once: the NAT gateway was deleted (a replacement node never joins) and the AWS Load Balancer Controller was uninstalled (the storefront NLB stays pending).',
    faults: ['nat-gateway-deleted', 'lb-controller-missing'],
    expectedRootCauses: ['routes-egress/default-route-blackhole', 'load-balancers/controller-missing'],
  },
]);
