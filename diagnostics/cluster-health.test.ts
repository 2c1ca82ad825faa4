import { ClusterIssueCode } from '@aws-sdk/client-eks';
import { describe, expect, it } from 'vitest';
import { describeDiagnostic, describeHealthCatalogue, failedPart, healthIssueCases, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { CLUSTER_ROLE_ARN, PRIVATE_SUBNETS } from '../mocks/scenario-builder/baseline.js';
import type { Snapshot } from '../src/snapshot/types.js';
import clusterHealth from './cluster-health.js';
import { CLUSTER_ISSUE_CODES } from './lib/health-codes.js';

const KMS_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d';

function sampleResourceIds(code: string): string[] {
  if (code === 'Ec2SubnetNotFound' || code === 'InsufficientFreeAddresses') return [PRIVATE_SUBNETS[2]];
  if (code === 'Ec2SecurityGroupNotFound') return ['sg-0d2b3c4d5e6f70812'];
  if (code === 'AccessDenied' || code === 'IamRoleNotFound') return [CLUSTER_ROLE_ARN];
  if (code.startsWith('Kms')) return [KMS_KEY];
  if (code === 'VpcNotFound') return ['vpc-0a1b2c3d4e5f60718'];
  return [];
}

function withIssue(code: string): Snapshot {
  return mutate((s) => {
    s.aws.cluster!.encryptionConfig = [{ resources: ['secrets'], provider: { keyArn: KMS_KEY } }];
    s.aws.cluster!.health = { issues: [{ code: code as ClusterIssueCode, message: `EKS says ${code}`, resourceIds: sampleResourceIds(code) }] };
  });
}

describeDiagnostic(clusterHealth, {
  healthy: [{ name: 'baseline: ACTIVE, no issues', snapshot: mutate(() => {}) }],
  broken: [
    ...healthIssueCases('cluster-health', CLUSTER_ISSUE_CODES, withIssue, 'shop-prod', 'PrivateEndpointDnsNotResolvable'),
    {
      name: 'FAILED cluster',
      snapshot: mutate((s) => {
        s.aws.cluster!.status = 'FAILED';
      }),
      expect: [{ id: 'cluster-health/status-failed', resource: 'shop-prod', severity: 'critical' as const }],
    },
    {
      name: 'DELETING cluster',
      snapshot: mutate((s) => {
        s.aws.cluster!.status = 'DELETING';
      }),
      expect: [{ id: 'cluster-health/status-deleting', resource: 'shop-prod', severity: 'warning' as const }],
    },
    {
      name: 'UPDATING cluster is info only',
      snapshot: mutate((s) => {
        s.aws.cluster!.status = 'UPDATING';
      }),
      expect: [{ id: 'cluster-health/status-in-progress', resource: 'shop-prod', severity: 'info' as const }],
    },
  ],
  errors: [
    failedPart('DescribeCluster failed', { part: 'aws.cluster', call: 'eks:DescribeCluster', kind: 'denied', code: 'AccessDeniedException', message: 'not authorized', permission: 'eks:DescribeCluster' }, 'eks:DescribeCluster'),
  ],
});

describeHealthCatalogue({
  diagnostic: clusterHealth,
  entries: CLUSTER_ISSUE_CODES,
  sdkCodes: ClusterIssueCode,
  count: 19,
  withIssue,
  symptom: 'cluster-unhealthy',
  fixKey: (f) => `${f.fix.summary} ${f.fix.commands.join(' ')}`,
});

describe('cluster-health specifics', () => {
  it('a deleted subnet: keeps the remaining subnets in the update-cluster-config command', () => {
    const [f] = runDiagnostic(clusterHealth, withIssue('Ec2SubnetNotFound'));
    expect(f!.resources).toContainEqual({ type: 'aws:ec2:subnet', id: PRIVATE_SUBNETS[2] });
    expect(f!.fix.commands[1]).toBe(`aws eks update-cluster-config --name shop-prod --region eu-west-1 --resources-vpc-config subnetIds=${PRIVATE_SUBNETS[0]},${PRIVATE_SUBNETS[1]}`);
  });

  it('a KMS key pending deletion: cancel-key-deletion on the real key', () => {
    const [f] = runDiagnostic(clusterHealth, withIssue('KmsKeyMarkedForDeletion'));
    expect(f!.fix.commands[0]).toBe(`aws kms cancel-key-deletion --key-id ${KMS_KEY} --region eu-west-1`);
    expect(f!.resources).toContainEqual({ type: 'aws:kms:key', id: KMS_KEY });
  });

  it('an unrecoverable code says so', () => {
    const [f] = runDiagnostic(clusterHealth, withIssue('KmsGrantRevoked'));
    expect(f!.rootCause).toContain('not recoverable');
  });

  it('the cluster role is named for IAM causes to scope to', () => {
    const [f] = runDiagnostic(clusterHealth, withIssue('IamRoleNotFound'));
    expect(f!.resources).toContainEqual({ type: 'aws:iam:role', id: CLUSTER_ROLE_ARN });
    expect(f!.fix.commands[0]).toContain('--role-name shop-prod-cluster-role');
  });
});
