/**
 * Subnets: free addresses on node and cluster subnets, cluster subnets' Availability Zones,
 * load-balancer role tags, public node subnets that hand out no public IP, and the legacy
 * kubernetes.io/cluster/<name> tag. Requirements from the EKS user guide's VPC and subnet page.
 */
import { resource } from '../src/engine/resources.js';
import { defineDiagnostic, partFailure, type NewFinding } from '../src/engine/diagnostic.js';
import { couldNotRead } from '../src/engine/failure-text.js';
import type { ResourceRef } from '../src/engine/finding.js';
import type { Snapshot, Subnet } from '../src/snapshot/types.js';
import { capacityInSubnet, clusterSubnetIds, describeCapacity, describeSubnet, isManagedNodegroupGroup, nodeForInstance, nodeSubnetIds, scopeForSubnets, subnetName, tagValue } from './lib/node-placement.js';
import { isPublicSubnet, routeTableForSubnet, subnetById } from './lib/route-tables.js';
import { loadBalancerScheme, isRoleTagged } from './lib/load-balancer-subnets.js';
import { clusterVpcId } from './lib/cluster-vpc.js';
import { DOCS } from './lib/docs-links.js';


/** The EKS user guide: cluster subnets "must each have at least six IP addresses for use by Amazon EKS. However, we recommend at least 16". */
const CLUSTER_SUBNET_MINIMUM = 6;
const CLUSTER_SUBNET_RECOMMENDED = 16;

type Code =
  | 'subnet-exhausted'
  | 'subnet-low'
  | 'cluster-subnet-low'
  | 'cluster-subnet-missing'
  | 'cluster-subnets-single-az'
  | 'public-node-subnet-no-public-ip'
  | 'elb-tag-missing'
  | 'internal-elb-tag-missing'
  | 'elb-tag-on-private-subnet'
  | 'legacy-cluster-tag';

export default defineDiagnostic<Code, 'freeIpThreshold'>({
  id: 'subnets',
  title: 'Subnets have free addresses, the right Availability Zones, tags and public IP settings',
  description:
    'Checks free IPv4 addresses on the subnets nodes, pods and the control plane use, that the cluster subnets span two Availability Zones, ' +
    'that public node subnets assign public IPs, and the kubernetes.io/role/elb and internal-elb tags load balancers are placed by.',
  docs: [DOCS.networkReqs, DOCS.networkLoadBalancing],
  needs: ['aws.cluster', 'aws.subnets'],
  uses: ['aws.routeTables', 'aws.reservations', 'aws.nodegroups', 'aws.autoScalingGroups', 'aws.launchTemplateVersions', 'aws.fargateProfiles', 'aws.instanceTypes', 'kubernetes.loadBalancerServices', 'kubernetes.deployments'],
  thresholds: {
    freeIpThreshold: { flag: 'free-ip-threshold', default: 16, min: 0, integer: true, description: 'Free addresses below which a subnet is reported' },
  },
  codes: {
    'subnet-exhausted': {
      severity: 'critical',
      title: 'Node subnet has no room for another node',
      description: 'A subnet that nodes launch into has fewer free IPv4 addresses than one node takes. New instances fail to launch (InsufficientFreeAddresses) and the VPC CNI cannot give pods addresses.',
      explains: ['instance-not-joined', 'asg-capacity-shortfall', 'nodegroup-unhealthy', 'pod-without-ip'],
    },
    'subnet-low': {
      severity: 'warning',
      title: 'Node subnet is running out of addresses',
      description: 'A node subnet has fewer free IPv4 addresses than the configured threshold (--free-ip-threshold): the next scale-out or rollout can exhaust it.',
    },
    'cluster-subnet-low': {
      severity: 'warning',
      title: 'Cluster subnet has too few free addresses for the control plane',
      description: 'EKS places 2–4 control-plane network interfaces in the cluster subnets and creates new ones during upgrades: each subnet needs at least 6 free addresses, 16 recommended.',
      explains: ['cluster-unhealthy'],
    },
    'cluster-subnet-missing': {
      severity: 'critical',
      title: 'A cluster subnet no longer exists',
      description: 'The cluster was created with a subnet that is gone: EKS cannot place control-plane network interfaces there, and upgrades and health checks fail.',
      explains: ['cluster-unhealthy'],
    },
    'cluster-subnets-single-az': {
      severity: 'critical',
      title: 'Cluster subnets are not in two Availability Zones',
      description: 'EKS requires the cluster subnets to be in at least two Availability Zones.',
      explains: ['cluster-unhealthy'],
    },
    'public-node-subnet-no-public-ip': {
      severity: 'critical',
      title: 'Nodes in a public subnet get no public IP',
      description:
        'A node subnet routes to an internet gateway but does not auto-assign public IPv4 addresses (MapPublicIpOnLaunch). Nodes launched there without a public IP have no way out: they cannot reach the EKS API, ECR or STS, and never join; managed node groups report Ec2SubnetInvalidConfiguration.',
      explains: ['instance-not-joined', 'node-not-ready', 'nodegroup-unhealthy', 'asg-capacity-shortfall'],
    },
    'elb-tag-missing': {
      severity: 'warning',
      title: 'No public subnet is tagged for internet-facing load balancers',
      description: 'Internet-facing load balancers are placed in public subnets tagged kubernetes.io/role/elb=1; with none tagged they cannot be created.',
    },
    'internal-elb-tag-missing': {
      severity: 'warning',
      title: 'No private subnet is tagged for internal load balancers',
      description: 'Internal load balancers are placed in private subnets tagged kubernetes.io/role/internal-elb=1; with none tagged they cannot be created.',
    },
    'elb-tag-on-private-subnet': {
      severity: 'warning',
      title: 'A private subnet is tagged for internet-facing load balancers',
      description: 'kubernetes.io/role/elb=1 marks a subnet for internet-facing load balancers, but this subnet has no route to an internet gateway: a load balancer placed there is unreachable from the internet.',
    },
    'legacy-cluster-tag': {
      severity: 'info',
      title: 'Subnets carry the legacy kubernetes.io/cluster/<name> tag',
      description: 'EKS stopped adding kubernetes.io/cluster/<name> to subnets with Kubernetes 1.19; only the AWS Load Balancer Controller 2.1.1 and earlier requires it. It can stay, or be removed once nothing else (Karpenter subnet selectors, scripts) selects on it.',
    },
  },
  check({ snapshot, options }) {
    const findings: NewFinding<Code>[] = [];
    const nodeSubnets = nodeSubnetIds(snapshot);
    const clusterSubnets = clusterSubnetIds(snapshot);
    const reported = new Set<string>();

    for (const subnetId of nodeSubnets) {
      const subnet = subnetById(snapshot, subnetId);
      if (!subnet) continue;
      const free = subnet.AvailableIpAddressCount ?? 0;
      const need = addressesOneNodeTakes(snapshot, subnetId);
      // Evidence lists every instance in the subnet: built only for a subnet that gets a finding.
      if (free >= need.count && free >= options.freeIpThreshold) continue;
      const isClusterSubnet = clusterSubnets.includes(subnetId);
      const evidence = [
        `${describeSubnet(snapshot, subnetId)} has ${free} free IPv4 address(es).`,
        `One new node takes about ${need.count} (${need.why}).`,
        ...optional(describeCapacity(snapshot, subnetId)),
        ...(isClusterSubnet ? [`It is also a cluster subnet: EKS needs at least ${CLUSTER_SUBNET_MINIMUM} free addresses there for control-plane network interfaces (${CLUSTER_SUBNET_RECOMMENDED} recommended).`] : []),
      ];
      const resources = [resource.subnet(subnetId, subnetName(snapshot, subnetId)), ...capacityRefs(snapshot, subnetId)];
      if (free < need.count) {
        reported.add(subnetId);
        findings.push({
          code: 'subnet-exhausted',
          keyResource: subnetId,
          title: `Subnet ${subnetId} is out of addresses (${free} free)`,
          rootCause: `${subnetId} in ${subnet.AvailabilityZone} has ${free} free IPv4 addresses, fewer than one node takes, so new instances cannot launch there and pods on its nodes cannot get addresses.`,
          evidence,
          resources,
          fix: exhaustedFix(snapshot, subnet),
          canExplain: (['instance-not-joined', 'asg-capacity-shortfall', 'nodegroup-unhealthy', 'pod-without-ip'] as const).map((symptom) => ({ symptom, resources: scopeForSubnets(snapshot, [subnetId], podsOnSubnet(snapshot, subnetId)) })),
        });
      } else if (free < options.freeIpThreshold) {
        reported.add(subnetId);
        findings.push({
          code: 'subnet-low',
          keyResource: subnetId,
          title: `Subnet ${subnetId} is running low on addresses (${free} free)`,
          rootCause: `${subnetId} has ${free} free IPv4 addresses, below the threshold of ${options.freeIpThreshold}: the next scale-out or node rollout can exhaust it.`,
          evidence,
          resources,
          fix: exhaustedFix(snapshot, subnet),
        });
      }
    }

    const clusterAzs = new Set<string>();
    for (const subnetId of clusterSubnets) {
      const subnet = subnetById(snapshot, subnetId);
      if (!subnet) {
        const notFound = (snapshot.aws.notFound ?? []).some((n) => n.resourceType === 'ec2-subnet' && n.id === subnetId);
        findings.push({
          code: 'cluster-subnet-missing',
          keyResource: subnetId,
          title: `Cluster subnet ${subnetId} does not exist`,
          rootCause: `The cluster's VPC configuration lists ${subnetId}, but ${notFound ? 'EC2 answers that it does not exist' : 'it is not among the subnets of ' + (snapshot.aws.cluster?.resourcesVpcConfig?.vpcId ?? 'the VPC')}: EKS cannot place control-plane network interfaces there.`,
          evidence: [`cluster.resourcesVpcConfig.subnetIds: ${clusterSubnets.join(', ')}.`, notFound ? `ec2:DescribeSubnets answered InvalidSubnetID.NotFound for ${subnetId}.` : `ec2:DescribeSubnets for the VPC does not return ${subnetId}.`],
          resources: [resource.subnet(subnetId), resource.cluster(snapshot.cluster.name)],
          fix: {
            summary: 'Point the cluster at existing subnets in the same Availability Zones it was created with.',
            commands: [`aws eks update-cluster-config --name ${snapshot.cluster.name} --resources-vpc-config subnetIds=${clusterSubnets.filter((s) => s !== subnetId && subnetById(snapshot, s)).concat('<replacement-subnet-id>').join(',')}`],
            docs: [DOCS.clusterSubnetReqs],
          },
        });
        continue;
      }
      if (subnet.AvailabilityZone) clusterAzs.add(subnet.AvailabilityZone);
      const free = subnet.AvailableIpAddressCount ?? 0;
      if (free >= CLUSTER_SUBNET_RECOMMENDED || reported.has(subnetId)) continue;
      const critical = free < CLUSTER_SUBNET_MINIMUM;
      findings.push({
        code: 'cluster-subnet-low',
        keyResource: subnetId,
        severity: critical ? 'critical' : 'warning',
        title: `Cluster subnet ${subnetId} has ${free} free addresses${critical ? ', below the minimum of 6' : ''}`,
        rootCause: `EKS puts control-plane network interfaces in the cluster subnets and creates new ones on every upgrade; ${subnetId} has ${free} free addresses (${CLUSTER_SUBNET_MINIMUM} required, ${CLUSTER_SUBNET_RECOMMENDED} recommended).`,
        evidence: [`${describeSubnet(snapshot, subnetId)} has ${free} free IPv4 address(es).`, `Cluster subnets: ${clusterSubnets.join(', ')}.`],
        resources: [resource.subnet(subnetId, subnetName(snapshot, subnetId)), resource.cluster(snapshot.cluster.name)],
        fix: {
          summary: 'Free addresses in the subnet, or move the cluster to subnets with room (same Availability Zones).',
          commands: [
            `aws ec2 describe-network-interfaces --filters Name=subnet-id,Values=${subnetId} Name=status,Values=available --query 'NetworkInterfaces[].[NetworkInterfaceId,Description]' --output table`,
            `aws eks update-cluster-config --name ${snapshot.cluster.name} --resources-vpc-config subnetIds=<subnet-a>,<subnet-b>`,
          ],
          docs: [DOCS.clusterSubnetReqs],
        },
      });
    }
    const knownClusterSubnets = clusterSubnets.filter((s) => subnetById(snapshot, s));
    if (knownClusterSubnets.length > 0 && clusterAzs.size < 2) {
      findings.push({
        code: 'cluster-subnets-single-az',
        keyResource: snapshot.cluster.name,
        title: `Cluster subnets are all in ${[...clusterAzs].join(', ') || 'one Availability Zone'}`,
        rootCause: 'EKS requires the cluster subnets to be in at least two Availability Zones; with one, control-plane network interfaces cannot be spread and cluster updates fail.',
        evidence: knownClusterSubnets.map((s) => describeSubnet(snapshot, s)),
        resources: [resource.cluster(snapshot.cluster.name), ...knownClusterSubnets.map((s) => resource.subnet(s))],
        fix: {
          summary: 'Add a subnet in a second Availability Zone to the cluster (it must be one of the Availability Zones the cluster was created with).',
          commands: [`aws eks update-cluster-config --name ${snapshot.cluster.name} --resources-vpc-config subnetIds=${[...knownClusterSubnets, '<subnet-in-another-az>'].join(',')}`],
          docs: [DOCS.clusterSubnetReqs],
        },
      });
    }

    if (snapshot.aws.routeTables) {
      findings.push(...publicSubnetsWithoutPublicIp(snapshot, nodeSubnets));
      findings.push(...roleTagFindings(snapshot));
    }
    findings.push(...legacyClusterTag(snapshot));
    return findings;
  },
});

function optional(line: string | undefined): string[] {
  return line ? [line] : [];
}

function capacityRefs(snapshot: Snapshot, subnetId: string): ResourceRef[] {
  const c = capacityInSubnet(snapshot, subnetId);
  return [
    ...c.nodegroups.map((n) => resource.nodegroup(n)),
    ...c.autoScalingGroups.filter((a) => !isManagedNodegroupGroup(snapshot, a)).map((a) => resource.autoScalingGroup(a)),
  ];
}

/** Pods (namespace/name) on nodes in the subnet, among those the snapshot holds, for scoping pod symptoms. */
function podsOnSubnet(snapshot: Snapshot, subnetId: string): ResourceRef[] {
  const nodeNames = new Set(
    capacityInSubnet(snapshot, subnetId)
      .instances.map((i) => (i.InstanceId !== undefined ? nodeForInstance(snapshot, i.InstanceId)?.metadata?.name : undefined))
      .filter((n): n is string => !!n),
  );
  return [...(snapshot.kubernetes.problemPods ?? []), ...(snapshot.kubernetes.kubeSystemPods ?? [])]
    .filter((p) => p.spec?.nodeName && nodeNames.has(p.spec.nodeName))
    .map((p) => resource.pod(`${p.metadata?.namespace}/${p.metadata?.name}`));
}

/**
 * How many addresses one new node takes from its subnet: the VPC CNI fills the node's primary
 * network interface with as many addresses as the instance type allows (the node's own address plus
 * the warm pool), so the largest per-interface limit among the types launched into the subnet.
 */
function addressesOneNodeTakes(snapshot: Snapshot, subnetId: string): { count: number; why: string } {
  const c = capacityInSubnet(snapshot, subnetId);
  const types = new Set<string>();
  for (const i of c.instances) if (i.InstanceType) types.add(i.InstanceType);
  for (const ng of snapshot.aws.nodegroups ?? []) if (ng.nodegroupName && c.nodegroups.includes(ng.nodegroupName)) for (const t of ng.instanceTypes ?? []) types.add(t);
  // What the groups launching into the subnet are set to launch: known without any instance running.
  for (const type of groupInstanceTypes(snapshot, c.autoScalingGroups)) types.add(type);
  const known = (snapshot.aws.instanceTypes ?? []).filter((t) => t.InstanceType && types.has(t.InstanceType));
  const largest = known.reduce<{ type?: string; perEni: number }>((best, t) => ((t.NetworkInfo?.Ipv4AddressesPerInterface ?? 0) > best.perEni ? { type: t.InstanceType, perEni: t.NetworkInfo?.Ipv4AddressesPerInterface ?? 0 } : best), { perEni: 0 });
  if (largest.perEni > 0) return { count: largest.perEni, why: `each ${largest.type} network interface holds ${largest.perEni} IPv4 addresses, which the VPC CNI fills when the node starts` };
  // A count of 1 is a floor: say why the real count is not known, and whether it is the data that is missing.
  const missing = types.size === 0 ? 'aws.reservations' : 'aws.instanceTypes';
  const failure = partFailure(snapshot, missing);
  if (failure) return { count: 1, why: `the node's own address at least; the rest is unknown: ${couldNotRead(missing, failure)}` };
  return { count: 1, why: "the node's own address; instance types unknown" };
}

/** Instance types the Auto Scaling groups launch: their launch template's, and a mixed instances policy's overrides. */
function groupInstanceTypes(snapshot: Snapshot, groupNames: string[]): string[] {
  const types: string[] = [];
  for (const group of snapshot.aws.autoScalingGroups ?? []) {
    if (!group.AutoScalingGroupName || !groupNames.includes(group.AutoScalingGroupName)) continue;
    for (const o of group.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? []) if (o.InstanceType) types.push(o.InstanceType);
    const template = group.LaunchTemplate ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
    const version = (snapshot.aws.launchTemplateVersions ?? []).find((v) => v.LaunchTemplateId === template?.LaunchTemplateId);
    if (version?.LaunchTemplateData?.InstanceType) types.push(version.LaunchTemplateData.InstanceType);
  }
  return types;
}

function exhaustedFix(snapshot: Snapshot, subnet: Subnet) {
  const vpcId = subnet.VpcId ?? snapshot.aws.cluster?.resourcesVpcConfig?.vpcId ?? '<vpc-id>';
  return {
    summary: 'Release leaked network interfaces: list the unattached ones in the subnet, and delete those nothing uses (aws ec2 delete-network-interface --network-interface-id ...).',
    commands: [
      `aws ec2 describe-network-interfaces --filters Name=subnet-id,Values=${subnet.SubnetId} Name=status,Values=available --query 'NetworkInterfaces[].[NetworkInterfaceId,Description]' --output table`,
    ],
    alternatives: [
      { summary: 'Shrink the VPC CNI warm pool, so each node holds fewer addresses it does not use.', commands: ['kubectl set env daemonset aws-node -n kube-system WARM_IP_TARGET=2 MINIMUM_IP_TARGET=10'] },
      {
        summary:
          'Add address space: a new subnet in the same Availability Zone (a secondary VPC CIDR such as 100.64.0.0/16 with custom networking keeps pods off the node subnets), then launch nodes there.',
        commands: [`aws ec2 associate-vpc-cidr-block --vpc-id ${vpcId} --cidr-block 100.64.0.0/16`, `aws ec2 create-subnet --vpc-id ${vpcId} --availability-zone ${subnet.AvailabilityZone ?? '<az>'} --cidr-block 100.64.0.0/19`],
      },
    ],
    docs: [DOCS.nodeSubnetReqs, DOCS.prefixDelegation, DOCS.customNetworking, DOCS.apiNodegroupIssue],
  };
}

function publicSubnetsWithoutPublicIp(snapshot: Snapshot, nodeSubnets: string[]): NewFinding<Code>[] {
  const findings: NewFinding<Code>[] = [];
  for (const subnetId of nodeSubnets) {
    const subnet = subnetById(snapshot, subnetId);
    if (!subnet || subnet.MapPublicIpOnLaunch || !isPublicSubnet(snapshot, subnetId)) continue;
    const c = capacityInSubnet(snapshot, subnetId);
    const withoutPublicIp = c.instances.filter((i) => !i.PublicIpAddress);
    // Instances launched with an explicit public IP (launch template AssociatePublicIpAddress) are fine.
    if (c.instances.length > 0 && withoutPublicIp.length === 0) continue;
    if (c.instances.length === 0 && c.nodegroups.length === 0 && c.autoScalingGroups.length === 0) continue;
    const table = routeTableForSubnet(snapshot, subnetId);
    findings.push({
      code: 'public-node-subnet-no-public-ip',
      keyResource: subnetId,
      title: `Nodes in public subnet ${subnetId} get no public IP and cannot reach the internet`,
      rootCause: `${subnetId} routes 0.0.0.0/0 to an internet gateway but does not auto-assign public IPv4 addresses, so nodes launched there without a public IP cannot reach the EKS, ECR and STS endpoints and never join.`,
      evidence: [
        `${describeSubnet(snapshot, subnetId)}: MapPublicIpOnLaunch is false.`,
        ...(table ? [`Its route table ${table.table.RouteTableId} sends traffic to an internet gateway (a public subnet), which only works for addresses with a public IP.`] : []),
        ...(withoutPublicIp.length > 0 ? [`Instances without a public IP: ${withoutPublicIp.map((i) => i.InstanceId).join(', ')}.`] : []),
        ...optional(describeCapacity(snapshot, subnetId)),
      ],
      resources: [resource.subnet(subnetId, subnetName(snapshot, subnetId)), ...withoutPublicIp.map((i) => resource.instance(i.InstanceId!)), ...capacityRefs(snapshot, subnetId)],
      fix: {
        summary: 'Turn on public IPv4 auto-assignment for the subnet (or move the nodes to private subnets behind a NAT gateway), then replace the instances that launched without one.',
        commands: [`aws ec2 modify-subnet-attribute --subnet-id ${subnetId} --map-public-ip-on-launch`],
        docs: [DOCS.nodeSubnetReqs, DOCS.subnetPublicIp],
      },
      canExplain: (['instance-not-joined', 'node-not-ready', 'nodegroup-unhealthy', 'asg-capacity-shortfall'] as const).map((symptom) => ({ symptom, resources: scopeForSubnets(snapshot, [subnetId]) })),
    });
  }
  return findings;
}

function roleTagFindings(snapshot: Snapshot): NewFinding<Code>[] {
  const findings: NewFinding<Code>[] = [];
  const vpcId = clusterVpcId(snapshot);
  const subnets = (snapshot.aws.subnets ?? []).filter((s) => !vpcId || s.VpcId === vpcId);
  const publicSubnets = subnets.filter((s) => isPublicSubnet(snapshot, s.SubnetId!));
  const privateSubnets = subnets.filter((s) => !isPublicSubnet(snapshot, s.SubnetId!));
  const services = snapshot.kubernetes.loadBalancerServices ?? [];
  const wants = (scheme: 'internet-facing' | 'internal') => services.filter((s) => loadBalancerScheme(s) === scheme).map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`);

  for (const [scheme, role, code, pool] of [
    ['internet-facing', 'elb', 'elb-tag-missing', publicSubnets],
    ['internal', 'internal-elb', 'internal-elb-tag-missing', privateSubnets],
  ] as const) {
    if (pool.length === 0 || pool.some((s) => isRoleTagged(s, role))) continue;
    // How much the missing tag matters depends on the Services that need it: unknown when they could
    // not be read, so the finding is withheld (the check's `incomplete` says why) rather than graded on a guess.
    if (partFailure(snapshot, 'kubernetes.loadBalancerServices')) continue;
    const users = wants(scheme);
    findings.push({
      code,
      keyResource: vpcId ?? snapshot.cluster.name,
      // Without a Service that needs it, a missing tag is only a trap for the next one.
      severity: users.length > 0 ? 'warning' : 'info',
      title: `No ${scheme === 'internet-facing' ? 'public' : 'private'} subnet is tagged kubernetes.io/role/${role}=1`,
      rootCause: `${scheme === 'internet-facing' ? 'Internet-facing' : 'Internal'} load balancers are placed in subnets tagged kubernetes.io/role/${role}=1, and none of the ${pool.length} ${scheme === 'internet-facing' ? 'public' : 'private'} subnets carries it.`,
      evidence: [
        `${scheme === 'internet-facing' ? 'Public (route to an internet gateway)' : 'Private'} subnets: ${pool.map((s) => describeSubnet(snapshot, s.SubnetId!)).join('; ')}.`,
        users.length > 0 ? `${scheme} LoadBalancer Services: ${users.join(', ')}.` : `No ${scheme} LoadBalancer Service exists yet.`,
      ],
      resources: pool.map((s) => resource.subnet(s.SubnetId!, tagValue(s.Tags, 'Name'))),
      fix: {
        summary: `Tag the ${scheme === 'internet-facing' ? 'public' : 'private'} subnets load balancers should use.`,
        commands: [`aws ec2 create-tags --resources ${pool.map((s) => s.SubnetId).join(' ')} --tags Key=kubernetes.io/role/${role},Value=1`],
        docs: [DOCS.networkLoadBalancing, DOCS.networkReqs],
      },
    });
  }
  for (const s of privateSubnets.filter((x) => isRoleTagged(x, 'elb'))) {
    findings.push({
      code: 'elb-tag-on-private-subnet',
      keyResource: s.SubnetId!,
      title: `Private subnet ${s.SubnetId} is tagged for internet-facing load balancers`,
      rootCause: `${s.SubnetId} carries kubernetes.io/role/elb=1 but has no route to an internet gateway, so an internet-facing load balancer placed there cannot be reached from the internet.`,
      evidence: [`${describeSubnet(snapshot, s.SubnetId!)}: kubernetes.io/role/elb=${tagValue(s.Tags, 'kubernetes.io/role/elb')}.`, `Its route table ${routeTableForSubnet(snapshot, s.SubnetId!)?.table.RouteTableId ?? '(none)'} has no route to an internet gateway.`],
      resources: [resource.subnet(s.SubnetId!, tagValue(s.Tags, 'Name'))],
      fix: {
        summary: 'Move the tag to public subnets (and tag private subnets kubernetes.io/role/internal-elb=1 instead).',
        commands: [`aws ec2 delete-tags --resources ${s.SubnetId} --tags Key=kubernetes.io/role/elb`, `aws ec2 create-tags --resources ${s.SubnetId} --tags Key=kubernetes.io/role/internal-elb,Value=1`],
        docs: [DOCS.networkLoadBalancing],
      },
    });
  }
  return findings;
}

function legacyClusterTag(snapshot: Snapshot): NewFinding<Code>[] {
  const key = `kubernetes.io/cluster/${snapshot.cluster.name}`;
  const tagged = (snapshot.aws.subnets ?? []).filter((s) => tagValue(s.Tags, key) !== undefined);
  if (tagged.length === 0) return [];
  const controller = (snapshot.kubernetes.deployments ?? []).find((d) => d.metadata?.name === 'aws-load-balancer-controller');
  const image = controller?.spec?.template?.spec?.containers?.[0]?.image ?? '';
  const version = image.match(/:v?(\d+)\.(\d+)\.(\d+)/);
  // The AWS Load Balancer Controller 2.1.1 and earlier discovers subnets by this tag: then it is still needed.
  if (version && (Number(version[1]) < 2 || (Number(version[1]) === 2 && (Number(version[2]) < 1 || (Number(version[2]) === 1 && Number(version[3]) <= 1))))) return [];
  return [
    {
      code: 'legacy-cluster-tag',
      keyResource: snapshot.cluster.name,
      title: `${tagged.length} subnet(s) still carry ${key}`,
      rootCause: `EKS no longer needs ${key} on subnets; only the AWS Load Balancer Controller 2.1.1 and earlier does${controller ? ` (this cluster runs ${image.split('/').pop()})` : ''}. Keep it if Karpenter or your own tooling selects subnets by it.`,
      evidence: tagged.map((s) => `${describeSubnet(snapshot, s.SubnetId!)}: ${key}=${tagValue(s.Tags, key)}`),
      resources: tagged.map((s) => resource.subnet(s.SubnetId!, tagValue(s.Tags, 'Name'))),
      fix: {
        summary: 'Nothing to do unless you want to tidy up; remove it only after checking that nothing selects subnets by it.',
        commands: [`aws ec2 delete-tags --resources ${tagged.map((s) => s.SubnetId).join(' ')} --tags Key=${key}`],
        docs: [DOCS.nodeSubnetReqs],
      },
    },
  ];
}

