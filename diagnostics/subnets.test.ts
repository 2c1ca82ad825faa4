import { BATCH_ASG, PRIVATE_SUBNETS, PUBLIC_SUBNETS, buildBaseline } from '../mocks/scenario-builder/baseline.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { describeDiagnostic, failedPart, mutate } from '../test/support/diagnostic-tester.js';
import subnets from './subnets.js';

const subnet = (s: Snapshot, id: string) => s.aws.subnets!.find((x) => x.SubnetId === id)!;
const untag = (s: Snapshot, id: string, key: string) => {
  const sub = subnet(s, id);
  sub.Tags = sub.Tags!.filter((t) => t.Key !== key);
};
/** The baseline without the legacy kubernetes.io/cluster tag, so each broken case shows only its own finding. */
const tidy = mutate((s) => {
  for (const id of PRIVATE_SUBNETS) untag(s, id, 'kubernetes.io/cluster/shop-prod');
});
const from = (edit: (s: Snapshot) => void) => mutate(edit, tidy);
const EXTRA = 'subnet-0ab0000000000cafe';

describeDiagnostic(subnets, {
  healthy: [
    { name: 'baseline (legacy cluster tag reported as info only)', snapshot: buildBaseline(), allowInfo: ['subnets/legacy-cluster-tag'] },
    { name: 'baseline without the legacy tag', snapshot: tidy },
    {
      name: 'nodes in a public subnet without auto-assign that were launched with a public IP',
      snapshot: from((s) => {
        subnet(s, PUBLIC_SUBNETS[0]).MapPublicIpOnLaunch = false;
        const i = s.aws.reservations![3]!.Instances![0]!;
        i.SubnetId = PUBLIC_SUBNETS[0];
        i.PublicIpAddress = '198.51.100.7';
        s.aws.autoScalingGroups!.find((a) => a.AutoScalingGroupName === BATCH_ASG)!.VPCZoneIdentifier = PUBLIC_SUBNETS[0];
      }),
    },
    {
      name: 'legacy tag kept because the Load Balancer Controller is 2.1.0 and needs it',
      snapshot: mutate((s) => {
        s.kubernetes.deployments!.find((d) => d.metadata!.name === 'aws-load-balancer-controller')!.spec!.template.spec!.containers[0]!.image = 'public.ecr.aws/eks/aws-load-balancer-controller:v2.1.0';
      }),
    },
  ],
  broken: [
    {
      name: 'node subnet with fewer free addresses than one node takes',
      snapshot: from((s) => {
        subnet(s, PRIVATE_SUBNETS[0]).AvailableIpAddressCount = 3;
      }),
      expect: [{ id: 'subnets/subnet-exhausted', resource: PRIVATE_SUBNETS[0], severity: 'critical', canExplain: ['asg-capacity-shortfall', 'nodegroup-unhealthy', 'pod-without-ip', 'instance-not-joined'] }],
    },
    {
      name: 'node subnet below the free-address threshold',
      snapshot: from((s) => {
        subnet(s, PRIVATE_SUBNETS[1]).AvailableIpAddressCount = 40;
      }),
      options: { freeIpThreshold: 64 },
      expect: [{ id: 'subnets/subnet-low', resource: PRIVATE_SUBNETS[1], severity: 'warning' }],
    },
    {
      name: 'dedicated cluster subnet below the minimum of 6',
      snapshot: from((s) => {
        s.aws.subnets!.push({ ...structuredClone(subnet(s, PUBLIC_SUBNETS[0])), SubnetId: EXTRA, CidrBlock: '10.0.120.0/28', AvailableIpAddressCount: 4, MapPublicIpOnLaunch: false, Tags: [] });
        s.aws.cluster!.resourcesVpcConfig!.subnetIds = [EXTRA, PRIVATE_SUBNETS[1]];
      }),
      expect: [{ id: 'subnets/cluster-subnet-low', resource: EXTRA, severity: 'critical' }],
    },
    {
      name: 'dedicated cluster subnet below the recommended 16',
      snapshot: from((s) => {
        s.aws.subnets!.push({ ...structuredClone(subnet(s, PUBLIC_SUBNETS[0])), SubnetId: EXTRA, CidrBlock: '10.0.120.0/28', AvailableIpAddressCount: 10, MapPublicIpOnLaunch: false, Tags: [] });
        s.aws.cluster!.resourcesVpcConfig!.subnetIds = [EXTRA, PRIVATE_SUBNETS[1]];
      }),
      expect: [{ id: 'subnets/cluster-subnet-low', resource: EXTRA, severity: 'warning' }],
    },
    {
      name: 'cluster subnet deleted',
      snapshot: from((s) => {
        s.aws.cluster!.resourcesVpcConfig!.subnetIds = [...PRIVATE_SUBNETS, 'subnet-0dead00000000dead'];
        s.aws.notFound = [{ resourceType: 'ec2-subnet', id: 'subnet-0dead00000000dead', call: 'ec2:DescribeSubnets' }];
      }),
      expect: [{ id: 'subnets/cluster-subnet-missing', resource: 'subnet-0dead00000000dead', canExplain: ['cluster-unhealthy'] }],
    },
    {
      name: 'cluster subnets in one Availability Zone',
      snapshot: from((s) => {
        s.aws.cluster!.resourcesVpcConfig!.subnetIds = [PRIVATE_SUBNETS[0]];
      }),
      expect: [{ id: 'subnets/cluster-subnets-single-az', resource: PRIVATE_SUBNETS[0] }],
    },
    {
      name: 'self-managed group launching into a public subnet that assigns no public IP',
      snapshot: from((s) => {
        subnet(s, PUBLIC_SUBNETS[0]).MapPublicIpOnLaunch = false;
        s.aws.autoScalingGroups!.find((a) => a.AutoScalingGroupName === BATCH_ASG)!.VPCZoneIdentifier = PUBLIC_SUBNETS[0];
      }),
      expect: [{ id: 'subnets/public-node-subnet-no-public-ip', resource: PUBLIC_SUBNETS[0], canExplain: ['instance-not-joined', 'asg-capacity-shortfall'] }],
    },
    {
      name: 'no public subnet tagged for the internet-facing Service',
      snapshot: from((s) => {
        for (const id of PUBLIC_SUBNETS) untag(s, id, 'kubernetes.io/role/elb');
      }),
      expect: [{ id: 'subnets/elb-tag-missing', resource: PUBLIC_SUBNETS[0], severity: 'warning' }],
    },
    {
      name: 'no private subnet tagged for internal load balancers, none asked for (info, not a warning)',
      snapshot: from((s) => {
        for (const id of PRIVATE_SUBNETS) untag(s, id, 'kubernetes.io/role/internal-elb');
      }),
      expect: [{ id: 'subnets/internal-elb-tag-missing', resource: PRIVATE_SUBNETS[0], severity: 'info' }],
    },
    {
      name: 'private subnet tagged for internet-facing load balancers',
      snapshot: from((s) => {
        subnet(s, PRIVATE_SUBNETS[2]).Tags!.push({ Key: 'kubernetes.io/role/elb', Value: '1' });
      }),
      expect: [{ id: 'subnets/elb-tag-on-private-subnet', resource: PRIVATE_SUBNETS[2] }],
    },
  ],
  errors: [
    failedPart('subnets could not be read', { part: 'aws.subnets', call: 'ec2:DescribeSubnets', kind: 'denied', code: 'UnauthorizedOperation', message: 'not authorized', permission: 'ec2:DescribeSubnets' }, 'ec2:DescribeSubnets'),
  ],
});
