/** Collectors for the EC2 parts (declared in ec2-parts.ts). */
import {
  DescribeDhcpOptionsCommand,
  DescribeImagesCommand,
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
  paginateDescribeNetworkAcls,
  paginateDescribeNetworkInterfaces,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcEndpoints,
  paginateGetManagedPrefixListEntries,
  type Filter as Ec2Filter,
  type Reservation,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { sanitizeImage, sanitizeLaunchTemplateVersion } from '../../../snapshot/sanitize.js';
import type { LaunchTemplateUserData, NotFoundResource, Serialized } from '../../../snapshot/types.js';
import { userDataFacts } from '../user-data.js';
import type { AwsClients } from '../clients.js';
import { CallFailed, chunks, each, toSnapshotJson, type AwsCollection, type AwsKey, type Collectors } from '../collection.js';
import type { EC2_PARTS } from './ec2-parts.js';
import { cluster, clusterName, unique } from './shared.js';

export function ec2Collectors({ ec2 }: AwsClients): Collectors<keyof typeof EC2_PARTS> {
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
  /**
   * Resources the cluster names that the VPC-wide list did not return (deleted, or in another VPC): each
   * asked for by ID, and each that does not exist recorded as not found for the checks to name.
   */
  const alsoReferenced = async <T>(
    c: AwsCollection,
    lookup: { part: AwsKey; call: string; resourceType: NotFoundResource['resourceType']; codes: readonly string[] },
    referenced: (string | undefined)[],
    found: T[],
    idOf: (item: T) => string | undefined,
    describe: (id: string, abortSignal: AbortSignal) => Promise<T[] | undefined>,
  ): Promise<T[]> => {
    const missing = unique(referenced).filter((id) => !found.some((item) => idOf(item) === id));
    const extra = await each(missing, async (id) => {
      const out = await c.call(lookup.part, lookup.call, (abortSignal) => describe(id, abortSignal), { codes: lookup.codes });
      if (!out) c.addNotFound({ resourceType: lookup.resourceType, id, call: lookup.call });
      return out ?? [];
    });
    return [...found, ...extra.flat()];
  };
  /**
   * Resources asked for by ID in one request; when one does not exist EC2 names only it and answers
   * nothing else, so each is then asked for alone, and those that do not exist are recorded as not found.
   */
  const allOrEach = async <T>(
    c: AwsCollection,
    lookup: { part: AwsKey; call: string; resourceType: NotFoundResource['resourceType']; codes: readonly string[] },
    ids: string[],
    describe: (ids: string[], abortSignal: AbortSignal) => Promise<T[]>,
  ): Promise<T[]> => {
    const ask = (some: string[]) => c.call(lookup.part, lookup.call, (abortSignal) => describe(some, abortSignal), { codes: lookup.codes });
    const all = await ask(ids);
    if (all) return all;
    const single = await each(ids, async (id) => {
      const out = await ask([id]);
      if (!out) c.addNotFound({ resourceType: lookup.resourceType, id, call: lookup.call });
      return out ?? [];
    });
    return single.flat();
  };
  const vpcFilter = (id: string): Ec2Filter[] => [{ Name: 'vpc-id', Values: [id] }];

  /** A part that is every item of one paginated EC2 list in the cluster's VPC. */
  const listInVpc = async <P, T>(
    c: AwsCollection,
    part: AwsKey,
    call: string,
    paginate: (vpcId: string, pagination: { abortSignal: AbortSignal | undefined }) => AsyncGenerator<P, unknown, unknown>,
    items: (page: P) => T[] | undefined,
  ): Promise<Serialized<T[]>> => {
    const pages = await c.pages(part, call, paginate(await vpcId(c, part), { abortSignal: c.settings.signal }));
    return toSnapshotJson((pages ?? []).flatMap((p) => items(p) ?? []));
  };

  /** The facts of each collected version's UserData, filled by launchTemplateVersions before it drops UserData. */
  const userDataByVersion = (c: AwsCollection) => c.shared('userDataFacts', () => Promise.resolve(new Map<string, LaunchTemplateUserData>()));

  /** Prefix lists named by security-group rules and routes. */
  const referencedPrefixLists = (c: AwsCollection) =>
    c.shared('referencedPrefixLists', async () => {
      const [groups, tables] = await Promise.all([c.need('securityGroups', 'prefixLists'), c.need('routeTables', 'prefixLists')]);
      return unique([
        ...groups.flatMap((g) => [...(g.IpPermissions ?? []), ...(g.IpPermissionsEgress ?? [])].flatMap((p) => (p.PrefixListIds ?? []).map((x) => x.PrefixListId))),
        ...tables.flatMap((t) => (t.Routes ?? []).map((r) => r.DestinationPrefixListId)),
      ]).sort();
    });

  return {
    async reservations(c) {
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

    async launchTemplateVersions(c) {
      const [nodegroups, groups] = await Promise.all([c.part('nodegroups'), c.part('autoScalingGroups')]);
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
      // Every group's own template too: for a managed node group that is EKS's copy of the user's
      // (or the one EKS made), holding the user data its instances really boot with.
      for (const g of groups ?? []) {
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
      // UserData often holds bootstrap secrets; it never enters a snapshot: it is decoded here, in
      // memory, into the facts launchTemplateUserData keeps, and dropped.
      const seen = new Set<string>();
      const facts = await userDataByVersion(c);
      const versions = perTemplate.flat().filter((v) => {
        const key = `${v.LaunchTemplateId}:${v.VersionNumber}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      for (const v of versions) {
        if (!v.LaunchTemplateId || v.VersionNumber === undefined) continue;
        const key = { LaunchTemplateId: v.LaunchTemplateId, VersionNumber: v.VersionNumber, ...(v.LaunchTemplateName ? { LaunchTemplateName: v.LaunchTemplateName } : {}) };
        facts.set(`${v.LaunchTemplateId}:${v.VersionNumber}`, userDataFacts(key, v.LaunchTemplateData?.UserData));
      }
      return versions.map((v) => toSnapshotJson(sanitizeLaunchTemplateVersion(v)));
    },

    async launchTemplateUserData(c) {
      await c.need('launchTemplateVersions', 'launchTemplateUserData');
      return [...(await userDataByVersion(c)).values()];
    },

    async images(c) {
      const [reservations, templates] = await Promise.all([c.part('reservations'), c.part('launchTemplateVersions')]);
      const ids = unique<string>([
        ...(reservations ?? []).flatMap((r) => (r.Instances ?? []).map((i) => i.ImageId)),
        ...(templates ?? []).map((t) => t.LaunchTemplateData?.ImageId),
      ]).sort();
      if (ids.length === 0 && (reservations === undefined || templates === undefined)) await c.need(reservations === undefined ? 'reservations' : 'launchTemplateVersions', 'images');
      const perChunk = await each(chunks(ids, 100), (chunk) =>
        allOrEach(
          c,
          { part: 'images', call: 'ec2:DescribeImages', resourceType: 'ec2-image', codes: ['InvalidAMIID.NotFound', 'InvalidAMIID.Malformed', 'InvalidAMIID.Unavailable'] },
          chunk,
          async (ImageIds, abortSignal) => (await ec2.send(new DescribeImagesCommand({ ImageIds, IncludeDeprecated: true }), { abortSignal })).Images ?? [],
        ),
      );
      return toSnapshotJson(perChunk.flat()).map(sanitizeImage);
    },

    async instanceTypes(c) {
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

    async vpcs(c) {
      const id = await vpcId(c, 'vpcs');
      const out = await c.call('vpcs', 'ec2:DescribeVpcs', (abortSignal) => ec2.send(new DescribeVpcsCommand({ VpcIds: [id] }), { abortSignal }));
      return toSnapshotJson(out?.Vpcs ?? []);
    },

    async vpcDnsAttributes(c) {
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

    async subnets(c) {
      const clusterInfo = await cluster(c, 'subnets');
      const id = await vpcId(c, 'subnets');
      const pages = await c.pages('subnets', 'ec2:DescribeSubnets', paginateDescribeSubnets({ client: ec2, pageSize: 1000 }, { Filters: vpcFilter(id) }, { abortSignal: c.settings.signal }));
      // A subnet the cluster names but the VPC does not hold was deleted (or is elsewhere): ask for it by ID.
      const subnets = await alsoReferenced(
        c,
        { part: 'subnets', call: 'ec2:DescribeSubnets', resourceType: 'ec2-subnet', codes: ['InvalidSubnetID.NotFound'] },
        clusterInfo.resourcesVpcConfig?.subnetIds ?? [],
        (pages ?? []).flatMap((p) => p.Subnets ?? []),
        (subnet) => subnet.SubnetId,
        async (SubnetId, abortSignal) => (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [SubnetId] }), { abortSignal })).Subnets ?? [],
      );
      return toSnapshotJson(subnets);
    },

    routeTables: (c) => listInVpc(c, 'routeTables', 'ec2:DescribeRouteTables', (id, pagination) => paginateDescribeRouteTables({ client: ec2, pageSize: 100 }, { Filters: vpcFilter(id) }, pagination), (p) => p.RouteTables),

    async securityGroups(c) {
      const clusterInfo = await cluster(c, 'securityGroups');
      const id = await vpcId(c, 'securityGroups');
      const pages = await c.pages('securityGroups', 'ec2:DescribeSecurityGroups', paginateDescribeSecurityGroups({ client: ec2, pageSize: 1000 }, { Filters: vpcFilter(id) }, { abortSignal: c.settings.signal }));
      const groups = await alsoReferenced(
        c,
        { part: 'securityGroups', call: 'ec2:DescribeSecurityGroups', resourceType: 'ec2-security-group', codes: ['InvalidGroup.NotFound', 'InvalidGroupId.NotFound'] },
        [...(clusterInfo.resourcesVpcConfig?.securityGroupIds ?? []), clusterInfo.resourcesVpcConfig?.clusterSecurityGroupId],
        (pages ?? []).flatMap((p) => p.SecurityGroups ?? []),
        (group) => group.GroupId,
        async (GroupId, abortSignal) => (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId] }), { abortSignal })).SecurityGroups ?? [],
      );
      return toSnapshotJson(groups);
    },

    async prefixLists(c) {
      const ids = await referencedPrefixLists(c);
      if (ids.length === 0) return [];
      const lists = await allOrEach(
        c,
        { part: 'prefixLists', call: 'ec2:DescribeManagedPrefixLists', resourceType: 'ec2-prefix-list', codes: ['InvalidPrefixListID.NotFound', 'InvalidPrefixListId.NotFound'] },
        ids,
        async (PrefixListIds, abortSignal) => (await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds }), { abortSignal })).PrefixLists ?? [],
      );
      return toSnapshotJson(lists);
    },

    async prefixListEntries(c) {
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

    natGateways: (c) => listInVpc(c, 'natGateways', 'ec2:DescribeNatGateways', (id, pagination) => paginateDescribeNatGateways({ client: ec2, pageSize: 1000 }, { Filter: vpcFilter(id) }, pagination), (p) => p.NatGateways),

    internetGateways: (c) => listInVpc(c, 'internetGateways', 'ec2:DescribeInternetGateways', (id, pagination) => paginateDescribeInternetGateways({ client: ec2, pageSize: 1000 }, { Filters: [{ Name: 'attachment.vpc-id', Values: [id] }] }, pagination), (p) => p.InternetGateways),

    vpcEndpoints: (c) => listInVpc(c, 'vpcEndpoints', 'ec2:DescribeVpcEndpoints', (id, pagination) => paginateDescribeVpcEndpoints({ client: ec2, pageSize: 1000 }, { Filters: vpcFilter(id) }, pagination), (p) => p.VpcEndpoints),

    networkAcls: (c) => listInVpc(c, 'networkAcls', 'ec2:DescribeNetworkAcls', (id, pagination) => paginateDescribeNetworkAcls({ client: ec2, pageSize: 1000 }, { Filters: vpcFilter(id) }, pagination), (p) => p.NetworkAcls),

    async dhcpOptions(c) {
      const vpcs = await c.need('vpcs', 'dhcpOptions');
      // 'default' means no option set is associated: there is nothing to describe.
      const ids = unique(vpcs.map((v) => v.DhcpOptionsId)).filter((id) => id !== 'default');
      const perId = await each(ids, async (DhcpOptionsId) => {
        const out = await c.call('dhcpOptions', 'ec2:DescribeDhcpOptions', (abortSignal) => ec2.send(new DescribeDhcpOptionsCommand({ DhcpOptionsIds: [DhcpOptionsId] }), { abortSignal }), {
          codes: ['InvalidDhcpOptionID.NotFound', 'InvalidDhcpOptionsID.NotFound'],
        });
        if (!out) c.addNotFound({ resourceType: 'ec2-dhcp-options', id: DhcpOptionsId, call: 'ec2:DescribeDhcpOptions' });
        return out?.DhcpOptions ?? [];
      });
      return toSnapshotJson(perId.flat());
    },

    async controlPlaneInterfaces(c) {
      const id = await vpcId(c, 'controlPlaneInterfaces');
      const Filters = [...vpcFilter(id), { Name: 'description', Values: [`Amazon EKS ${clusterName(c)}`] }];
      const pages = await c.pages('controlPlaneInterfaces', 'ec2:DescribeNetworkInterfaces', paginateDescribeNetworkInterfaces({ client: ec2, pageSize: 1000 }, { Filters }, { abortSignal: c.settings.signal }));
      return toSnapshotJson((pages ?? []).flatMap((p) => p.NetworkInterfaces ?? []));
    },
  };
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
