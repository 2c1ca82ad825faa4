/**
 * One collector per AWS part of the snapshot: which calls fill it, and which other parts it reads
 * to know what to ask for. Lists use the SDK's paginators; lookups by ID are batched where the
 * API takes many IDs (instances, instance types, prefix lists) and issued concurrently where it
 * takes one (node groups, roles, instance profiles).
 */
import {
  DescribeAutoScalingGroupsCommand,
  paginateDescribeAutoScalingGroups,
  paginateDescribeScalingActivities,
  type Activity,
  type AutoScalingGroup,
  type Filter as AsgFilter,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeManagedPrefixListsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  paginateDescribeInstances,
  paginateDescribeInstanceTypes,
  paginateDescribeInternetGateways,
  paginateDescribeLaunchTemplateVersions,
  paginateDescribeNatGateways,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcEndpoints,
  paginateGetManagedPrefixListEntries,
  type Filter as Ec2Filter,
  type Reservation,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import {
  DescribeAccessEntryCommand,
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  DescribeNodegroupCommand,
  DescribePodIdentityAssociationCommand,
  paginateDescribeAddonVersions,
  paginateDescribeClusterVersions,
  paginateListAccessEntries,
  paginateListAddons,
  paginateListAssociatedAccessPolicies,
  paginateListFargateProfiles,
  paginateListInsights,
  paginateListNodegroups,
  paginateListPodIdentityAssociations,
} from '@aws-sdk/client-eks';
import { GetInstanceProfileCommand, GetOpenIDConnectProviderCommand, GetRoleCommand, ListOpenIDConnectProvidersCommand, paginateListAttachedRolePolicies } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { isNodeAccessEntryType } from '../../domain/eks-constants.js';
import { instanceProfileNameOf, roleNameOf } from '../../domain/iam-arn.js';
import { sanitizeLaunchTemplateVersion } from '../../snapshot/sanitize.js';
import { decodeRoleTrustPolicy } from '../../snapshot/policy-document.js';
import type { AwsData, IamRole, Serialized } from '../../snapshot/types.js';
import { groupsWhoseActivitiesAreRead } from './activity-groups.js';
import type { AwsClients } from './clients.js';
import { CallFailed, chunks, each, toSnapshotJson, type AwsCollection, type AwsKey } from './collection.js';

type Collectors = { [K in AwsKey]: { step: string; collect(c: AwsCollection): Promise<NonNullable<AwsData[K]>> } };

/** Scaling activities kept per Auto Scaling group, newest first. */
const RECENT_ACTIVITIES_PER_GROUP = 50;

/** A role with its trust policy decoded; a document that is not a policy fails the part rather than entering the snapshot half-read. */
function roleFromWire(part: AwsKey, call: string, role: { AssumeRolePolicyDocument?: string }): IamRole {
  try {
    return toSnapshotJson(decodeRoleTrustPolicy(role)) as IamRole;
  } catch (error) {
    throw new CallFailed({ part: `aws.${part}`, call, kind: 'invalid-response', code: 'InvalidPolicyDocument', message: `the role's trust policy could not be decoded: ${(error as Error).message}` });
  }
}

function unique<T>(items: Iterable<T | undefined>): T[] {
  return [...new Set([...items].filter((i): i is T => i !== undefined && i !== ''))];
}

export function awsCollectors(clients: AwsClients, extraRoleArns: Promise<string[]>): Collectors {
  const { eks, ec2, autoScaling, iam, sts } = clients;

  /** Shared values: computed once, read by several parts. */
  const cluster = async (c: AwsCollection, forPart: AwsKey) => c.need('cluster', forPart);
  /** The cluster's VPC; emulators that leave it out of DescribeCluster get it from the cluster's subnets. */
  const vpcId = async (c: AwsCollection, forPart: AwsKey): Promise<string> => {
    const config = (await cluster(c, forPart)).resourcesVpcConfig;
    if (config?.vpcId) return config.vpcId;
    const fromSubnets = await c.shared('vpcIdFromSubnets', async () => {
      const subnetIds = config?.subnetIds ?? [];
      if (subnetIds.length === 0) return undefined;
      const out = await c.call(forPart, 'ec2:DescribeSubnets', (abortSignal) => ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }), { abortSignal }));
      return out?.Subnets?.find((s) => s.VpcId)?.VpcId;
    });
    if (!fromSubnets) throw new CallFailed({ part: `aws.${forPart}`, call: 'eks:DescribeCluster', kind: 'other', code: 'NoVpc', message: 'the cluster names no VPC and no subnets to find it from' });
    return fromSubnets;
  };
  const vpcFilter = (id: string): Ec2Filter[] => [{ Name: 'vpc-id', Values: [id] }];
  const clusterName = (c: AwsCollection) => c.settings.clusterName;

  const nodegroupAsgNames = (c: AwsCollection) =>
    c.shared('nodegroupAsgNames', async () => {
      const groups = (await c.part('nodegroups')) ?? [];
      return unique(groups.flatMap((g) => (g.resources?.autoScalingGroups ?? []).map((a) => a.name)));
    });

  const accessEntryPrincipals = (c: AwsCollection, forPart: AwsKey) =>
    c.shared('accessEntryPrincipals', async () => {
      const pages = await c.pages(forPart, 'eks:ListAccessEntries', paginateListAccessEntries({ client: eks, pageSize: 100 }, { clusterName: clusterName(c) }, { abortSignal: c.settings.signal }), {
        // A cluster in CONFIG_MAP mode has no access entries: EKS refuses the call rather than answering [].
        codes: ['InvalidRequestException'],
      });
      return (pages ?? []).flatMap((p) => p.accessEntries ?? []);
    });

  /** Role ARNs the checks look at: node roles, Fargate, Pod Identity, IRSA (add-ons and Kubernetes annotations). */
  const roleArns = (c: AwsCollection) =>
    c.shared('roleArns', async () => {
      // Each source is optional: a source that could not be read (or an emulator that lacks it) only
      // means fewer roles are looked up; its own failure is recorded against its own part.
      const [nodegroups = [], fargate = [], profiles = [], entries = [], associations = [], addons = [], extra] = await Promise.all([
        c.part('nodegroups'),
        c.part('fargateProfiles'),
        c.part('iamInstanceProfiles'),
        c.part('accessEntries'),
        c.part('podIdentityAssociations'),
        c.part('addons'),
        extraRoleArns,
      ]);
      return unique([
        ...nodegroups.map((g) => g.nodeRole),
        ...fargate.map((p) => p.podExecutionRoleArn),
        ...profiles.flatMap((p) => p.Roles.map((r) => r.Arn)),
        ...entries.filter((e) => isNodeAccessEntryType(e.type) && e.principalArn?.includes(':role/')).map((e) => e.principalArn),
        ...associations.map((a) => a.roleArn),
        ...addons.map((a) => a.serviceAccountRoleArn),
        ...extra.filter((arn) => arn.includes(':role/')),
      ]);
    });

  /**
   * Roles behind access entries for people and tools (STANDARD, or any type that is not a node's):
   * only whether they still exist matters (access-entries' principal-not-found), so they get
   * iam:GetRole but not their attached policies.
   */
  const accessEntryOnlyRoleArns = (c: AwsCollection) =>
    c.shared('accessEntryOnlyRoleArns', async () => {
      const [entries = [], looked] = await Promise.all([c.part('accessEntries'), roleArns(c)]);
      const already = new Set(looked);
      return unique(entries.filter((e) => !isNodeAccessEntryType(e.type) && e.principalArn?.includes(':role/') && !already.has(e.principalArn)).map((e) => e.principalArn));
    });

  /** Groups run by a managed node group: EKS owns their launch template, the node group names the user's. */
  const isNodegroupAsg = (group: Serialized<AutoScalingGroup>, managedNames: string[]) =>
    managedNames.includes(group.AutoScalingGroupName ?? '') || (group.Tags ?? []).some((t) => t.Key === 'eks:nodegroup-name');

  const collectors: Collectors = {
    callerIdentity: {
      step: 'sts:GetCallerIdentity',
      async collect(c) {
        const out = await c.call('callerIdentity', 'sts:GetCallerIdentity', (abortSignal) => sts.send(new GetCallerIdentityCommand({}), { abortSignal }));
        return { ...(out?.Account ? { Account: out.Account } : {}), ...(out?.Arn ? { Arn: out.Arn } : {}), ...(out?.UserId ? { UserId: out.UserId } : {}) };
      },
    },

    cluster: {
      step: 'eks:DescribeCluster',
      async collect(c) {
        const out = await c.call('cluster', 'eks:DescribeCluster', (abortSignal) => eks.send(new DescribeClusterCommand({ name: clusterName(c) }), { abortSignal }));
        if (!out?.cluster) throw new Error('DescribeCluster returned no cluster');
        return toSnapshotJson(out.cluster);
      },
    },

    clusterVersions: {
      step: 'eks:DescribeClusterVersions',
      async collect(c) {
        const pages = await c.pages('clusterVersions', 'eks:DescribeClusterVersions', paginateDescribeClusterVersions({ client: eks, pageSize: 100 }, {}, { abortSignal: c.settings.signal }));
        return toSnapshotJson((pages ?? []).flatMap((p) => p.clusterVersions ?? []));
      },
    },

    nodegroups: {
      step: 'eks:DescribeNodegroup',
      async collect(c) {
        const pages = await c.pages('nodegroups', 'eks:ListNodegroups', paginateListNodegroups({ client: eks, pageSize: 100 }, { clusterName: clusterName(c) }, { abortSignal: c.settings.signal }));
        const names = (pages ?? []).flatMap((p) => p.nodegroups ?? []);
        const described = await each(names, (nodegroupName) =>
          c.call('nodegroups', 'eks:DescribeNodegroup', (abortSignal) => eks.send(new DescribeNodegroupCommand({ clusterName: clusterName(c), nodegroupName }), { abortSignal }), {
            codes: ['ResourceNotFoundException'], // deleted between List and Describe
          }),
        );
        return toSnapshotJson(described.flatMap((d) => (d?.nodegroup ? [d.nodegroup] : [])));
      },
    },

    fargateProfiles: {
      step: 'eks:DescribeFargateProfile',
      async collect(c) {
        const pages = await c.pages('fargateProfiles', 'eks:ListFargateProfiles', paginateListFargateProfiles({ client: eks, pageSize: 100 }, { clusterName: clusterName(c) }, { abortSignal: c.settings.signal }));
        const names = (pages ?? []).flatMap((p) => p.fargateProfileNames ?? []);
        const described = await each(names, (fargateProfileName) =>
          c.call('fargateProfiles', 'eks:DescribeFargateProfile', (abortSignal) => eks.send(new DescribeFargateProfileCommand({ clusterName: clusterName(c), fargateProfileName }), { abortSignal }), {
            codes: ['ResourceNotFoundException'],
          }),
        );
        return toSnapshotJson(described.flatMap((d) => (d?.fargateProfile ? [d.fargateProfile] : [])));
      },
    },

    addons: {
      step: 'eks:DescribeAddon',
      async collect(c) {
        const pages = await c.pages('addons', 'eks:ListAddons', paginateListAddons({ client: eks, pageSize: 100 }, { clusterName: clusterName(c) }, { abortSignal: c.settings.signal }));
        const names = (pages ?? []).flatMap((p) => p.addons ?? []);
        const described = await each(names, (addonName) =>
          c.call('addons', 'eks:DescribeAddon', (abortSignal) => eks.send(new DescribeAddonCommand({ clusterName: clusterName(c), addonName }), { abortSignal }), { codes: ['ResourceNotFoundException'] }),
        );
        return toSnapshotJson(described.flatMap((d) => (d?.addon ? [d.addon] : [])));
      },
    },

    addonVersions: {
      step: 'eks:DescribeAddonVersions',
      async collect(c) {
        // Only the installed add-ons, for the cluster's version: the full catalogue is pages of marketplace entries.
        const [installed, { version }] = await Promise.all([c.need('addons', 'addonVersions'), cluster(c, 'addonVersions')]);
        const perAddon = await each(unique(installed.map((a) => a.addonName)), async (addonName) => {
          const pages = await c.pages(
            'addonVersions',
            'eks:DescribeAddonVersions',
            paginateDescribeAddonVersions({ client: eks, pageSize: 100 }, { addonName, ...(version ? { kubernetesVersion: version } : {}) }, { abortSignal: c.settings.signal }),
          );
          return (pages ?? []).flatMap((p) => p.addons ?? []);
        });
        return toSnapshotJson(perAddon.flat());
      },
    },

    accessEntries: {
      step: 'eks:DescribeAccessEntry',
      async collect(c) {
        const principals = await accessEntryPrincipals(c, 'accessEntries');
        const described = await each(principals, (principalArn) =>
          c.call('accessEntries', 'eks:DescribeAccessEntry', (abortSignal) => eks.send(new DescribeAccessEntryCommand({ clusterName: clusterName(c), principalArn }), { abortSignal }), {
            codes: ['ResourceNotFoundException'],
          }),
        );
        return toSnapshotJson(described.flatMap((d) => (d?.accessEntry ? [d.accessEntry] : [])));
      },
    },

    accessEntryPolicies: {
      step: 'eks:ListAssociatedAccessPolicies',
      async collect(c) {
        const principals = await accessEntryPrincipals(c, 'accessEntryPolicies');
        const perPrincipal = await each(principals, async (principalArn) => {
          const pages = await c.pages(
            'accessEntryPolicies',
            'eks:ListAssociatedAccessPolicies',
            paginateListAssociatedAccessPolicies({ client: eks, pageSize: 100 }, { clusterName: clusterName(c), principalArn }, { abortSignal: c.settings.signal }),
            { codes: ['ResourceNotFoundException'] },
          );
          return { principalArn, associatedAccessPolicies: toSnapshotJson((pages ?? []).flatMap((p) => p.associatedAccessPolicies ?? [])) };
        });
        // Entries without policies are the norm for node roles; the list keeps only those that have some.
        return perPrincipal.filter((p) => p.associatedAccessPolicies.length > 0);
      },
    },

    podIdentityAssociations: {
      step: 'eks:DescribePodIdentityAssociation',
      async collect(c) {
        const pages = await c.pages(
          'podIdentityAssociations',
          'eks:ListPodIdentityAssociations',
          paginateListPodIdentityAssociations({ client: eks, pageSize: 100 }, { clusterName: clusterName(c) }, { abortSignal: c.settings.signal }),
        );
        const ids = unique((pages ?? []).flatMap((p) => (p.associations ?? []).map((a) => a.associationId)));
        const described = await each(ids, (associationId) =>
          c.call(
            'podIdentityAssociations',
            'eks:DescribePodIdentityAssociation',
            (abortSignal) => eks.send(new DescribePodIdentityAssociationCommand({ clusterName: clusterName(c), associationId }), { abortSignal }),
            { codes: ['ResourceNotFoundException'] },
          ),
        );
        return toSnapshotJson(described.flatMap((d) => (d?.association ? [d.association] : [])));
      },
    },

    insights: {
      step: 'eks:ListInsights',
      async collect(c) {
        const pages = await c.pages('insights', 'eks:ListInsights', paginateListInsights({ client: eks, pageSize: 100 }, { clusterName: clusterName(c) }, { abortSignal: c.settings.signal }));
        return toSnapshotJson((pages ?? []).flatMap((p) => p.insights ?? []));
      },
    },

    autoScalingGroups: {
      step: 'autoscaling:DescribeAutoScalingGroups',
      async collect(c) {
        const name = clusterName(c);
        const byFilters = async (Filters: AsgFilter[]) => {
          const pages = await c.pages(
            'autoScalingGroups',
            'autoscaling:DescribeAutoScalingGroups',
            paginateDescribeAutoScalingGroups({ client: autoScaling, pageSize: 100 }, { Filters }, { abortSignal: c.settings.signal }),
          );
          return (pages ?? []).flatMap((p) => p.AutoScalingGroups ?? []);
        };
        // Self-managed groups carry kubernetes.io/cluster/<name>; managed node groups' carry eks:cluster-name.
        const [tagged, managed, nodegroupNames] = await Promise.all([
          byFilters([{ Name: 'tag-key', Values: [`kubernetes.io/cluster/${name}`] }]),
          byFilters([{ Name: 'tag:eks:cluster-name', Values: [name] }]),
          nodegroupAsgNames(c),
        ]);
        const found = new Map<string, AutoScalingGroup>();
        for (const g of [...managed, ...tagged]) if (g.AutoScalingGroupName && !found.has(g.AutoScalingGroupName)) found.set(g.AutoScalingGroupName, g);
        // Node groups whose groups lost their tags are still found by name.
        const missing = nodegroupNames.filter((n) => !found.has(n));
        for (const names of chunks(missing, 50)) {
          const out = await c.call('autoScalingGroups', 'autoscaling:DescribeAutoScalingGroups', (abortSignal) =>
            autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names, MaxRecords: 100 }), { abortSignal }),
          );
          for (const g of out?.AutoScalingGroups ?? []) if (g.AutoScalingGroupName) found.set(g.AutoScalingGroupName, g);
        }
        return toSnapshotJson([...found.values()]);
      },
    },

    scalingActivities: {
      step: 'autoscaling:DescribeScalingActivities',
      async collect(c) {
        const [groups, nodegroups] = await Promise.all([c.need('autoScalingGroups', 'scalingActivities'), c.part('nodegroups')]);
        // Only the groups a check reads activities for (activity-groups.ts): one request per group otherwise.
        // The most recent activities of each (AWS lists newest first): enough to see why launches fail.
        const perGroup = await each(groupsWhoseActivitiesAreRead({ autoScalingGroups: groups, nodegroups }), async (AutoScalingGroupName) => {
          const activities: Activity[] = [];
          const paginator = paginateDescribeScalingActivities({ client: autoScaling, pageSize: 50 }, { AutoScalingGroupName }, { abortSignal: c.settings.signal });
          while (activities.length < RECENT_ACTIVITIES_PER_GROUP) {
            const step = await c.call('scalingActivities', 'autoscaling:DescribeScalingActivities', () => paginator.next());
            if (!step || step.done) break;
            activities.push(...(step.value.Activities ?? []));
          }
          return activities.slice(0, RECENT_ACTIVITIES_PER_GROUP);
        });
        return toSnapshotJson(perGroup.flat());
      },
    },

    reservations: {
      step: 'ec2:DescribeInstances',
      async collect(c) {
        const name = clusterName(c);
        const describe = async (Filters: Ec2Filter[]) => {
          const pages = await c.pages('reservations', 'ec2:DescribeInstances', paginateDescribeInstances({ client: ec2, pageSize: 1000 }, { Filters }, { abortSignal: c.settings.signal }));
          return (pages ?? []).flatMap((p) => p.Reservations ?? []);
        };
        // Tagged instances (self-managed, managed node groups, Karpenter) and, concurrently, the groups' members.
        const [byOwnerTag, byKarpenterTag, groups] = await Promise.all([
          describe([{ Name: 'tag-key', Values: [`kubernetes.io/cluster/${name}`] }]),
          describe([{ Name: 'tag:eks:eks-cluster-name', Values: [name] }]),
          c.part('autoScalingGroups'),
        ]);
        // Managed node groups' instances carry the owner tag as well as eks:cluster-name, and are
        // their groups' members: asking by eks:cluster-name too listed every one of them twice (half
        // of DescribeInstances' pages at scale). Only without the groups is it the remaining way to
        // find a managed instance that lost the owner tag.
        const byManagedTag = groups === undefined ? await describe([{ Name: 'tag:eks:cluster-name', Values: [name] }]) : [];
        const merged = mergeReservations([byManagedTag, byOwnerTag, byKarpenterTag]);
        const seen = new Set(merged.flatMap((r) => (r.Instances ?? []).map((i) => i.InstanceId)));
        const untagged = unique((groups ?? []).flatMap((g) => (g.Instances ?? []).map((i) => i.InstanceId))).filter((id) => !seen.has(id));
        // EC2 takes up to 200 values per filter: one request per 200 instances, never one per instance.
        const byId = await each(chunks(untagged, 200), (ids) => describe([{ Name: 'instance-id', Values: ids }]));
        return toSnapshotJson(mergeReservations([merged, ...byId]));
      },
    },

    launchTemplateVersions: {
      step: 'ec2:DescribeLaunchTemplateVersions',
      async collect(c) {
        const [nodegroups, groups, managedNames] = await Promise.all([c.part('nodegroups'), c.part('autoScalingGroups'), nodegroupAsgNames(c)]);
        if (nodegroups === undefined && groups === undefined) await c.need('autoScalingGroups', 'launchTemplateVersions');
        const wanted = new Map<string, { id?: string; name?: string; versions: Set<string> }>();
        const want = (id: string | undefined, name: string | undefined, version: string | undefined) => {
          const key = id ?? name;
          if (!key) return;
          const entry = wanted.get(key) ?? { ...(id ? { id } : {}), ...(name && !id ? { name } : {}), versions: new Set<string>() };
          entry.versions.add(version || '$Default');
          wanted.set(key, entry);
        };
        for (const g of nodegroups ?? []) want(g.launchTemplate?.id, g.launchTemplate?.name, g.launchTemplate?.version);
        for (const g of groups ?? []) {
          if (isNodegroupAsg(g, managedNames)) continue;
          want(g.LaunchTemplate?.LaunchTemplateId, g.LaunchTemplate?.LaunchTemplateName, g.LaunchTemplate?.Version);
          const mixed = g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
          want(mixed?.LaunchTemplateId, mixed?.LaunchTemplateName, mixed?.Version);
        }
        const perTemplate = await each([...wanted.values()], async (template) => {
          const pages = await c.pages(
            'launchTemplateVersions',
            'ec2:DescribeLaunchTemplateVersions',
            paginateDescribeLaunchTemplateVersions(
              { client: ec2 },
              { ...(template.id ? { LaunchTemplateId: template.id } : { LaunchTemplateName: template.name }), Versions: [...template.versions] },
              { abortSignal: c.settings.signal },
            ),
            { codes: ['InvalidLaunchTemplateId.NotFound', 'InvalidLaunchTemplateName.NotFoundException', 'InvalidLaunchTemplateId.VersionNotFound', 'InvalidLaunchTemplateId.Malformed'] },
          );
          if (pages === undefined) {
            c.addNotFound({ resourceType: 'ec2-launch-template', id: (template.id ?? template.name)!, call: 'ec2:DescribeLaunchTemplateVersions' });
            return [];
          }
          return pages.flatMap((p) => p.LaunchTemplateVersions ?? []);
        });
        // UserData often holds bootstrap secrets; it never enters a snapshot.
        const seen = new Set<string>();
        return toSnapshotJson(perTemplate.flat())
          .filter((v) => {
            const key = `${v.LaunchTemplateId}:${v.VersionNumber}`;
            if (seen.has(key)) return false;
            seen.add(key);
            return true;
          })
          .map(sanitizeLaunchTemplateVersion);
      },
    },

    instanceTypes: {
      step: 'ec2:DescribeInstanceTypes',
      async collect(c) {
        const [reservations, nodegroups, templates, groups] = await Promise.all([c.part('reservations'), c.part('nodegroups'), c.part('launchTemplateVersions'), c.part('autoScalingGroups')]);
        const types = unique<string>([
          ...(reservations ?? []).flatMap((r) => (r.Instances ?? []).map((i) => i.InstanceType)),
          ...(nodegroups ?? []).flatMap((g) => g.instanceTypes ?? []),
          ...(templates ?? []).map((t) => t.LaunchTemplateData?.InstanceType),
          ...(groups ?? []).flatMap((g) => [...(g.Instances ?? []).map((i) => i.InstanceType), ...(g.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? []).map((o) => o.InstanceType)]),
        ]).sort();
        // No type found because the reads that name them failed is not "no instance types": fail with their cause.
        const sources = { reservations, nodegroups, launchTemplateVersions: templates, autoScalingGroups: groups };
        const failedSource = (Object.keys(sources) as (keyof typeof sources)[]).find((key) => sources[key] === undefined);
        if (types.length === 0 && failedSource) await c.need(failedSource, 'instanceTypes');
        const perChunk = await each(chunks(types, 100), async (InstanceTypes) => {
          const pages = await c.pages(
            'instanceTypes',
            'ec2:DescribeInstanceTypes',
            paginateDescribeInstanceTypes({ client: ec2 }, { InstanceTypes: InstanceTypes as _InstanceType[] }, { abortSignal: c.settings.signal }),
          );
          return (pages ?? []).flatMap((p) => p.InstanceTypes ?? []);
        });
        return toSnapshotJson(perChunk.flat());
      },
    },

    vpcs: {
      step: 'ec2:DescribeVpcs',
      async collect(c) {
        const id = await vpcId(c, 'vpcs');
        const out = await c.call('vpcs', 'ec2:DescribeVpcs', (abortSignal) => ec2.send(new DescribeVpcsCommand({ VpcIds: [id] }), { abortSignal }));
        return toSnapshotJson(out?.Vpcs ?? []);
      },
    },

    vpcDnsAttributes: {
      step: 'ec2:DescribeVpcAttribute',
      async collect(c) {
        const id = await vpcId(c, 'vpcDnsAttributes');
        const [support, hostnames] = await Promise.all(
          (['enableDnsSupport', 'enableDnsHostnames'] as const).map((Attribute) =>
            c.call('vpcDnsAttributes', 'ec2:DescribeVpcAttribute', (abortSignal) => ec2.send(new DescribeVpcAttributeCommand({ VpcId: id, Attribute }), { abortSignal })),
          ),
        );
        return [
          {
            VpcId: id,
            ...(support?.EnableDnsSupport?.Value !== undefined ? { EnableDnsSupport: support.EnableDnsSupport.Value } : {}),
            ...(hostnames?.EnableDnsHostnames?.Value !== undefined ? { EnableDnsHostnames: hostnames.EnableDnsHostnames.Value } : {}),
          },
        ];
      },
    },

    subnets: {
      step: 'ec2:DescribeSubnets',
      async collect(c) {
        const clusterInfo = await cluster(c, 'subnets');
        const id = await vpcId(c, 'subnets');
        const pages = await c.pages('subnets', 'ec2:DescribeSubnets', paginateDescribeSubnets({ client: ec2, pageSize: 1000 }, { Filters: vpcFilter(id) }, { abortSignal: c.settings.signal }));
        const subnets = (pages ?? []).flatMap((p) => p.Subnets ?? []);
        // A subnet the cluster names but the VPC does not hold was deleted (or is elsewhere): ask for it by ID.
        const missing = unique(clusterInfo.resourcesVpcConfig?.subnetIds ?? []).filter((s) => !subnets.some((x) => x.SubnetId === s));
        const extra = await each(missing, async (SubnetId) => {
          const out = await c.call('subnets', 'ec2:DescribeSubnets', (abortSignal) => ec2.send(new DescribeSubnetsCommand({ SubnetIds: [SubnetId] }), { abortSignal }), { codes: ['InvalidSubnetID.NotFound'] });
          if (!out) c.addNotFound({ resourceType: 'ec2-subnet', id: SubnetId, call: 'ec2:DescribeSubnets' });
          return out?.Subnets ?? [];
        });
        return toSnapshotJson([...subnets, ...extra.flat()]);
      },
    },

    routeTables: {
      step: 'ec2:DescribeRouteTables',
      async collect(c) {
        const id = await vpcId(c, 'routeTables');
        const pages = await c.pages('routeTables', 'ec2:DescribeRouteTables', paginateDescribeRouteTables({ client: ec2, pageSize: 100 }, { Filters: vpcFilter(id) }, { abortSignal: c.settings.signal }));
        return toSnapshotJson((pages ?? []).flatMap((p) => p.RouteTables ?? []));
      },
    },

    securityGroups: {
      step: 'ec2:DescribeSecurityGroups',
      async collect(c) {
        const clusterInfo = await cluster(c, 'securityGroups');
        const id = await vpcId(c, 'securityGroups');
        const pages = await c.pages('securityGroups', 'ec2:DescribeSecurityGroups', paginateDescribeSecurityGroups({ client: ec2, pageSize: 1000 }, { Filters: vpcFilter(id) }, { abortSignal: c.settings.signal }));
        const groups = (pages ?? []).flatMap((p) => p.SecurityGroups ?? []);
        const referenced = unique([...(clusterInfo.resourcesVpcConfig?.securityGroupIds ?? []), clusterInfo.resourcesVpcConfig?.clusterSecurityGroupId]);
        const missing = referenced.filter((g) => !groups.some((x) => x.GroupId === g));
        const extra = await each(missing, async (GroupId) => {
          const out = await c.call('securityGroups', 'ec2:DescribeSecurityGroups', (abortSignal) => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId] }), { abortSignal }), {
            codes: ['InvalidGroup.NotFound', 'InvalidGroupId.NotFound'],
          });
          if (!out) c.addNotFound({ resourceType: 'ec2-security-group', id: GroupId, call: 'ec2:DescribeSecurityGroups' });
          return out?.SecurityGroups ?? [];
        });
        return toSnapshotJson([...groups, ...extra.flat()]);
      },
    },

    prefixLists: {
      step: 'ec2:DescribeManagedPrefixLists',
      async collect(c) {
        const ids = await referencedPrefixLists(c);
        if (ids.length === 0) return [];
        const describe = (PrefixListIds: string[]) =>
          c.call('prefixLists', 'ec2:DescribeManagedPrefixLists', (abortSignal) => ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds }), { abortSignal }), {
            codes: ['InvalidPrefixListID.NotFound', 'InvalidPrefixListId.NotFound'],
          });
        const all = await describe(ids);
        if (all) return toSnapshotJson(all.PrefixLists ?? []);
        // One of them does not exist and EC2 names only one: ask for each to find which.
        const single = await each(ids, async (id) => {
          const out = await describe([id]);
          if (!out) c.addNotFound({ resourceType: 'ec2-prefix-list', id, call: 'ec2:DescribeManagedPrefixLists' });
          return out?.PrefixLists ?? [];
        });
        return toSnapshotJson(single.flat());
      },
    },

    prefixListEntries: {
      step: 'ec2:GetManagedPrefixListEntries',
      async collect(c) {
        const ids = await referencedPrefixLists(c);
        const perList = await each(ids, async (PrefixListId) => {
          const pages = await c.pages(
            'prefixListEntries',
            'ec2:GetManagedPrefixListEntries',
            paginateGetManagedPrefixListEntries({ client: ec2, pageSize: 100 }, { PrefixListId }, { abortSignal: c.settings.signal }),
            { codes: ['InvalidPrefixListID.NotFound', 'InvalidPrefixListId.NotFound'] },
          );
          if (pages === undefined) {
            c.addNotFound({ resourceType: 'ec2-prefix-list', id: PrefixListId, call: 'ec2:GetManagedPrefixListEntries' });
            return [];
          }
          return [{ PrefixListId, Entries: toSnapshotJson(pages.flatMap((p) => p.Entries ?? [])) }];
        });
        return perList.flat();
      },
    },

    natGateways: {
      step: 'ec2:DescribeNatGateways',
      async collect(c) {
        const id = await vpcId(c, 'natGateways');
        const pages = await c.pages('natGateways', 'ec2:DescribeNatGateways', paginateDescribeNatGateways({ client: ec2, pageSize: 1000 }, { Filter: vpcFilter(id) }, { abortSignal: c.settings.signal }));
        return toSnapshotJson((pages ?? []).flatMap((p) => p.NatGateways ?? []));
      },
    },

    internetGateways: {
      step: 'ec2:DescribeInternetGateways',
      async collect(c) {
        const id = await vpcId(c, 'internetGateways');
        const pages = await c.pages(
          'internetGateways',
          'ec2:DescribeInternetGateways',
          paginateDescribeInternetGateways({ client: ec2, pageSize: 1000 }, { Filters: [{ Name: 'attachment.vpc-id', Values: [id] }] }, { abortSignal: c.settings.signal }),
        );
        return toSnapshotJson((pages ?? []).flatMap((p) => p.InternetGateways ?? []));
      },
    },

    vpcEndpoints: {
      step: 'ec2:DescribeVpcEndpoints',
      async collect(c) {
        const id = await vpcId(c, 'vpcEndpoints');
        const pages = await c.pages('vpcEndpoints', 'ec2:DescribeVpcEndpoints', paginateDescribeVpcEndpoints({ client: ec2, pageSize: 1000 }, { Filters: vpcFilter(id) }, { abortSignal: c.settings.signal }));
        return toSnapshotJson((pages ?? []).flatMap((p) => p.VpcEndpoints ?? []));
      },
    },

    iamInstanceProfiles: {
      step: 'iam:GetInstanceProfile',
      async collect(c) {
        const [reservations, templates] = await Promise.all([c.need('reservations', 'iamInstanceProfiles'), c.part('launchTemplateVersions')]);
        const profiles = new Map<string, string>(); // name -> how it was referenced (ARN when known)
        for (const r of reservations) for (const i of r.Instances ?? []) if (i.IamInstanceProfile?.Arn) profiles.set(instanceProfileNameOf(i.IamInstanceProfile.Arn), i.IamInstanceProfile.Arn);
        for (const t of templates ?? []) {
          const p = t.LaunchTemplateData?.IamInstanceProfile;
          if (p?.Arn) profiles.set(instanceProfileNameOf(p.Arn), p.Arn);
          else if (p?.Name && !profiles.has(p.Name)) profiles.set(p.Name, p.Name);
        }
        const found = await each([...profiles], async ([InstanceProfileName, reference]) => {
          const out = await c.call('iamInstanceProfiles', 'iam:GetInstanceProfile', (abortSignal) => iam.send(new GetInstanceProfileCommand({ InstanceProfileName }), { abortSignal }), {
            codes: ['NoSuchEntity', 'NoSuchEntityException'],
          });
          if (!out?.InstanceProfile) {
            c.addNotFound({ resourceType: 'iam-instance-profile', id: reference, call: 'iam:GetInstanceProfile' });
            return [];
          }
          const { Roles, ...profile } = out.InstanceProfile;
          return [{ ...toSnapshotJson(profile), Roles: (Roles ?? []).map((r) => roleFromWire('iamInstanceProfiles', 'iam:GetInstanceProfile', r)) }];
        });
        return found.flat();
      },
    },

    iamRoles: {
      step: 'iam:GetRole',
      async collect(c) {
        const arns = [...(await roleArns(c)), ...(await accessEntryOnlyRoleArns(c))];
        const roles = await each(arns, async (arn) => {
          const out = await c.call('iamRoles', 'iam:GetRole', (abortSignal) => iam.send(new GetRoleCommand({ RoleName: roleNameOf(arn) }), { abortSignal }), { codes: ['NoSuchEntity', 'NoSuchEntityException'] });
          if (!out?.Role) {
            c.addNotFound({ resourceType: 'iam-role', id: arn, call: 'iam:GetRole' });
            return [];
          }
          return [roleFromWire('iamRoles', 'iam:GetRole', out.Role)];
        });
        // Two references to one role (with and without its path) are one role.
        const seen = new Set<string>();
        return roles.flat().filter((r) => (seen.has(r.RoleName ?? '') ? false : (seen.add(r.RoleName ?? ''), true)));
      },
    },

    iamAttachedRolePolicies: {
      step: 'iam:ListAttachedRolePolicies',
      async collect(c) {
        const names = unique((await roleArns(c)).map(roleNameOf));
        const perRole = await each(names, async (RoleName) => {
          const pages = await c.pages(
            'iamAttachedRolePolicies',
            'iam:ListAttachedRolePolicies',
            paginateListAttachedRolePolicies({ client: iam, pageSize: 100 }, { RoleName }, { abortSignal: c.settings.signal }),
            { codes: ['NoSuchEntity', 'NoSuchEntityException'] },
          );
          // A missing role is recorded by iam:GetRole; here it simply has no list.
          return pages === undefined ? [] : [{ RoleName, AttachedPolicies: toSnapshotJson(pages.flatMap((p) => p.AttachedPolicies ?? [])) }];
        });
        return perRole.flat();
      },
    },

    iamOidcProviders: {
      step: 'iam:GetOpenIDConnectProvider',
      async collect(c) {
        const issuer = (await cluster(c, 'iamOidcProviders')).identity?.oidc?.issuer;
        if (!issuer) return [];
        const list = await c.call('iamOidcProviders', 'iam:ListOpenIDConnectProviders', (abortSignal) => iam.send(new ListOpenIDConnectProvidersCommand({}), { abortSignal }));
        const suffix = `oidc-provider/${issuer.replace(/^https:\/\//, '')}`;
        const arns = unique((list?.OpenIDConnectProviderList ?? []).map((p) => p.Arn)).filter((arn) => arn.endsWith(suffix));
        const providers = await each(arns, async (Arn) => {
          const out = await c.call(
            'iamOidcProviders',
            'iam:GetOpenIDConnectProvider',
            (abortSignal) => iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: Arn }), { abortSignal }),
            { codes: ['NoSuchEntity', 'NoSuchEntityException'] },
          );
          if (!out) return [];
          return [{ Arn, ...(out.Url ? { Url: out.Url } : {}), ...(out.ClientIDList ? { ClientIDList: out.ClientIDList } : {}), ...(out.ThumbprintList ? { ThumbprintList: out.ThumbprintList } : {}) }];
        });
        return providers.flat();
      },
    },
  };

  /** Prefix lists named by security-group rules and routes. */
  const referencedPrefixLists = (c: AwsCollection) =>
    c.shared('referencedPrefixLists', async () => {
      const [groups, tables] = await Promise.all([c.need('securityGroups', 'prefixLists'), c.need('routeTables', 'prefixLists')]);
      return unique([
        ...groups.flatMap((g) => [...(g.IpPermissions ?? []), ...(g.IpPermissionsEgress ?? [])].flatMap((p) => (p.PrefixListIds ?? []).map((x) => x.PrefixListId))),
        ...tables.flatMap((t) => (t.Routes ?? []).map((r) => r.DestinationPrefixListId)),
      ]).sort();
    });

  return collectors;
}

/** Unions DescribeInstances answers: one reservation per ID, one instance per ID, first answer's order. */
function mergeReservations(lists: Reservation[][]): Reservation[] {
  const byId = new Map<string, Reservation>();
  for (const list of lists) {
    for (const reservation of list) {
      const id = reservation.ReservationId ?? '';
      const existing = byId.get(id);
      if (!existing) {
        byId.set(id, { ...reservation, Instances: [...(reservation.Instances ?? [])] });
        continue;
      }
      for (const instance of reservation.Instances ?? []) {
        if (!existing.Instances!.some((i) => i.InstanceId === instance.InstanceId)) existing.Instances!.push(instance);
      }
    }
  }
  return [...byId.values()];
}
