/** EKS (REST-JSON): the cluster, its node groups, Fargate profiles, add-ons, access entries, Pod Identity, insights. */
import type { Snapshot } from '../../../src/snapshot/types.js';
import { AwsApiError, numberParam, paginate, requiredString, stringList, stringParam, type Handler, type HandlerContext, type Input } from '../api.js';

function notFound(message: string): AwsApiError {
  return new AwsApiError('ResourceNotFoundException', message, 404);
}

function clusterOf(input: Input, context: HandlerContext, member = 'clusterName'): Snapshot {
  const name = requiredString(input, member, 'InvalidParameterException');
  const snapshot = context.world.cluster(context.region, name);
  if (!snapshot || !snapshot.aws.cluster) throw notFound(`No cluster found for name: ${name}.`);
  return snapshot;
}

function page<T>(items: T[], input: Input, context: HandlerContext) {
  const requested = numberParam(input, 'maxResults');
  if (requested !== undefined && (requested < 1 || requested > 100)) {
    throw new AwsApiError('InvalidParameterException', 'maxResults must be between 1 and 100', 400);
  }
  return paginate(items, {
    token: stringParam(input, 'nextToken'),
    pageSize: requested,
    defaultPageSize: 100,
    maxPageSize: 100,
    context,
    invalidTokenCode: 'InvalidParameterException',
  });
}

/**
 * The one item of the cluster's `items` whose `key` the request names in `param` (all Describe* calls of a
 * cluster's sub-resources), or EKS's ResourceNotFoundException with that call's own message.
 */
function describeOne<T>(input: Input, context: HandlerContext, lookup: { param: string; items: (s: Snapshot) => T[] | undefined; key: (item: T) => string | undefined; notFound: (value: string, s: Snapshot) => string }): T {
  const snapshot = clusterOf(input, context);
  const value = requiredString(input, lookup.param, 'InvalidParameterException');
  const found = (lookup.items(snapshot) ?? []).find((item) => lookup.key(item) === value);
  if (found === undefined) throw notFound(lookup.notFound(value, snapshot));
  return found;
}

/** The snapshot's updates of what the request names: a node group, an add-on, or (neither) the cluster itself; that node group or add-on must exist. */
function updatesOf(snapshot: Snapshot, input: Input) {
  const nodegroupName = stringParam(input, 'nodegroupName');
  const addonName = stringParam(input, 'addonName');
  if (nodegroupName !== undefined && !(snapshot.aws.nodegroups ?? []).some((n) => n.nodegroupName === nodegroupName)) throw notFound(`No node group found for name: ${nodegroupName}.`);
  if (addonName !== undefined && !(snapshot.aws.addons ?? []).some((a) => a.addonName === addonName)) throw notFound(`No addon: ${addonName} found in cluster: ${snapshot.cluster.name}`);
  return (snapshot.aws.eksUpdates ?? []).filter((u) => u.nodegroupName === nodegroupName && u.addonName === addonName);
}

export interface ClusterOverrides {
  endpoint?: string;
  certificateAuthorityData?: string;
}

/** Where DescribeCluster points when no Kubernetes mock serves the cluster. */
export const UNREACHABLE_LOCAL_ENDPOINT = 'https://127.0.0.1:9';

/** The cluster as DescribeCluster serves it: the Kubernetes mock's endpoint and CA when one is attached. */
export function servedCluster(snapshot: Snapshot, overrides: ClusterOverrides | undefined): NonNullable<Snapshot['aws']['cluster']> {
  const cluster = { ...snapshot.aws.cluster };
  if (overrides?.endpoint !== undefined) cluster.endpoint = overrides.endpoint;
  // With no Kubernetes mock attached, never hand out the scenario's real-looking public endpoint:
  // a live run would try to reach it. Port 9 (discard) on loopback refuses the connection.
  else if (cluster.endpoint !== undefined) cluster.endpoint = UNREACHABLE_LOCAL_ENDPOINT;
  if (overrides?.certificateAuthorityData !== undefined) cluster.certificateAuthority = { data: overrides.certificateAuthorityData };
  return cluster;
}

export function eksHandlers(clusterOverrides?: (snapshot: Snapshot) => ClusterOverrides | undefined): Record<string, Handler> {
  return {
    ListClusters(input, context) {
      const names = context.world.clustersIn(context.region).filter((s) => s.aws.cluster).map((s) => s.cluster.name);
      const { page: clusters, nextToken } = page(names, input, context);
      return { clusters, nextToken };
    },

    DescribeCluster(input, context) {
      const snapshot = clusterOf(input, context, 'name');
      return { cluster: servedCluster(snapshot, clusterOverrides?.(snapshot)) };
    },

    DescribeClusterVersions(input, context) {
      const wanted = stringList(input, 'clusterVersions');
      let versions = context.world.regional(context.region, 'clusterVersions');
      if (wanted && wanted.length > 0) versions = versions.filter((v) => wanted.includes(v.clusterVersion ?? ''));
      const { page: clusterVersions, nextToken } = page(versions, input, context);
      return { clusterVersions, nextToken };
    },

    ListNodegroups(input, context) {
      const { page: nodegroups, nextToken } = page((clusterOf(input, context).aws.nodegroups ?? []).map((n) => n.nodegroupName), input, context);
      return { nodegroups, nextToken };
    },

    DescribeNodegroup: (input, context) => ({
      nodegroup: describeOne(input, context, { param: 'nodegroupName', items: (s) => s.aws.nodegroups, key: (n) => n.nodegroupName, notFound: (name) => `No node group found for name: ${name}.` }),
    }),

    ListFargateProfiles(input, context) {
      const names = (clusterOf(input, context).aws.fargateProfiles ?? []).map((p) => p.fargateProfileName);
      const { page: fargateProfileNames, nextToken } = page(names, input, context);
      return { fargateProfileNames, nextToken };
    },

    DescribeFargateProfile: (input, context) => ({
      fargateProfile: describeOne(input, context, { param: 'fargateProfileName', items: (s) => s.aws.fargateProfiles, key: (p) => p.fargateProfileName, notFound: (name) => `No Fargate Profile found with name: ${name}.` }),
    }),

    ListAddons(input, context) {
      const { page: addons, nextToken } = page((clusterOf(input, context).aws.addons ?? []).map((a) => a.addonName), input, context);
      return { addons, nextToken };
    },

    DescribeAddon: (input, context) => ({
      addon: describeOne(input, context, { param: 'addonName', items: (s) => s.aws.addons, key: (a) => a.addonName, notFound: (name, s) => `No addon: ${name} found in cluster: ${s.cluster.name}` }),
    }),

    DescribeAddonVersions(input, context) {
      const kubernetesVersion = stringParam(input, 'kubernetesVersion');
      const addonName = stringParam(input, 'addonName');
      let addons = context.world.regional(context.region, 'addonVersions');
      if (addonName !== undefined) addons = addons.filter((a) => a.addonName === addonName);
      if (kubernetesVersion !== undefined) {
        // Keep the versions compatible with that Kubernetes version, as EKS does.
        addons = addons
          .map((a) => ({
            ...a,
            addonVersions: (a.addonVersions ?? []).filter((v) => !v.compatibilities || v.compatibilities.some((c) => c.clusterVersion === kubernetesVersion)),
          }))
          .filter((a) => a.addonVersions.length > 0);
      }
      const { page: items, nextToken } = page(addons, input, context);
      return { addons: items, nextToken };
    },

    ListAccessEntries(input, context) {
      const snapshot = clusterOf(input, context);
      if (snapshot.aws.cluster?.accessConfig?.authenticationMode === 'CONFIG_MAP') {
        throw new AwsApiError('InvalidRequestException', "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.", 400);
      }
      const { page: accessEntries, nextToken } = page((snapshot.aws.accessEntries ?? []).map((e) => e.principalArn), input, context);
      return { accessEntries, nextToken };
    },

    DescribeAccessEntry: (input, context) => ({
      accessEntry: describeOne(input, context, { param: 'principalArn', items: (s) => s.aws.accessEntries, key: (e) => e.principalArn, notFound: () => 'The specified access entry resource is not found.' }),
    }),

    ListAssociatedAccessPolicies(input, context) {
      const snapshot = clusterOf(input, context);
      const principalArn = requiredString(input, 'principalArn', 'InvalidParameterException');
      if (!(snapshot.aws.accessEntries ?? []).some((e) => e.principalArn === principalArn)) throw notFound('The specified access entry resource is not found.');
      const stored = (snapshot.aws.accessEntryPolicies ?? []).find((p) => p.principalArn === principalArn);
      const { page: associatedAccessPolicies, nextToken } = page(stored?.associatedAccessPolicies ?? [], input, context);
      return { clusterName: snapshot.cluster.name, principalArn, associatedAccessPolicies, nextToken };
    },

    ListPodIdentityAssociations(input, context) {
      const snapshot = clusterOf(input, context);
      const namespace = stringParam(input, 'namespace');
      const serviceAccount = stringParam(input, 'serviceAccount');
      const summaries = (snapshot.aws.podIdentityAssociations ?? [])
        .filter((a) => (namespace === undefined || a.namespace === namespace) && (serviceAccount === undefined || a.serviceAccount === serviceAccount))
        .map((a) => ({
          clusterName: a.clusterName,
          namespace: a.namespace,
          serviceAccount: a.serviceAccount,
          associationArn: a.associationArn,
          associationId: a.associationId,
          ownerArn: a.ownerArn,
        }));
      const { page: associations, nextToken } = page(summaries, input, context);
      return { associations, nextToken };
    },

    DescribePodIdentityAssociation: (input, context) => ({
      association: describeOne(input, context, { param: 'associationId', items: (s) => s.aws.podIdentityAssociations, key: (a) => a.associationId, notFound: (id) => `No Pod Identity Association found with id: ${id}.` }),
    }),

    // Updates of the cluster (neither member given), of one node group or of one add-on, as EKS keeps them apart.
    ListUpdates(input, context) {
      const snapshot = clusterOf(input, context, 'name');
      const { page: updateIds, nextToken } = page(updatesOf(snapshot, input).map((u) => u.id), input, context);
      return { updateIds, nextToken };
    },

    DescribeUpdate(input, context) {
      const snapshot = clusterOf(input, context, 'name');
      const id = requiredString(input, 'updateId', 'InvalidParameterException');
      const found = updatesOf(snapshot, input).find((u) => u.id === id);
      if (!found) throw notFound(`No update found for ID: ${id}.`);
      const { nodegroupName: _nodegroup, addonName: _addon, ...update } = found;
      return { update };
    },

    ListInsights(input, context) {
      const { page: insights, nextToken } = page(clusterOf(input, context).aws.insights ?? [], input, context);
      return { insights, nextToken };
    },
  };
}
