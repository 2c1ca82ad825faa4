import { AddonIssueCode } from '@aws-sdk/client-eks';
import { describe, expect, it } from 'vitest';
import { describeDiagnostic, describeHealthCatalogue, failedPart, healthIssueCases, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { EBS_CSI_ROLE_ARN } from '../mocks/scenario-builder/baseline.js';
import type { Snapshot } from '../src/snapshot/types.js';
import addonHealth from './addon-health.js';
import { ADDON_ISSUE_CODES } from './lib/health-codes.js';

const addon = (s: Snapshot, name: string) => s.aws.addons!.find((a) => a.addonName === name)!;

function withIssue(code: string, name = 'vpc-cni'): Snapshot {
  return mutate((s) => {
    const a = addon(s, name);
    a.status = 'DEGRADED';
    a.health = { issues: [{ code: code as AddonIssueCode, message: `EKS says ${code}`, resourceIds: [] }] };
  });
}

describeDiagnostic(addonHealth, {
  healthy: [{ name: 'baseline: every add-on ACTIVE', snapshot: mutate(() => {}) }],
  broken: [
    ...healthIssueCases('addon-health', ADDON_ISSUE_CODES, (code) => withIssue(code), 'vpc-cni', 'PodIdentityAssociationMissing'),
    ...(['CREATE_FAILED', 'UPDATE_FAILED', 'DELETE_FAILED', 'DEGRADED'] as const).map((status) => ({
      name: `${status} with no health issue`,
      snapshot: mutate((s) => {
        addon(s, 'coredns').status = status;
      }),
      expect: [{ id: `addon-health/status-${status.toLowerCase().replace('_', '-')}`, resource: 'coredns' }],
    })),
    {
      name: 'UPDATING is info only',
      snapshot: mutate((s) => {
        addon(s, 'kube-proxy').status = 'UPDATING';
      }),
      expect: [{ id: 'addon-health/status-in-progress', resource: 'kube-proxy', severity: 'info' as const }],
    },
  ],
  errors: [
    failedPart('add-ons could not be listed', { part: 'aws.addons', call: 'eks:ListAddons', kind: 'denied', code: 'AccessDeniedException', message: 'not authorized', permission: 'eks:ListAddons' }, 'eks:ListAddons'),
  ],
});

describeHealthCatalogue({ diagnostic: addonHealth, entries: ADDON_ISSUE_CODES, sdkCodes: AddonIssueCode, count: 10, withIssue: (code) => withIssue(code), symptom: 'addon-unhealthy' });

describe('addon-health specifics', () => {
  it('InsufficientNumberOfReplicas names the DaemonSet, shows its readiness and lists its pods by selector', () => {
    const snapshot = mutate((s) => {
      const a = addon(s, 'vpc-cni');
      a.status = 'DEGRADED';
      a.health = { issues: [{ code: 'InsufficientNumberOfReplicas', message: 'The add-on is unhealthy because it doesn\'t have the desired number of replicas.', resourceIds: [] }] };
      s.kubernetes.daemonSets!.find((d) => d.metadata?.name === 'aws-node')!.status!.numberReady = 4;
    });
    const [f] = runDiagnostic(addonHealth, snapshot);
    expect(f!.resources).toContainEqual({ type: 'k8s:DaemonSet', id: 'kube-system/aws-node' });
    expect(f!.evidence).toContain('DaemonSet kube-system/aws-node: 4 of 6 pods ready.');
    expect(f!.fix.commands[0]).toBe('kubectl get pods -n kube-system -l k8s-app=aws-node -o wide');
  });

  it('AddonPermissionFailure names the IRSA role for IAM causes and checks its policies', () => {
    const [f] = runDiagnostic(addonHealth, withIssue('AddonPermissionFailure', 'aws-ebs-csi-driver'));
    expect(f!.resources).toContainEqual({ type: 'aws:iam:role', id: EBS_CSI_ROLE_ARN });
    expect(f!.fix.commands).toContain('aws iam list-attached-role-policies --role-name shop-prod-ebs-csi');
  });

  it('ConfigurationConflict fixes with the add-on\'s own version and OVERWRITE', () => {
    const [f] = runDiagnostic(addonHealth, withIssue('ConfigurationConflict', 'coredns'));
    expect(f!.fix.commands.at(-1)).toMatch(/^aws eks update-addon --cluster-name shop-prod --addon-name coredns --addon-version v[\d.]+-eksbuild\.\d+ --resolve-conflicts OVERWRITE --region eu-west-1$/);
  });
});
