/**
 * The resources symptom findings name, so cause checks can scope `canExplain` to them.
 *
 * Correlation links a cause to a symptom when they share a resource id (src/engine/resources.ts
 * spells them). The symptom checks here (node-conditions, nodegroup-health, cluster-health,
 * addon-health, pods-without-ip, pending-loadbalancers) name, besides the object itself, what it
 * sits on: a NotReady Node names its instance, subnet, Auto Scaling group and node group; a node
 * group issue names the node group, its Auto Scaling groups and the resourceIds. A cause
 * about any of those can then explain the symptom.
 */
import { parseIamArn } from '../../src/domain/iam-arn.js';
import { instanceIdFromProviderId } from '../../src/domain/provider-id.js';
import type { ResourceRef } from '../../src/engine/finding.js';
import { resource } from '../../src/engine/resources.js';
import { memoised } from '../../src/engine/snapshot-memo.js';
import type { Ec2Instance, KubeNode, Snapshot } from '../../src/snapshot/types.js';
import { tagValue } from './node-placement.js';

/**
 * Types an id an EKS health issue lists in `resourceIds` by its shape: instance, subnet, security
 * group, launch template, AMI and VPC ids, IAM and KMS ARNs, Auto Scaling group names. Anything
 * else is kept as `aws:resource` so it is still shown and still matches by id.
 */
export function refForAwsId(id: string): ResourceRef {
  if (/^i-[0-9a-f]+$/.test(id)) return resource.instance(id);
  if (id.startsWith('subnet-')) return resource.subnet(id);
  if (id.startsWith('sg-')) return resource.securityGroup(id);
  if (id.startsWith('lt-')) return resource.launchTemplate(id);
  if (id.startsWith('ami-')) return resource.image(id);
  if (id.startsWith('vpc-')) return resource.vpc(id);
  const iam = parseIamArn(id);
  if (iam?.resourceType === 'role') return resource.role(id);
  if (iam?.resourceType === 'instance-profile') return resource.instanceProfile(id);
  if (/^arn:aws[\w-]*:kms:/.test(id)) return resource.kmsKey(id);
  if (/^eks-.+-[0-9a-f]{8}-[0-9a-f]{4}-/.test(id)) return resource.autoScalingGroup(id);
  return resource.awsResource(id);
}

/** Where a Node sits in AWS. */
export interface NodePlacement {
  nodeName: string;
  instanceId?: string;
  /** From ec2:DescribeInstances, when collected. */
  instance?: Ec2Instance;
  subnetId?: string;
  autoScalingGroup?: string;
  nodegroup?: string;
  fargate: boolean;
}

export function instancesById(snapshot: Snapshot): Map<string, Ec2Instance> {
  // Built once per run: six checks ask for it, image-pulls once per failing pull.
  return memoised(snapshot, 'symptom-resources/instances-by-id', () => {
    const byId = new Map<string, Ec2Instance>();
    for (const reservation of snapshot.aws.reservations ?? []) for (const i of reservation.Instances ?? []) if (i.InstanceId) byId.set(i.InstanceId, i);
    return byId;
  });
}

export function nodePlacement(node: KubeNode, instances: Map<string, Ec2Instance>): NodePlacement {
  const labels = node.metadata?.labels ?? {};
  const instanceId = instanceIdFromProviderId(node.spec?.providerID);
  const instance = instanceId ? instances.get(instanceId) : undefined;
  const nodegroup = labels['eks.amazonaws.com/nodegroup'] ?? tagValue(instance?.Tags, 'eks:nodegroup-name');
  const asg = tagValue(instance?.Tags, 'aws:autoscaling:groupName');
  return {
    nodeName: node.metadata?.name ?? '',
    ...(instanceId ? { instanceId } : {}),
    ...(instance ? { instance } : {}),
    ...(instance?.SubnetId ? { subnetId: instance.SubnetId } : {}),
    ...(asg ? { autoScalingGroup: asg } : {}),
    ...(nodegroup ? { nodegroup } : {}),
    fargate: labels['eks.amazonaws.com/compute-type'] === 'fargate',
  };
}

/** The Node and everything AWS-side it sits on. */
export function placementRefs(p: NodePlacement): ResourceRef[] {
  const refs: ResourceRef[] = [resource.node(p.nodeName)];
  if (p.instanceId) refs.push(resource.instance(p.instanceId, p.nodeName));
  if (p.subnetId) refs.push(resource.subnet(p.subnetId));
  if (p.autoScalingGroup) refs.push(resource.autoScalingGroup(p.autoScalingGroup));
  if (p.nodegroup) refs.push(resource.nodegroup(p.nodegroup));
  return refs;
}
