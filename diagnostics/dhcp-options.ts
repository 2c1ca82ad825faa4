/**
 * The DHCP option set of the cluster's VPC: which DNS servers and domain name nodes receive.
 *
 * - Without AmazonProvidedDNS, nodes resolve the cluster endpoint (a Route 53 private hosted zone
 *   when private access is on), the AWS service names and the VPC endpoints' private names through
 *   servers eks-doctor cannot query: a likely cause of nodes that never join, never a proven one,
 *   so it is tentative (src/engine/diagnostic.ts): a warning while nothing else explains them, a
 *   note otherwise.
 * - A domain-name other than the region's default gives nodes host names that differ from the
 *   PrivateDnsName EC2 reports, which the node's access entry or aws-auth mapping
 *   (system:node:{{EC2PrivateDNSName}}) and the node authorizer compare with the Node's name.
 */
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import { resource } from '../src/engine/resources.js';
import type { SymptomKind } from '../src/engine/symptoms.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { DOCS } from './lib/docs-links.js';
import { AMAZON_PROVIDED_DNS, defaultDomainName, dhcpValues, usesAmazonProvidedDns, vpcDhcpOptions, type VpcDhcpOptions } from './lib/dhcp-options.js';
import { liveInstances, nodeForInstance, nodeSubnetIds, scopeForSubnets } from './lib/node-placement.js';

type Code = 'no-amazon-provided-dns' | 'custom-domain-name';

const NODE_SYMPTOMS = ['instance-not-joined', 'node-not-ready', 'nodegroup-unhealthy'] as const satisfies readonly SymptomKind[];
const JOIN_SYMPTOMS = ['instance-not-joined', 'nodegroup-unhealthy'] as const satisfies readonly SymptomKind[];

export default defineDiagnostic<Code>({
  id: 'dhcp-options',
  title: "The VPC's DHCP options give nodes the Amazon DNS resolver and EC2's host names",
  description:
    "Reads the DHCP option set of the cluster's VPC: without AmazonProvidedDNS nodes resolve the cluster endpoint and the AWS service names through DNS servers eks-doctor cannot verify (a likely cause when nodes never join); a domain-name other than the region's default gives nodes host names that differ from EC2's PrivateDnsName, which the node's identity mapping expects.",
  docs: [DOCS.dhcpOptionSets, DOCS.nodeJoinFailure],
  needs: ['aws.vpcs', 'aws.dhcpOptions'],
  uses: ['aws.cluster', 'aws.subnets', 'aws.reservations', 'aws.nodegroups', 'aws.autoScalingGroups', 'aws.fargateProfiles', 'kubernetes.nodes'],
  codes: {
    'no-amazon-provided-dns': {
      severity: 'warning',
      title: 'DHCP option set does not hand out the Amazon DNS resolver',
      description:
        "The VPC's DHCP option set names DNS servers other than AmazonProvidedDNS (or the VPC has no option set). Nodes then depend on those servers to resolve the cluster endpoint (its private hosted zone), the AWS service names and the VPC endpoints' private names; eks-doctor cannot query them. A warning when nodes never join and nothing else explains it, a note otherwise.",
      explains: [...NODE_SYMPTOMS],
      tentative: true,
      ruledOut: "the VPC's DHCP option set hands out AmazonProvidedDNS",
    },
    'custom-domain-name': {
      severity: 'warning',
      title: "DHCP domain-name changes nodes' host names from EC2's private DNS names",
      description:
        "The option set's domain-name is not the region's default, so nodes' host names end in it while EC2 reports PrivateDnsName in the default domain. Node identities mapped as system:node:{{EC2PrivateDNSName}} then differ from the name a kubelet registers with, and it is refused.",
      explains: [...JOIN_SYMPTOMS],
      tentative: true,
      ruledOut: "the DHCP option set's domain-name keeps EC2's private DNS names",
    },
  },
  check({ snapshot }) {
    const set = vpcDhcpOptions(snapshot);
    if (!set) return [];
    const findings: NewFinding<Code>[] = [];
    const scope = () => scopeForSubnets(snapshot, nodeSubnetIds(snapshot), [resource.vpc(set.vpcId)]);
    const region = snapshot.cluster.region;
    const setRef = set.optionSetId === 'default' ? [] : [resource.dhcpOptions(set.optionSetId)];

    if (set.optionSetId === 'default' || (set.options && !usesAmazonProvidedDns(snapshot, set))) {
      const servers = dhcpValues(set.options, 'domain-name-servers');
      const privateOnly = snapshot.aws.cluster?.resourcesVpcConfig?.endpointPublicAccess === false;
      findings.push({
        code: 'no-amazon-provided-dns',
        keyResource: set.optionSetId === 'default' ? set.vpcId : set.optionSetId,
        title: set.optionSetId === 'default' ? `VPC ${set.vpcId} has no DHCP option set: nodes are handed no DNS servers` : `DHCP option set ${set.optionSetId} sends nodes to DNS servers ${servers.join(', ') || '(none)'} instead of AmazonProvidedDNS`,
        rootCause:
          set.optionSetId === 'default'
            ? `VPC ${set.vpcId} is associated with no DHCP option set ('default'), so its instances receive no DNS servers from DHCP: a node cannot resolve the cluster endpoint or the AWS APIs it calls while joining.`
            : `Nodes in ${set.vpcId} resolve names through ${servers.join(', ')}, not the Route 53 Resolver. Unless those servers forward to it, nodes cannot resolve the cluster endpoint${snapshot.aws.cluster?.resourcesVpcConfig?.endpointPrivateAccess ? " (its private hosted zone answers only the VPC's resolver)" : ''}, the AWS service names or the VPC endpoints' private names, and never join. eks-doctor cannot query those servers, so this is the likely cause only when nothing else explains the nodes.`,
        evidence: [
          set.optionSetId === 'default' ? `${set.vpcId}: DhcpOptionsId default (no option set).` : `${set.vpcId} uses DHCP option set ${set.optionSetId}: domain-name-servers ${servers.join(', ') || '(not set)'}.`,
          ...(set.options ? [`domain-name: ${dhcpValues(set.options, 'domain-name').join(' ') || '(not set)'}.`] : []),
          `Cluster endpoint access: private ${snapshot.aws.cluster?.resourcesVpcConfig?.endpointPrivateAccess ?? 'unknown'}, public ${snapshot.aws.cluster?.resourcesVpcConfig?.endpointPublicAccess ?? 'unknown'}${privateOnly ? ' (private only: nodes must resolve the private hosted zone)' : ''}.`,
        ],
        resources: [resource.vpc(set.vpcId), ...setRef],
        fix: {
          summary: `Check from a node that the servers resolve the cluster endpoint and the AWS names; if they do not, forward the VPC's names to the Route 53 Resolver (an outbound/inbound Resolver endpoint for on-premises servers), or associate an option set with ${AMAZON_PROVIDED_DNS}.`,
          commands: [
            set.optionSetId === 'default'
              ? `aws ec2 describe-vpcs --vpc-ids ${set.vpcId} --query "Vpcs[0].DhcpOptionsId" --region ${region}`
              : `aws ec2 describe-dhcp-options --dhcp-options-ids ${set.optionSetId} --region ${region}`,
            ...(snapshot.aws.cluster?.endpoint ? [`dig +short ${new URL(snapshot.aws.cluster.endpoint).hostname}`] : []),
            `aws ec2 create-dhcp-options --dhcp-configurations "Key=domain-name-servers,Values=${AMAZON_PROVIDED_DNS}" "Key=domain-name,Values=${defaultDomainName(region)}" --region ${region}`,
            `aws ec2 associate-dhcp-options --dhcp-options-id <new-dopt-id> --vpc-id ${set.vpcId} --region ${region}`,
          ],
          docs: [DOCS.dhcpOptionSets, DOCS.vpcDns, DOCS.clusterEndpoint],
        },
        canExplain: NODE_SYMPTOMS.map((symptom) => ({ symptom, resources: scope() })),
      });
    }

    const domain = dhcpValues(set.options, 'domain-name')[0]?.split(/\s+/)[0];
    if (set.options && domain && domain !== defaultDomainName(region)) findings.push(customDomain(snapshot, set, domain, scope()));
    return findings;
  },
});

function customDomain(snapshot: Snapshot, set: VpcDhcpOptions, domain: string, scope: ReturnType<typeof scopeForSubnets>): NewFinding<Code> {
  const region = snapshot.cluster.region;
  // Proof from the cluster itself: a Node named in the custom domain, or by a name EC2 does not report.
  const mismatches = liveInstances(snapshot).flatMap((i) => {
    const node = i.InstanceId ? nodeForInstance(snapshot, i.InstanceId) : undefined;
    const name = node?.metadata?.name;
    return name && i.PrivateDnsName && name !== i.PrivateDnsName && !name.startsWith('fargate-') ? [`Node ${name} runs on ${i.InstanceId}, whose PrivateDnsName is ${i.PrivateDnsName}.`] : [];
  });
  const example = liveInstances(snapshot).find((i) => i.PrivateDnsName)?.PrivateDnsName;
  return {
    code: 'custom-domain-name',
    keyResource: set.optionSetId,
    title: `DHCP option set ${set.optionSetId} gives nodes the domain ${domain} instead of ${defaultDomainName(region)}`,
    rootCause: `Nodes take their host name from DHCP (${example ? example.replace(/\..*$/, `.${domain}`) : `ip-….${domain}`}), while EC2 reports their PrivateDnsName in ${defaultDomainName(region)}. A node role mapped as system:node:{{EC2PrivateDNSName}} then gets a user name that differs from the Node name the kubelet registers, and the node authorizer refuses it, unless the bootstrap overrides the host name with EC2's name.`,
    evidence: [
      `${set.vpcId} uses DHCP option set ${set.optionSetId}: domain-name ${dhcpValues(set.options, 'domain-name').join(' ')}.`,
      ...(example ? [`EC2 reports private DNS names such as ${example}.`] : []),
      ...mismatches.slice(0, 5),
      ...(mismatches.length > 5 ? [`${mismatches.length - 5} more Nodes are named differently from their instance's PrivateDnsName.`] : []),
    ],
    resources: [resource.vpc(set.vpcId), resource.dhcpOptions(set.optionSetId)],
    fix: {
      summary: `Give the VPC an option set whose domain-name is ${defaultDomainName(region)} (keep the DNS servers you need; add other search domains on the hosts instead), then replace the nodes that never joined.`,
      commands: [
        `aws ec2 create-dhcp-options --dhcp-configurations "Key=domain-name,Values=${defaultDomainName(region)}" "Key=domain-name-servers,Values=${dhcpValues(set.options, 'domain-name-servers').join(',') || AMAZON_PROVIDED_DNS}" --region ${region}`,
        `aws ec2 associate-dhcp-options --dhcp-options-id <new-dopt-id> --vpc-id ${set.vpcId} --region ${region}`,
      ],
      docs: [DOCS.dhcpOptionSets, DOCS.nodeJoinFailure],
    },
    canExplain: JOIN_SYMPTOMS.map((symptom) => ({ symptom, resources: scope })),
  };
}
