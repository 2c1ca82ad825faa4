/**
 * VPC CNI custom networking: with AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true on aws-node, the CNI gives
 * pods addresses from the subnet of the node's ENIConfig (crd.k8s.amazonaws.com/v1alpha1) instead of
 * the node's own subnet. Which ENIConfig a node gets, as the CNI chooses it (from memory of
 * amazon-vpc-cni-k8s pkg/eniconfig/eniconfig.go, GetNodeSpecificENIConfigName): the node's annotation
 * named by ENI_CONFIG_ANNOTATION_DEF (default k8s.amazonaws.com/eniConfig), else its label named by
 * ENI_CONFIG_LABEL_DEF (default k8s.amazonaws.com/eniConfig; usually set to
 * topology.kubernetes.io/zone so that one ENIConfig per zone, named after it, serves every node),
 * else the ENIConfig named "default".
 *
 * That ENIConfig must exist, its subnet must exist in the node's zone and the cluster's VPC with free
 * addresses, and its security groups must exist; otherwise the CNI cannot attach secondary ENIs and
 * pods on the node get no address. Nodes that joined before custom networking was switched on keep
 * their old ENIs (pods keep addresses from the node's own subnet) until they are replaced.
 */
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import type { SymptomKind } from '../src/engine/symptoms.js';
import type { EniConfig, KubeNode, Snapshot } from '../src/snapshot/types.js';
import { cniSettingValue } from './lib/pod-addresses.js';
import { clusterVpcId } from './lib/cluster-vpc.js';
import { DOCS } from './lib/docs-links.js';
import { ipInCidr } from './lib/ipv4-cidr.js';
import { subnetById } from './lib/route-tables.js';
import { instanceIdFromProviderId } from '../src/domain/provider-id.js';

type Code = 'eniconfig-missing' | 'eniconfig-subnet-unusable' | 'eniconfig-security-group-missing' | 'node-predates-custom-networking';

const POD_SYMPTOMS = ['pod-without-ip', 'node-not-ready'] as const satisfies readonly SymptomKind[];
const DEFAULT_SELECTOR = 'k8s.amazonaws.com/eniConfig';
const DEFAULT_ENICONFIG = 'default';

export default defineDiagnostic<Code>({
  id: 'custom-networking',
  title: "Custom networking gives every node a usable ENIConfig",
  description:
    "With AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true on aws-node, finds each node's ENIConfig as the VPC CNI chooses it (ENI_CONFIG_ANNOTATION_DEF annotation, ENI_CONFIG_LABEL_DEF label, else 'default') and checks that it exists, that its subnet exists in the node's zone and the cluster's VPC with free addresses, and that its security groups exist; and names the nodes that joined before custom networking was on and keep their old interfaces.",
  docs: [DOCS.customNetworking],
  needs: ['kubernetes.daemonSets', 'kubernetes.nodes'],
  uses: ['kubernetes.eniConfigs', 'aws.subnets', 'aws.securityGroups', 'aws.reservations', 'aws.cluster', 'kubernetes.kubeSystemPods'],
  codes: {
    'eniconfig-missing': {
      severity: 'critical',
      title: "A node's ENIConfig does not exist",
      description: 'Custom networking is on, and the ENIConfig the VPC CNI chooses for the node (by annotation, label or the name "default") does not exist: the CNI attaches no secondary interface and pods on the node get no address.',
      explains: [...POD_SYMPTOMS],
      ruledOut: "every node's ENIConfig exists",
    },
    'eniconfig-subnet-unusable': {
      severity: 'critical',
      title: "An ENIConfig's subnet cannot serve its nodes",
      description: "The ENIConfig names a subnet that does not exist, lies in another Availability Zone than the node (an interface can only attach in its own zone), is outside the cluster's VPC, or has no free address: pods on those nodes get no address.",
      explains: [...POD_SYMPTOMS],
      ruledOut: "every ENIConfig's subnet exists in its nodes' zone and the cluster's VPC with free addresses",
    },
    'eniconfig-security-group-missing': {
      severity: 'critical',
      title: "An ENIConfig names a security group that does not exist",
      description: 'The VPC CNI cannot create the pod interfaces with a security group that does not exist: pods on those nodes get no address.',
      explains: [...POD_SYMPTOMS],
      ruledOut: "every ENIConfig's security groups exist",
    },
    'node-predates-custom-networking': {
      severity: 'warning',
      title: 'Nodes from before custom networking keep their old interfaces',
      description: "Custom networking applies to interfaces the VPC CNI creates after it is switched on; nodes that joined before keep pods on addresses of their own subnet until they are replaced (cordoned, drained and terminated).",
    },
  },
  check({ snapshot }) {
    if (cniSettingValue(snapshot, 'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG')?.toLowerCase() !== 'true') return [];
    const annotationKey = cniSettingValue(snapshot, 'ENI_CONFIG_ANNOTATION_DEF') || DEFAULT_SELECTOR;
    const labelKey = cniSettingValue(snapshot, 'ENI_CONFIG_LABEL_DEF') || DEFAULT_SELECTOR;
    const eniConfigs = snapshot.kubernetes.eniConfigs;
    const byName = new Map((eniConfigs ?? []).map((e) => [e.metadata?.name ?? '', e]));
    const region = snapshot.cluster.region;
    const vpcId = clusterVpcId(snapshot);

    // Nodes by the ENIConfig the CNI picks for them (Fargate and hybrid nodes do not run aws-node).
    const nodesByConfig = new Map<string, { node: KubeNode; how: string }[]>();
    for (const node of snapshot.kubernetes.nodes ?? []) {
      const labels = node.metadata?.labels ?? {};
      if (labels['eks.amazonaws.com/compute-type'] === 'fargate' || labels['eks.amazonaws.com/compute-type'] === 'hybrid') continue;
      const annotation = node.metadata?.annotations?.[annotationKey];
      const label = labels[labelKey];
      const [name, how] = annotation !== undefined ? [annotation, `annotation ${annotationKey}`] : label !== undefined ? [label, `label ${labelKey}`] : [DEFAULT_ENICONFIG, `no ${annotationKey} annotation or ${labelKey} label: the default ENIConfig`];
      nodesByConfig.set(name, [...(nodesByConfig.get(name) ?? []), { node, how }]);
    }

    const findings: NewFinding<Code>[] = [];
    const nodeNames = (list: { node: KubeNode }[]) => list.map((x) => x.node.metadata?.name ?? '?');
    const scope = (list: { node: KubeNode }[], extra: ReturnType<typeof resource.subnet>[] = []) =>
      POD_SYMPTOMS.map((symptom) => ({ symptom, resources: uniqueRefs([...list.flatMap((x) => nodeRefs(x.node)), ...extra]) }));

    for (const [name, nodes] of nodesByConfig) {
      const config = byName.get(name);
      const names = nodeNames(nodes);
      const shown = `${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}`;
      if (!config) {
        // Without the ENIConfigs read, nothing can be said about them.
        if (eniConfigs === undefined) continue;
        findings.push({
          code: 'eniconfig-missing',
          keyResource: name,
          title: `ENIConfig ${name} does not exist: ${names.length} node${names.length === 1 ? '' : 's'} cannot give pods addresses`,
          rootCause: `aws-node runs with AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true and chooses ENIConfig ${name} for ${shown} (${nodes[0]!.how}), but ${eniConfigs === null ? 'the ENIConfig resource (crd.k8s.amazonaws.com) is not installed' : 'no ENIConfig has that name'}: the CNI cannot attach secondary interfaces there and new pods get no address.`,
          evidence: [
            `ENIConfigs in the cluster: ${(eniConfigs ?? []).map((e) => e.metadata?.name).join(', ') || 'none'}.`,
            ...nodes.slice(0, 5).map((x) => `Node ${x.node.metadata?.name} (${x.node.metadata?.labels?.['topology.kubernetes.io/zone'] ?? 'zone unknown'}): ENIConfig chosen by ${x.how}.`),
          ],
          resources: uniqueRefs(nodes.slice(0, 20).map((x) => resource.node(x.node.metadata?.name ?? ''))),
          fix: {
            summary: `Create ENIConfig ${name} with a subnet in the nodes' zone (and security groups), or point the nodes at an existing one, then replace the nodes.`,
            commands: [`kubectl get eniconfigs.crd.k8s.amazonaws.com`, `kubectl get nodes -L ${labelKey} -L topology.kubernetes.io/zone`],
            docs: [DOCS.customNetworking],
          },
          canExplain: scope(nodes),
        });
        continue;
      }
      const subnetId = config.spec?.subnet;
      const subnet = subnetId ? subnetById(snapshot, subnetId) : undefined;
      const problems: string[] = [];
      const subnetKnown = snapshot.aws.subnets !== undefined;
      if (!subnetId) problems.push(`ENIConfig ${name} names no subnet`);
      else if (subnetKnown && !subnet) problems.push(`its subnet ${subnetId} does not exist${(snapshot.aws.notFound ?? []).some((n) => n.id === subnetId) ? '' : ` in ${vpcId ?? "the cluster's VPC"}`}`);
      else if (subnet) {
        if (vpcId && subnet.VpcId !== vpcId) problems.push(`its subnet ${subnetId} is in ${subnet.VpcId}, not the cluster's VPC ${vpcId}`);
        const wrongZone = nodes.filter((x) => {
          const zone = x.node.metadata?.labels?.['topology.kubernetes.io/zone'];
          return zone !== undefined && subnet.AvailabilityZone !== undefined && zone !== subnet.AvailabilityZone;
        });
        if (wrongZone.length > 0) problems.push(`its subnet ${subnetId} is in ${subnet.AvailabilityZone}, but ${nodeNames(wrongZone).slice(0, 5).join(', ')} ${wrongZone.length === 1 ? 'is' : 'are'} in ${[...new Set(wrongZone.map((x) => x.node.metadata?.labels?.['topology.kubernetes.io/zone']))].join(', ')}`);
        if ((subnet.AvailableIpAddressCount ?? 1) === 0) problems.push(`its subnet ${subnetId} has no free address`);
      }
      if (problems.length > 0) {
        findings.push({
          code: 'eniconfig-subnet-unusable',
          keyResource: name,
          title: `ENIConfig ${name} cannot give pods addresses: ${problems[0]}`,
          rootCause: `Custom networking is on and ${shown} use${names.length === 1 ? 's' : ''} ENIConfig ${name}, but ${problems.join('; ')}: the VPC CNI cannot attach pod interfaces there and new pods get no address.`,
          evidence: [`ENIConfig ${name}: subnet ${subnetId ?? '(none)'}, security groups ${(config.spec?.securityGroups ?? []).join(', ') || '(the node\'s own)'}.`, ...(subnet ? [`Subnet ${subnetId}: ${subnet.AvailabilityZone}, ${subnet.VpcId}, ${subnet.AvailableIpAddressCount} free addresses.`] : []), ...problems.map((p) => `${p.charAt(0).toUpperCase()}${p.slice(1)}.`)],
          resources: uniqueRefs([...(subnetId ? [resource.subnet(subnetId)] : []), ...nodes.slice(0, 20).map((x) => resource.node(x.node.metadata?.name ?? ''))]),
          fix: {
            summary: `Point ENIConfig ${name} at a subnet of ${vpcId ?? "the cluster's VPC"} in the nodes' zone with free addresses (kubectl edit), then replace the nodes that use it.`,
            commands: [
              `aws ec2 describe-subnets --filters Name=vpc-id,Values=${vpcId ?? '<vpc-id>'} Name=availability-zone,Values=${nodes[0]!.node.metadata?.labels?.['topology.kubernetes.io/zone'] ?? '<zone>'} --query "Subnets[].[SubnetId,CidrBlock,AvailableIpAddressCount]" --output table --region ${region}`,
              `kubectl edit eniconfigs.crd.k8s.amazonaws.com ${name}`,
            ],
            docs: [DOCS.customNetworking],
          },
          canExplain: scope(nodes, subnetId ? [resource.subnet(subnetId)] : []),
        });
      }
      const missingGroups = snapshot.aws.securityGroups ? (config.spec?.securityGroups ?? []).filter((g) => !snapshot.aws.securityGroups!.some((x) => x.GroupId === g)) : [];
      if (missingGroups.length > 0) {
        findings.push({
          code: 'eniconfig-security-group-missing',
          keyResource: name,
          title: `ENIConfig ${name} names security group${missingGroups.length === 1 ? '' : 's'} ${missingGroups.join(', ')} that do${missingGroups.length === 1 ? 'es' : ''} not exist`,
          rootCause: `Custom networking is on and ${shown} use${names.length === 1 ? 's' : ''} ENIConfig ${name}, whose security groups ${missingGroups.join(', ')} do not exist in ${vpcId ?? "the cluster's VPC"}: the VPC CNI cannot create pod interfaces with them, and new pods get no address.`,
          evidence: [`ENIConfig ${name}: security groups ${(config.spec?.securityGroups ?? []).join(', ')}.`, `Security groups of ${vpcId ?? 'the VPC'}: ${missingGroups.map((g) => `${g} not among them`).join('; ')}.`],
          resources: uniqueRefs([...missingGroups.map((g) => resource.securityGroup(g)), ...nodes.slice(0, 20).map((x) => resource.node(x.node.metadata?.name ?? ''))]),
          fix: {
            summary: `Replace the missing groups in ENIConfig ${name} with existing ones (the cluster security group ${snapshot.aws.cluster?.resourcesVpcConfig?.clusterSecurityGroupId ?? ''} lets pods reach the control plane), then replace the nodes.`,
            commands: [`kubectl edit eniconfigs.crd.k8s.amazonaws.com ${name}`],
            docs: [DOCS.customNetworking],
          },
          canExplain: scope(nodes),
        });
      }
      const old = nodes.filter((x) => predates(snapshot, x.node, config, subnetId));
      if (old.length > 0) {
        const oldNames = nodeNames(old);
        findings.push({
          code: 'node-predates-custom-networking',
          keyResource: name,
          title: `${old.length} node${old.length === 1 ? '' : 's'} using ENIConfig ${name} joined before custom networking and keep${old.length === 1 ? 's' : ''} the old interfaces`,
          rootCause: `Custom networking takes effect on interfaces the VPC CNI creates after it is on; ${oldNames.slice(0, 5).join(', ')}${old.length > 5 ? ` and ${old.length - 5} more` : ''} joined before and still place pods on addresses of their own subnet instead of ${subnetId ?? `ENIConfig ${name}'s subnet`}, until they are replaced.`,
          evidence: old.slice(0, 5).map((x) => predatesEvidence(snapshot, x.node, config, subnetId)),
          resources: uniqueRefs(old.slice(0, 20).flatMap((x) => nodeRefs(x.node))),
          fix: {
            summary: 'Replace these nodes: cordon and drain each, then terminate its instance (its group launches a replacement with custom networking).',
            commands: [`kubectl cordon ${oldNames[0]}`, `kubectl drain ${oldNames[0]} --ignore-daemonsets --delete-emptydir-data`, ...(instanceIdFromProviderId(old[0]!.node.spec?.providerID) ? [`aws ec2 terminate-instances --instance-ids ${instanceIdFromProviderId(old[0]!.node.spec?.providerID)} --region ${region}`] : [])],
            docs: [DOCS.customNetworking],
          },
        });
      }
    }
    return findings;
  },
});

function nodeRefs(node: KubeNode) {
  const id = instanceIdFromProviderId(node.spec?.providerID);
  return [resource.node(node.metadata?.name ?? ''), ...(id ? [resource.instance(id)] : [])];
}

/** Pods on the node (not on the host network) whose addresses come from the node's own subnet, not the ENIConfig's. */
function podsOnPrimarySubnet(snapshot: Snapshot, node: KubeNode, eniSubnetId: string | undefined): string[] {
  const instanceId = instanceIdFromProviderId(node.spec?.providerID);
  const instance = (snapshot.aws.reservations ?? []).flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === instanceId);
  const ownCidr = instance?.SubnetId && instance.SubnetId !== eniSubnetId ? subnetById(snapshot, instance.SubnetId)?.CidrBlock : undefined;
  if (!ownCidr) return [];
  return (snapshot.kubernetes.kubeSystemPods ?? [])
    .filter((p) => p.spec?.nodeName === node.metadata?.name && !p.spec?.hostNetwork && p.status?.podIP && ipInCidr(p.status.podIP, ownCidr))
    .map((p) => `${p.metadata?.namespace}/${p.metadata?.name} (${p.status?.podIP})`);
}

/** A node from before custom networking: created before its ENIConfig, or its pods still on its own subnet's addresses. */
function predates(snapshot: Snapshot, node: KubeNode, config: EniConfig, eniSubnetId: string | undefined): boolean {
  const created = node.metadata?.creationTimestamp;
  const configCreated = config.metadata?.creationTimestamp;
  if (created && configCreated && Date.parse(created) < Date.parse(configCreated)) return true;
  return podsOnPrimarySubnet(snapshot, node, eniSubnetId).length > 0;
}

function predatesEvidence(snapshot: Snapshot, node: KubeNode, config: EniConfig, eniSubnetId: string | undefined): string {
  const pods = podsOnPrimarySubnet(snapshot, node, eniSubnetId);
  const created = node.metadata?.creationTimestamp;
  const configCreated = config.metadata?.creationTimestamp;
  const older = created && configCreated && Date.parse(created) < Date.parse(configCreated) ? `joined ${created}, before ENIConfig ${config.metadata?.name} was created (${configCreated})` : undefined;
  return `Node ${node.metadata?.name} ${[older, pods.length > 0 ? `runs pods on its own subnet's addresses: ${pods.slice(0, 3).join(', ')}` : undefined].filter(Boolean).join('; ')}.`;
}
