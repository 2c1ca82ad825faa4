/**
 * How many pod addresses a node can hold under the Amazon VPC CNI, and which pods are stuck
 * without one. The limits follow the EKS user guide: without prefix delegation a node has
 * ENIs × (IPv4 addresses per ENI − 1) pod addresses, and the default max-pods adds 2 for the
 * host-network pods (https://docs.aws.amazon.com/eks/latest/userguide/choosing-instance-type.html);
 * with prefix delegation each of those slots holds a /28 prefix of 16 addresses
 * (https://docs.aws.amazon.com/eks/latest/userguide/cni-increase-ip-addresses.html).
 */
import { memoised } from '../../src/engine/snapshot-memo.js';
import type { InstanceTypeInfo, Snapshot } from '../../src/snapshot/types.js';


export interface EniLimits {
  instanceType: string;
  maxEnis: number;
  ipv4PerEni: number;
  /** Secondary addresses the CNI can hand to pods without prefix delegation. */
  podAddresses: number;
  /** The max-pods value AWS computes for this type without prefix delegation. */
  eniMaxPods: number;
  nitro: boolean;
}

export function eniLimits(info: InstanceTypeInfo): EniLimits | undefined {
  const maxEnis = info.NetworkInfo?.MaximumNetworkInterfaces;
  const ipv4PerEni = info.NetworkInfo?.Ipv4AddressesPerInterface;
  if (!maxEnis || !ipv4PerEni || !info.InstanceType) return undefined;
  const podAddresses = maxEnis * (ipv4PerEni - 1);
  return { instanceType: info.InstanceType, maxEnis, ipv4PerEni, podAddresses, eniMaxPods: podAddresses + 2, nitro: info.Hypervisor === 'nitro' };
}

export type PrefixDelegation =
  | { state: 'off'; why: string }
  | { state: 'on'; why: string }
  | { state: 'unknown'; why: string };

/** An aws-node env variable: unset, set with its value (CNI_SETTINGS_KEPT), or set with a value the snapshot does not hold (older snapshots). */
export type CniSetting = { state: 'unset' } | { state: 'set'; value: string } | { state: 'set-unknown' } | { state: 'no-aws-node' };

/** The value aws-node's containers give an env variable, as far as the snapshot tells. */
export function cniSetting(snapshot: Snapshot, name: string): CniSetting {
  const ds = (snapshot.kubernetes.daemonSets ?? []).find((d) => d.metadata?.name === 'aws-node');
  if (!ds) return { state: 'no-aws-node' };
  const env = (ds.spec?.template?.spec?.containers ?? []).flatMap((c) => c.env ?? []).find((e) => e.name === name);
  if (!env) return { state: 'unset' };
  return env.value !== undefined ? { state: 'set', value: env.value } : { state: 'set-unknown' };
}

/** The value aws-node gives an env variable when the snapshot holds it; undefined when unset or not kept. */
export function cniSettingValue(snapshot: Snapshot, name: string): string | undefined {
  const setting = cniSetting(snapshot, name);
  return setting.state === 'set' ? setting.value : undefined;
}

/**
 * Whether the VPC CNI runs with prefix delegation. Snapshots keep ENABLE_PREFIX_DELEGATION's value
 * (CNI_SETTINGS_KEPT); one taken before they did has only the name, and then only a node allowing
 * more pods than its addresses (max-pods raised to match prefixes) suggests it is on.
 */
export function prefixDelegation(snapshot: Snapshot, allocatablePods?: number, limits?: EniLimits): PrefixDelegation {
  const setting = cniSetting(snapshot, 'ENABLE_PREFIX_DELEGATION');
  if (setting.state === 'no-aws-node') return { state: 'unknown', why: 'the aws-node DaemonSet is not in the snapshot' };
  if (setting.state === 'unset') return { state: 'off', why: 'aws-node does not set ENABLE_PREFIX_DELEGATION (default false)' };
  if (setting.state === 'set') return setting.value === 'true' ? { state: 'on', why: 'aws-node sets ENABLE_PREFIX_DELEGATION=true' } : { state: 'off', why: `aws-node sets ENABLE_PREFIX_DELEGATION=${setting.value}` };
  if (allocatablePods !== undefined && limits && allocatablePods > limits.eniMaxPods) {
    return { state: 'on', why: `aws-node sets ENABLE_PREFIX_DELEGATION (value not in the snapshot) and the node allows ${allocatablePods} pods, more than the ${limits.eniMaxPods} its addresses allow without prefixes` };
  }
  return { state: 'unknown', why: 'aws-node sets ENABLE_PREFIX_DELEGATION, but this snapshot does not hold its value, so whether it is "true" cannot be told' };
}

const NO_IP = /failed to assign an IP address|assign an IP address to container|no available IP|InsufficientFreeAddresses|InsufficientCidrBlocks|ipamd.*(no|out of).*(IP|address)/i;

/** Pods on a node that are waiting for the CNI to give them an address, with the event that says so. */
export function podsWaitingForAddress(snapshot: Snapshot, nodeName: string): { pod: string; message: string }[] {
  // Indexed once per run: scanning every problem pod and event for every node was quadratic, and a
  // cluster with thousands of Pending pods and thousands of nodes spent seconds here.
  const index = memoised(snapshot, 'pods waiting for an address, by node', () => {
    const noIpEvents = new Map<string, string>();
    for (const e of snapshot.kubernetes.warningEvents ?? []) {
      if (e.involvedObject?.kind !== 'Pod' || !NO_IP.test(e.message ?? '')) continue;
      const id = `${e.involvedObject.namespace}/${e.involvedObject.name}`;
      if (!noIpEvents.has(id)) noIpEvents.set(id, e.message ?? '');
    }
    const byNode = new Map<string, { pod: string; message: string }[]>();
    for (const pod of snapshot.kubernetes.problemPods ?? []) {
      const node = pod.spec?.nodeName;
      if (!node || pod.status?.podIP) continue;
      const id = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
      const message = noIpEvents.get(id);
      if (message !== undefined) byNode.set(node, [...(byNode.get(node) ?? []), { pod: id, message }]);
    }
    return byNode;
  });
  return index.get(nodeName) ?? [];
}

/** Pods the snapshot shows on the node that take a VPC address (host-network pods do not): a lower bound. */
export function knownPodsUsingAddresses(snapshot: Snapshot, nodeName: string): number {
  const counts = memoised(snapshot, 'pods using VPC addresses, by node', () => {
    const byNode = new Map<string, number>();
    for (const p of [...(snapshot.kubernetes.kubeSystemPods ?? []), ...(snapshot.kubernetes.problemPods ?? [])]) {
      const node = p.spec?.nodeName;
      if (node && !p.spec?.hostNetwork && p.status?.podIP) byNode.set(node, (byNode.get(node) ?? 0) + 1);
    }
    return byNode;
  });
  return counts.get(nodeName) ?? 0;
}
