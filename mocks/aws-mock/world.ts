/**
 * The account the mock pretends to be: the AWS side of every snapshot it serves, indexed the way
 * the APIs look things up. EKS calls name their cluster; EC2 and Auto Scaling calls do not, so
 * regional resources are the union of the region's snapshots, and IAM (a global service) is the
 * union of all of them. Where two snapshots hold the same ID the first one wins: serve snapshots
 * that disagree about shared resources (two variants of one scenario) from separate mocks.
 */
import { caFingerprint } from '../../src/domain/certificate.js';
import { ecrRepositoryKey } from '../../src/domain/image-pull-errors.js';
import type { AwsData, AwsElement, AwsListPart, Snapshot } from '../../src/snapshot/types.js';
import { servedCluster, type ClusterOverrides } from './services/eks.js';
import { caLookup, renderUserData } from './services/user-data.js';

export const DEFAULT_ACCOUNT_ID = '111122223333';


/** How each regional or global part identifies its items (for the first-wins union). */
const IDENTITY: { [K in AwsListPart]?: (item: AwsElement<K>) => string | undefined } = {
  clusterVersions: (v) => v.clusterVersion,
  addonVersions: (a) => a.addonName,
  autoScalingGroups: (g) => g.AutoScalingGroupName,
  scalingActivities: (a) => a.ActivityId,
  reservations: (r) => r.ReservationId,
  launchTemplateVersions: (v) => `${v.LaunchTemplateId}:${v.VersionNumber}`,
  launchTemplateUserData: (v) => `${v.LaunchTemplateId}:${v.VersionNumber}`,
  instanceTypes: (t) => t.InstanceType,
  images: (i) => i.ImageId,
  vpcs: (v) => v.VpcId,
  vpcDnsAttributes: (v) => v.VpcId,
  subnets: (s) => s.SubnetId,
  routeTables: (r) => r.RouteTableId,
  securityGroups: (g) => g.GroupId,
  prefixLists: (p) => p.PrefixListId,
  prefixListEntries: (p) => p.PrefixListId,
  natGateways: (n) => n.NatGatewayId,
  internetGateways: (i) => i.InternetGatewayId,
  vpcEndpoints: (e) => e.VpcEndpointId,
  serviceQuotas: (q) => `${q.ServiceCode}/${q.QuotaCode}`,
  defaultServiceQuotas: (q) => `${q.ServiceCode}/${q.QuotaCode}`,
  quotaUsage: (u) => u.QuotaCode,
  networkAcls: (a) => a.NetworkAclId,
  dhcpOptions: (d) => d.DhcpOptionsId,
  controlPlaneInterfaces: (n) => n.NetworkInterfaceId,
  iamRoles: (r) => r.RoleName,
  iamAttachedRolePolicies: (p) => p.RoleName,
  iamInstanceProfiles: (p) => p.InstanceProfileName,
  iamOidcProviders: (p) => p.Arn,
  ecrPullThroughCacheRules: (r) => [r.registryId, r.ecrRepositoryPrefix].join('/'),
  ecrRepositoryPolicies: ecrRepositoryKey,
};

const GLOBAL_PARTS: AwsListPart[] = ['iamRoles', 'iamAttachedRolePolicies', 'iamInstanceProfiles', 'iamOidcProviders'];

export interface MockWorldOptions {
  /** The endpoint and CA DescribeCluster serves instead of the snapshot's (a Kubernetes mock's). */
  clusterOverrides?: (snapshot: Snapshot) => ClusterOverrides | undefined;
  /** UserData (base64) served as is for a launch-template version, by 'lt-id:version', instead of rendering its facts (tests). */
  userData?: ReadonlyMap<string, string>;
}

export class MockWorld {
  private readonly unions = new Map<string, unknown[]>();

  constructor(
    readonly snapshots: Snapshot[],
    private readonly options: MockWorldOptions = {},
  ) {}

  /**
   * A launch-template version's UserData as EC2 returns it (base64): rendered from the snapshot's
   * facts, naming the endpoint and CA DescribeCluster serves where the facts name the snapshot's own
   * cluster (so a healthy scenario stays healthy when a Kubernetes mock stands in for its API server).
   */
  userData(region: string, launchTemplateId: string | undefined, versionNumber: number | undefined): string | undefined {
    const key = `${launchTemplateId}:${versionNumber}`;
    const given = this.options.userData?.get(key);
    if (given !== undefined) return given;
    const facts = this.regional(region, 'launchTemplateUserData').find((f) => `${f.LaunchTemplateId}:${f.VersionNumber}` === key);
    if (!facts) return undefined;
    const owner = this.clustersIn(region).find((s) => s.aws.launchTemplateUserData?.includes(facts));
    const served = owner?.aws.cluster ? servedCluster(owner, this.options.clusterOverrides?.(owner)) : undefined;
    const ownCa = owner?.aws.cluster?.certificateAuthority?.data;
    const ownFingerprint = caFingerprint(ownCa);
    const asServed = {
      ...facts,
      ...(served?.endpoint !== undefined && facts.apiServerEndpoint === owner?.aws.cluster?.endpoint ? { apiServerEndpoint: served.endpoint } : {}),
      ...(served?.certificateAuthority?.data !== undefined && ownFingerprint !== undefined && facts.caFingerprint === ownFingerprint ? { caFingerprint: caFingerprint(served.certificateAuthority.data) } : {}),
    };
    const cas = [...this.snapshots.map((s) => s.aws.cluster?.certificateAuthority?.data), served?.certificateAuthority?.data].filter((c): c is string => c !== undefined);
    return renderUserData(asServed, { caByFingerprint: caLookup(cas) })?.toString('base64');
  }

  regions(): string[] {
    return [...new Set(this.snapshots.map((s) => s.cluster.region))];
  }

  clustersIn(region: string): Snapshot[] {
    return this.snapshots.filter((s) => s.cluster.region === region);
  }

  cluster(region: string, name: string): Snapshot | undefined {
    return this.snapshots.find((s) => s.cluster.region === region && s.cluster.name === name);
  }

  /** A regional part (EC2, Auto Scaling, EKS version catalogues) as one list for the region. */
  regional<K extends AwsListPart>(region: string, part: K): AwsElement<K>[] {
    return this.union(part, GLOBAL_PARTS.includes(part) ? this.snapshots : this.clustersIn(region), GLOBAL_PARTS.includes(part) ? '*' : region);
  }

  /** A global part (IAM): every snapshot's, whatever the region. */
  global<K extends AwsListPart>(part: K): AwsElement<K>[] {
    return this.union(part, this.snapshots, '*');
  }

  /** The caller identity STS reports: the first snapshot's in the region, else any, else a fixed one. */
  callerIdentity(region: string): NonNullable<AwsData['callerIdentity']> {
    const own = this.clustersIn(region).find((s) => s.aws.callerIdentity)?.aws.callerIdentity ?? this.snapshots.find((s) => s.aws.callerIdentity)?.aws.callerIdentity;
    return own ?? { Account: DEFAULT_ACCOUNT_ID, Arn: `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:user/eks-doctor-mock`, UserId: 'AIDAEKSDOCTORMOCK0001' };
  }

  private union<K extends AwsListPart>(part: K, snapshots: Snapshot[], scope: string): AwsElement<K>[] {
    const cacheKey = `${scope}/${part}`;
    const cached = this.unions.get(cacheKey);
    if (cached) return cached as AwsElement<K>[];
    const identity = IDENTITY[part] as ((item: AwsElement<K>) => string | undefined) | undefined;
    const seen = new Set<string>();
    const items: AwsElement<K>[] = [];
    for (const snapshot of snapshots) {
      for (const item of (snapshot.aws[part] ?? []) as AwsElement<K>[]) {
        const id = identity?.(item);
        if (id !== undefined) {
          if (seen.has(id)) continue;
          seen.add(id);
        }
        items.push(item);
      }
    }
    this.unions.set(cacheKey, items);
    return items;
  }
}
