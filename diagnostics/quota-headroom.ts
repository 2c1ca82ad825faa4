/**
 * Quota headroom: EC2 counts the vCPUs of running instances against a Service Quota per instance
 * class and purchase option (src/domain/ec2-vcpu-quotas.ts). This check sets each quota the
 * cluster's groups launch against beside its usage (the quota's own usage metric, AWS/Usage
 * ResourceCount, read with GetMetricData) plus what the groups may still launch (for each Auto
 * Scaling group, max minus current instances, times the vCPUs of its smallest instance type) and
 * what the Karpenter and EKS Auto Mode NodePools may (limits.cpu minus the cpu they run):
 *
 * - `vcpu-quota-exhausted` (critical, a cause): usage is at the quota, or a group below its desired
 *   capacity has no room for one more instance. Its launches fail with "You have requested more
 *   vCPU capacity than your current vCPU limit of N allows" (VcpuLimitExceeded), so it explains the
 *   group's shortfall and node-registration's launch-quota finding.
 * - `vcpu-quota-headroom-short` (warning): launches succeed today, but the groups cannot all reach
 *   their max within the quota: the next scale-up stops short.
 *
 * Where a group may use several instance types, the smallest counts: the verdict holds even if the
 * group picks its smallest types. Missing data never passes: a quota that could not be read, a
 * quota known only by its default because GetServiceQuota failed (a floor: an applied value is
 * never lower), or a usage metric with no datapoints leaves that quota unjudged and the check
 * incomplete, naming what it could not see.
 */
import { defineDiagnostic, partFailure, type CheckInput, type NewFinding } from '../src/engine/diagnostic.js';
import type { ExplainScope, ResourceRef } from '../src/engine/finding.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import { describeVcpuQuota, vcpuQuotaClass, type PurchaseOption } from '../src/domain/ec2-vcpu-quotas.js';
import type { AutoScalingGroup, QuotaUsage, ServiceQuota, Snapshot } from '../src/snapshot/types.js';
import { groupPurchaseOptions } from './lib/group-launches.js';
import { groupInstanceTypes } from './lib/launch-templates.js';
import { quantity } from './lib/node-provisioners.js';
import { DOCS } from './lib/docs-links.js';

type Code = 'vcpu-quota-exhausted' | 'vcpu-quota-headroom-short';

/** How many groups to name per quota in evidence; the rest are counted. */
const QUOTED_GROUPS = 5;

/** What one Auto Scaling group, or one Karpenter / Auto Mode NodePool, may still launch against one quota. */
interface GroupDemand {
  /** The Auto Scaling group; undefined for a NodePool. */
  group?: AutoScalingGroup;
  /** The NodePool's cpu limit and what it runs now (spec.limits.cpu, status.resources.cpu). */
  pool?: { limit: string; used: string };
  name: string;
  nodegroup?: string;
  /** The smallest instance type it may launch, and its vCPUs (a NodePool: what it may launch, counted in single vCPUs). */
  instanceType: string;
  vcpus: number;
  /** Instances it may still launch against this quota (max minus current, this purchase option's share). */
  instances: number;
  /** Below its desired capacity (a NodePool: NodeClaims not launched yet): it is launching, or failing to, right now. */
  short: boolean;
  /** Its standing launch failures that cite the vCPU limit (a NodePool: its NodeClaims'). */
  limitFailures: string[];
}

interface QuotaVerdictInput {
  code: string;
  purchase: PurchaseOption;
  className: string;
  quota: ServiceQuota;
  /** 'applied' (GetServiceQuota), or the default where no value is applied. */
  source: 'applied' | 'default';
  usage: { value: number; at: string };
  groups: GroupDemand[];
}

export default defineDiagnostic<Code>({
  id: 'quota-headroom',
  title: "EC2 vCPU quotas leave room for the groups' scale-up",
  description:
    "Sets EC2's running-instance vCPU quotas (Service Quotas, per instance class, On-Demand and Spot) against their usage (the quota's usage metric in CloudWatch) plus what the Auto Scaling groups may still launch up to their max and the Karpenter and Auto Mode NodePools up to their cpu limits: a quota that blocks launches now, or that the groups' max and the NodePools' limits would overrun.",
  docs: [DOCS.ec2ResourceLimits, DOCS.ec2SpotLimits, DOCS.serviceQuotasCloudWatch],
  needs: ['aws.autoScalingGroups'],
  uses: ['aws.serviceQuotas', 'aws.defaultServiceQuotas', 'aws.quotaUsage', 'aws.nodegroups', 'aws.launchTemplateVersions', 'aws.instanceTypes', 'aws.scalingActivities', 'kubernetes.nodePools', 'kubernetes.nodeClaims'],
  codes: {
    'vcpu-quota-exhausted': {
      severity: 'critical',
      title: 'EC2 vCPU quota blocks launches',
      description:
        'The account uses all of an EC2 running-instance vCPU quota, or a group below its desired capacity has no room under it for one more instance: EC2 refuses its launches with "You have requested more vCPU capacity than your current vCPU limit of N allows" until the quota is raised or other instances of the class stop.',
      explains: ['asg-capacity-shortfall', 'ec2-launch-quota', 'nodegroup-unhealthy', 'pod-unschedulable'],
    },
    'vcpu-quota-headroom-short': {
      severity: 'warning',
      title: "EC2 vCPU quota below the groups' max",
      description:
        'Launches succeed today, but the vCPUs in use plus what the Auto Scaling groups may still launch up to their max exceed the quota: the next large scale-up stops short with VcpuLimitExceeded.',
    },
  },
  check({ snapshot, incomplete }) {
    if (snapshot.aws.serviceQuotas === undefined && snapshot.aws.defaultServiceQuotas === undefined && !partFailure(snapshot, 'aws.serviceQuotas') && !partFailure(snapshot, 'aws.defaultServiceQuotas')) {
      incomplete({
        part: 'aws.serviceQuotas',
        reason: 'the snapshot holds no EC2 vCPU quotas (it was collected without them, by an earlier eks-doctor), so no group is judged against its quota',
        failedCalls: [{ call: 'servicequotas:GetServiceQuota', code: 'NotInSnapshot', kind: 'not-found' }],
      });
      return [];
    }
    const findings: NewFinding<Code>[] = [];
    const demands = groupDemands(snapshot, incomplete);
    for (const [code, pools] of nodePoolDemands(snapshot, demands)) demands.set(code, [...(demands.get(code) ?? []), ...pools]);
    for (const [code, groups] of demands) {
      const verdict = quotaInput(snapshot, code, groups, incomplete);
      if (verdict) findings.push(...judge(snapshot, verdict));
    }
    return findings;
  },
});

// ---------------------------------------------------------------------------------------------
// What the groups may still launch, per quota

type Incomplete = CheckInput['incomplete'];

function weightOf(value: string | undefined): number {
  const w = Number.parseInt(value ?? '1', 10);
  return Number.isFinite(w) && w > 0 ? w : 1;
}

function groupDemands(snapshot: Snapshot, incomplete: Incomplete): Map<string, GroupDemand[]> {
  const byQuota = new Map<string, GroupDemand[]>();
  const vcpusOf = new Map((snapshot.aws.instanceTypes ?? []).map((t) => [t.InstanceType as string, t.VCpuInfo?.DefaultVCpus]));
  const unknownTypes = new Set<string>();
  for (const group of snapshot.aws.autoScalingGroups ?? []) {
    const name = group.AutoScalingGroupName;
    if (!name) continue;
    const nodegroup = (snapshot.aws.nodegroups ?? []).find((n) => (n.resources?.autoScalingGroups ?? []).some((a) => a.name === name));
    const types = groupInstanceTypes(snapshot, group, nodegroup?.nodegroupName);
    // Capacity units per instance type (a mixed instances policy may weigh them); 1 otherwise.
    const weights = new Map((group.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? []).map((o) => [o.InstanceType as string, weightOf(o.WeightedCapacity)]));
    const candidates = types.flatMap((type) => {
      const vcpus = vcpusOf.get(type);
      if (vcpus === undefined) unknownTypes.add(type);
      return vcpus !== undefined && vcpuQuotaClass(type) ? [{ type, vcpus, perUnit: vcpus / (weights.get(type) ?? 1) }] : [];
    });
    if (candidates.length === 0) continue;
    const smallest = candidates.reduce((a, b) => (b.perUnit < a.perUnit ? b : a));
    const members = (group.Instances ?? []).filter((m) => !/^(Terminat|Detach|Warmed)/.test(m.LifecycleState ?? ''));
    const current = members.reduce((sum, m) => sum + weightOf(m.WeightedCapacity), 0);
    const inService = members.filter((m) => m.LifecycleState === 'InService').reduce((sum, m) => sum + weightOf(m.WeightedCapacity), 0);
    const room = Math.max(0, (group.MaxSize ?? 0) - current);
    const limitFailures = standingLimitFailures(snapshot, name);
    for (const { purchase, units } of groupPurchaseOptions(snapshot, group, nodegroup, current, room)) {
      const code = purchase === 'spot' ? vcpuQuotaClass(smallest.type)!.spot : vcpuQuotaClass(smallest.type)!.onDemand;
      if (!code || units <= 0) continue;
      const demand: GroupDemand = {
        group,
        name,
        ...(nodegroup?.nodegroupName ? { nodegroup: nodegroup.nodegroupName } : {}),
        instanceType: smallest.type,
        vcpus: smallest.vcpus,
        instances: Math.ceil(units / (weights.get(smallest.type) ?? 1)),
        short: (group.DesiredCapacity ?? 0) > inService,
        limitFailures,
      };
      byQuota.set(code, [...(byQuota.get(code) ?? []), demand]);
    }
  }
  if (unknownTypes.size > 0 && !partFailure(snapshot, 'aws.instanceTypes')) {
    incomplete({
      part: 'aws.instanceTypes',
      reason: `the vCPUs of ${[...unknownTypes].sort().join(', ')} are unknown (not in ec2:DescribeInstanceTypes' answer), so what the groups that launch them may launch is not counted`,
      failedCalls: [{ call: 'ec2:DescribeInstanceTypes', code: 'NotInAnswer', kind: 'not-found' }],
    });
  }
  return byQuota;
}

/** The instance-category and instance-family requirement keys of Karpenter's and EKS Auto Mode's NodePools. */
const CATEGORY_KEYS = ['karpenter.k8s.aws/instance-category', 'eks.amazonaws.com/instance-category'];
const FAMILY_KEYS = ['karpenter.k8s.aws/instance-family', 'eks.amazonaws.com/instance-family'];
const VCPU_LIMIT = /VcpuLimitExceeded|vCPU limit|MaxSpotInstanceCountExceeded/i;

/**
 * What each NodePool may still launch: its cpu limit less the cpu its nodes have (spec.limits.cpu
 * minus status.resources.cpu), counted against the quota of the instance class its requirements
 * allow (Standard when they allow it or say nothing) and of the purchase option Karpenter buys
 * first (Spot when karpenter.sh/capacity-type allows it; On-Demand, the default, otherwise; from
 * memory of Karpenter's "NodePools" concepts page). A NodePool without a cpu limit may launch
 * without bound: it is not counted. Only quotas the snapshot holds or the groups launch against are
 * judged: the collector reads the Standard quotas on every run.
 */
function nodePoolDemands(snapshot: Snapshot, groups: Map<string, GroupDemand[]>): Map<string, GroupDemand[]> {
  const byQuota = new Map<string, GroupDemand[]>();
  const known = new Set([...groups.keys(), ...(snapshot.aws.serviceQuotas ?? []).map((q) => q.QuotaCode ?? ''), ...(snapshot.aws.defaultServiceQuotas ?? []).map((q) => q.QuotaCode ?? '')]);
  for (const pool of snapshot.kubernetes.nodePools ?? []) {
    const name = pool.metadata?.name ?? '';
    const limit = pool.spec?.limits?.cpu;
    const limitVcpus = quantity(limit);
    if (limit === undefined || limitVcpus === undefined) continue;
    const used = pool.status?.resources?.cpu ?? '0';
    const remaining = Math.max(0, Math.floor(limitVcpus - (quantity(used) ?? 0)));
    const requirements = pool.spec?.template?.spec?.requirements ?? [];
    const allowed = (keys: string[]) => requirements.filter((r) => keys.includes(r.key) && r.operator === 'In').flatMap((r) => r.values ?? []);
    const capacityTypes = allowed(['karpenter.sh/capacity-type']);
    const purchase: PurchaseOption = capacityTypes.includes('spot') ? 'spot' : 'on-demand';
    // A pseudo type per allowed category or family ('c' -> 'c1.large') finds its class in the same table as instance types.
    const kinds = [...allowed(FAMILY_KEYS), ...allowed(CATEGORY_KEYS), ...allowed(['node.kubernetes.io/instance-type'])];
    const classes = kinds.map((k) => vcpuQuotaClass(k.includes('.') ? k : /\d/.test(k) ? `${k}.large` : `${k}1.large`)).filter((c) => c !== undefined);
    const quotaClass = classes.length === 0 ? vcpuQuotaClass('m1.large')! : (classes.find((c) => c.onDemand === vcpuQuotaClass('m1.large')!.onDemand) ?? classes[0]!);
    const code = purchase === 'spot' ? quotaClass.spot : quotaClass.onDemand;
    if (!code || remaining <= 0 || !known.has(code)) continue;
    const claims = (snapshot.kubernetes.nodeClaims ?? []).filter((c) => c.metadata?.labels?.['karpenter.sh/nodepool'] === name);
    const launched = (c: (typeof claims)[number]) => c.status?.conditions?.find((x) => x.type === 'Launched');
    const demand: GroupDemand = {
      pool: { limit, used },
      name,
      instanceType: kinds.length > 0 ? `vCPUs of ${kinds.join(', ')} instances` : 'vCPUs',
      vcpus: 1,
      instances: remaining,
      short: claims.some((c) => launched(c)?.status !== 'True'),
      limitFailures: claims.flatMap((c) => {
        const l = launched(c);
        return l?.status === 'False' && VCPU_LIMIT.test(l.message ?? '') ? [`${l.lastTransitionTime ?? 'at an unknown time'} (NodeClaim ${c.metadata?.name}): "${l.message}"`] : [];
      }),
    };
    byQuota.set(code, [...(byQuota.get(code) ?? []), demand]);
  }
  return byQuota;
}

/** Standing failures of the group's launches that name the vCPU limit (the most recent first). */
function standingLimitFailures(snapshot: Snapshot, group: string): string[] {
  const activities = (snapshot.aws.scalingActivities ?? []).filter((a) => a.AutoScalingGroupName === group).sort((a, b) => (b.StartTime ?? '').localeCompare(a.StartTime ?? ''));
  const lastSuccess = activities.find((a) => a.StatusCode === 'Successful');
  return activities
    .filter((a) => a.StatusCode === 'Failed' && (!lastSuccess || (a.StartTime ?? '') > (lastSuccess.StartTime ?? '')))
    .filter((a) => /VcpuLimitExceeded|vCPU limit/i.test(a.StatusMessage ?? ''))
    .map((a) => `${a.StartTime ?? 'at an unknown time'}: "${a.StatusMessage}"`);
}

// ---------------------------------------------------------------------------------------------
// The quota and its usage

function quotaInput(snapshot: Snapshot, code: string, groups: GroupDemand[], incomplete: Incomplete): QuotaVerdictInput | undefined {
  const known = describeVcpuQuota(code)!;
  const label = `${known.purchase === 'spot' ? 'Spot' : 'On-Demand'} ${known.quotaClass.name} vCPU quota (${code})`;
  const applied = (snapshot.aws.serviceQuotas ?? []).find((q) => q.QuotaCode === code);
  const fallback = (snapshot.aws.defaultServiceQuotas ?? []).find((q) => q.QuotaCode === code);
  const appliedFailure = partFailure(snapshot, 'aws.serviceQuotas');
  let quota: ServiceQuota | undefined;
  let source: 'applied' | 'default' = 'applied';
  if (applied) quota = applied;
  else if (fallback && !appliedFailure && snapshot.aws.serviceQuotas !== undefined) {
    quota = fallback;
    source = 'default';
  }
  if (!quota || quota.Value === undefined) {
    // A default read because GetServiceQuota failed is a floor, not the quota: no verdict on it.
    if (!appliedFailure && !partFailure(snapshot, 'aws.defaultServiceQuotas')) {
      incomplete({
        part: 'aws.serviceQuotas',
        reason: `the ${label} is not in the snapshot, so the groups that launch against it are not judged`,
        failedCalls: [{ call: 'servicequotas:GetServiceQuota', code: 'NotInSnapshot', kind: 'not-found' }],
      });
    } else if (appliedFailure && fallback?.Value !== undefined) {
      incomplete({
        part: 'aws.serviceQuotas',
        reason: `the ${label} is known only by its AWS default (${fallback.Value} vCPUs), a floor under the applied value GetServiceQuota could not give, so the groups that launch against it are not judged`,
        failedCalls: [{ call: appliedFailure.call, code: appliedFailure.code, kind: appliedFailure.kind, ...(appliedFailure.permission ? { permission: appliedFailure.permission } : {}) }],
      });
    }
    return undefined;
  }
  const usage = latestUsage((snapshot.aws.quotaUsage ?? []).find((u) => u.QuotaCode === code));
  if (!usage) {
    if (!partFailure(snapshot, 'aws.quotaUsage')) {
      const metric = quota.UsageMetric;
      const dims = Object.entries(metric?.MetricDimensions ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
      incomplete({
        part: 'aws.quotaUsage',
        reason: `the usage metric of the ${label} (${metric?.MetricNamespace ?? '?'} ${metric?.MetricName ?? '?'}${dims ? ` ${dims}` : ''}) has no datapoint in the hour before the snapshot, so its usage is unknown`,
        failedCalls: [{ call: 'cloudwatch:GetMetricData', code: 'NoDatapoints', kind: 'not-found' }],
      });
    }
    return undefined;
  }
  return { code, purchase: known.purchase, className: known.quotaClass.name, quota, source, usage, groups };
}

/** The newest datapoint of the quota's usage metric. */
function latestUsage(usage: QuotaUsage | undefined): { value: number; at: string } | undefined {
  let latest: { value: number; at: string } | undefined;
  (usage?.Timestamps ?? []).forEach((at, i) => {
    const value = usage!.Values?.[i];
    if (value !== undefined && (!latest || at > latest.at)) latest = { value, at };
  });
  return latest;
}

// ---------------------------------------------------------------------------------------------
// The verdict

function judge(snapshot: Snapshot, input: QuotaVerdictInput): NewFinding<Code>[] {
  const { code, purchase, quota, usage, groups } = input;
  const limit = quota.Value!;
  const headroom = limit - usage.value;
  const launchable = groups.reduce((sum, g) => sum + g.instances * g.vcpus, 0);
  const blocked = groups.filter((g) => g.short && g.vcpus > headroom);
  const exhausted = usage.value >= limit || blocked.length > 0;
  if (!exhausted && usage.value + launchable <= limit) return [];

  const region = snapshot.cluster.region;
  const option = purchase === 'spot' ? 'Spot' : 'On-Demand';
  const quotaName = quota.QuotaName ?? `${option} ${input.className} vCPUs`;
  const subject = (g: GroupDemand) => (g.pool ? `NodePool ${g.name}` : g.nodegroup ? `node group ${g.nodegroup} (${g.name})` : `Auto Scaling group ${g.name}`);
  const pools = groups.some((g) => g.pool);
  const launchers = pools ? 'groups and NodePools' : 'groups';
  const ranked = [...groups].sort((a, b) => Number(b.short) - Number(a.short) || b.instances * b.vcpus - a.instances * a.vcpus || a.name.localeCompare(b.name));
  const needed = usage.value + launchable;
  const evidence = [
    `${quotaName} (${code}): ${limit} vCPUs${input.source === 'default' ? " (AWS's default: no value is applied to the account)" : ''}.`,
    `In use: ${usage.value} vCPUs (${quota.UsageMetric?.MetricNamespace ?? 'AWS/Usage'} ${quota.UsageMetric?.MetricName ?? 'ResourceCount'} ${quota.UsageMetric?.MetricStatisticRecommendation ?? 'Maximum'} at ${usage.at}), ${Math.max(0, headroom)} left.`,
    ...ranked.slice(0, QUOTED_GROUPS).map((g) =>
      g.pool
        ? `${subject(g)} may still launch ${g.instances} ${g.instanceType}${purchase === 'spot' ? ' as Spot' : ''}: limits.cpu ${g.pool.limit}, ${g.pool.used} in use${g.short ? ', NodeClaims not launched yet' : ''}.`
        : `${subject(g)} may still launch ${g.instances} ${g.instanceType} (${g.vcpus} vCPUs each, ${g.instances * g.vcpus} in all)${purchase === 'spot' ? ' as Spot' : ''}: desired ${g.group?.DesiredCapacity ?? '?'}, max ${g.group?.MaxSize ?? '?'}${g.short ? ', below its desired capacity now' : ''}.`,
    ),
    ...(ranked.length > QUOTED_GROUPS ? [`and ${ranked.length - QUOTED_GROUPS} more ${launchers} that may launch ${ranked.slice(QUOTED_GROUPS).reduce((s, g) => s + g.instances * g.vcpus, 0)} vCPUs more.`] : []),
    `In use plus what the ${launchers} may still launch: ${needed} vCPUs, ${needed - limit} over the quota.`,
    ...groups.flatMap((g) => g.limitFailures.slice(0, 2).map((f) => `${subject(g)} launch failed ${f}`)),
  ];
  const resources: ResourceRef[] = uniqueRefs([
    resource.serviceQuota(quota.QuotaArn ?? code, quotaName),
    ...ranked.flatMap((g) => (g.pool ? [resource.nodePool(g.name)] : [resource.autoScalingGroup(g.name), ...(g.nodegroup ? [resource.nodegroup(g.nodegroup)] : [])])),
  ]);
  // Enough for every group's max, rounded up to a multiple of 32 as quota requests usually are.
  const desiredValue = Math.ceil(needed / 32) * 32;
  const fix = {
    summary: `Request ${purchase === 'spot' ? 'a Spot' : 'an On-Demand'} vCPU quota of at least ${needed} (${code}) for ${region}; or lower the groups' max${pools ? " and the NodePools' limits.cpu" : ''}, or move some of them to another instance class or purchase option.`,
    commands: [
      `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code ${code} --desired-value ${desiredValue} --region ${region}`,
      `aws service-quotas list-requested-service-quota-change-history-by-quota --service-code ec2 --quota-code ${code} --region ${region}`,
    ],
    docs: [DOCS.ec2ResourceLimits, ...(purchase === 'spot' ? [DOCS.ec2SpotLimits] : [])],
  };

  if (exhausted) {
    // The groups it stops: with the quota used up, every group short of its desired capacity; else those with no room for one instance.
    const stopped = usage.value >= limit ? groups.filter((g) => g.short) : blocked;
    const groupRefs = stopped.map((g) => (g.pool ? resource.nodePool(g.name) : resource.autoScalingGroup(g.name)));
    const nodegroupRefs = stopped.flatMap((g) => (g.nodegroup ? [resource.nodegroup(g.nodegroup)] : []));
    const scope: ExplainScope[] = [
      ...(groupRefs.length > 0
        ? [
            { symptom: 'asg-capacity-shortfall' as const, resources: groupRefs },
            { symptom: 'ec2-launch-quota' as const, resources: groupRefs },
          ]
        : []),
      // A managed node group reports the same launches as a health issue (AsgInstanceLaunchFailures, InstanceLimitExceeded).
      ...(nodegroupRefs.length > 0 ? [{ symptom: 'nodegroup-unhealthy' as const, resources: nodegroupRefs }] : []),
      // Pods lacking room wait for the instances it stops: unschedulable-pods names the groups that could run them.
      ...(groupRefs.length > 0 ? [{ symptom: 'pod-unschedulable' as const, resources: groupRefs }] : []),
    ];
    const why =
      usage.value >= limit
        ? `The account runs ${usage.value} ${option} vCPUs of this class and the quota is ${limit}`
        : `Only ${headroom} ${option} vCPUs of this class are left under the quota of ${limit}, fewer than one instance of ${blocked.map((g) => `${subject(g)} (${g.instanceType}, ${g.vcpus} vCPUs)`).join(', ')} needs`;
    return [
      {
        code: 'vcpu-quota-exhausted',
        keyResource: code,
        title: `${option} ${input.className} vCPU quota (${code}) blocks launches: ${usage.value} of ${limit} vCPUs in use${blocked.length > 0 ? `, ${blocked.map(subject).join(', ')} cannot launch` : ''}`,
        rootCause: `${why}: EC2 refuses ${usage.value >= limit ? 'every launch' : `every launch of more than ${headroom} vCPUs`} of these instance families${purchase === 'spot' ? ' as Spot' : ''} in ${region}, for the whole account, with VcpuLimitExceeded ("You have requested more vCPU capacity than your current vCPU limit of ${limit} allows"), until the quota is raised or other instances of the class stop.`,
        evidence,
        resources,
        fix,
        ...(scope.length > 0 ? { canExplain: scope } : {}),
      },
    ];
  }
  return [
    {
      code: 'vcpu-quota-headroom-short',
      keyResource: code,
      title: `${option} ${input.className} vCPU quota (${code}) leaves ${headroom} vCPUs: the ${pools ? "groups' max and NodePools' limits need" : "groups' max needs"} ${launchable} more`,
      rootCause: `Launches succeed today, but the ${launchable} vCPUs the ${launchers} may still launch up to their ${pools ? 'max and limits' : 'max'} do not fit in the ${headroom} left under the quota of ${limit}: a scale-up past ${headroom} vCPUs stops short with VcpuLimitExceeded and pods wait for nodes that cannot launch.`,
      evidence,
      resources,
      fix,
    },
  ];
}
