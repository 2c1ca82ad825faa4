/**
 * The cluster's VPC. DescribeCluster names it in resourcesVpcConfig.vpcId; where that is missing
 * (an emulator such as moto leaves it out, and a hand-edited bundle might), the VPC of the subnets
 * the cluster was created with stands in, provided they agree. Without this, checks that look for
 * "endpoints/route tables/subnets of the cluster's VPC" would find none and report them missing.
 */
import type { Snapshot } from '../../src/snapshot/types.js';
import { subnetById } from './route-tables.js';

export function clusterVpcId(snapshot: Snapshot): string | undefined {
  const vpcConfig = snapshot.aws.cluster?.resourcesVpcConfig;
  if (vpcConfig?.vpcId) return vpcConfig.vpcId;
  const vpcs = new Set((vpcConfig?.subnetIds ?? []).map((id) => subnetById(snapshot, id)?.VpcId).filter((id): id is string => !!id));
  return vpcs.size === 1 ? [...vpcs][0] : undefined;
}
