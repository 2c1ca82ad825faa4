import { describe, expect, it } from 'vitest';
import { BASELINE, DHCP_OPTIONS_ID, buildBaseline } from '../mocks/scenario-builder/baseline.js';
import { faults, setDhcpOptions } from '../mocks/faults/network-path.js';
import { describeDiagnostic, failedPart, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import dhcpOptions from './dhcp-options.js';

const fault = (name: string) => faults.find((f) => f.name === name)!.apply;

describeDiagnostic(dhcpOptions, {
  healthy: [
    { name: 'baseline: AmazonProvidedDNS and the region\'s domain', snapshot: buildBaseline() },
    { name: 'a custom option set that keeps AmazonProvidedDNS and the default domain', snapshot: mutate(fault('dhcp-custom-with-amazon-dns')) },
    { name: "the Route 53 Resolver named by the VPC's .2 address", snapshot: mutate((s) => setDhcpOptions(s, { 'domain-name': [`${BASELINE.region}.compute.internal`], 'domain-name-servers': ['10.0.0.2'] })) },
    {
      name: 'us-east-1 uses ec2.internal',
      snapshot: mutate((s) => {
        s.cluster.region = 'us-east-1';
        setDhcpOptions(s, { 'domain-name': ['ec2.internal'], 'domain-name-servers': ['AmazonProvidedDNS'] });
      }),
    },
  ],
  broken: [
    {
      name: 'only corporate DNS servers',
      snapshot: mutate(fault('dhcp-custom-dns-servers')),
      expect: [{ id: 'dhcp-options/no-amazon-provided-dns', resource: DHCP_OPTIONS_ID, severity: 'warning', mentions: '10.200.0.10, 10.200.0.11', canExplain: ['instance-not-joined', 'node-not-ready', 'nodegroup-unhealthy'] }],
    },
    {
      name: 'no option set at all',
      snapshot: mutate((s) => {
        s.aws.vpcs![0]!.DhcpOptionsId = 'default';
      }),
      expect: [{ id: 'dhcp-options/no-amazon-provided-dns', resource: BASELINE.vpcId, mentions: 'no DHCP option set' }],
    },
    {
      name: 'a custom domain name',
      snapshot: mutate(fault('dhcp-custom-domain-name')),
      expect: [{ id: 'dhcp-options/custom-domain-name', resource: DHCP_OPTIONS_ID, mentions: 'corp.example.com', canExplain: ['instance-not-joined'] }],
    },
  ],
  errors: [
    failedPart('DescribeDhcpOptions denied', { part: 'aws.dhcpOptions', call: 'ec2:DescribeDhcpOptions', kind: 'denied', code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.', permission: 'ec2:DescribeDhcpOptions' }, 'ec2:DescribeDhcpOptions'),
  ],
});

describe('dhcp-options custom domain', () => {
  it('quotes a Node whose name differs from its instance\'s PrivateDnsName as proof', () => {
    const snapshot = mutate((s) => {
      setDhcpOptions(s, { 'domain-name': ['corp.example.com'], 'domain-name-servers': ['AmazonProvidedDNS'] });
      const node = s.kubernetes.nodes![0]!;
      node.metadata!.name = node.metadata!.name!.replace(`${BASELINE.region}.compute.internal`, 'corp.example.com');
    });
    const [f] = runDiagnostic(dhcpOptions, snapshot);
    expect(f!.evidence.some((e) => /^Node ip-[\d-]+\.corp\.example\.com runs on i-\w+, whose PrivateDnsName is ip-[\d-]+\.eu-west-1\.compute\.internal\.$/.test(e))).toBe(true);
    expect(f!.fix.commands[0]).toBe(`aws ec2 create-dhcp-options --dhcp-configurations "Key=domain-name,Values=${BASELINE.region}.compute.internal" "Key=domain-name-servers,Values=AmazonProvidedDNS" --region ${BASELINE.region}`);
  });
});
