/**
 * Against an emulator nobody here wrote: moto, provisioned with a small sick cluster's AWS side
 * (test/aws/moto.ts). Collection reads it through the same code paths as AWS, the AWS-side checks
 * find what is wrong, and where moto falls short (no add-ons, access entries, Pod Identity, insights
 * or version catalogue; no vpcId in DescribeCluster; a node group whose Auto Scaling group does not
 * exist; instances without their launch template's instance profile) the tool degrades: the parts
 * moto cannot serve are recorded as failed calls and cost only their checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/collect/aws/clients.js';
import { collectSnapshot } from '../../src/collect/collect.js';
import { AWS_PARTS, planFromParts } from '../../src/collect/plan.js';
import { diagnoseSnapshot } from '../../src/engine/diagnose.js';
import { loadDiagnostics } from '../../src/engine/registry.js';
import type { Report } from '../../src/engine/report.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { MOCK_CREDENTIALS } from '../../mocks/aws-mock/index.js';
import { motoAvailable, provisionSickCluster, SICK_CLUSTER, startMoto, type Moto } from './moto.js';

const version = motoAvailable();
if (!version) console.log('skipping the moto tests: python3 cannot import moto[server] (pip install "moto[server]")');

/**
 * The EKS APIs moto 5 does not implement, and Service Quotas' GetAWSDefaultServiceQuota (its
 * GetServiceQuota knows no EC2 quota, so every default is asked for, and answered with a 404 page);
 * anything else failing is a bug on our side.
 */
const MOTO_LACKS = new Set(['aws.clusterVersions', 'aws.addons', 'aws.addonVersions', 'aws.accessEntries', 'aws.accessEntryPolicies', 'aws.podIdentityAssociations', 'aws.insights', 'aws.defaultServiceQuotas']);

describe.skipIf(!version)(`moto ${version ?? '(absent)'} serving a sick cluster`, () => {
  let moto: Moto;
  let ids: Awaited<ReturnType<typeof provisionSickCluster>>;
  let snapshot: Snapshot;
  let report: Report;

  beforeAll(async () => {
    moto = await startMoto();
    ids = await provisionSickCluster(moto.url);
    const clients = await createAwsClients({ region: SICK_CLUSTER.region, endpointUrl: moto.url, credentials: MOCK_CREDENTIALS, env: {} });
    try {
      snapshot = await collectSnapshot({ clusterName: SICK_CLUSTER.name, plan: planFromParts(AWS_PARTS.map((p) => `aws.${p}` as const)), aws: clients });
    } finally {
      clients.destroy();
    }
    report = await diagnoseSnapshot(snapshot, { diagnostics: await loadDiagnostics(), toolVersion: 'test' });
  }, 120_000);
  afterAll(() => moto?.stop());

  it('collects the cluster, its network, its self-managed group and instances, and its node role', () => {
    expect(snapshot.aws.cluster?.name).toBe(SICK_CLUSTER.name);
    // moto's DescribeCluster has no vpcId: found through the cluster's subnets.
    expect(snapshot.aws.vpcs?.map((v) => v.VpcId)).toEqual([ids.vpc]);
    expect(snapshot.aws.subnets?.map((s) => s.SubnetId).sort()).toEqual([...ids.subnets].sort());
    expect(snapshot.aws.securityGroups?.map((g) => g.GroupId)).toContain(ids.clusterSg);
    expect(snapshot.aws.autoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual([SICK_CLUSTER.asg]);
    const instances = (snapshot.aws.reservations ?? []).flatMap((r) => r.Instances ?? []);
    expect(instances).toHaveLength(SICK_CLUSTER.nodes);
    expect(snapshot.aws.launchTemplateVersions?.map((v) => v.LaunchTemplateId)).toEqual([ids.templateId]);
    expect(snapshot.aws.launchTemplateVersions?.every((v) => v.LaunchTemplateData && !('UserData' in v.LaunchTemplateData))).toBe(true);
    // moto returns the template's UserData: read into facts, and not one byte of it kept.
    expect(snapshot.aws.launchTemplateUserData).toEqual([
      expect.objectContaining({ LaunchTemplateId: ids.templateId, bootstrap: 'nodeadm', clusterName: 'moto-staging', serviceCidr: '10.100.0.0/16', parts: [{ contentType: 'application/node.eks.aws', kind: 'nodeadm' }, { contentType: 'text/x-shellscript', kind: 'shell' }] }),
    ]);
    expect(JSON.stringify(snapshot)).not.toContain('moto-secret-3f9a1c');
    expect(snapshot.aws.images?.map((i) => i.ImageId)).toContain(snapshot.aws.launchTemplateVersions?.[0]?.LaunchTemplateData?.ImageId);
    // The instance profile comes from the launch template even where moto's instances lack it.
    expect(snapshot.aws.iamInstanceProfiles?.map((p) => p.Arn)).toEqual([ids.profileArn]);
    // The node role, and the cluster role (security groups for pods reads its policies).
    expect(snapshot.aws.iamRoles?.map((r) => r.Arn).sort()).toEqual([ids.clusterRoleArn, ids.nodeRoleArn].sort());
    const nodeRole = snapshot.aws.iamRoles?.find((r) => r.Arn === ids.nodeRoleArn);
    expect(nodeRole?.AssumeRolePolicyDocument?.Statement).toBeDefined();
    expect(snapshot.aws.iamAttachedRolePolicies?.find((p) => p.RoleName === nodeRole?.RoleName)?.AttachedPolicies?.map((p) => p.PolicyName).sort()).toEqual(['AmazonEC2ContainerRegistryReadOnly', 'AmazonEKS_CNI_Policy']);
  });

  it('records what moto cannot serve as failed calls, naming the call, and nothing else', () => {
    expect(snapshot.errors.length).toBeGreaterThan(0);
    for (const error of snapshot.errors) {
      expect(MOTO_LACKS.has(error.part), `${error.part} failed: ${error.call} ${error.code} ${error.message}`).toBe(true);
      expect(error.call).toMatch(/^eks:(List|Describe)|^servicequotas:GetAWSDefaultServiceQuota$/);
    }
    // The node group names an Auto Scaling group moto never made: nothing is found, nothing fails.
    expect(snapshot.aws.nodegroups?.[0]?.nodegroupName).toBe('managed');
  });

  it('the AWS-side checks find the sickness', () => {
    const ids = report.findings.map((f) => f.id);
    expect(ids).toContain('node-iam-role/worker-node-policy-missing');
    expect(ids).toContain('subnets/cluster-subnets-single-az');
    expect(ids).toContain('node-bootstrap/user-data-other-cluster');
  });

  it('a part moto lacks costs only its checks, which say which call failed', async () => {
    const diagnostics = await loadDiagnostics();
    const failedParts = new Set(snapshot.errors.map((e) => e.part));
    for (const check of report.checks) {
      const { needs, uses } = diagnostics.find((d) => d.id === check.id)!;
      if (needs.some((n) => failedParts.has(n))) {
        expect(check.status, check.id).toBe('error');
        expect(check.reason, check.id).toMatch(/eks:/);
      } else if (needs.some((n) => n.startsWith('kubernetes.'))) {
        expect(check.status, check.id).toBe('skipped');
      } else if (!uses.some((u) => failedParts.has(u) || u.startsWith('kubernetes.'))) {
        // Everything it reads was collected: it ran.
        expect(['pass', 'fail'], `${check.id}: ${check.reason}`).toContain(check.status);
      }
    }
  });
});
