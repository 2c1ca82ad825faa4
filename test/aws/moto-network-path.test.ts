/**
 * Network ACLs and DHCP options against moto (issue 19): the sick cluster of test/aws/moto.ts, with
 * a custom network ACL on one node subnet that lets only VPC traffic in, and a DHCP option set that
 * sends nodes to a DNS server outside the VPC under a custom domain name.
 *
 * Where moto falls short of EC2, and what eks-doctor does about it:
 * - A custom ACL's answer lacks the final `*` entries (rule 32767) EC2 lists: the evaluation denies
 *   what no rule matches either way, so the verdicts do not depend on it.
 * - No control plane interfaces ('Amazon EKS <cluster>'): moto's EKS creates none, so the ACL check
 *   stands in the cluster subnets' ranges for their addresses.
 * - DescribeCluster has no vpcId: the VPC is found through the cluster's subnets.
 */
import { AssociateDhcpOptionsCommand, CreateDhcpOptionsCommand, CreateNetworkAclCommand, CreateNetworkAclEntryCommand, DescribeNetworkAclsCommand, EC2Client, ReplaceNetworkAclAssociationCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/collect/aws/clients.js';
import { collectSnapshot } from '../../src/collect/collect.js';
import { planFromParts } from '../../src/collect/plan.js';
import type { Finding } from '../../src/engine/finding.js';
import type { Snapshot, SnapshotPart } from '../../src/snapshot/types.js';
import { MOCK_CREDENTIALS } from '../../mocks/aws-mock/index.js';
import dhcpOptions from '../../diagnostics/dhcp-options.js';
import networkAcls from '../../diagnostics/network-acls.js';
import { runDiagnostic } from '../support/diagnostic-tester.js';
import { motoAvailable, provisionSickCluster, SICK_CLUSTER, startMoto, type Moto } from './moto.js';

const version = motoAvailable();

const PARTS: SnapshotPart[] = ['aws.cluster', 'aws.vpcs', 'aws.subnets', 'aws.routeTables', 'aws.natGateways', 'aws.internetGateways', 'aws.vpcEndpoints', 'aws.networkAcls', 'aws.dhcpOptions', 'aws.controlPlaneInterfaces', 'aws.autoScalingGroups', 'aws.reservations', 'aws.nodegroups'];

describe.skipIf(!version)(`moto ${version ?? '(absent)'}: network ACLs and DHCP options`, () => {
  let moto: Moto;
  let ids: Awaited<ReturnType<typeof provisionSickCluster>>;
  let aclId: string;
  let optionSet: string;
  let snapshot: Snapshot;

  beforeAll(async () => {
    moto = await startMoto();
    ids = await provisionSickCluster(moto.url);
    const ec2 = new EC2Client({ region: SICK_CLUSTER.region, endpoint: moto.url, credentials: MOCK_CREDENTIALS });
    try {
      aclId = (await ec2.send(new CreateNetworkAclCommand({ VpcId: ids.vpc }))).NetworkAcl!.NetworkAclId!;
      await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: aclId, RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '10.20.0.0/16' }));
      await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: aclId, RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' }));
      const current = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [ids.subnets[1]!] }] }))).NetworkAcls![0]!;
      const association = current.Associations!.find((a) => a.SubnetId === ids.subnets[1])!.NetworkAclAssociationId!;
      await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: association, NetworkAclId: aclId }));
      optionSet = (await ec2.send(new CreateDhcpOptionsCommand({ DhcpConfigurations: [{ Key: 'domain-name-servers', Values: ['10.99.0.2'] }, { Key: 'domain-name', Values: ['corp.example.com'] }] }))).DhcpOptions!.DhcpOptionsId!;
      await ec2.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: optionSet, VpcId: ids.vpc }));
    } finally {
      ec2.destroy();
    }
    const clients = await createAwsClients({ region: SICK_CLUSTER.region, endpointUrl: moto.url, credentials: MOCK_CREDENTIALS, env: {} });
    try {
      snapshot = await collectSnapshot({ clusterName: SICK_CLUSTER.name, plan: planFromParts(PARTS), aws: clients });
    } finally {
      clients.destroy();
    }
  }, 120_000);
  afterAll(() => moto?.stop());

  it('collects every ACL of the VPC with its entries and associations, and the option set the VPC names', () => {
    expect(snapshot.errors.filter((e) => ['aws.networkAcls', 'aws.dhcpOptions'].includes(e.part))).toEqual([]);
    const custom = snapshot.aws.networkAcls!.find((a) => a.NetworkAclId === aclId)!;
    expect(custom.Associations!.map((a) => a.SubnetId)).toEqual([ids.subnets[1]]);
    expect(custom.Entries!.filter((e) => e.RuleNumber === 100).map((e) => e.Egress).sort()).toEqual([false, true]);
    expect(snapshot.aws.networkAcls!.some((a) => a.IsDefault === true && a.Associations!.some((x) => x.SubnetId === ids.subnets[0]))).toBe(true);
    expect(snapshot.aws.dhcpOptions!.map((d) => d.DhcpOptionsId)).toEqual([optionSet]);
  });

  it("finds the ACL that drops the DNS server's replies, naming the final * rule whether or not moto lists it", () => {
    const findings = runDiagnostic(networkAcls, snapshot);
    const dns = findings.find((f: Finding) => f.key === `network-acls/node-path-blocked:${aclId}/dns`);
    expect(dns?.evidence.join('\n')).toContain(`${aclId} on ${ids.subnets[1]}`);
    expect(dns?.evidence.join('\n')).toContain('from DNS resolver 10.99.0.2 (DHCP option set');
    expect(dns?.evidence.join('\n')).toContain('is denied by the final * rule (32767)');
    // The subnet on the default ACL is fine: no finding names it as its ACL's subnet.
    expect(findings.filter((f) => f.resources.some((r) => r.id === snapshot.aws.networkAcls!.find((a) => a.IsDefault)!.NetworkAclId))).toEqual([]);
  });

  it('reports the DHCP option set without AmazonProvidedDNS and its custom domain name', () => {
    const ids_ = runDiagnostic(dhcpOptions, snapshot).map((f) => f.key).sort();
    expect(ids_).toEqual([`dhcp-options/custom-domain-name:${optionSet}`, `dhcp-options/no-amazon-provided-dns:${optionSet}`]);
  });
});
