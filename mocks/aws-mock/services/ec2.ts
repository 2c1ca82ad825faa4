/** EC2: the Describe and Get actions eks-doctor calls, with the IDs, filters and page sizes it uses. */
import type { AwsElement, AwsListPart, Ec2Instance, Reservation } from '../../../src/snapshot/types.js';
import { applyFilters, AwsApiError, numberParam, paginate, stringList, stringParam, tagFilter, type Filter, type Handler, type HandlerContext, type Input } from '../api.js';


function filtersOf(input: Input): Filter[] | undefined {
  // Most actions call the member Filters; DescribeNatGateways calls it Filter.
  const value = input.Filters ?? input.Filter;
  return Array.isArray(value) ? (value as Filter[]) : undefined;
}

function page<T>(items: T[], input: Input, context: HandlerContext, limits: { max: number; default?: number }): { page: T[]; nextToken: string | undefined } {
  const requested = numberParam(input, 'MaxResults');
  if (requested !== undefined && (requested < 1 || requested > limits.max)) {
    throw new AwsApiError('InvalidParameterValue', `Value ( ${requested} ) for parameter maxResults is invalid. Expecting a value less than or equal to ${limits.max}.`, 400);
  }
  // Without MaxResults, EC2 returns everything in one answer.
  return paginate(items, {
    token: stringParam(input, 'NextToken'),
    pageSize: requested,
    defaultPageSize: limits.default ?? Number.MAX_SAFE_INTEGER,
    maxPageSize: requested === undefined ? Number.MAX_SAFE_INTEGER : limits.max,
    context,
    invalidTokenCode: 'InvalidPaginationToken',
  });
}

function byIds<T>(items: T[], ids: string[] | undefined, id: (item: T) => string | undefined, notFound: (missing: string) => AwsApiError): T[] {
  if (!ids || ids.length === 0) return items;
  const result: T[] = [];
  for (const wanted of ids) {
    const found = items.find((item) => id(item) === wanted);
    if (!found) throw notFound(wanted);
    result.push(found);
  }
  return result;
}

function vpcFilter(name: string): ((r: { VpcId?: string; Tags?: { Key?: string; Value?: string }[] }) => (string | undefined)[]) | undefined {
  if (name === 'vpc-id') return (r) => [r.VpcId];
  return tagFilter(name);
}

/** An EC2 Describe action over one stored list: optional IDs (each must exist), filters, pages. */
interface DescribeSpec<K extends AwsListPart> {
  part: K;
  /** The answer's list member: Subnets, RouteTables… */
  result: string;
  /** The IDs the action takes as a parameter and, when `filter` is named, as a filter too (subnet-id, group-id…). */
  ids?: { param: string; filter?: string; of: (item: AwsElement<K>) => string | undefined; notFound: (id: string) => AwsApiError };
  /** The filters the action takes besides vpc-id, tags and its ID filter. */
  filters?: Record<string, (item: AwsElement<K>) => (string | undefined)[]>;
  max: number;
}

function describeAction<K extends AwsListPart>(spec: DescribeSpec<K>): Handler {
  return (input, context) => {
    const all = context.world.regional(context.region, spec.part);
    const wanted = spec.ids ? byIds(all, stringList(input, spec.ids.param), spec.ids.of, spec.ids.notFound) : all;
    // Every list served here is of VPC resources (VpcId and Tags, both optional): TypeScript cannot see that through K.
    const common = vpcFilter as (name: string) => ((item: AwsElement<K>) => (string | undefined)[]) | undefined;
    const idFilter = spec.ids?.filter;
    const byId = (name: string) => (idFilter !== undefined && name === idFilter ? (item: AwsElement<K>) => [spec.ids!.of(item)] : undefined);
    const filtered = applyFilters(wanted, filtersOf(input), (name) => spec.filters?.[name] ?? byId(name) ?? common(name), 'InvalidParameterValue');
    const { page: items, nextToken } = page(filtered, input, context, { max: spec.max });
    return { [spec.result]: items, NextToken: nextToken };
  };
}

function describeInstances(input: Input, context: HandlerContext) {
  const pairs: { reservation: Reservation; instance: Ec2Instance }[] = [];
  for (const reservation of context.world.regional(context.region, 'reservations')) {
    for (const instance of reservation.Instances ?? []) pairs.push({ reservation, instance });
  }
  const ids = stringList(input, 'InstanceIds');
  if (ids) {
    const missing = ids.filter((id) => !pairs.some((p) => p.instance.InstanceId === id));
    if (missing.length > 0) throw new AwsApiError('InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`, 400);
  }
  const selected = applyFilters(
    ids ? pairs.filter((p) => ids.includes(p.instance.InstanceId ?? '')) : pairs,
    filtersOf(input),
    (name) => {
      const tags = tagFilter(name);
      if (tags) return (p) => tags(p.instance);
      switch (name) {
        case 'instance-id':
          return (p) => [p.instance.InstanceId];
        case 'instance-state-name':
          return (p) => [p.instance.State?.Name];
        case 'vpc-id':
          return (p) => [p.instance.VpcId];
        case 'subnet-id':
          return (p) => [p.instance.SubnetId];
        case 'instance-type':
          return (p) => [p.instance.InstanceType];
        case 'reservation-id':
          return (p) => [p.reservation.ReservationId];
        default:
          return undefined;
      }
    },
    'InvalidParameterValue',
  );
  // Regroup the matching instances under their reservations, in the order they were stored.
  const grouped = new Map<Reservation, Ec2Instance[]>();
  for (const { reservation, instance } of selected) grouped.set(reservation, [...(grouped.get(reservation) ?? []), instance]);
  const reservations = [...grouped].map(([reservation, instances]) => ({ ...reservation, Instances: instances }));
  const { page: items, nextToken } = page(reservations, input, context, { max: 1000 });
  return { Reservations: items, NextToken: nextToken };
}

function launchTemplateVersions(input: Input, context: HandlerContext) {
  const all = context.world.regional(context.region, 'launchTemplateVersions');
  const id = stringParam(input, 'LaunchTemplateId');
  const name = stringParam(input, 'LaunchTemplateName');
  let versions = all;
  if (id !== undefined || name !== undefined) {
    versions = all.filter((v) => (id === undefined || v.LaunchTemplateId === id) && (name === undefined || v.LaunchTemplateName === name));
    if (versions.length === 0) {
      throw id !== undefined
        ? new AwsApiError('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${id}, does not exist.`, 400)
        : new AwsApiError('InvalidLaunchTemplateName.NotFoundException', `The specified launch template, with template name ${name}, does not exist.`, 400);
    }
  }
  const wanted = stringList(input, 'Versions');
  if (wanted && wanted.length > 0) {
    const latest = Math.max(...versions.map((v) => v.VersionNumber ?? 0));
    const selected: typeof versions = [];
    for (const w of wanted) {
      const match = versions.filter((v) => (w === '$Latest' ? v.VersionNumber === latest : w === '$Default' ? v.DefaultVersion === true : String(v.VersionNumber) === w));
      if (match.length === 0) {
        throw new AwsApiError('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${w} for template ${id ?? name}.`, 400);
      }
      for (const m of match) if (!selected.includes(m)) selected.push(m);
    }
    versions = selected;
  }
  const { page: items, nextToken } = page(versions, input, context, { max: 200 });
  // EC2 returns UserData base64-encoded inside LaunchTemplateData; snapshots keep only its facts, rendered back here.
  const withUserData = items.map((v) => {
    const userData = context.world.userData(context.region, v.LaunchTemplateId, v.VersionNumber);
    return userData === undefined ? v : { ...v, LaunchTemplateData: { ...v.LaunchTemplateData, UserData: userData } };
  });
  return { LaunchTemplateVersions: withUserData, NextToken: nextToken };
}

export const EC2_HANDLERS: Record<string, Handler> = {
  DescribeInstances: describeInstances,

  DescribeVpcs: describeAction({
    part: 'vpcs',
    result: 'Vpcs',
    ids: { param: 'VpcIds', of: (v) => v.VpcId, notFound: (id) => new AwsApiError('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`, 400) },
    max: 1000,
  }),

  DescribeVpcAttribute(input, context) {
    const vpcId = stringParam(input, 'VpcId') ?? '';
    const attribute = stringParam(input, 'Attribute');
    if (!context.world.regional(context.region, 'vpcs').some((v) => v.VpcId === vpcId)) {
      throw new AwsApiError('InvalidVpcID.NotFound', `The vpc ID '${vpcId}' does not exist`, 400);
    }
    // A VPC the snapshot holds no attributes for gets what EKS requires (both on).
    const stored = context.world.regional(context.region, 'vpcDnsAttributes').find((a) => a.VpcId === vpcId);
    if (attribute === 'enableDnsSupport') return { VpcId: vpcId, EnableDnsSupport: { Value: stored ? stored.EnableDnsSupport ?? false : true } };
    if (attribute === 'enableDnsHostnames') return { VpcId: vpcId, EnableDnsHostnames: { Value: stored ? stored.EnableDnsHostnames ?? false : true } };
    throw new AwsApiError('InvalidParameterValue', `Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`, 400);
  },

  DescribeSubnets: describeAction({
    part: 'subnets',
    result: 'Subnets',
    ids: { param: 'SubnetIds', filter: 'subnet-id', of: (s) => s.SubnetId, notFound: (id) => new AwsApiError('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`, 400) },
    max: 1000,
  }),

  DescribeRouteTables: describeAction({ part: 'routeTables', result: 'RouteTables', filters: { 'association.subnet-id': (t) => (t.Associations ?? []).map((a) => a.SubnetId) }, max: 100 }),

  DescribeSecurityGroups: describeAction({
    part: 'securityGroups',
    result: 'SecurityGroups',
    ids: { param: 'GroupIds', filter: 'group-id', of: (g) => g.GroupId, notFound: (id) => new AwsApiError('InvalidGroup.NotFound', `The security group '${id}' does not exist`, 400) },
    max: 1000,
  }),

  DescribeNatGateways: describeAction({ part: 'natGateways', result: 'NatGateways', max: 1000 }),

  DescribeInternetGateways(input, context) {
    const gateways = context.world.regional(context.region, 'internetGateways');
    const filtered = applyFilters(
      gateways,
      filtersOf(input),
      (name) => (name === 'attachment.vpc-id' ? (g: (typeof gateways)[number]) => (g.Attachments ?? []).map((a) => a.VpcId) : tagFilter(name)),
      'InvalidParameterValue',
    );
    const { page: items, nextToken } = page(filtered, input, context, { max: 1000 });
    return { InternetGateways: items, NextToken: nextToken };
  },

  DescribeVpcEndpoints: describeAction({ part: 'vpcEndpoints', result: 'VpcEndpoints', max: 1000 }),

  DescribeInstanceTypes(input, context) {
    const wanted = stringList(input, 'InstanceTypes');
    const known = context.world.regional(context.region, 'instanceTypes');
    if (wanted && wanted.length > 100) throw new AwsApiError('InvalidParameterValue', 'The maximum number of instance types is 100.', 400);
    const types = wanted ? known.filter((t) => wanted.includes(t.InstanceType ?? '')) : known;
    const { page: items, nextToken } = page(types, input, context, { max: 100 });
    return { InstanceTypes: items, NextToken: nextToken };
  },

  DescribeImages: describeAction({
    part: 'images',
    result: 'Images',
    ids: { param: 'ImageIds', of: (i) => i.ImageId, notFound: (id) => new AwsApiError('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`, 400) },
    max: 1000,
  }),

  DescribeManagedPrefixLists: describeAction({
    part: 'prefixLists',
    result: 'PrefixLists',
    ids: { param: 'PrefixListIds', of: (p) => p.PrefixListId, notFound: (id) => new AwsApiError('InvalidPrefixListID.NotFound', `The prefix list ID '${id}' does not exist`, 400) },
    max: 100,
  }),

  GetManagedPrefixListEntries(input, context) {
    const id = stringParam(input, 'PrefixListId') ?? '';
    const list = context.world.regional(context.region, 'prefixLists').find((p) => p.PrefixListId === id);
    const entries = context.world.regional(context.region, 'prefixListEntries').find((p) => p.PrefixListId === id);
    if (!list && !entries) throw new AwsApiError('InvalidPrefixListID.NotFound', `The prefix list ID '${id}' does not exist`, 400);
    const { page: items, nextToken } = page(entries?.Entries ?? [], input, context, { max: 100 });
    return { Entries: items, NextToken: nextToken };
  },

  DescribeLaunchTemplateVersions: launchTemplateVersions,

  DescribeNetworkAcls: describeAction({
    part: 'networkAcls',
    result: 'NetworkAcls',
    ids: { param: 'NetworkAclIds', filter: 'network-acl-id', of: (a) => a.NetworkAclId, notFound: (id) => new AwsApiError('InvalidNetworkAclID.NotFound', `The network ACL ID '${id}' does not exist`, 400) },
    filters: {
      default: (a) => [String(a.IsDefault ?? false)],
      'association.subnet-id': (a) => (a.Associations ?? []).map((x) => x.SubnetId),
    },
    max: 1000,
  }),

  DescribeDhcpOptions: describeAction({
    part: 'dhcpOptions',
    result: 'DhcpOptions',
    ids: { param: 'DhcpOptionsIds', filter: 'dhcp-options-id', of: (d) => d.DhcpOptionsId, notFound: (id) => new AwsApiError('InvalidDhcpOptionID.NotFound', `The dhcpOption ID '${id}' does not exist`, 400) },
    // Each configuration as key and values, the way the key and value filters see it.
    filters: { 'owner-id': (d) => [d.OwnerId], key: (d) => (d.DhcpConfigurations ?? []).map((c) => c.Key), value: (d) => (d.DhcpConfigurations ?? []).flatMap((c) => (c.Values ?? []).map((v) => v.Value)) },
    max: 1000,
  }),

  // The snapshot holds the control plane's interfaces only: the mock's account has no others.
  DescribeNetworkInterfaces: describeAction({
    part: 'controlPlaneInterfaces',
    result: 'NetworkInterfaces',
    ids: { param: 'NetworkInterfaceIds', filter: 'network-interface-id', of: (n) => n.NetworkInterfaceId, notFound: (id) => new AwsApiError('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${id}' does not exist`, 400) },
    filters: {
      description: (n) => [n.Description],
      'subnet-id': (n) => [n.SubnetId],
      'interface-type': (n) => [n.InterfaceType],
      'requester-id': (n) => [n.RequesterId],
      'requester-managed': (n) => [String(n.RequesterManaged ?? false)],
      'attachment.instance-owner-id': (n) => [n.Attachment?.InstanceOwnerId],
    },
    max: 1000,
  }),
};

