import { defineFaults } from '../scenario-builder/fault.js';
import { MANAGED_NODEGROUP } from '../scenario-builder/baseline.js';
import { setVcpuQuota, setVcpuUsage, vcpuQuota } from '../scenario-builder/service-quotas.js';
import type { Snapshot } from '../../src/snapshot/types.js';

const ON_DEMAND_STANDARD = 'L-1216C47A';
const SPOT_STANDARD = 'L-34B43A08';

/** A managed node group that runs Spot, as EKS builds one. */
function runsSpot(snapshot: Snapshot, name: string): void {
  const nodegroup = snapshot.aws.nodegroups!.find((n) => n.nodegroupName === name)!;
  nodegroup.capacityType = 'SPOT';
  // EKS gives a Spot node group's Auto Scaling group a mixed instances policy: no On-Demand, capacity-optimized
  // (from memory of the EKS user guide, "Managed node group capacity types"); its instances are Spot.
  for (const group of snapshot.aws.autoScalingGroups ?? []) {
    if (!(nodegroup.resources?.autoScalingGroups ?? []).some((a) => a.name === group.AutoScalingGroupName) || !group.LaunchTemplate) continue;
    group.MixedInstancesPolicy = {
      LaunchTemplate: { LaunchTemplateSpecification: group.LaunchTemplate, Overrides: (nodegroup.instanceTypes ?? []).map((InstanceType) => ({ InstanceType })) },
      InstancesDistribution: { OnDemandAllocationStrategy: 'prioritized', OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 0, SpotAllocationStrategy: 'capacity-optimized' },
    };
    delete group.LaunchTemplate;
  }
  for (const instance of (snapshot.aws.reservations ?? []).flatMap((r) => r.Instances ?? [])) {
    if ((instance.Tags ?? []).some((t) => t.Key === 'eks:nodegroup-name' && t.Value === name)) instance.InstanceLifecycle = 'spot';
  }
  for (const node of snapshot.kubernetes.nodes ?? []) {
    const labels = node.metadata?.labels;
    if (labels?.['eks.amazonaws.com/nodegroup'] === name) labels['eks.amazonaws.com/capacityType'] = 'SPOT';
  }
}

export const faults = defineFaults([
  {
    name: 'nodepool-spot-quota-below-limits',
    description:
      "The account's Spot Standard vCPU quota is 64: Karpenter's NodePool default (Spot or On-Demand, c/m/r) runs 2 vCPUs and may launch 98 more up to its limits.cpu of 100.",
    apply(snapshot) {
      setVcpuQuota(snapshot, SPOT_STANDARD, 64);
    },
  },
  {
    name: 'on-demand-quota-below-groups-max',
    description:
      "The account's On-Demand Standard vCPU quota is 100: the 28 vCPUs in use leave 72, and the groups may still launch 76 (general 3 more m6i.xlarge, batch 8 more c6i.2xlarge).",
    apply(snapshot) {
      setVcpuQuota(snapshot, ON_DEMAND_STANDARD, 100);
    },
  },
  {
    name: 'on-demand-quota-default-only',
    description:
      "No On-Demand Standard vCPU quota is applied to the account: GetServiceQuota answers NoSuchResourceException, and AWS's default of 96 is the quota (GetAWSDefaultServiceQuota).",
    apply(snapshot) {
      snapshot.aws.serviceQuotas = (snapshot.aws.serviceQuotas ?? []).filter((q) => q.QuotaCode !== ON_DEMAND_STANDARD);
      snapshot.aws.defaultServiceQuotas = [...(snapshot.aws.defaultServiceQuotas ?? []), vcpuQuota(snapshot, ON_DEMAND_STANDARD, 96, 'default')];
    },
  },
  {
    name: 'general-spot-quota-short',
    description:
      'The managed node group general runs Spot (its 3 m6i.xlarge and Karpenter\'s m7g.large use 14 Spot vCPUs) under a Spot Standard quota of 20: the 3 more general may launch need 12.',
    apply(snapshot) {
      runsSpot(snapshot, MANAGED_NODEGROUP);
      setVcpuUsage(snapshot, ON_DEMAND_STANDARD, 16);
      setVcpuUsage(snapshot, SPOT_STANDARD, 14);
      setVcpuQuota(snapshot, SPOT_STANDARD, 20);
    },
  },
]);
