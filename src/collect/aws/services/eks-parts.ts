/** The EKS parts: the cluster and what EKS manages for it. Their collectors are in eks.ts. */
import type { AwsPartDeclarations } from '../../sources.js';

export const EKS_PARTS = {
  cluster: { step: 'eks:DescribeCluster', actions: ['eks:DescribeCluster'] },
  clusterVersions: { step: 'eks:DescribeClusterVersions', actions: ['eks:DescribeClusterVersions'] },
  nodegroups: { step: 'eks:DescribeNodegroup', actions: ['eks:ListNodegroups', 'eks:DescribeNodegroup'] },
  fargateProfiles: { step: 'eks:DescribeFargateProfile', actions: ['eks:ListFargateProfiles', 'eks:DescribeFargateProfile'] },
  addons: { step: 'eks:DescribeAddon', actions: ['eks:ListAddons', 'eks:DescribeAddon'] },
  // Only the installed add-ons' versions, for the cluster's Kubernetes version.
  addonVersions: { step: 'eks:DescribeAddonVersions', actions: ['eks:DescribeAddonVersions'], needs: ['aws.addons', 'aws.cluster'] },
  accessEntries: { step: 'eks:DescribeAccessEntry', actions: ['eks:ListAccessEntries', 'eks:DescribeAccessEntry'] },
  accessEntryPolicies: { step: 'eks:ListAssociatedAccessPolicies', actions: ['eks:ListAccessEntries', 'eks:ListAssociatedAccessPolicies'] },
  podIdentityAssociations: { step: 'eks:DescribePodIdentityAssociation', actions: ['eks:ListPodIdentityAssociations', 'eks:DescribePodIdentityAssociation'] },
  insights: { step: 'eks:ListInsights', actions: ['eks:ListInsights'] },
  // Collected by the enrichment pass after diagnosis (src/enrich), for the cluster and the node groups and add-ons the findings name.
  eksUpdates: { step: 'eks:DescribeUpdate', actions: ['eks:ListUpdates', 'eks:DescribeUpdate'], afterDiagnosis: true },
} as const satisfies AwsPartDeclarations;
