import { BASELINE, NAT_GATEWAY_ID, PRIVATE_SUBNETS, buildBaseline } from '../mocks/scenario-builder/baseline.js';
import { ENDPOINT_SG, PRIVATE_ROUTE_TABLE, TRANSIT_GATEWAY_ID, faults, makePrivateCluster, removeEndpoint } from '../mocks/faults/network.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { describeDiagnostic, failedPart, mutate } from '../test/support/diagnostic-tester.js';
import routesEgress from './routes-egress.js';

const fault = (name: string) => faults.find((f) => f.name === name)!.apply;
const privateCluster = mutate(makePrivateCluster);
const fromPrivate = (edit: (s: Snapshot) => void) => mutate(edit, privateCluster);
const endpoint = (s: Snapshot, service: string) => s.aws.vpcEndpoints!.find((e) => e.ServiceName === `com.amazonaws.${BASELINE.region}.${service}`)!;
const defaultRoute = (s: Snapshot) => s.aws.routeTables!.find((t) => t.RouteTableId === PRIVATE_ROUTE_TABLE)!.Routes!.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')!;

/** The private subnets lose their explicit association and use the main table, which gets the private table's routes. */
function privateSubnetsOnMainTable(s: Snapshot): void {
  const privateTable = s.aws.routeTables!.find((t) => t.RouteTableId === PRIVATE_ROUTE_TABLE)!;
  const main = s.aws.routeTables!.find((t) => t.Associations!.some((a) => a.Main))!;
  main.Routes = privateTable.Routes;
  privateTable.Associations = [];
}

describeDiagnostic(routesEgress, {
  healthy: [
    { name: 'baseline: private subnets behind an available NAT gateway', snapshot: buildBaseline() },
    { name: 'fully private cluster with every endpoint it needs', snapshot: privateCluster },
    {
      // moto's DescribeCluster has no vpcId: the cluster subnets' VPC stands in, so the endpoints are found.
      name: 'fully private cluster whose DescribeCluster lacks vpcId',
      snapshot: fromPrivate((s) => {
        delete s.aws.cluster!.resourcesVpcConfig!.vpcId;
      }),
    },
    { name: 'egress through a transit gateway is info, never a warning', snapshot: mutate(fault('egress-via-transit-gateway')), allowInfo: ['routes-egress/egress-unverifiable'] },
    {
      name: 'public access restricted to a range that holds the NAT address',
      snapshot: mutate((s) => {
        s.aws.cluster!.resourcesVpcConfig = { ...s.aws.cluster!.resourcesVpcConfig, endpointPrivateAccess: false, publicAccessCidrs: ['203.0.113.0/24'] };
      }),
    },
    {
      name: 'subnets without an explicit association use the main table',
      snapshot: mutate((s) => {
        privateSubnetsOnMainTable(s);
      }),
    },
  ],
  broken: [
    {
      name: 'NAT gateway deleted: the default route is a blackhole',
      snapshot: mutate(fault('nat-gateway-deleted')),
      expect: [{ id: 'routes-egress/default-route-blackhole', resource: NAT_GATEWAY_ID, severity: 'critical', canExplain: ['instance-not-joined', 'node-not-ready', 'nodegroup-unhealthy'] }],
    },
    {
      name: 'NAT gateway gone from the VPC although the route still looks active',
      snapshot: mutate((s) => {
        s.aws.natGateways = [];
      }),
      expect: [{ id: 'routes-egress/default-route-blackhole', resource: PRIVATE_SUBNETS[1], mentions: 'does not exist' }],
    },
    {
      name: 'main route table with the dead NAT route, subnets not explicitly associated',
      snapshot: mutate((s) => {
        privateSubnetsOnMainTable(s);
        s.aws.natGateways![0]!.State = 'failed';
      }),
      expect: [{ id: 'routes-egress/default-route-blackhole', resource: 'rtb-0c3c3c3c3c3c3c3c3', mentions: 'is failed' }],
    },
    {
      name: 'egress through a transit gateway is reported as info',
      snapshot: mutate(fault('egress-via-transit-gateway')),
      expect: [{ id: 'routes-egress/egress-unverifiable', resource: PRIVATE_SUBNETS[0], severity: 'info', mentions: TRANSIT_GATEWAY_ID }],
    },
    {
      name: 'private cluster without the ecr.dkr endpoint',
      snapshot: fromPrivate((s) => removeEndpoint(s, 'ecr.dkr')),
      expect: [{ id: 'routes-egress/endpoint-missing', resource: BASELINE.vpcId, mentions: 'ecr.dkr', canExplain: ['node-not-ready', 'addon-unhealthy'] }],
    },
    {
      name: 'private cluster without the ecr.dkr endpoint, DescribeCluster lacking vpcId: the VPC is still named',
      snapshot: fromPrivate((s) => {
        removeEndpoint(s, 'ecr.dkr');
        delete s.aws.cluster!.resourcesVpcConfig!.vpcId;
      }),
      expect: [{ id: 'routes-egress/endpoint-missing', resource: BASELINE.vpcId, mentions: 'ecr.dkr' }],
    },
    {
      name: 'private cluster without the S3 gateway endpoint',
      snapshot: fromPrivate((s) => removeEndpoint(s, 's3')),
      expect: [{ id: 'routes-egress/endpoint-missing', resource: BASELINE.vpcId, mentions: 's3' }],
    },
    {
      name: 'endpoint security group does not accept 443 from the nodes',
      snapshot: fromPrivate((s) => {
        s.aws.securityGroups!.find((g) => g.GroupId === ENDPOINT_SG)!.IpPermissions = [];
      }),
      expect: [{ id: 'routes-egress/endpoint-unreachable', resource: endpoint(privateCluster, 'ec2').VpcEndpointId, mentions: 'do not accept TCP 443' }],
    },
    {
      name: 'ecr.api endpoint with private DNS off',
      snapshot: fromPrivate((s) => {
        endpoint(s, 'ecr.api').PrivateDnsEnabled = false;
      }),
      expect: [{ id: 'routes-egress/endpoint-unreachable', resource: endpoint(privateCluster, 'ecr.api').VpcEndpointId, mentions: 'private DNS off' }],
    },
    {
      name: 'S3 gateway endpoint not on the node route table',
      snapshot: fromPrivate((s) => {
        endpoint(s, 's3').RouteTableIds = [];
      }),
      expect: [{ id: 'routes-egress/endpoint-unreachable', resource: endpoint(privateCluster, 's3').VpcEndpointId, mentions: PRIVATE_ROUTE_TABLE }],
    },
    {
      name: 'private-only API endpoint with VPC DNS hostnames off',
      snapshot: fromPrivate((s) => {
        s.aws.vpcDnsAttributes![0]!.EnableDnsHostnames = false;
      }),
      expect: [{ id: 'routes-egress/vpc-dns-disabled', resource: BASELINE.vpcId, severity: 'critical' }],
    },
    {
      name: 'public and private endpoint with VPC DNS support off',
      snapshot: mutate((s) => {
        s.aws.vpcDnsAttributes![0]!.EnableDnsSupport = false;
      }),
      expect: [{ id: 'routes-egress/vpc-dns-disabled', resource: BASELINE.vpcId, severity: 'warning' }],
    },
    {
      name: 'public access restricted to a range without the NAT address, private access off',
      snapshot: mutate(fault('public-access-cidrs-exclude-nat')),
      expect: [{ id: 'routes-egress/node-egress-ip-not-allowed', resource: NAT_GATEWAY_ID, mentions: '203.0.113.25', canExplain: ['instance-not-joined'] }],
    },
    {
      name: 'private access off and nodes without a default route',
      snapshot: fromPrivate((s) => {
        s.aws.cluster!.resourcesVpcConfig = { ...s.aws.cluster!.resourcesVpcConfig, endpointPrivateAccess: false, endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'] };
      }),
      expect: [{ id: 'routes-egress/api-server-unreachable-from-nodes', resource: PRIVATE_SUBNETS[2] }],
    },
    {
      name: 'default route blackholed by EC2 whatever its target',
      snapshot: mutate((s) => {
        fault('egress-via-transit-gateway')(s);
        defaultRoute(s).State = 'blackhole';
      }),
      expect: [{ id: 'routes-egress/default-route-blackhole', resource: PRIVATE_SUBNETS[0], mentions: TRANSIT_GATEWAY_ID }],
    },
  ],
  errors: [
    failedPart('route tables could not be read', { part: 'aws.routeTables', call: 'ec2:DescribeRouteTables', kind: 'denied', code: 'UnauthorizedOperation', message: 'not authorized', permission: 'ec2:DescribeRouteTables' }, 'ec2:DescribeRouteTables'),
  ],
});
