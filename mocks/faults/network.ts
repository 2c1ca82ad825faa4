/**
 * Network faults: subnets, security groups, routes and endpoints, pod addresses and load balancers.
 * Each fault breaks one thing the way it breaks in a real account and shows the symptoms it causes
 * (instances that never join, Nodes NotReady, node group health issues, pods without addresses,
 * LoadBalancer Services without an address), so scenarios prove the cause → symptom links.
 *
 * The edits are exported so the checks' unit tests build the same shapes.
 */
import type { Ec2Instance, IpPermission, KubePod, Snapshot } from '../../src/snapshot/types.js';
import { BASELINE, BATCH_ASG, BATCH_LAUNCH_TEMPLATE_ID, MANAGED_ASG, MANAGED_NODEGROUP, NAT_GATEWAY_ID, PRIVATE_SUBNETS, PUBLIC_SUBNETS, dnsName } from '../scenario-builder/baseline.js';
import { defineFaults } from '../scenario-builder/fault.js';
import { minutesBeforeCapture } from './node-registration.js';


const { account, vpcId, region, clusterSecurityGroupId: CLUSTER_SG, controlPlaneSecurityGroupId: CONTROL_PLANE_SG } = BASELINE;
export const PRIVATE_ROUTE_TABLE = 'rtb-0a1a1a1a1a1a1a1a1';
export const BATCH_NODE_SG = 'sg-0b7c8d9e0f1a2b3c4';
export const ENDPOINT_SG = 'sg-0e1d2c3b4a5f60789';
export const TRANSIT_GATEWAY_ID = 'tgw-0a1b2c3d4e5f67890';
export const STOREFRONT = 'shop/storefront';


export function allInstances(snapshot: Snapshot): Ec2Instance[] {
  return (snapshot.aws.reservations ?? []).flatMap((r) => r.Instances ?? []);
}

export function instancesOfGroup(snapshot: Snapshot, groupName: string): Ec2Instance[] {
  return allInstances(snapshot).filter((i) => i.Tags?.some((t) => t.Key === 'aws:autoscaling:groupName' && t.Value === groupName));
}

export function ruleFrom(groupId: string, protocol: string, port?: number): IpPermission {
  return { IpProtocol: protocol, ...(port !== undefined ? { FromPort: port, ToPort: port } : {}), UserIdGroupPairs: [{ GroupId: groupId, UserId: account }], IpRanges: [], Ipv6Ranges: [], PrefixListIds: [] };
}

/**
 * Instances whose Node never appeared: they were (re)launched `minutes` ago, past the join grace
 * period, and the Node objects and pods they had are gone. Returns their IDs.
 */
export function neverJoined(snapshot: Snapshot, instances: Ec2Instance[], minutes = 25): string[] {
  const names = new Set(instances.map((i) => dnsName(i.PrivateIpAddress!)));
  for (const i of instances) {
    i.LaunchTime = minutesBeforeCapture(snapshot, minutes);
    for (const eni of i.NetworkInterfaces ?? []) if (eni.Attachment) eni.Attachment.AttachTime = i.LaunchTime;
  }
  snapshot.kubernetes.nodes = (snapshot.kubernetes.nodes ?? []).filter((n) => !names.has(n.metadata?.name ?? ''));
  snapshot.kubernetes.kubeSystemPods = (snapshot.kubernetes.kubeSystemPods ?? []).filter((p) => !names.has(p.spec?.nodeName ?? ''));
  for (const ds of snapshot.kubernetes.daemonSets ?? []) {
    const n = (snapshot.kubernetes.nodes ?? []).filter((x) => !x.metadata?.labels?.['eks.amazonaws.com/compute-type']).length + 1;
    ds.status = { ...ds.status!, currentNumberScheduled: n, desiredNumberScheduled: n, numberAvailable: n, numberReady: n, updatedNumberScheduled: n };
  }
  return instances.map((i) => i.InstanceId!);
}

/** A managed node group health issue as EKS reports it, and the group DEGRADED. */
export function nodegroupIssue(snapshot: Snapshot, code: string, message: string, resourceIds: string[]): void {
  const ng = snapshot.aws.nodegroups!.find((n) => n.nodegroupName === MANAGED_NODEGROUP)!;
  ng.status = 'DEGRADED';
  ng.health = { issues: [...(ng.health?.issues ?? []), { code: code as 'NodeCreationFailure', message, resourceIds }] };
}

/** The batch nodes' launch template names its own security group instead of the cluster security group. */
export function batchNodesOnOwnGroup(snapshot: Snapshot, o: { ingress: IpPermission[]; controlPlaneAccepts?: IpPermission[]; clusterAccepts?: IpPermission[] }): void {
  snapshot.aws.securityGroups!.push({
    GroupId: BATCH_NODE_SG,
    GroupName: 'shop-prod-batch-nodes',
    Description: 'Batch worker nodes',
    OwnerId: account,
    VpcId: vpcId,
    IpPermissions: [ruleFrom(BATCH_NODE_SG, '-1'), ...o.ingress],
    IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
    Tags: [{ Key: 'Name', Value: 'shop-prod-batch-nodes' }],
  });
  snapshot.aws.securityGroups!.find((g) => g.GroupId === CONTROL_PLANE_SG)!.IpPermissions!.push(...(o.controlPlaneAccepts ?? []));
  snapshot.aws.securityGroups!.find((g) => g.GroupId === CLUSTER_SG)!.IpPermissions!.push(...(o.clusterAccepts ?? []));
  snapshot.aws.launchTemplateVersions!.find((v) => v.LaunchTemplateId === BATCH_LAUNCH_TEMPLATE_ID)!.LaunchTemplateData!.SecurityGroupIds = [BATCH_NODE_SG];
  for (const i of instancesOfGroup(snapshot, BATCH_ASG)) {
    i.SecurityGroups = [{ GroupId: BATCH_NODE_SG, GroupName: 'shop-prod-batch-nodes' }];
    for (const eni of i.NetworkInterfaces ?? []) eni.Groups = [{ GroupId: BATCH_NODE_SG, GroupName: 'shop-prod-batch-nodes' }];
  }
}

function interfaceEndpoint(service: string, n: number) {
  return {
    VpcEndpointId: `vpce-0${service.replace(/[^a-z]/g, '').padEnd(8, '0').slice(0, 8)}0000000${n}`,
    VpcEndpointType: 'Interface' as const,
    VpcId: vpcId,
    ServiceName: `com.amazonaws.${region}.${service}`,
    // EC2 answers lowercase 'available'; the SDK's enum spells it 'Available'.
    State: 'available' as 'Available',
    RouteTableIds: [],
    SubnetIds: [...PRIVATE_SUBNETS],
    Groups: [{ GroupId: ENDPOINT_SG, GroupName: 'shop-prod-vpc-endpoints' }],
    PrivateDnsEnabled: true,
    NetworkInterfaceIds: PRIVATE_SUBNETS.map((_, i) => `eni-0${service.replace(/[^a-z]/g, '').slice(0, 6)}${n}${i}`.padEnd(21, '0')),
    DnsEntries: [{ DnsName: `vpce-${service}.${region}.vpce.amazonaws.com`, HostedZoneId: 'Z2ZZZZZZZZZZZZ' }],
    CreationTimestamp: '2025-06-01T12:00:00.000Z',
    OwnerId: account,
  };
}

export const PRIVATE_CLUSTER_SERVICES = ['ec2', 'ecr.api', 'ecr.dkr', 'sts', 'eks-auth'] as const;

/**
 * A fully private cluster, working: no NAT gateway and no default route on the node subnets, API
 * server reachable only privately, interface endpoints for what nodes and pods call, S3 gateway.
 */
export function makePrivateCluster(snapshot: Snapshot): void {
  const table = snapshot.aws.routeTables!.find((t) => t.RouteTableId === PRIVATE_ROUTE_TABLE)!;
  table.Routes = table.Routes!.filter((r) => r.DestinationCidrBlock !== '0.0.0.0/0');
  snapshot.aws.natGateways = [];
  snapshot.aws.cluster!.resourcesVpcConfig = { ...snapshot.aws.cluster!.resourcesVpcConfig, endpointPublicAccess: false, endpointPrivateAccess: true, publicAccessCidrs: [] };
  snapshot.aws.securityGroups!.push({
    GroupId: ENDPOINT_SG,
    GroupName: 'shop-prod-vpc-endpoints',
    Description: 'Interface endpoints: HTTPS from the VPC',
    OwnerId: account,
    VpcId: vpcId,
    IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'VPC' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
    IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
    Tags: [{ Key: 'Name', Value: 'shop-prod-vpc-endpoints' }],
  });
  snapshot.aws.vpcEndpoints!.push(...PRIVATE_CLUSTER_SERVICES.map((s, n) => interfaceEndpoint(s, n + 1)));
  // A private cluster's Load Balancer Controller runs without internet too; the storefront stays internet-facing through public subnets.
}

export function removeEndpoint(snapshot: Snapshot, service: string): void {
  snapshot.aws.vpcEndpoints = (snapshot.aws.vpcEndpoints ?? []).filter((e) => e.ServiceName !== `com.amazonaws.${region}.${service}`);
}

/** The node of `instance` is NotReady because its VPC CNI pod cannot pull its image (by default: the registry's name does not resolve). */
export function cniImagePullFails(snapshot: Snapshot, instance: Ec2Instance, registryHost: string, pullError = `dial tcp: lookup ${registryHost}: i/o timeout`): void {
  const name = dnsName(instance.PrivateIpAddress!);
  const node = snapshot.kubernetes.nodes!.find((n) => n.metadata?.name === name)!;
  const since = minutesBeforeCapture(snapshot, 18).replace('.000Z', 'Z');
  node.metadata!.creationTimestamp = minutesBeforeCapture(snapshot, 20).replace('.000Z', 'Z');
  instance.LaunchTime = minutesBeforeCapture(snapshot, 21);
  node.status!.conditions = node.status!.conditions!.map((c) =>
    c.type === 'Ready'
      ? { ...c, status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized', lastTransitionTime: since }
      : c,
  );
  node.spec = { ...node.spec, taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule', timeAdded: since }] };
  const awsNode = snapshot.kubernetes.kubeSystemPods!.find((p) => p.spec?.nodeName === name && p.metadata?.labels?.['k8s-app'] === 'aws-node')!;
  awsNode.status = {
    ...awsNode.status,
    conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: since }],
    containerStatuses: (awsNode.status?.containerStatuses ?? []).map((c) => ({
      ...c,
      ready: false,
      started: false,
      state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}": ${pullError}` } },
    })),
  };
  const ds = snapshot.kubernetes.daemonSets!.find((d) => d.metadata?.name === 'aws-node')!;
  ds.status = { ...ds.status!, numberReady: (ds.status!.numberReady ?? 1) - 1, numberAvailable: (ds.status!.numberAvailable ?? 1) - 1, numberUnavailable: 1 };
}

/** A LoadBalancer Service that never got an address, with the controller's event saying why when given. */
export function loadBalancerPending(snapshot: Snapshot, event?: { reason: string; message: string; component: string }): void {
  const svc = snapshot.kubernetes.loadBalancerServices!.find((s) => `${s.metadata?.namespace}/${s.metadata?.name}` === STOREFRONT)!;
  svc.metadata!.creationTimestamp = minutesBeforeCapture(snapshot, 30).replace('.000Z', 'Z');
  svc.status = { loadBalancer: {} };
  if (event) {
    const at = minutesBeforeCapture(snapshot, 2).replace('.000Z', 'Z');
    snapshot.kubernetes.warningEvents!.push({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `storefront.18a1b2c3d4e5f6${event.reason.length.toString(16)}`, namespace: 'shop', uid: '6e6e6e6e-0000-1111-2222-333333333333', resourceVersion: '99001', creationTimestamp: at },
      involvedObject: { kind: 'Service', namespace: 'shop', name: 'storefront', apiVersion: 'v1', uid: '5e5e5e5e-0000-1111-2222-333333333333', resourceVersion: '52001' },
      reason: event.reason,
      message: event.message,
      source: { component: event.component },
      firstTimestamp: minutesBeforeCapture(snapshot, 30).replace('.000Z', 'Z'),
      lastTimestamp: at,
      count: 14,
      type: 'Warning',
      reportingComponent: event.component,
      reportingInstance: '',
    });
  }
}

/** Pods on a node stuck ContainerCreating because the VPC CNI could not assign an address. */
export function podsWithoutIp(snapshot: Snapshot, nodeName: string, count: number, message: string): string[] {
  const created = minutesBeforeCapture(snapshot, 12).replace('.000Z', 'Z');
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const name = `checkout-7f8c9d6b5-${['k2x9p', 'q4w7m', 'z8r3t', 'h6j1v'][n % 4]}${n >= 4 ? n : ''}`;
    const pod: KubePod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'shop', uid: `8b8b8b8b-0000-4000-8000-${name.slice(-12).padStart(12, '0')}`, resourceVersion: '99100', creationTimestamp: created, labels: { app: 'checkout' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'checkout-7f8c9d6b5', uid: '0e0e0e0e-0000-4000-8000-0000000000ch', controller: true }] },
      spec: { nodeName, containers: [{ name: 'checkout', image: `${account}.dkr.ecr.${region}.amazonaws.com/checkout:2.4.1` }] },
      status: {
        phase: 'Pending',
        startTime: created,
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: created },
          { type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: created },
        ],
        containerStatuses: [{ name: 'checkout', image: `${account}.dkr.ecr.${region}.amazonaws.com/checkout:2.4.1`, imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } } }],
      },
    };
    (snapshot.kubernetes.problemPods ??= []).push(pod);
    const at = minutesBeforeCapture(snapshot, 1).replace('.000Z', 'Z');
    snapshot.kubernetes.warningEvents!.push({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${name}.18a1b2c3d4e5f6a7`, namespace: 'shop', uid: `6f6f6f6f-0000-1111-2222-${name.slice(-12).padStart(12, '0')}`, resourceVersion: '99101', creationTimestamp: at },
      involvedObject: { kind: 'Pod', namespace: 'shop', name, apiVersion: 'v1' },
      reason: 'FailedCreatePodSandBox',
      message,
      source: { component: 'kubelet', host: nodeName },
      firstTimestamp: created,
      lastTimestamp: at,
      count: 23,
      type: 'Warning',
      reportingComponent: 'kubelet',
      reportingInstance: nodeName,
    });
    ids.push(`shop/${name}`);
  }
  return ids;
}

const CNI_NO_IP = (name: string) =>
  `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "4f1c${name.length}a": plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container`;

export const faults = defineFaults([
  {
    name: 'subnet-exhausted',
    description: `Private subnet ${PRIVATE_SUBNETS[0]} has no free addresses: the managed node group cannot add a node there and pods on its node get no IP.`,
    apply(s) {
      s.aws.subnets!.find((x) => x.SubnetId === PRIVATE_SUBNETS[0])!.AvailableIpAddressCount = 0;
      const asg = s.aws.autoScalingGroups!.find((g) => g.AutoScalingGroupName === MANAGED_ASG)!;
      asg.DesiredCapacity = (asg.DesiredCapacity ?? 0) + 1;
      s.aws.nodegroups!.find((n) => n.nodegroupName === MANAGED_NODEGROUP)!.scalingConfig!.desiredSize = asg.DesiredCapacity;
      s.aws.scalingActivities!.push({
        ActivityId: '7b8c9d0e-1111-2222-3333-444455556677',
        AutoScalingGroupName: MANAGED_ASG,
        Description: 'Launching a new EC2 instance.  Status Reason: There are not enough free addresses in subnet \'' + PRIVATE_SUBNETS[0] + '\' to satisfy the requested number of instances. Launching EC2 instance failed.',
        Cause: `At ${minutesBeforeCapture(s, 9).replace('.000Z', 'Z')} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 3 to 4.`,
        StartTime: minutesBeforeCapture(s, 9),
        EndTime: minutesBeforeCapture(s, 9),
        StatusCode: 'Failed',
        StatusMessage: `There are not enough free addresses in subnet '${PRIVATE_SUBNETS[0]}' to satisfy the requested number of instances.`,
        Progress: 100,
        Details: JSON.stringify({ 'Subnet ID': PRIVATE_SUBNETS[0], 'Availability Zone': 'eu-west-1a' }),
      });
      nodegroupIssue(s, 'InsufficientFreeAddresses', 'One or more of the subnets associated with your node group does not have enough available IP addresses for new nodes.', [PRIVATE_SUBNETS[0]]);
      const nodeInA = allInstances(s).find((i) => i.SubnetId === PRIVATE_SUBNETS[0])!;
      podsWithoutIp(s, dnsName(nodeInA.PrivateIpAddress!), 2, CNI_NO_IP('checkout'));
    },
  },
  {
    name: 'batch-node-sg-blocks-api-server',
    description: "The batch nodes' launch template replaced the cluster security group with its own, which the control plane does not accept on TCP 443: the relaunched batch nodes never join.",
    apply(s) {
      batchNodesOnOwnGroup(s, { ingress: [ruleFrom(CLUSTER_SG, '-1')], clusterAccepts: [ruleFrom(BATCH_NODE_SG, 'udp', 53), ruleFrom(BATCH_NODE_SG, 'tcp', 53)] });
      neverJoined(s, instancesOfGroup(s, BATCH_ASG));
    },
  },
  {
    name: 'nat-gateway-deleted',
    description: `NAT gateway ${NAT_GATEWAY_ID} was deleted; the private subnets' default route is a blackhole, so a replacement node cannot reach EKS or ECR and never joins.`,
    apply(s) {
      const nat = s.aws.natGateways!.find((n) => n.NatGatewayId === NAT_GATEWAY_ID)!;
      nat.State = 'deleted';
      nat.DeleteTime = minutesBeforeCapture(s, 50);
      const route = s.aws.routeTables!.find((t) => t.RouteTableId === PRIVATE_ROUTE_TABLE)!.Routes!.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')!;
      route.State = 'blackhole';
      const replaced = instancesOfGroup(s, MANAGED_ASG)[2]!;
      neverJoined(s, [replaced], 30);
      nodegroupIssue(s, 'NodeCreationFailure', 'Instances failed to join the kubernetes cluster', [replaced.InstanceId!]);
    },
  },
  {
    name: 'private-cluster',
    description: 'A working fully private cluster: no NAT gateway, private API endpoint only, interface endpoints for ec2, ecr.api, ecr.dkr, sts and eks-auth, and the S3 gateway endpoint.',
    apply: makePrivateCluster,
  },
  {
    name: 'ecr-dkr-endpoint-deleted',
    description: 'The ecr.dkr interface endpoint of a private cluster was deleted: a new node cannot pull the VPC CNI image and stays NotReady.',
    apply(s) {
      removeEndpoint(s, 'ecr.dkr');
      const replaced = instancesOfGroup(s, MANAGED_ASG)[0]!;
      cniImagePullFails(s, replaced, `602401143452.dkr.ecr.${region}.amazonaws.com`);
      // A managed node that never turns Ready fails the node group's scale-out the same way a node that never joins does.
      nodegroupIssue(s, 'NodeCreationFailure', 'Unhealthy nodes in the kubernetes cluster', [replaced.InstanceId!]);
    },
  },
  {
    name: 'public-access-cidrs-exclude-nat',
    description: "Private endpoint access was turned off and publicAccessCidrs allow only the office range; nodes come from the NAT gateway's address, so replacement nodes never join.",
    apply(s) {
      s.aws.cluster!.resourcesVpcConfig = { ...s.aws.cluster!.resourcesVpcConfig, endpointPrivateAccess: false, endpointPublicAccess: true, publicAccessCidrs: ['198.51.100.0/24'] };
      neverJoined(s, [instancesOfGroup(s, BATCH_ASG)[0]!], 20);
    },
  },
  {
    name: 'egress-via-transit-gateway',
    description: 'The private subnets send 0.0.0.0/0 to a transit gateway (centralised egress): healthy as far as this VPC shows, and reported as unverifiable, not as missing.',
    apply(s) {
      const route = s.aws.routeTables!.find((t) => t.RouteTableId === PRIVATE_ROUTE_TABLE)!.Routes!.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')!;
      delete route.NatGatewayId;
      route.TransitGatewayId = TRANSIT_GATEWAY_ID;
    },
  },
  {
    name: 'public-subnets-untagged',
    description: 'The kubernetes.io/role/elb tag was removed from every public subnet: the internet-facing storefront NLB cannot be created.',
    apply(s) {
      for (const id of PUBLIC_SUBNETS) {
        const subnet = s.aws.subnets!.find((x) => x.SubnetId === id)!;
        subnet.Tags = subnet.Tags!.filter((t) => t.Key !== 'kubernetes.io/role/elb');
      }
      loadBalancerPending(s, { reason: 'FailedBuildModel', message: 'Failed build model due to unable to resolve at least one subnet (0 match VPC and tags: [kubernetes.io/role/elb])', component: 'service' });
    },
  },
  {
    name: 'lb-controller-missing',
    description: 'The AWS Load Balancer Controller was uninstalled (deployment, pods and webhooks gone): the storefront Service, which asks for it, never gets a load balancer.',
    apply(s) {
      s.kubernetes.deployments = s.kubernetes.deployments!.filter((d) => d.metadata?.name !== 'aws-load-balancer-controller');
      s.kubernetes.kubeSystemPods = s.kubernetes.kubeSystemPods!.filter((p) => p.metadata?.labels?.['app.kubernetes.io/name'] !== 'aws-load-balancer-controller');
      s.kubernetes.validatingWebhooks = s.kubernetes.validatingWebhooks!.filter((w) => w.metadata?.name !== 'aws-load-balancer-webhook');
      s.kubernetes.mutatingWebhooks = s.kubernetes.mutatingWebhooks!.filter((w) => w.metadata?.name !== 'aws-load-balancer-webhook');
      s.kubernetes.webhookServices = s.kubernetes.webhookServices!.filter((w) => w.metadata?.name !== 'aws-load-balancer-webhook-service');
      s.kubernetes.webhookEndpointSlices = s.kubernetes.webhookEndpointSlices!.filter((e) => e.metadata?.labels?.['kubernetes.io/service-name'] !== 'aws-load-balancer-webhook-service');
      s.kubernetes.webhookDeployments = s.kubernetes.webhookDeployments!.filter((d) => d.metadata?.name !== 'aws-load-balancer-controller');
      loadBalancerPending(s);
    },
  },
  {
    name: 'lb-controller-crashlooping',
    description: 'The AWS Load Balancer Controller pods crash-loop: the storefront Service never gets a load balancer.',
    apply(s) {
      const d = s.kubernetes.deployments!.find((x) => x.metadata?.name === 'aws-load-balancer-controller')!;
      d.status = { ...d.status, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 2, conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastTransitionTime: minutesBeforeCapture(s, 40).replace('.000Z', 'Z'), lastUpdateTime: minutesBeforeCapture(s, 40).replace('.000Z', 'Z') }] };
      for (const p of s.kubernetes.kubeSystemPods!.filter((x) => x.metadata?.labels?.['app.kubernetes.io/name'] === 'aws-load-balancer-controller')) {
        p.status = {
          ...p.status,
          conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: minutesBeforeCapture(s, 40).replace('.000Z', 'Z') }],
          containerStatuses: (p.status?.containerStatuses ?? []).map((c) => ({ ...c, ready: false, started: false, restartCount: 11, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=aws-load-balancer-controller' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: minutesBeforeCapture(s, 6).replace('.000Z', 'Z'), finishedAt: minutesBeforeCapture(s, 6).replace('.000Z', 'Z') } } })),
        };
      }
      // No ready address for the webhook Service while its pods crash.
      for (const slice of s.kubernetes.webhookEndpointSlices!.filter((x) => x.metadata?.labels?.['kubernetes.io/service-name'] === 'aws-load-balancer-webhook-service')) for (const e of slice.endpoints ?? []) e.conditions = { ready: false, serving: false, terminating: false };
      loadBalancerPending(s);
    },
  },
  {
    name: 'max-pods-above-eni-capacity',
    description: 'The Karpenter node runs with max-pods 110 on an m7g.large (29 addresses) without prefix delegation: pods scheduled past its address limit get no IP.',
    apply(s) {
      const karpenterNode = s.kubernetes.nodes!.find((n) => n.metadata?.labels?.['karpenter.sh/nodepool'])!;
      karpenterNode.status!.capacity = { ...karpenterNode.status!.capacity, pods: '110' };
      karpenterNode.status!.allocatable = { ...karpenterNode.status!.allocatable, pods: '110' };
      podsWithoutIp(s, karpenterNode.metadata!.name!, 3, CNI_NO_IP('checkout'));
    },
  },
]);
