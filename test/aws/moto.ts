/**
 * moto, an AWS emulator nobody here wrote: start it on a free port, and provision the AWS side of a
 * small sick cluster in it with the SDK (setup only: the tool itself never sends these calls).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { AutoScalingClient, CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateLaunchTemplateCommand,
  CreateRouteTableCommand,
  AssociateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateClusterCommand, CreateNodegroupCommand, EKSClient } from '@aws-sdk/client-eks';
import { AddRoleToInstanceProfileCommand, AttachRolePolicyCommand, CreateInstanceProfileCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { MOCK_CREDENTIALS } from '../../mocks/aws-mock/index.js';

export function motoAvailable(): string | undefined {
  const probe = spawnSync('python3', ['-c', 'import moto, flask; print(moto.__version__)'], { encoding: 'utf8', timeout: 30_000 });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Moto {
  url: string;
  stop(): Promise<void>;
}

/** `env`: extra settings for moto (MOTO_RECORDER_FILEPATH for a recording of the requests it receives). */
export async function startMoto(options: { env?: Record<string, string> } = {}): Promise<Moto> {
  const port = await freePort();
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true', ...options.env },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`moto exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/moto-api/`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The workers' user data: a NodeConfig copied from another cluster, with a secret beside it that must never be collected. */
export const COPIED_USER_DATA = `MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="//"

--//
Content-Type: application/node.eks.aws

apiVersion: node.eks.aws/v1alpha1
kind: NodeConfig
spec:
  cluster:
    name: moto-staging
    apiServerEndpoint: https://STAGING0123456789.gr7.us-east-1.eks.amazonaws.com
    certificateAuthority: ${Buffer.from('-----BEGIN CERTIFICATE-----\nTU9UTy1TVEFHSU5H\n-----END CERTIFICATE-----\n').toString('base64')}
    cidr: 10.100.0.0/16

--//
Content-Type: text/x-shellscript

#!/bin/bash
export REGISTRY_TOKEN=moto-secret-3f9a1c
--//--
`;

export const SICK_CLUSTER = {
  name: 'moto-sick',
  region: 'eu-west-1',
  version: '1.31',
  nodeRole: 'moto-sick-node',
  instanceProfile: 'moto-sick-node-profile',
  asg: 'moto-sick-workers',
  nodes: 2,
} as const;

/**
 * A cluster that is sick in ways AWS-side checks see: the node role lacks AmazonEKSWorkerNodePolicy,
 * both cluster subnets are in one AZ, and the VPC has DNS hostnames off (moto's default). Returns
 * the IDs the test asserts on.
 */
export async function provisionSickCluster(url: string) {
  const config = { region: SICK_CLUSTER.region, endpoint: url, credentials: MOCK_CREDENTIALS };
  const ec2 = new EC2Client(config);
  const iam = new IAMClient(config);
  const autoScaling = new AutoScalingClient(config);
  const eks = new EKSClient(config);
  try {
    const { name } = SICK_CLUSTER;
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc!.VpcId!;
    const subnets: string[] = [];
    for (const cidr of ['10.20.0.0/24', '10.20.1.0/24']) {
      subnets.push((await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr, AvailabilityZone: `${SICK_CLUSTER.region}a` }))).Subnet!.SubnetId!);
    }
    await ec2.send(new CreateTagsCommand({ Resources: subnets, Tags: [{ Key: `kubernetes.io/cluster/${name}`, Value: 'shared' }] }));
    // A private route table with no default route: nodes have no way out.
    const table = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
    for (const SubnetId of subnets) await ec2.send(new AssociateRouteTableCommand({ RouteTableId: table, SubnetId }));
    const clusterSg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: `${name}-cluster`, Description: 'cluster', VpcId: vpc }))).GroupId!;
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: clusterSg, IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: clusterSg }] }] }));

    const ec2Trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    const nodeRole = (await iam.send(new CreateRoleCommand({ RoleName: SICK_CLUSTER.nodeRole, AssumeRolePolicyDocument: ec2Trust }))).Role!;
    // The CNI and ECR policies, but not AmazonEKSWorkerNodePolicy.
    for (const policy of ['AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly']) {
      await iam.send(new AttachRolePolicyCommand({ RoleName: SICK_CLUSTER.nodeRole, PolicyArn: `arn:aws:iam::aws:policy/${policy}` }));
    }
    const profile = (await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: SICK_CLUSTER.instanceProfile }))).InstanceProfile!;
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: SICK_CLUSTER.instanceProfile, RoleName: SICK_CLUSTER.nodeRole }));
    const clusterRole = (
      await iam.send(
        new CreateRoleCommand({
          RoleName: `${name}-cluster`,
          AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
        }),
      )
    ).Role!;

    const image = (await ec2.send(new DescribeImagesCommand({}))).Images!.find((i) => i.Architecture === 'x86_64')!.ImageId!;
    const template = (
      await ec2.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: `${name}-workers`,
          LaunchTemplateData: { ImageId: image, InstanceType: 't3.medium', IamInstanceProfile: { Arn: profile.Arn }, SecurityGroupIds: [clusterSg], MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 }, UserData: Buffer.from(COPIED_USER_DATA).toString('base64') },
        }),
      )
    ).LaunchTemplate!;
    await autoScaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: SICK_CLUSTER.asg,
        LaunchTemplate: { LaunchTemplateId: template.LaunchTemplateId!, Version: '$Latest' },
        MinSize: SICK_CLUSTER.nodes,
        MaxSize: 4,
        DesiredCapacity: SICK_CLUSTER.nodes,
        VPCZoneIdentifier: subnets.join(','),
        Tags: [{ Key: `kubernetes.io/cluster/${name}`, Value: 'owned', PropagateAtLaunch: true }],
      }),
    );

    await eks.send(
      new CreateClusterCommand({
        name,
        version: SICK_CLUSTER.version,
        roleArn: clusterRole.Arn!,
        resourcesVpcConfig: { subnetIds: subnets, securityGroupIds: [clusterSg], endpointPublicAccess: true, endpointPrivateAccess: false },
      }),
    );
    // moto creates the node group but not the Auto Scaling group it names.
    await eks.send(new CreateNodegroupCommand({ clusterName: name, nodegroupName: 'managed', nodeRole: nodeRole.Arn!, subnets, scalingConfig: { minSize: 1, maxSize: 2, desiredSize: 1 } }));
    return { vpc, subnets, clusterSg, nodeRoleArn: nodeRole.Arn!, clusterRoleArn: clusterRole.Arn!, profileArn: profile.Arn!, templateId: template.LaunchTemplateId! };
  } finally {
    for (const client of [ec2, iam, autoScaling, eks]) client.destroy();
  }
}
