/**
 * An independent client reads the mock correctly: botocore (the aws CLI's client library, which
 * parses with AWS's own service models, not the SDK's) runs every action eks-doctor uses, with the
 * filters and IDs eks-doctor sends, against the mock serving the baseline in pages of 2, and gets the
 * baseline's data back; and the `aws` command itself reads the mock. Normalisation (docs/aws.md):
 * botocore returns timestamps as datetimes (printed here in ISO 8601, by the aws CLI as received:
 * ISO for XML services, epoch seconds for EKS) and decodes IAM policy documents itself.
 *
 * One Python process runs all the botocore calls: an `aws` process per call costs a second each.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaunchTemplateVersion, Snapshot } from '../../src/snapshot/types.js';
import { userDataFacts } from '../../src/collect/aws/user-data.js';
import { loadScenario } from '../../mocks/bundled-scenarios.js';
import { crossAccountPolicyReadDenied, DOCKER_HUB_CACHE_RULE, PLATFORM_POLICY, PLATFORM_REPOSITORY } from '../../mocks/faults/pod-start.js';
import { MOCK_CREDENTIALS, startAwsMock, type AwsMock } from '../../mocks/aws-mock/index.js';
import { RequestLog } from '../../mocks/request-log.js';
import { usageQuery } from '../../src/collect/aws/services/cloudwatch.js';
import { canonical } from './support.js';

const run = promisify(execFile);
const driver = fileURLToPath(new URL('./botocore-driver.py', import.meta.url));

async function tool(command: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await run(command, args, { timeout: 20_000 });
    return (stdout || stderr).trim();
  } catch {
    return undefined;
  }
}
const version = await tool('aws', ['--version']);
const botocore = await tool('python3', ['-c', 'import botocore; print(botocore.__version__)']);
if (!version) console.log('skipping the aws CLI tests: `aws` is not installed (pip install awscli)');
if (!botocore) console.log('skipping the botocore tests: python3 cannot import botocore (pip install awscli)');

/**
 * The baseline plus a managed prefix list, a change history, ECR pull-through cache rules (three, for
 * pages of 2) and repository policies of another account (one with a policy, one without, one whose
 * read is denied), so those actions have something to return.
 */
function scenarioWithPrefixList(): Snapshot {
  const s = loadScenario('baseline');
  const changed = loadScenario('vpc-cni-updated-to-incompatible');
  s.aws.eksUpdates = changed.aws.eksUpdates;
  s.aws.cloudTrailLookups = loadScenario('nat-gateway-deleted-by-ci').aws.cloudTrailLookups;
  s.aws.prefixLists = [{ PrefixListId: 'pl-6da54004', PrefixListName: 'com.amazonaws.eu-west-1.s3', State: 'create-complete', AddressFamily: 'IPv4', OwnerId: 'AWS', PrefixListArn: 'arn:aws:ec2:eu-west-1:aws:prefix-list/pl-6da54004', Tags: [] }];
  s.aws.prefixListEntries = [{ PrefixListId: 'pl-6da54004', Entries: [{ Cidr: '3.5.64.0/21' }, { Cidr: '52.218.0.0/17' }, { Cidr: '52.92.40.0/21' }] }];
  s.aws.ecrPullThroughCacheRules = [
    DOCKER_HUB_CACHE_RULE,
    { ecrRepositoryPrefix: 'ecr-public', upstreamRegistryUrl: 'public.ecr.aws', createdAt: '2026-03-02T10:00:00.000Z', registryId: '111122223333', upstreamRegistry: 'ecr-public', updatedAt: '2026-03-02T10:00:00.000Z' },
    { ecrRepositoryPrefix: 'quay', upstreamRegistryUrl: 'quay.io', createdAt: '2026-03-02T10:05:00.000Z', registryId: '111122223333', upstreamRegistry: 'quay', updatedAt: '2026-03-02T10:05:00.000Z' },
  ];
  s.aws.ecrRepositoryPolicies = [
    { ...PLATFORM_REPOSITORY, policyText: PLATFORM_POLICY },
    { ...PLATFORM_REPOSITORY, repositoryName: 'platform/worker', noPolicy: true },
    { ...PLATFORM_REPOSITORY, repositoryName: 'platform/base-api', region: 'us-east-1', failure: crossAccountPolicyReadDenied(s) },
  ];
  return s;
}

/** The aws CLI prints EKS timestamps as epoch seconds: turn them back into ISO where the snapshot has ISO. */
function epochToIso(actual: unknown, expected: unknown): unknown {
  if (typeof actual === 'number' && typeof expected === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(expected)) return new Date(actual * 1000).toISOString();
  if (Array.isArray(actual) && Array.isArray(expected)) return actual.map((a, i) => epochToIso(a, expected[i]));
  if (actual && expected && typeof actual === 'object' && typeof expected === 'object') {
    return Object.fromEntries(Object.entries(actual).map(([k, v]) => [k, epochToIso(v, (expected as Record<string, unknown>)[k])]));
  }
  return actual;
}

function sameData(actual: unknown, expected: unknown): void {
  expect(canonical(actual)).toEqual(canonical(expected));
}

interface BotocoreCall {
  service: string;
  operation: string;
  params: Record<string, unknown>;
}

describe.skipIf(!botocore)(`botocore ${botocore ?? '(absent)'} reads the mock`, () => {
  const scenario = scenarioWithPrefixList();
  const { aws: data } = scenario;
  const name = scenario.cluster.name;
  const vpc = data.cluster!.resourcesVpcConfig!.vpcId!;
  const log = new RequestLog();
  let mock: AwsMock;
  let env: NodeJS.ProcessEnv;
  const results = new Map<string, { result?: Record<string, unknown>; error?: string }>();

  const ng = data.nodegroups![0]!;
  const addon = data.addons![0]!;
  const policyEntry = data.accessEntryPolicies![0]!;
  const association = data.podIdentityAssociations![0]!;
  const template = data.launchTemplateVersions![0]!;
  const someIds = data.reservations!.slice(0, 3).flatMap((r) => (r.Instances ?? []).map((i) => i.InstanceId!));
  const vpcFilter = [{ Name: 'vpc-id', Values: [vpc] }];
  const role = data.iamRoles![0]!;
  const profile = data.iamInstanceProfiles![0]!;
  const provider = data.iamOidcProviders![0]!;
  const quota = data.serviceQuotas![0]!;
  const usage = data.quotaUsage!.find((u) => u.QuotaCode === quota.QuotaCode)!;
  // The query eks-doctor sends, from the quota's own UsageMetric, over the hour before the capture.
  const usageWindow = { StartTime: new Date(Date.parse(scenario.capturedAt) - 3_600_000).toISOString(), EndTime: scenario.capturedAt };

  const update = data.eksUpdates![0]!;
  const lookup = data.cloudTrailLookups![0]!;

  /** Every action eks-doctor calls, with the parameters it sends (policy/iam-policy.json lists the same set). */
  const calls: Record<string, BotocoreCall> = {
    identity: { service: 'sts', operation: 'GetCallerIdentity', params: {} },
    cluster: { service: 'eks', operation: 'DescribeCluster', params: { name } },
    clusters: { service: 'eks', operation: 'ListClusters', params: {} },
    versions: { service: 'eks', operation: 'DescribeClusterVersions', params: {} },
    nodegroups: { service: 'eks', operation: 'ListNodegroups', params: { clusterName: name } },
    nodegroup: { service: 'eks', operation: 'DescribeNodegroup', params: { clusterName: name, nodegroupName: ng.nodegroupName } },
    fargateProfiles: { service: 'eks', operation: 'ListFargateProfiles', params: { clusterName: name } },
    fargateProfile: { service: 'eks', operation: 'DescribeFargateProfile', params: { clusterName: name, fargateProfileName: data.fargateProfiles![0]!.fargateProfileName } },
    addons: { service: 'eks', operation: 'ListAddons', params: { clusterName: name } },
    addon: { service: 'eks', operation: 'DescribeAddon', params: { clusterName: name, addonName: addon.addonName } },
    addonVersions: { service: 'eks', operation: 'DescribeAddonVersions', params: { addonName: addon.addonName, kubernetesVersion: data.cluster!.version } },
    accessEntries: { service: 'eks', operation: 'ListAccessEntries', params: { clusterName: name } },
    accessEntry: { service: 'eks', operation: 'DescribeAccessEntry', params: { clusterName: name, principalArn: policyEntry.principalArn } },
    accessPolicies: { service: 'eks', operation: 'ListAssociatedAccessPolicies', params: { clusterName: name, principalArn: policyEntry.principalArn } },
    associations: { service: 'eks', operation: 'ListPodIdentityAssociations', params: { clusterName: name } },
    association: { service: 'eks', operation: 'DescribePodIdentityAssociation', params: { clusterName: name, associationId: association.associationId } },
    insights: { service: 'eks', operation: 'ListInsights', params: { clusterName: name } },
    groupsByTag: { service: 'autoscaling', operation: 'DescribeAutoScalingGroups', params: { Filters: [{ Name: 'tag-key', Values: [`kubernetes.io/cluster/${name}`] }] } },
    groupsByManagedTag: { service: 'autoscaling', operation: 'DescribeAutoScalingGroups', params: { Filters: [{ Name: 'tag:eks:cluster-name', Values: [name] }] } },
    groupsByName: { service: 'autoscaling', operation: 'DescribeAutoScalingGroups', params: { AutoScalingGroupNames: [data.autoScalingGroups![0]!.AutoScalingGroupName] } },
    activities: { service: 'autoscaling', operation: 'DescribeScalingActivities', params: { AutoScalingGroupName: data.scalingActivities![0]!.AutoScalingGroupName } },
    instancesByOwner: { service: 'ec2', operation: 'DescribeInstances', params: { Filters: [{ Name: 'tag-key', Values: [`kubernetes.io/cluster/${name}`] }] } },
    instancesByManaged: { service: 'ec2', operation: 'DescribeInstances', params: { Filters: [{ Name: 'tag:eks:cluster-name', Values: [name] }] } },
    instancesById: { service: 'ec2', operation: 'DescribeInstances', params: { Filters: [{ Name: 'instance-id', Values: someIds }] } },
    templateVersions: { service: 'ec2', operation: 'DescribeLaunchTemplateVersions', params: { LaunchTemplateId: template.LaunchTemplateId, Versions: ['$Latest'] } },
    images: { service: 'ec2', operation: 'DescribeImages', params: { ImageIds: data.images!.map((i) => i.ImageId), IncludeDeprecated: true } },
    instanceTypes: { service: 'ec2', operation: 'DescribeInstanceTypes', params: { InstanceTypes: data.instanceTypes!.map((t) => t.InstanceType) } },
    vpcs: { service: 'ec2', operation: 'DescribeVpcs', params: { VpcIds: [vpc] } },
    dnsSupport: { service: 'ec2', operation: 'DescribeVpcAttribute', params: { VpcId: vpc, Attribute: 'enableDnsSupport' } },
    dnsHostnames: { service: 'ec2', operation: 'DescribeVpcAttribute', params: { VpcId: vpc, Attribute: 'enableDnsHostnames' } },
    subnets: { service: 'ec2', operation: 'DescribeSubnets', params: { Filters: vpcFilter } },
    routeTables: { service: 'ec2', operation: 'DescribeRouteTables', params: { Filters: vpcFilter } },
    securityGroups: { service: 'ec2', operation: 'DescribeSecurityGroups', params: { Filters: vpcFilter } },
    prefixLists: { service: 'ec2', operation: 'DescribeManagedPrefixLists', params: { PrefixListIds: ['pl-6da54004'] } },
    prefixListEntries: { service: 'ec2', operation: 'GetManagedPrefixListEntries', params: { PrefixListId: 'pl-6da54004' } },
    natGateways: { service: 'ec2', operation: 'DescribeNatGateways', params: { Filter: vpcFilter } },
    internetGateways: { service: 'ec2', operation: 'DescribeInternetGateways', params: { Filters: [{ Name: 'attachment.vpc-id', Values: [vpc] }] } },
    vpcEndpoints: { service: 'ec2', operation: 'DescribeVpcEndpoints', params: { Filters: vpcFilter } },
    networkAcls: { service: 'ec2', operation: 'DescribeNetworkAcls', params: { Filters: vpcFilter } },
    dhcpOptions: { service: 'ec2', operation: 'DescribeDhcpOptions', params: { DhcpOptionsIds: [data.vpcs![0]!.DhcpOptionsId] } },
    controlPlaneInterfaces: { service: 'ec2', operation: 'DescribeNetworkInterfaces', params: { Filters: [...vpcFilter, { Name: 'description', Values: [`Amazon EKS ${name}`] }] } },
    missingDhcpOptions: { service: 'ec2', operation: 'DescribeDhcpOptions', params: { DhcpOptionsIds: ['dopt-0000000000000000f'] } },
    role: { service: 'iam', operation: 'GetRole', params: { RoleName: role.RoleName } },
    attached: { service: 'iam', operation: 'ListAttachedRolePolicies', params: { RoleName: role.RoleName } },
    instanceProfile: { service: 'iam', operation: 'GetInstanceProfile', params: { InstanceProfileName: profile.InstanceProfileName } },
    providers: { service: 'iam', operation: 'ListOpenIDConnectProviders', params: {} },
    provider: { service: 'iam', operation: 'GetOpenIDConnectProvider', params: { OpenIDConnectProviderArn: provider.Arn } },
    quota: { service: 'service-quotas', operation: 'GetServiceQuota', params: { ServiceCode: 'ec2', QuotaCode: quota.QuotaCode } },
    defaultQuota: { service: 'service-quotas', operation: 'GetAWSDefaultServiceQuota', params: { ServiceCode: 'ec2', QuotaCode: quota.QuotaCode } },
    usage: { service: 'cloudwatch', operation: 'GetMetricData', params: { MetricDataQueries: [usageQuery(quota)], ...usageWindow, ScanBy: 'TimestampDescending' } },
    updates: { service: 'eks', operation: 'ListUpdates', params: { name, addonName: update.addonName } },
    update: { service: 'eks', operation: 'DescribeUpdate', params: { name, updateId: update.id, addonName: update.addonName } },
    events: { service: 'cloudtrail', operation: 'LookupEvents', params: { LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: lookup.resourceName }], StartTime: lookup.startTime, EndTime: lookup.endTime, MaxResults: 50 } },
    cacheRules: { service: 'ecr', operation: 'DescribePullThroughCacheRules', params: {} },
    repositoryPolicy: { service: 'ecr', operation: 'GetRepositoryPolicy', params: { registryId: PLATFORM_REPOSITORY.registryId, repositoryName: PLATFORM_REPOSITORY.repositoryName } },
    noRepositoryPolicy: { service: 'ecr', operation: 'GetRepositoryPolicy', params: { registryId: PLATFORM_REPOSITORY.registryId, repositoryName: 'platform/worker' } },
    missingRepository: { service: 'ecr', operation: 'GetRepositoryPolicy', params: { repositoryName: 'no-such-repository' } },
    unknownCrossAccountRepository: { service: 'ecr', operation: 'GetRepositoryPolicy', params: { registryId: PLATFORM_REPOSITORY.registryId, repositoryName: 'platform/unknown' } },
    missingQuota: { service: 'service-quotas', operation: 'GetServiceQuota', params: { ServiceCode: 'ec2', QuotaCode: 'L-DB2E81BA' } },
    missingRole: { service: 'iam', operation: 'GetRole', params: { RoleName: 'no-such-role' } },
    missingCluster: { service: 'eks', operation: 'DescribeCluster', params: { name: 'no-such-cluster' } },
    missingSubnet: { service: 'ec2', operation: 'DescribeSubnets', params: { SubnetIds: ['subnet-0000000000000000f'] } },
  };
  const result = (key: string) => {
    const r = results.get(key);
    if (!r?.result) throw new Error(`${key}: ${r?.error ?? 'no result'}`);
    return r.result;
  };

  beforeAll(async () => {
    mock = await startAwsMock({ clusterOverrides: (s) => ({ endpoint: s.aws.cluster?.endpoint }), snapshots: [scenario], maxPageSize: 2, log });
    const home = mkdtempSync(join(tmpdir(), 'eks-doctor-awscli-'));
    env = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      AWS_ACCESS_KEY_ID: MOCK_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOCK_CREDENTIALS.secretAccessKey,
      AWS_DEFAULT_REGION: scenario.cluster.region,
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      AWS_PAGER: '',
    };
    const entries = Object.entries(calls);
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('python3', [driver], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`botocore driver exited ${code}: ${stderr}`))));
      child.stdin.end(JSON.stringify({ endpoint: mock.url, region: scenario.cluster.region, calls: entries.map(([, c]) => c) }));
    });
    const parsed = JSON.parse(output) as { result?: Record<string, unknown>; error?: string }[];
    entries.forEach(([key], i) => results.set(key, parsed[i]!));
  });
  afterAll(() => mock.close());

  const tagged = (key: string, value?: string) =>
    data.reservations!.flatMap((r) => {
      const instances = (r.Instances ?? []).filter((i) => (i.Tags ?? []).some((t) => t.Key === key && (value === undefined || t.Value === value)));
      return instances.length > 0 ? [{ ...r, Instances: instances }] : [];
    });

  it('STS and EKS', () => {
    sameData(result('identity'), data.callerIdentity);
    sameData(result('cluster').cluster, data.cluster);
    expect(result('clusters').clusters).toEqual([name]);
    sameData(result('versions').clusterVersions, data.clusterVersions);
    expect(result('nodegroups').nodegroups).toEqual(data.nodegroups!.map((n) => n.nodegroupName));
    sameData(result('nodegroup').nodegroup, ng);
    expect(result('fargateProfiles').fargateProfileNames).toEqual(data.fargateProfiles!.map((p) => p.fargateProfileName));
    sameData(result('fargateProfile').fargateProfile, data.fargateProfiles![0]);
    expect(result('addons').addons).toEqual(data.addons!.map((a) => a.addonName));
    sameData(result('addon').addon, addon);
    sameData(result('addonVersions').addons, data.addonVersions!.filter((a) => a.addonName === addon.addonName));
    expect(result('accessEntries').accessEntries).toEqual(data.accessEntries!.map((e) => e.principalArn));
    sameData(result('accessEntry').accessEntry, data.accessEntries!.find((e) => e.principalArn === policyEntry.principalArn));
    sameData(result('accessPolicies').associatedAccessPolicies, policyEntry.associatedAccessPolicies);
    expect((result('associations').associations as { associationId: string }[]).map((a) => a.associationId)).toEqual(data.podIdentityAssociations!.map((a) => a.associationId));
    sameData(result('association').association, association);
    sameData(result('insights').insights, data.insights);
  });

  it('Auto Scaling', () => {
    sameData(result('groupsByTag').AutoScalingGroups, data.autoScalingGroups!.filter((g) => (g.Tags ?? []).some((t) => t.Key === `kubernetes.io/cluster/${name}`)));
    sameData(result('groupsByManagedTag').AutoScalingGroups, data.autoScalingGroups!.filter((g) => (g.Tags ?? []).some((t) => t.Key === 'eks:cluster-name' && t.Value === name)));
    sameData(result('groupsByName').AutoScalingGroups, [data.autoScalingGroups![0]]);
    sameData(result('activities').Activities, data.scalingActivities!.filter((a) => a.AutoScalingGroupName === data.scalingActivities![0]!.AutoScalingGroupName));
  });

  it('EC2', () => {
    sameData(result('instancesByOwner').Reservations, tagged(`kubernetes.io/cluster/${name}`));
    sameData(result('instancesByManaged').Reservations, tagged('eks:cluster-name', name));
    sameData(result('instancesById').Reservations, data.reservations!.slice(0, 3));
    // UserData comes base64-encoded inside LaunchTemplateData, as EC2 sends it; decoded, it is the version's facts.
    const [served] = result('templateVersions').LaunchTemplateVersions as LaunchTemplateVersion[];
    const { UserData: userData, ...templateData } = served!.LaunchTemplateData!;
    sameData([{ ...served, LaunchTemplateData: templateData }], [template]);
    expect(userDataFacts({ LaunchTemplateId: template.LaunchTemplateId!, LaunchTemplateName: template.LaunchTemplateName!, VersionNumber: template.VersionNumber! }, userData)).toEqual(
      data.launchTemplateUserData!.find((f) => f.LaunchTemplateId === template.LaunchTemplateId && f.VersionNumber === template.VersionNumber),
    );
    sameData(result('images').Images, data.images);
    sameData(result('instanceTypes').InstanceTypes, data.instanceTypes);
    sameData(result('vpcs').Vpcs, data.vpcs);
    expect(result('dnsSupport')).toEqual({ VpcId: vpc, EnableDnsSupport: { Value: data.vpcDnsAttributes![0]!.EnableDnsSupport } });
    expect(result('dnsHostnames')).toEqual({ VpcId: vpc, EnableDnsHostnames: { Value: data.vpcDnsAttributes![0]!.EnableDnsHostnames } });
    sameData(result('subnets').Subnets, data.subnets);
    sameData(result('routeTables').RouteTables, data.routeTables);
    sameData(result('securityGroups').SecurityGroups, data.securityGroups);
    sameData(result('prefixLists').PrefixLists, data.prefixLists);
    sameData(result('prefixListEntries').Entries, data.prefixListEntries![0]!.Entries);
    sameData(result('natGateways').NatGateways, data.natGateways);
    sameData(result('internetGateways').InternetGateways, data.internetGateways);
    sameData(result('vpcEndpoints').VpcEndpoints, data.vpcEndpoints);
    sameData(result('networkAcls').NetworkAcls, data.networkAcls);
    sameData(result('dhcpOptions').DhcpOptions, data.dhcpOptions);
    sameData(result('controlPlaneInterfaces').NetworkInterfaces, data.controlPlaneInterfaces);
  });

  it('IAM, with trust policies decoded by botocore as eks-doctor decodes them', () => {
    sameData(result('role').Role, role);
    sameData(result('attached').AttachedPolicies, data.iamAttachedRolePolicies!.find((p) => p.RoleName === role.RoleName)!.AttachedPolicies);
    sameData(result('instanceProfile').InstanceProfile, profile);
    expect(result('providers').OpenIDConnectProviderList).toEqual(data.iamOidcProviders!.map((p) => ({ Arn: p.Arn })));
    const { Arn: _arn, ...rest } = provider;
    sameData(result('provider'), rest);
  });

  it('Service Quotas (AWS JSON 1.1) and CloudWatch (AWS JSON 1.0)', () => {
    sameData(result('quota').Quota, quota);
    // The default of a quota the snapshot holds applied: the account's default, without the account-level fields.
    expect(result('defaultQuota').Quota).toMatchObject({ QuotaCode: quota.QuotaCode, UsageMetric: quota.UsageMetric, Value: 5 });
    expect(result('defaultQuota').Quota).not.toHaveProperty('QuotaAppliedAtLevel');
    const [metric] = result('usage').MetricDataResults as Record<string, unknown>[];
    sameData({ ...metric, QuotaCode: quota.QuotaCode }, usage);
  });

  it('CloudTrail (AWS JSON 1.1, CloudTrailEvent the JSON string AWS returns) and EKS updates (REST)', () => {
    expect(result('updates').updateIds).toEqual([update.id]);
    const described = result('update').update as Record<string, unknown>;
    expect({ ...described, createdAt: new Date(String(described.createdAt)).toISOString() }).toEqual({ id: update.id, status: update.status, type: update.type, params: update.params, createdAt: update.createdAt, errors: [] });
    const events = result('events').Events as Record<string, unknown>[];
    expect(events).toHaveLength(1);
    const [event] = events as [Record<string, unknown>];
    const kept = lookup.events[0]!;
    expect({ EventId: event.EventId, EventName: event.EventName, EventSource: event.EventSource, Resources: event.Resources, ReadOnly: event.ReadOnly, EventTime: new Date(String(event.EventTime)).toISOString() }).toEqual({
      EventId: kept.EventId,
      EventName: kept.EventName,
      EventSource: kept.EventSource,
      Resources: kept.Resources,
      ReadOnly: 'false',
      EventTime: kept.EventTime,
    });
    const record = JSON.parse(String(event.CloudTrailEvent)) as { userIdentity: { arn: string }; sourceIPAddress: string; eventName: string; eventID: string };
    expect(record).toMatchObject({ userIdentity: { arn: kept.CloudTrailEvent!.userIdentity!.arn }, sourceIPAddress: kept.CloudTrailEvent!.sourceIPAddress, eventName: kept.EventName, eventID: kept.EventId });
  });

  it('ECR (AWS JSON 1.1): the pull-through cache rules over pages of 2, a repository policy as the JSON text ECR returns', () => {
    sameData(result('cacheRules').pullThroughCacheRules, data.ecrPullThroughCacheRules);
    const policy = result('repositoryPolicy');
    expect({ ...policy, policyText: JSON.parse(String(policy.policyText)) as unknown }).toEqual({ registryId: PLATFORM_REPOSITORY.registryId, repositoryName: PLATFORM_REPOSITORY.repositoryName, policyText: PLATFORM_POLICY });
    expect(results.get('noRepositoryPolicy')).toEqual({ error: 'RepositoryPolicyNotFoundException' });
    expect(results.get('missingRepository')).toEqual({ error: 'RepositoryNotFoundException' });
    // Another account's repository the policy does not let us read: AccessDenied, whatever it holds.
    expect(results.get('unknownCrossAccountRepository')).toEqual({ error: 'AccessDeniedException' });
    expect(log.entries.filter((e) => e.action === 'DescribePullThroughCacheRules' && e.status === 200)).toHaveLength(2);
  });

  it('errors parse into the codes AWS uses', () => {
    expect(results.get('missingQuota')).toEqual({ error: 'NoSuchResourceException' });
    expect(results.get('missingRole')).toEqual({ error: 'NoSuchEntity' });
    expect(results.get('missingCluster')).toEqual({ error: 'ResourceNotFoundException' });
    expect(results.get('missingSubnet')).toEqual({ error: 'InvalidSubnetID.NotFound' });
    expect(results.get('missingDhcpOptions')).toEqual({ error: 'InvalidDhcpOptionID.NotFound' });
  });

  it('covered every action in the IAM policy, following the page tokens of pages of 2', async () => {
    const { readFileSync } = await import('node:fs');
    const policy = JSON.parse(readFileSync(new URL('../../policy/iam-policy.json', import.meta.url), 'utf8')) as { Statement: { Action: string[] }[] };
    const called = new Set(log.entries.map((e) => `${e.service}:${e.action}`));
    expect([...called].sort()).toEqual(policy.Statement.flatMap((s) => s.Action).sort());
    expect(log.entries.filter((e) => e.action === 'DescribeSubnets' && e.status === 200).length).toBe(3);
  });

  it.skipIf(!version)(`the aws command (${version ?? 'absent'}) prints the same data`, async () => {
    const aws = async (args: string[]) => JSON.parse((await run('aws', [...args, '--endpoint-url', mock.url, '--output', 'json'], { env, timeout: 30_000 })).stdout) as Record<string, unknown>;
    const [subnets, cluster, quotaAnswer, metrics, updates, trail] = await Promise.all([
      aws(['ec2', 'describe-subnets', '--filters', `Name=vpc-id,Values=${vpc}`]),
      aws(['eks', 'describe-cluster', '--name', name]),
      aws(['service-quotas', 'get-service-quota', '--service-code', 'ec2', '--quota-code', quota.QuotaCode!]),
      aws(['cloudwatch', 'get-metric-data', '--metric-data-queries', JSON.stringify([usageQuery(quota)]), '--start-time', usageWindow.StartTime, '--end-time', usageWindow.EndTime]),
      aws(['eks', 'list-updates', '--name', name, '--addon-name', String(update.addonName)]),
      aws(['cloudtrail', 'lookup-events', '--lookup-attributes', `AttributeKey=ResourceName,AttributeValue=${lookup.resourceName}`, '--start-time', lookup.startTime, '--end-time', lookup.endTime]),
    ]);
    expect(updates.updateIds).toEqual([update.id]);
    const [event] = trail.Events as Record<string, unknown>[];
    expect(event!.EventId).toBe(lookup.events[0]!.EventId);
    expect((JSON.parse(String(event!.CloudTrailEvent)) as { userIdentity: { arn: string } }).userIdentity.arn).toBe(lookup.events[0]!.CloudTrailEvent!.userIdentity!.arn);
    sameData(subnets.Subnets, data.subnets);
    sameData(epochToIso(cluster.cluster, data.cluster), data.cluster);
    sameData(quotaAnswer.Quota, quota);
    const [metric] = metrics.MetricDataResults as Record<string, unknown>[];
    // The aws command prints the JSON protocols' timestamps as received: epoch seconds.
    expect(epochToIso(metric!.Timestamps, usage.Timestamps)).toEqual(usage.Timestamps);
    expect(metric!.Values).toEqual(usage.Values);
  });

  it.skipIf(!version)(`the aws command (${version ?? 'absent'}) reads ECR: the rules, a policy, and the errors as ECR words them`, async () => {
    const aws = (args: string[], region = scenario.cluster.region) => run('aws', [...args, '--endpoint-url', mock.url, '--output', 'json', '--region', region], { env, timeout: 30_000 });
    const failure = async (args: string[], region?: string) => {
      try {
        await aws(args, region);
        return 'no error';
      } catch (error) {
        return String((error as { stderr?: string }).stderr).trim();
      }
    };
    const { registryId, repositoryName } = PLATFORM_REPOSITORY;
    const [rules, policy, none, denied] = await Promise.all([
      aws(['ecr', 'describe-pull-through-cache-rules']),
      aws(['ecr', 'get-repository-policy', '--registry-id', registryId, '--repository-name', repositoryName]),
      failure(['ecr', 'get-repository-policy', '--registry-id', registryId, '--repository-name', 'platform/worker']),
      failure(['ecr', 'get-repository-policy', '--registry-id', registryId, '--repository-name', repositoryName], 'us-east-1'),
    ]);
    const printed = JSON.parse(rules.stdout) as { pullThroughCacheRules: Record<string, unknown>[] };
    // The aws command prints the JSON protocols' timestamps as received: epoch seconds.
    sameData(epochToIso(printed.pullThroughCacheRules, data.ecrPullThroughCacheRules), data.ecrPullThroughCacheRules);
    expect(JSON.parse(String((JSON.parse(policy.stdout) as { policyText: string }).policyText))).toEqual(PLATFORM_POLICY);
    expect(none).toContain(`An error occurred (RepositoryPolicyNotFoundException) when calling the GetRepositoryPolicy operation: Repository policy does not exist for the repository with name 'platform/worker' in the registry with id '${registryId}'`);
    expect(denied).toContain(`An error occurred (AccessDeniedException) when calling the GetRepositoryPolicy operation: ${crossAccountPolicyReadDenied(scenario).message}`);
  });
});
