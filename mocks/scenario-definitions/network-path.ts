import { defineScenarios } from '../scenario-builder/fault.js';

export const scenarios = defineScenarios([
  {
    name: 'nacl-drops-internet-replies',
    description:
      "A custom network ACL on the private subnets allows only VPC traffic in: the replies to the nodes' HTTPS calls through the NAT gateway are dropped and a replacement node never joins (NodeCreationFailure).",
    faults: ['nacl-drops-internet-replies'],
    expectedRootCauses: ['network-acls/node-path-blocked'],
  },
  {
    name: 'nacl-exact-paths',
    description: 'Healthy: a custom network ACL on the private subnets that allows exactly the paths nodes need, replies on ephemeral ports included.',
    faults: ['nacl-exact-paths'],
    expectedRootCauses: [],
  },
  {
    name: 'dhcp-custom-dns-servers',
    description:
      "The VPC's DHCP option set sends nodes to corporate DNS servers that do not forward to the Route 53 Resolver: the relaunched batch instances never join, and nothing else explains it.",
    faults: ['dhcp-custom-dns-servers'],
    expectedRootCauses: ['dhcp-options/no-amazon-provided-dns'],
  },
  {
    name: 'dhcp-custom-with-amazon-dns',
    description: 'Healthy: a custom DHCP option set that keeps AmazonProvidedDNS and the default domain name.',
    faults: ['dhcp-custom-with-amazon-dns'],
    expectedRootCauses: [],
  },
  {
    name: 'dhcp-custom-domain-name',
    description: "The VPC's DHCP option set gives the domain corp.example.com: the relaunched batch instances' host names no longer match their PrivateDnsName, and they never join.",
    faults: ['dhcp-custom-domain-name'],
    expectedRootCauses: ['dhcp-options/custom-domain-name'],
  },
  {
    name: 'dhcp-custom-dns-and-nacl',
    description:
      'Custom DNS servers and a network ACL that drops the replies from the internet: the ACL is the proven cause of the node that never joined, so the DNS servers are only a note.',
    faults: ['dhcp-custom-dns-servers', 'nacl-drops-internet-replies'],
    expectedRootCauses: ['network-acls/node-path-blocked'],
  },
]);
