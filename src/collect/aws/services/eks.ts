/** Collectors for the EKS parts (declared in eks-parts.ts). */
import {
  DescribeAccessEntryCommand,
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  DescribeNodegroupCommand,
  DescribePodIdentityAssociationCommand,
  DescribeUpdateCommand,
  paginateDescribeAddonVersions,
  paginateDescribeClusterVersions,
  paginateListAccessEntries,
  paginateListAddons,
  paginateListAssociatedAccessPolicies,
  paginateListFargateProfiles,
  paginateListInsights,
  paginateListNodegroups,
  paginateListPodIdentityAssociations,
  paginateListUpdates,
} from '@aws-sdk/client-eks';
import type { AwsClients } from '../clients.js';
import { each, toSnapshotJson, type AwsCollection, type AwsKey, type Collectors } from '../collection.js';
import type { EKS_PARTS } from './eks-parts.js';
import { cluster, clusterName, unique } from './shared.js';

/** Updates described per cluster, node group or add-on. */
const MAX_UPDATES_PER_TARGET = 20;

export function eksCollectors({ eks }: AwsClients): Collectors<keyof typeof EKS_PARTS> {
  const accessEntryPrincipals = (c: AwsCollection, forPart: AwsKey) =>
    c.shared('accessEntryPrincipals', async () => {
      const pages = await c.pages(forPart, 'eks:ListAccessEntries', paginateListAccessEntries({ client: eks, pageSize: 100 }, { clusterName: clusterName(c) }, { abortSignal: c.settings.signal }), {
        // A cluster in CONFIG_MAP mode has no access entries: EKS refuses the call rather than answering [].
        codes: ['InvalidRequestException'],
      });
      return (pages ?? []).flatMap((p) => p.accessEntries ?? []);
    });

  return {
    async eksUpdates(c) {
      const request = c.settings.enrichment?.eksUpdates;
      if (!request) return [];
      const targets: { nodegroupName?: string; addonName?: string }[] = [...(request.cluster ? [{}] : []), ...request.nodegroups.map((nodegroupName) => ({ nodegroupName })), ...request.addons.map((addonName) => ({ addonName }))];
      const perTarget = await each(targets, async (target) => {
        const pages = await c.pages('eksUpdates', 'eks:ListUpdates', paginateListUpdates({ client: eks, pageSize: 100 }, { name: clusterName(c), ...target }, { abortSignal: c.settings.signal }), {
          codes: ['ResourceNotFoundException'], // the node group or add-on is gone
        });
        // The most recent are listed last; a cluster's whole life of updates is not needed.
        const ids = (pages ?? []).flatMap((p) => p.updateIds ?? []).slice(-MAX_UPDATES_PER_TARGET);
        const described = await each(ids, (updateId) =>
          c.call('eksUpdates', 'eks:DescribeUpdate', (abortSignal) => eks.send(new DescribeUpdateCommand({ name: clusterName(c), updateId, ...target }), { abortSignal }), { codes: ['ResourceNotFoundException'] }),
        );
        return described.flatMap((d) => (d?.update ? [{ ...toSnapshotJson(d.update), ...target }] : []));
      });
      return perTarget.flat();
    },

    async cluster(c) {
      const out = await c.call('cluster', 'eks:DescribeCluster', (abortSignal) => eks.send(new DescribeClusterCommand({ name: clusterName(c) }), { abortSignal }));
      if (!out?.cluster) throw new Error('DescribeCluster returned no cluster');
      return toSnapshotJson(out.cluster);
    },

    async clusterVersions(c) {
      const pages = await c.pages('clusterVersions', 'eks:DescribeClusterVersions', paginateDescribeClusterVersions({ client: eks, pageSize: 100 }, {}, { abortSignal: c.settings.signal }));
      return toSnapshotJson((pages ?? []).flatMap((p) => p.clusterVersions ?? []));
    },

    async nodegroups(c) {
      const pages = await c.pages('nodegroups', 'eks:ListNodegroups', paginateListNodegroups({ client: eks, pageSize: 100 }, { clusterName: clusterName(c) }, { abortSignal: c.settings.signal }));
      const names = (pages ?? []).flatMap((p) => p.nodegroups ?? []);
      const described = await each(names, (nodegroupName) =>
        c.call('nodegroups', 'eks:DescribeNodegroup', (abortSignal) => eks.send(new DescribeNodegroupCommand({ clusterName: clusterName(c), nodegroupName }), { abortSignal }), {
          codes: ['ResourceNotFoundException'], // deleted between List and Describe
        }),
      );
      return toSnapshotJson(described.flatMap((d) => (d?.nodegroup ? [d.nodegroup] : [])));
    },

    async fargateProfiles(c) {
      const pages = await c.pages('fargateProfiles', 'eks:ListFargateProfiles', paginateListFargateProfiles({ client: eks, pageSize: 100 }, { clusterName: clusterName(c) }, { abortSignal: c.settings.signal }));
      const names = (pages ?? []).flatMap((p) => p.fargateProfileNames ?? []);
      const described = await each(names, (fargateProfileName) =>
        c.call('fargateProfiles', 'eks:DescribeFargateProfile', (abortSignal) => eks.send(new DescribeFargateProfileCommand({ clusterName: clusterName(c), fargateProfileName }), { abortSignal }), {
          codes: ['ResourceNotFoundException'],
        }),
      );
      return toSnapshotJson(described.flatMap((d) => (d?.fargateProfile ? [d.fargateProfile] : [])));
    },

    async addons(c) {
      const pages = await c.pages('addons', 'eks:ListAddons', paginateListAddons({ client: eks, pageSize: 100 }, { clusterName: clusterName(c) }, { abortSignal: c.settings.signal }));
      const names = (pages ?? []).flatMap((p) => p.addons ?? []);
      const described = await each(names, (addonName) =>
        c.call('addons', 'eks:DescribeAddon', (abortSignal) => eks.send(new DescribeAddonCommand({ clusterName: clusterName(c), addonName }), { abortSignal }), { codes: ['ResourceNotFoundException'] }),
      );
      return toSnapshotJson(described.flatMap((d) => (d?.addon ? [d.addon] : [])));
    },

    async addonVersions(c) {
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

    async accessEntries(c) {
      const principals = await accessEntryPrincipals(c, 'accessEntries');
      const described = await each(principals, (principalArn) =>
        c.call('accessEntries', 'eks:DescribeAccessEntry', (abortSignal) => eks.send(new DescribeAccessEntryCommand({ clusterName: clusterName(c), principalArn }), { abortSignal }), {
          codes: ['ResourceNotFoundException'],
        }),
      );
      return toSnapshotJson(described.flatMap((d) => (d?.accessEntry ? [d.accessEntry] : [])));
    },

    async accessEntryPolicies(c) {
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

    async podIdentityAssociations(c) {
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

    async insights(c) {
      const pages = await c.pages('insights', 'eks:ListInsights', paginateListInsights({ client: eks, pageSize: 100 }, { clusterName: clusterName(c) }, { abortSignal: c.settings.signal }));
      return toSnapshotJson((pages ?? []).flatMap((p) => p.insights ?? []));
    },
  };
}
