/**
 * Pod IP capacity: the node-level reasons pods get no address from the Amazon VPC CNI. A node whose
 * max-pods is above what its network interfaces can address (without prefix delegation) lets the
 * scheduler place pods the CNI can never serve; with prefix delegation on, a fragmented subnet can
 * have free addresses but no free /28 prefix. Subnet exhaustion itself is the `subnets` check's.
 */
import { instanceIdFromProviderId } from '../src/domain/provider-id.js';
import { resource } from '../src/engine/resources.js';
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { describeSubnet, scopeRefs } from './lib/node-placement.js';
import { eniLimits, knownPodsUsingAddresses, podsWaitingForAddress, prefixDelegation } from './lib/pod-addresses.js';
import { subnetById } from './lib/route-tables.js';
import { DOCS } from './lib/docs-links.js';


type Code = 'max-pods-exceeds-ip-capacity' | 'no-free-prefix';

export default defineDiagnostic<Code>({
  id: 'pod-ip-capacity',
  title: "Nodes can address the pods they accept",
  description:
    "Compares each node's allocatable pods with the addresses its instance type's network interfaces hold (ENIs × (IPv4 per ENI − 1)), taking prefix delegation into account as far as the snapshot shows it, " +
    'and explains pods stuck without an address; subnet exhaustion is reported by the subnets check.',
  docs: [DOCS.maxPods, DOCS.prefixDelegation, DOCS.customNetworking],
  needs: ['kubernetes.nodes', 'aws.instanceTypes'],
  uses: ['aws.reservations', 'aws.subnets', 'kubernetes.daemonSets', 'kubernetes.problemPods', 'kubernetes.kubeSystemPods', 'kubernetes.warningEvents'],
  codes: {
    'max-pods-exceeds-ip-capacity': {
      severity: 'warning',
      title: "Node accepts more pods than it has addresses for",
      description: "The node's max-pods is above ENIs × (IPv4 per ENI − 1) + 2 and prefix delegation is off: pods scheduled past the address limit stay ContainerCreating with 'failed to assign an IP address to container'.",
      explains: ['pod-without-ip'],
    },
    'no-free-prefix': {
      severity: 'critical',
      title: 'Prefix delegation cannot find a free /28 in the subnet',
      description: 'With prefix delegation the CNI needs contiguous /28 blocks; a fragmented subnet can have free addresses and still return InsufficientCidrBlocks.',
      explains: ['pod-without-ip'],
    },
  },
  check({ snapshot }) {
    const findings: NewFinding<Code>[] = [];
    // Looked up once, not per node: a 5,000-node cluster made the per-node scans quadratic.
    const subnetOfInstance = new Map((snapshot.aws.reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => [i.InstanceId, i.SubnetId]));
    for (const node of snapshot.kubernetes.nodes ?? []) {
      const name = node.metadata?.name;
      const instanceId = instanceIdFromProviderId(node.spec?.providerID);
      if (!name || !instanceId) continue; // Fargate and non-EC2 nodes have no ENI limits of ours to check.
      const typeName = node.metadata?.labels?.['node.kubernetes.io/instance-type'];
      const info = (snapshot.aws.instanceTypes ?? []).find((t) => t.InstanceType === typeName);
      const limits = info ? eniLimits(info) : undefined;
      if (!limits) continue;
      const allocatable = Number(node.status?.allocatable?.pods ?? NaN);
      const pd = prefixDelegation(snapshot, Number.isFinite(allocatable) ? allocatable : undefined, limits);
      const waiting = podsWaitingForAddress(snapshot, name);
      const subnetId = subnetOfInstance.get(instanceId);
      // Only a finding needs the scope, and building it reads every instance and Node.
      const scope = () => scopeRefs(snapshot, { instanceIds: [instanceId], pods: waiting.map((w) => w.pod), subnetIds: subnetId ? [subnetId] : [] });
      const limitLine = `${typeName}: ${limits.maxEnis} network interfaces × ${limits.ipv4PerEni} IPv4 addresses = ${limits.podAddresses} pod addresses without prefix delegation (max-pods ${limits.eniMaxPods}).`;
      const waitingLines = waiting.slice(0, 5).map((w) => `${w.pod}: ${w.message}`);

      const fragmented = waiting.filter((w) => /InsufficientCidrBlocks/i.test(w.message));
      if (fragmented.length > 0 && subnetId) {
        findings.push({
          code: 'no-free-prefix',
          keyResource: name,
          title: `No free /28 prefix in ${subnetId} for pods on ${name}`,
          rootCause: `The VPC CNI assigns /28 prefixes (prefix delegation); ${subnetId} has no contiguous free /28 left even though it may have free addresses, so pods on ${name} get no IP.`,
          evidence: [describeSubnetFree(snapshot, subnetId), ...waitingLines, pd.why + '.'],
          resources: [resource.node(name), resource.instance(instanceId), resource.subnet(subnetId), ...fragmented.map((w) => resource.pod(w.pod))],
          fix: {
            summary: 'Reserve prefix space with a subnet CIDR reservation (or use a new subnet) so the CNI can allocate /28 blocks.',
            commands: [`aws ec2 create-subnet-cidr-reservation --subnet-id ${subnetId} --reservation-type prefix --cidr <unused-/24-inside-the-subnet>`],
            docs: [DOCS.prefixDelegation, DOCS.subnetCidrReservations],
          },
          canExplain: [{ symptom: 'pod-without-ip', resources: scope() }],
        });
        continue;
      }

      if (!Number.isFinite(allocatable) || allocatable <= limits.eniMaxPods || pd.state === 'on') continue;
      const known = knownPodsUsingAddresses(snapshot, name);
      findings.push({
        code: 'max-pods-exceeds-ip-capacity',
        keyResource: name,
        severity: waiting.length > 0 ? 'critical' : 'warning',
        title: `${name} accepts ${allocatable} pods but has addresses for ${limits.podAddresses}`,
        rootCause: `${name} (${typeName}) has max-pods ${allocatable}, above the ${limits.eniMaxPods} its network interfaces can address${pd.state === 'off' ? ' and prefix delegation is off' : ' (prefix delegation cannot be confirmed from the snapshot)'}, so pods scheduled past ${limits.podAddresses} address-using pods cannot get an IP${waiting.length > 0 ? `: ${waiting.length} already wait for one` : ''}.`,
        evidence: [limitLine, `Node allocatable pods: ${allocatable}.`, `${pd.why}.`, `At least ${known} pods on the node already hold a VPC address (from the pods the snapshot holds).`, ...waitingLines],
        resources: [resource.node(name), resource.instance(instanceId), ...waiting.map((w) => resource.pod(w.pod))],
        fix: {
          summary: limits.nitro
            ? `Turn on prefix delegation (Nitro ${typeName} can then hold ${limits.podAddresses * 16} pod addresses) and replace the node, or set max-pods back to ${limits.eniMaxPods}.`
            : `Set max-pods back to ${limits.eniMaxPods} for ${typeName} (prefix delegation needs a Nitro instance type), or use a larger instance type.`,
          commands: limits.nitro
            ? [`kubectl set env daemonset aws-node -n kube-system ENABLE_PREFIX_DELEGATION=true WARM_PREFIX_TARGET=1`, `kubectl drain ${name} --ignore-daemonsets --delete-emptydir-data`]
            : [`kubectl drain ${name} --ignore-daemonsets --delete-emptydir-data`],
          docs: [DOCS.maxPods, DOCS.prefixDelegationProcedure, DOCS.customNetworking],
        },
        canExplain: [{ symptom: 'pod-without-ip', resources: scope() }],
      });
    }
    return findings;
  },
});

function describeSubnetFree(snapshot: Snapshot, subnetId: string): string {
  const free = subnetById(snapshot, subnetId)?.AvailableIpAddressCount;
  return `${describeSubnet(snapshot, subnetId)}${free !== undefined ? ` has ${free} free addresses` : ''}.`;
}

