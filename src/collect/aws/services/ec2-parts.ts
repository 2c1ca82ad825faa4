/** The EC2 parts: instances, their launch templates and types, and the cluster's VPC. Collectors in ec2.ts. */
import type { AwsPartDeclarations } from '../../sources.js';

/**
 * Every VPC-scoped part reads the cluster's VPC from DescribeCluster; where an emulator leaves it
 * out, it is found from the cluster's subnets (ec2:DescribeSubnets).
 */
const inTheClusterVpc = { needs: ['aws.cluster'] } as const;
const vpcActions = (action: string) => [action, 'ec2:DescribeSubnets'] as const;

export const EC2_PARTS = {
  // Tagged instances, and the members of the groups that lost their tags.
  reservations: { step: 'ec2:DescribeInstances', actions: ['ec2:DescribeInstances'], uses: ['aws.autoScalingGroups'] },
  // The templates node groups and (self-managed) groups launch from.
  launchTemplateVersions: { step: 'ec2:DescribeLaunchTemplateVersions', actions: ['ec2:DescribeLaunchTemplateVersions'], uses: ['aws.nodegroups', 'aws.autoScalingGroups'] },
  // What each of those versions' UserData configures, decoded in memory by the same read (src/collect/aws/user-data.ts).
  launchTemplateUserData: { step: 'user data of ec2:DescribeLaunchTemplateVersions', actions: ['ec2:DescribeLaunchTemplateVersions'], needs: ['aws.launchTemplateVersions'] },
  // The AMIs those instances and versions boot: their OS family (AL2, AL2023, Bottlerocket, Windows).
  images: { step: 'ec2:DescribeImages', actions: ['ec2:DescribeImages'], uses: ['aws.reservations', 'aws.launchTemplateVersions'] },
  // The types those instances, node groups, templates and groups name.
  instanceTypes: {
    step: 'ec2:DescribeInstanceTypes',
    actions: ['ec2:DescribeInstanceTypes'],
    uses: ['aws.reservations', 'aws.nodegroups', 'aws.launchTemplateVersions', 'aws.autoScalingGroups'],
  },
  vpcs: { step: 'ec2:DescribeVpcs', actions: vpcActions('ec2:DescribeVpcs'), ...inTheClusterVpc },
  vpcDnsAttributes: { step: 'ec2:DescribeVpcAttribute', actions: vpcActions('ec2:DescribeVpcAttribute'), ...inTheClusterVpc },
  subnets: { step: 'ec2:DescribeSubnets', actions: ['ec2:DescribeSubnets'], ...inTheClusterVpc },
  routeTables: { step: 'ec2:DescribeRouteTables', actions: vpcActions('ec2:DescribeRouteTables'), ...inTheClusterVpc },
  securityGroups: { step: 'ec2:DescribeSecurityGroups', actions: vpcActions('ec2:DescribeSecurityGroups'), ...inTheClusterVpc },
  // Prefix lists named by security-group rules and routes.
  prefixLists: { step: 'ec2:DescribeManagedPrefixLists', actions: ['ec2:DescribeManagedPrefixLists'], needs: ['aws.securityGroups', 'aws.routeTables'] },
  prefixListEntries: { step: 'ec2:GetManagedPrefixListEntries', actions: ['ec2:GetManagedPrefixListEntries'], needs: ['aws.securityGroups', 'aws.routeTables'] },
  natGateways: { step: 'ec2:DescribeNatGateways', actions: vpcActions('ec2:DescribeNatGateways'), ...inTheClusterVpc },
  internetGateways: { step: 'ec2:DescribeInternetGateways', actions: vpcActions('ec2:DescribeInternetGateways'), ...inTheClusterVpc },
  vpcEndpoints: { step: 'ec2:DescribeVpcEndpoints', actions: vpcActions('ec2:DescribeVpcEndpoints'), ...inTheClusterVpc },
  networkAcls: { step: 'ec2:DescribeNetworkAcls', actions: vpcActions('ec2:DescribeNetworkAcls'), ...inTheClusterVpc },
  // The option set the VPC names: DescribeVpcs first.
  dhcpOptions: { step: 'ec2:DescribeDhcpOptions', actions: ['ec2:DescribeDhcpOptions'], needs: ['aws.vpcs'] },
  // The control plane's cross-account interfaces, by their description 'Amazon EKS <cluster>'.
  controlPlaneInterfaces: { step: 'ec2:DescribeNetworkInterfaces', actions: vpcActions('ec2:DescribeNetworkInterfaces'), ...inTheClusterVpc },
} as const satisfies AwsPartDeclarations;
