/**
 * Routes and endpoint egress: every node subnet needs a way to the AWS APIs its nodes call while
 * joining (EKS, EC2, ECR, S3, STS): a default route to an available NAT gateway or an internet
 * gateway, or, in a private cluster, VPC endpoints for those services that the nodes can reach. When
 * the API server's public endpoint is restricted and private access is off, the nodes' egress
 * addresses must be in the allowed CIDRs.
 */
import { resource } from '../src/engine/resources.js';
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import type { SymptomKind } from '../src/engine/symptoms.js';
import type { Snapshot, VpcEndpoint } from '../src/snapshot/types.js';
import { ipInCidr } from './lib/ipv4-cidr.js';
import { capacityInSubnet, describeCapacity, describeSubnet, nodeSubnetIds, scopeForSubnets, subnetName } from './lib/node-placement.js';
import { nodePeer, nodeSecurityGroupSets, setSubnetIds } from './lib/node-security-groups.js';
import { classifyDefaultEgress, routeTableForSubnet, type DefaultEgress } from './lib/route-tables.js';
import { groupLabel, groupsAllow } from './lib/security-group-rules.js';
import { clusterVpcId } from './lib/cluster-vpc.js';
import { DOCS } from './lib/docs-links.js';


type Code =
  | 'default-route-blackhole'
  | 'egress-unverifiable'
  | 'endpoint-missing'
  | 'endpoint-unreachable'
  | 'vpc-dns-disabled'
  | 'node-egress-ip-not-allowed'
  | 'api-server-unreachable-from-nodes';

const NODE_SYMPTOMS = ['instance-not-joined', 'node-not-ready', 'nodegroup-unhealthy'] as const satisfies readonly SymptomKind[];
const PULL_SYMPTOMS = [...NODE_SYMPTOMS, 'addon-unhealthy', 'image-pull-unreachable'] as const satisfies readonly SymptomKind[];
/**
 * Without the ecr.api endpoint the kubelet's ECR credential provider gets no token, so the pull
 * goes out without credentials and ECR refuses it ("no basic auth credentials"): a refusal too.
 */
const ENDPOINT_SYMPTOMS = [...PULL_SYMPTOMS, 'image-pull-refused'] as const satisfies readonly SymptomKind[];
/** The endpoints an image pull from ECR goes through: the token (ecr.api), the manifests (ecr.dkr), the layers (S3). */
const IMAGE_PULL_ENDPOINTS: Readonly<Record<string, readonly SymptomKind[]>> = { 'ecr.api': ['image-pull-unreachable', 'image-pull-refused'], 'ecr.dkr': ['image-pull-unreachable'], s3: ['image-pull-unreachable'] };

/** The symptoms a missing or unusable endpoint for these services explains: image pulls only through ECR's own endpoints. */
function endpointSymptoms(services: readonly string[]): SymptomKind[] {
  const pulls = new Set(services.flatMap((service) => IMAGE_PULL_ENDPOINTS[service] ?? []));
  return [...NODE_SYMPTOMS, 'addon-unhealthy', ...ENDPOINT_SYMPTOMS.filter((k) => pulls.has(k))];
}


export default defineDiagnostic<Code>({
  id: 'routes-egress',
  title: 'Node subnets have a way out to the AWS APIs and the API server',
  description:
    "Resolves each node subnet's route table (explicit association, else the VPC's main table) and checks its default route: an available NAT gateway or an attached internet gateway. " +
    'Without one, checks the VPC endpoints a private cluster needs (ec2, ecr.api, ecr.dkr, sts, s3, and logs / eks-auth where used) are there, reachable and allow 443 from the nodes. ' +
    "Checks the VPC DNS attributes the private API endpoint needs, and that nodes' egress addresses are inside publicAccessCidrs when only the public endpoint is on.",
  docs: [DOCS.nodeSubnetReqs, DOCS.privateClusters, DOCS.clusterEndpoint],
  needs: ['aws.cluster', 'aws.subnets', 'aws.routeTables'],
  uses: ['aws.natGateways', 'aws.internetGateways', 'aws.vpcEndpoints', 'aws.vpcDnsAttributes', 'aws.securityGroups', 'aws.prefixListEntries', 'aws.reservations', 'aws.nodegroups', 'aws.autoScalingGroups', 'aws.fargateProfiles', 'aws.launchTemplateVersions', 'aws.addons', 'aws.podIdentityAssociations', 'kubernetes.daemonSets'],
  codes: {
    'default-route-blackhole': {
      severity: 'critical',
      title: "Node subnet's default route goes nowhere",
      description: 'The 0.0.0.0/0 route of a node subnet points at a NAT gateway or internet gateway that was deleted, is not available, or is detached: new nodes cannot reach EKS, ECR or STS and never join (NodeCreationFailure); running nodes cannot pull images.',
      explains: [...PULL_SYMPTOMS],
    },
    'egress-unverifiable': {
      severity: 'info',
      title: "Node subnet's egress goes through a hop that cannot be verified from here",
      description: 'The default route points at a transit gateway, firewall endpoint, peering connection, network interface or private NAT gateway; whether traffic gets out depends on routing beyond this VPC, which eks-doctor cannot see.',
    },
    'endpoint-missing': {
      severity: 'critical',
      title: 'Private node subnets lack VPC endpoints nodes need',
      description: 'Node subnets without a default route reach AWS only through VPC endpoints: ec2, ecr.api, ecr.dkr, sts and an S3 gateway (plus logs and eks-auth where used). A missing one breaks node bootstrap or image pulls.',
      explains: [...ENDPOINT_SYMPTOMS],
    },
    'endpoint-unreachable': {
      severity: 'critical',
      title: 'A VPC endpoint exists but the nodes cannot use it',
      description: "The endpoint is not available, has private DNS off (nodes resolve the public name and have no route), its security groups do not accept TCP 443 from the nodes, or the S3 gateway endpoint is not on the node subnets' route tables.",
      explains: [...ENDPOINT_SYMPTOMS],
    },
    'vpc-dns-disabled': {
      severity: 'critical',
      title: 'VPC DNS support or DNS hostnames is off',
      description: "The cluster's private API endpoint (a Route 53 private hosted zone) and interface endpoints' private DNS only resolve when the VPC has enableDnsSupport and enableDnsHostnames; without them nodes cannot register.",
      explains: [...NODE_SYMPTOMS],
    },
    'node-egress-ip-not-allowed': {
      severity: 'critical',
      title: "Nodes' egress address is not in the API server's publicAccessCidrs",
      description: 'With private endpoint access off, nodes reach the API server over its public endpoint from their NAT gateway or public IP; if that address is not in publicAccessCidrs, kubelets are refused and nodes never join.',
      explains: [...NODE_SYMPTOMS],
    },
    'api-server-unreachable-from-nodes': {
      severity: 'critical',
      title: 'Nodes have no path to the API server',
      description: 'Private endpoint access is off, so nodes must use the public endpoint, but their subnet has no route to the internet.',
      explains: [...NODE_SYMPTOMS],
    },
  },
  check({ snapshot }) {
    const findings: NewFinding<Code>[] = [];
    const cluster = snapshot.aws.cluster!;
    const vpcConfig = cluster.resourcesVpcConfig ?? {};
    const region = snapshot.cluster.region;
    const subnets = nodeSubnetIds(snapshot).filter((id) => (snapshot.aws.subnets ?? []).some((s) => s.SubnetId === id));
    const egressBySubnet = new Map<string, DefaultEgress>();
    for (const id of subnets) {
      const resolved = routeTableForSubnet(snapshot, id);
      if (resolved) egressBySubnet.set(id, classifyDefaultEgress(snapshot, resolved.table));
    }

    // Blackholes and unverifiable hops, one finding per target so a deleted NAT gateway is one root cause.
    for (const kind of ['blackhole', 'unverifiable'] as const) {
      const byTarget = new Map<string, string[]>();
      for (const [subnetId, egress] of egressBySubnet) if (egress.kind === kind) byTarget.set(egress.target, [...(byTarget.get(egress.target) ?? []), subnetId]);
      for (const [target, subnetIds] of byTarget) {
        const egress = egressBySubnet.get(subnetIds[0]!)!;
        if (egress.kind !== 'blackhole' && egress.kind !== 'unverifiable') continue;
        const tables = [...new Set(subnetIds.map((s) => routeTableForSubnet(snapshot, s)!.table.RouteTableId!))];
        const tableNotes = tables.map((t) => {
          const explicit = subnetIds.some((s) => routeTableForSubnet(snapshot, s)!.table.RouteTableId === t && routeTableForSubnet(snapshot, s)!.explicit);
          return `Route table ${t}${explicit ? '' : " (the VPC's main table: these subnets have no explicit association)"}: 0.0.0.0/0 → ${target}${egress.kind === 'blackhole' ? ` (state ${egress.route.State ?? 'unknown'})` : ''}.`;
        });
        const subnetLines = subnetIds.map((s) => `${describeSubnet(snapshot, s)}${describeCapacity(snapshot, s) ? ': ' + describeCapacity(snapshot, s) : ''}`);
        if (egress.kind === 'blackhole') {
          const replacement = (snapshot.aws.natGateways ?? []).find((n) => n.State === 'available' && n.ConnectivityType !== 'private');
          findings.push({
            code: 'default-route-blackhole',
            keyResource: target,
            title: `Default route of ${subnetIds.length} node subnet(s) points at ${target}, which is unusable`,
            rootCause: `${egress.why}, so nodes in ${subnetIds.join(', ')} have no way to the EKS, ECR and STS endpoints: new nodes cannot join and images cannot be pulled.`,
            evidence: [...tableNotes, ...subnetLines],
            resources: [...(target.startsWith('nat-') ? [resource.natGateway(target)] : []), ...tables.map((t) => resource.routeTable(t)), ...subnetIds.map((s) => resource.subnet(s, subnetName(snapshot, s)))],
            fix: {
              summary: target.startsWith('nat-')
                ? `Point the default route at an available NAT gateway${replacement ? ` (${replacement.NatGatewayId} exists)` : ' (create one in a public subnet first)'}.`
                : 'Point the default route at the internet gateway attached to the VPC.',
              commands: target.startsWith('nat-')
                ? [
                    ...(replacement ? [] : [`aws ec2 allocate-address --domain vpc`, `aws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id <eipalloc-id>`]),
                    ...tables.map((t) => `aws ec2 replace-route --route-table-id ${t} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${replacement?.NatGatewayId ?? '<new-nat-gateway-id>'}`),
                  ]
                : tables.map((t) => `aws ec2 replace-route --route-table-id ${t} --destination-cidr-block 0.0.0.0/0 --gateway-id ${(snapshot.aws.internetGateways ?? [])[0]?.InternetGatewayId ?? '<igw-id>'}`),
              docs: [DOCS.natGateways, DOCS.nodeSubnetReqs, DOCS.nodeJoinFailure],
            },
            canExplain: PULL_SYMPTOMS.map((symptom) => ({ symptom, resources: scopeForSubnets(snapshot, subnetIds) })),
          });
        } else {
          findings.push({
            code: 'egress-unverifiable',
            keyResource: target,
            title: `Egress through ${target} cannot be verified`,
            rootCause: `Node subnets ${subnetIds.join(', ')} send 0.0.0.0/0 to a ${egress.what} (${target}); whether that path reaches the internet or the AWS endpoints depends on routing beyond this VPC, which cannot be seen from here.`,
            evidence: [...tableNotes, ...subnetLines],
            resources: [...tables.map((t) => resource.routeTable(t)), ...subnetIds.map((s) => resource.subnet(s, subnetName(snapshot, s)))],
            fix: {
              summary: `If nodes fail to join, check the route onward from ${target} (its route tables and the egress VPC's NAT and firewall), or use VPC Reachability Analyzer from a node to the ECR endpoint.`,
              commands: target.startsWith('tgw-')
                ? [`aws ec2 describe-transit-gateway-route-tables --filters Name=transit-gateway-id,Values=${target}`, `aws ec2 search-transit-gateway-routes --transit-gateway-route-table-id <tgw-rtb-id> --filters Name=type,Values=static,propagated --query 'Routes[?DestinationCidrBlock==\`0.0.0.0/0\`]'`]
                : [`aws ec2 create-network-insights-path --source <node-instance-id> --destination-ip 52.94.0.1 --protocol tcp --destination-port 443`],
              docs: [DOCS.nodeSubnetReqs],
            },
          });
        }
      }
    }

    // Private node subnets: VPC endpoints stand in for the internet.
    const isolated = [...egressBySubnet].filter(([, e]) => e.kind === 'none').map(([s]) => s);
    if (isolated.length > 0 && snapshot.aws.vpcEndpoints) findings.push(...endpointFindings(snapshot, isolated, region));

    // The API server itself: DNS for the private endpoint, and the public endpoint's allow list.
    const vpcId = clusterVpcId(snapshot);
    const dns = vpcId ? (snapshot.aws.vpcDnsAttributes ?? []).find((d) => d.VpcId === vpcId) : undefined;
    if (vpcConfig.endpointPrivateAccess && dns && (dns.EnableDnsSupport === false || dns.EnableDnsHostnames === false)) {
      const off = [dns.EnableDnsSupport === false ? 'enableDnsSupport' : '', dns.EnableDnsHostnames === false ? 'enableDnsHostnames' : ''].filter(Boolean);
      const privateOnly = !vpcConfig.endpointPublicAccess;
      findings.push({
        code: 'vpc-dns-disabled',
        keyResource: vpcId!,
        severity: privateOnly ? 'critical' : 'warning',
        title: `${off.join(' and ')} ${off.length > 1 ? 'are' : 'is'} off on ${vpcId}`,
        rootCause: `The private API endpoint is a Route 53 private hosted zone that resolves only in a VPC with enableDnsSupport and enableDnsHostnames; with ${off.join(' and ')} off, nodes ${privateOnly ? 'cannot resolve the API server at all (public access is off), so they never register' : 'resolve the public endpoint instead and depend on internet egress and publicAccessCidrs'}.`,
        evidence: [`${vpcId}: enableDnsSupport ${dns.EnableDnsSupport}, enableDnsHostnames ${dns.EnableDnsHostnames}.`, `Endpoint access: private ${vpcConfig.endpointPrivateAccess}, public ${vpcConfig.endpointPublicAccess}.`],
        resources: [resource.vpc(vpcId!), resource.cluster(snapshot.cluster.name)],
        fix: {
          summary: 'Turn both DNS attributes on (one attribute per call); the DHCP options set must also use AmazonProvidedDNS.',
          commands: off.map((a) => `aws ec2 modify-vpc-attribute --vpc-id ${vpcId} --${a === 'enableDnsSupport' ? 'enable-dns-support' : 'enable-dns-hostnames'} '{"Value":true}'`),
          docs: [DOCS.clusterEndpoint, DOCS.vpcDns],
        },
        canExplain: NODE_SYMPTOMS.map((symptom) => ({ symptom, resources: scopeForSubnets(snapshot, subnets) })),
      });
    }
    if (vpcConfig.endpointPrivateAccess === false) findings.push(...publicEndpointFindings(snapshot, egressBySubnet));
    return findings;
  },
});

/** The endpoint services nodes in a private subnet call, with why. */
function requiredServices(snapshot: Snapshot): { service: string; why: string }[] {
  const services = [
    { service: 'ec2', why: 'the node bootstrap and the VPC CNI call EC2' },
    { service: 'ecr.api', why: 'image pulls authenticate with the ECR API' },
    { service: 'ecr.dkr', why: 'image pulls fetch manifests from the ECR registry' },
    { service: 'sts', why: 'IRSA and the VPC CNI assume roles through STS' },
    { service: 's3', why: 'ECR serves image layers from S3' },
  ];
  const logsUsed =
    (snapshot.aws.addons ?? []).some((a) => a.addonName === 'amazon-cloudwatch-observability') ||
    (snapshot.kubernetes.daemonSets ?? []).some((d) => /fluent-?bit|cloudwatch-agent/.test(d.metadata?.name ?? ''));
  if (logsUsed) services.push({ service: 'logs', why: 'a CloudWatch log agent runs in the cluster' });
  if ((snapshot.aws.podIdentityAssociations ?? []).length > 0) services.push({ service: 'eks-auth', why: 'pods use EKS Pod Identity' });
  return services;
}

function endpointFor(snapshot: Snapshot, region: string, service: string): VpcEndpoint[] {
  const vpcId = clusterVpcId(snapshot);
  return (snapshot.aws.vpcEndpoints ?? []).filter((e) => e.VpcId === vpcId && e.ServiceName === `com.amazonaws.${region}.${service}`);
}

function isAvailable(e: VpcEndpoint): boolean {
  return (e.State ?? '').toLowerCase() === 'available';
}

function endpointFindings(snapshot: Snapshot, subnetIds: string[], region: string): NewFinding<Code>[] {
  const findings: NewFinding<Code>[] = [];
  const vpcId = clusterVpcId(snapshot) ?? '<vpc-id>';
  const subnetLines = subnetIds.map((s) => `${describeSubnet(snapshot, s)} has no default route (route table ${routeTableForSubnet(snapshot, s)?.table.RouteTableId}).`);
  const scope = scopeForSubnets(snapshot, subnetIds);
  const missing = requiredServices(snapshot).filter((r) => endpointFor(snapshot, region, r.service).length === 0);
  if (missing.length > 0) {
    const groups = [...new Set((snapshot.aws.vpcEndpoints ?? []).filter((e) => e.VpcEndpointType === 'Interface').flatMap((e) => (e.Groups ?? []).map((g) => g.GroupId!)))];
    const tables = [...new Set(subnetIds.map((s) => routeTableForSubnet(snapshot, s)?.table.RouteTableId).filter((t): t is string => !!t))];
    findings.push({
      code: 'endpoint-missing',
      keyResource: vpcId,
      title: `Private node subnets have no ${missing.map((m) => m.service).join(', ')} endpoint`,
      rootCause: `Node subnets ${subnetIds.join(', ')} have no route to the internet, so nodes reach AWS only through VPC endpoints, and ${vpcId} has none for ${missing.map((m) => m.service).join(', ')}: ${missing.map((m) => m.why).join('; ')}.`,
      evidence: [...subnetLines, ...missing.map((m) => `No endpoint for com.amazonaws.${region}.${m.service} in ${vpcId}.`), `Endpoints present: ${(snapshot.aws.vpcEndpoints ?? []).map((e) => `${e.ServiceName?.split('.').slice(3).join('.')} (${e.VpcEndpointType})`).join(', ') || 'none'}.`],
      resources: [resource.vpc(vpcId), ...subnetIds.map((s) => resource.subnet(s, subnetName(snapshot, s)))],
      fix: {
        summary: 'Create the missing endpoints in the node subnets (interface endpoints with private DNS on and a security group that accepts 443 from the nodes; S3 as a gateway endpoint on their route tables).',
        commands: missing.map((m) =>
          m.service === 's3'
            ? `aws ec2 create-vpc-endpoint --vpc-id ${vpcId} --vpc-endpoint-type Gateway --service-name com.amazonaws.${region}.s3 --route-table-ids ${tables.join(' ')}`
            : `aws ec2 create-vpc-endpoint --vpc-id ${vpcId} --vpc-endpoint-type Interface --service-name com.amazonaws.${region}.${m.service} --subnet-ids ${subnetIds.join(' ')} --security-group-ids ${groups[0] ?? '<sg-accepting-443-from-nodes>'} --private-dns-enabled`,
        ),
        docs: [DOCS.privateClusters, DOCS.interfaceEndpoints],
      },
      canExplain: endpointSymptoms(missing.map((m) => m.service)).map((symptom) => ({ symptom, resources: scope })),
    });
  }
  for (const required of requiredServices(snapshot)) {
    const endpoints = endpointFor(snapshot, region, required.service);
    if (endpoints.length === 0) continue;
    const problems: string[] = [];
    const usable = endpoints.filter((e) => {
      const own: string[] = [];
      if (!isAvailable(e)) own.push(`${e.VpcEndpointId} is ${e.State}`);
      if (e.VpcEndpointType === 'Gateway') {
        const missingTables = subnetIds.map((s) => routeTableForSubnet(snapshot, s)?.table.RouteTableId).filter((t): t is string => !!t && !(e.RouteTableIds ?? []).includes(t));
        if (missingTables.length > 0) own.push(`${e.VpcEndpointId} is not associated with route table(s) ${[...new Set(missingTables)].join(', ')} of the node subnets`);
      } else if (e.VpcEndpointType === 'Interface') {
        if (e.PrivateDnsEnabled === false && required.service !== 's3') own.push(`${e.VpcEndpointId} has private DNS off, so nodes resolve the public ${required.service} name and have no route to it`);
        if (snapshot.aws.securityGroups) {
          const groups = (e.Groups ?? []).flatMap((g) => (g.GroupId ? [g.GroupId] : []));
          for (const set of nodeSecurityGroupSets(snapshot).filter((x) => setSubnetIds(snapshot, x).some((s) => subnetIds.includes(s)))) {
            const peer = nodePeer(snapshot, set);
            const each = peer.cidrs.length > 0 ? peer.cidrs.map((c) => ({ groupIds: peer.groupIds, cidrs: [c] })) : [peer];
            const verdicts = each.map((p) => groupsAllow(snapshot, groups, 'ingress', 'tcp', 443, p));
            if (verdicts.some((v) => !v.allowed && !v.uncertain)) own.push(`${e.VpcEndpointId}'s security groups ${groups.map((g) => groupLabel(snapshot, g)).join(', ')} do not accept TCP 443 from nodes with ${set.groupIds.join(', ')}`);
          }
        }
      }
      problems.push(...own);
      return own.length === 0;
    });
    if (usable.length > 0 || problems.length === 0) continue;
    const e = endpoints[0]!;
    const firstGroup = (e.Groups ?? [])[0]?.GroupId;
    const nodeGroup = nodeSecurityGroupSets(snapshot)[0]?.groupIds[0];
    findings.push({
      code: 'endpoint-unreachable',
      keyResource: e.VpcEndpointId!,
      title: `Nodes cannot use the ${required.service} endpoint ${e.VpcEndpointId}`,
      rootCause: `Nodes in ${subnetIds.join(', ')} depend on the ${required.service} endpoint (${required.why}), but ${problems.join('; ')}.`,
      evidence: [...problems.map((p) => `${p}.`), ...subnetLines],
      resources: [...endpoints.map((x) => resource.vpcEndpoint(x.VpcEndpointId!)), ...subnetIds.map((s) => resource.subnet(s, subnetName(snapshot, s)))],
      fix: {
        summary: 'Make the endpoint usable from the node subnets.',
        commands: [
          ...(problems.some((p) => p.includes('private DNS')) ? [`aws ec2 modify-vpc-endpoint --vpc-endpoint-id ${e.VpcEndpointId} --private-dns-enabled`] : []),
          ...(problems.some((p) => p.includes('do not accept TCP 443')) && firstGroup && nodeGroup ? [`aws ec2 authorize-security-group-ingress --group-id ${firstGroup} --protocol tcp --port 443 --source-group ${nodeGroup}`] : []),
          ...(problems.some((p) => p.includes('not associated with route table')) ? [`aws ec2 modify-vpc-endpoint --vpc-endpoint-id ${e.VpcEndpointId} --add-route-table-ids ${[...new Set(subnetIds.map((s) => routeTableForSubnet(snapshot, s)?.table.RouteTableId))].join(' ')}`] : []),
          `aws ec2 describe-vpc-endpoints --vpc-endpoint-ids ${e.VpcEndpointId}`,
        ],
        docs: [DOCS.privateClusters, DOCS.interfaceEndpoints],
      },
      canExplain: endpointSymptoms([required.service]).map((symptom) => ({ symptom, resources: scopeForSubnets(snapshot, subnetIds) })),
    });
  }
  return findings;
}

/** Private access off: nodes go to the public endpoint, from their NAT gateway's or their own public address. */
function publicEndpointFindings(snapshot: Snapshot, egressBySubnet: Map<string, DefaultEgress>): NewFinding<Code>[] {
  const findings: NewFinding<Code>[] = [];
  const vpcConfig = snapshot.aws.cluster!.resourcesVpcConfig ?? {};
  const cidrs = vpcConfig.publicAccessCidrs ?? ['0.0.0.0/0'];
  const open = cidrs.includes('0.0.0.0/0');
  const cluster = snapshot.cluster.name;
  const noRoute = [...egressBySubnet].filter(([, e]) => e.kind === 'none').map(([s]) => s);
  if (noRoute.length > 0) {
    findings.push({
      code: 'api-server-unreachable-from-nodes',
      keyResource: cluster,
      title: 'Nodes in private subnets cannot reach the API server: private endpoint access is off',
      rootCause: `Private endpoint access is off, so nodes must reach the API server's public endpoint, but ${noRoute.join(', ')} ${noRoute.length > 1 ? 'have' : 'has'} no route to the internet.`,
      evidence: [`Endpoint access: private ${vpcConfig.endpointPrivateAccess}, public ${vpcConfig.endpointPublicAccess}.`, ...noRoute.map((s) => `${describeSubnet(snapshot, s)}: no default route.`)],
      resources: [resource.cluster(cluster), ...noRoute.map((s) => resource.subnet(s, subnetName(snapshot, s)))],
      fix: { summary: 'Turn on private endpoint access (recommended), or give the subnets a NAT gateway route.', commands: [`aws eks update-cluster-config --name ${cluster} --resources-vpc-config endpointPrivateAccess=true`], docs: [DOCS.clusterEndpoint, DOCS.privateClusters] },
      canExplain: NODE_SYMPTOMS.map((symptom) => ({ symptom, resources: scopeForSubnets(snapshot, noRoute) })),
    });
  }
  if (open) return findings;
  // One finding per egress address outside the list, naming every subnet (and instance) that leaves through it.
  const outside = new Map<string, { via: string; subnets: Set<string>; instances: Set<string> }>();
  for (const [subnetId, egress] of egressBySubnet) {
    if (egress.kind === 'nat-gateway') {
      const ips = egress.publicIps;
      if (ips.length === 0 || ips.some((ip) => cidrs.some((c) => ipInCidr(ip, c)))) continue;
      const key = ips.join(', ');
      const entry = outside.get(key) ?? { via: `NAT gateway ${egress.target}`, subnets: new Set<string>(), instances: new Set<string>() };
      entry.subnets.add(subnetId);
      outside.set(key, entry);
    } else if (egress.kind === 'internet-gateway') {
      for (const i of capacityInSubnet(snapshot, subnetId).instances) {
        if (!i.PublicIpAddress || cidrs.some((c) => ipInCidr(i.PublicIpAddress!, c))) continue;
        const entry = outside.get(i.PublicIpAddress) ?? { via: `its own public IP`, subnets: new Set<string>(), instances: new Set<string>() };
        entry.subnets.add(subnetId);
        entry.instances.add(i.InstanceId!);
        outside.set(i.PublicIpAddress, entry);
      }
    }
  }
  for (const [ips, entry] of outside) {
    const subnetIds = [...entry.subnets];
    const newCidrs = [...cidrs, ...ips.split(', ').map((ip) => `${ip}/32`)];
    findings.push({
      code: 'node-egress-ip-not-allowed',
      keyResource: ips,
      title: `Nodes reach the API server from ${ips}, which publicAccessCidrs does not allow`,
      rootCause: `Private endpoint access is off, so nodes in ${subnetIds.join(', ')} call the public endpoint from ${ips} (${entry.via}), and publicAccessCidrs (${cidrs.join(', ')}) does not include it: kubelets are refused and nodes never join.`,
      evidence: [`Endpoint access: private false, public ${vpcConfig.endpointPublicAccess}; publicAccessCidrs ${cidrs.join(', ')}.`, `Egress via ${entry.via}: ${ips}.`, ...subnetIds.map((s) => describeSubnet(snapshot, s))],
      resources: [resource.cluster(cluster), ...(entry.via.startsWith('NAT') ? [resource.natGateway(entry.via.split(' ').pop()!)] : []), ...[...entry.instances].map((i) => resource.instance(i)), ...subnetIds.map((s) => resource.subnet(s, subnetName(snapshot, s)))],
      fix: {
        summary: 'Turn on private endpoint access (nodes then stay inside the VPC).',
        commands: [`aws eks update-cluster-config --name ${cluster} --resources-vpc-config endpointPrivateAccess=true`],
        alternatives: [{ summary: 'Add the egress address to publicAccessCidrs.', commands: [`aws eks update-cluster-config --name ${cluster} --resources-vpc-config publicAccessCidrs=${newCidrs.join(',')}`] }],
        docs: [DOCS.clusterEndpoint],
      },
      canExplain: NODE_SYMPTOMS.map((symptom) => ({ symptom, resources: scopeForSubnets(snapshot, subnetIds, [...entry.instances].map((i) => resource.instance(i))) })),
    });
  }
  return findings;
}
