import { AddonIssueCode } from '@aws-sdk/client-eks';
import { describe, expect, it } from 'vitest';
import { describeDiagnostic, describeHealthCatalogue, failedPart, healthIssueCases, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { EBS_CSI_ROLE_ARN } from '../mocks/scenario-builder/baseline.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { corednsPods, corednsPodsDown, faults as podStartFaults } from '../mocks/faults/pod-start.js';
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

/**
 * The cluster as a Fargate-only one: no node group, Auto Scaling group, NodePool or EC2 Node; CoreDNS's
 * pods Pending, the scheduler finding only Fargate nodes it may not use (their taint).
 */
function fargateOnly(edit: (s: Snapshot) => void = () => {}): Snapshot {
  return mutate((s) => {
    s.aws.nodegroups = [];
    s.aws.autoScalingGroups = [];
    s.kubernetes.nodePools = [];
    s.kubernetes.nodes = s.kubernetes.nodes!.filter((n) => n.metadata?.labels?.['eks.amazonaws.com/compute-type'] === 'fargate');
    const pods = corednsPods(s);
    for (const pod of pods) {
      delete pod.spec!.nodeName;
      pod.status = {
        phase: 'Pending',
        // pkg/scheduler/framework/types.go FitError (from memory): the Fargate node's taint, untolerated.
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 node(s) had untolerated taint {eks.amazonaws.com/compute-type: fargate}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.', lastTransitionTime: s.capturedAt }],
      };
    }
    corednsPodsDown(s, pods);
    edit(s);
  });
}

const corednsProfile = (s: Snapshot, selector: { namespace: string; labels?: Record<string, string> }) =>
  s.aws.fargateProfiles!.push({ ...s.aws.fargateProfiles![0]!, fargateProfileName: 'coredns', selectors: [selector] });

describeDiagnostic(addonHealth, {
  healthy: [
    { name: 'self-managed CoreDNS (no add-on) with its replicas', snapshot: mutate((s) => void (s.aws.addons = s.aws.addons!.filter((a) => a.addonName !== 'coredns'))) },
    {
      name: 'Fargate-only, a profile selecting kube-system by wildcard and CoreDNS running there',
      snapshot: mutate((s) => {
        s.aws.nodegroups = [];
        s.aws.autoScalingGroups = [];
        s.kubernetes.nodePools = [];
        s.kubernetes.nodes = s.kubernetes.nodes!.filter((n) => n.metadata?.labels?.['eks.amazonaws.com/compute-type'] === 'fargate');
        corednsProfile(s, { namespace: 'kube-*', labels: { 'k8s-app': 'core?ns' } });
      }),
    },
  ],
  broken: [
    {
      name: 'the nodes CoreDNS runs on are NotReady: coredns-unavailable names them, and EKS\'s InsufficientNumberOfReplicas folds into it',
      snapshot: mutate((s) => podStartFaults.find((f) => f.name === 'coredns-nodes-kubelet-stopped')!.apply(s)),
      expect: [{ id: 'addon-health/coredns-unavailable', resource: 'ip-10-0-1-10.eu-west-1.compute.internal', severity: 'critical', mentions: '0 of 2 ready' }],
    },
    {
      name: 'CoreDNS scaled to zero',
      snapshot: mutate((s) => {
        const d = s.kubernetes.deployments!.find((x) => x.metadata?.name === 'coredns')!;
        d.spec!.replicas = 0;
        d.status = { observedGeneration: 3, conditions: d.status!.conditions };
      }),
      expect: [{ id: 'addon-health/coredns-unavailable', resource: 'kube-system/coredns', mentions: 'scaled to 0 replicas' }],
    },
    {
      name: 'Fargate-only, no profile selects kube-system: the cause, and the symptom it explains',
      snapshot: fargateOnly(),
      expect: [
        { id: 'addon-health/coredns-unavailable', resource: 'kube-system/kube-dns' },
        { id: 'addon-health/coredns-no-fargate-profile', resource: 'kube-system/coredns', canExplain: ['coredns-unavailable', 'pod-unschedulable'], mentions: 'none of its Fargate profiles (serverless)' },
      ],
    },
    {
      name: "Fargate-only with no node at all yet: the scheduler's ErrNoNodesAvailable (pkg/scheduler/schedule_one.go: \"no nodes available to schedule pods\")",
      snapshot: fargateOnly((s) => {
        s.kubernetes.nodes = [];
        for (const pod of corednsPods(s)) pod.status!.conditions = [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'no nodes available to schedule pods', lastTransitionTime: s.capturedAt }];
      }),
      expect: [
        { id: 'addon-health/coredns-unavailable', resource: 'kube-system/coredns' },
        { id: 'addon-health/coredns-no-fargate-profile', resource: 'kube-system/coredns', canExplain: ['coredns-unavailable', 'pod-unschedulable'] },
      ],
    },
    {
      name: 'Fargate-only, a profile selects CoreDNS but its template keeps the EC2 annotation',
      snapshot: fargateOnly((s) => {
        corednsProfile(s, { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } });
        const template = s.kubernetes.deployments!.find((x) => x.metadata?.name === 'coredns')!.spec!.template!;
        template.metadata = { ...template.metadata, annotations: { 'eks.amazonaws.com/compute-type': 'ec2' } };
      }),
      expect: [
        { id: 'addon-health/coredns-unavailable', resource: 'kube-system/coredns' },
        { id: 'addon-health/coredns-no-fargate-profile', resource: 'kube-system/coredns', mentions: 'eks.amazonaws.com/compute-type: ec2' },
      ],
    },
  ],
});

describe('addon-health: CoreDNS', () => {
  it('one finding for CoreDNS below its replicas, quoting EKS and its pods, not a second one for the add-on issue', () => {
    const s = mutate((x) => podStartFaults.find((f) => f.name === 'coredns-nodes-kubelet-stopped')!.apply(x));
    const findings = runDiagnostic(addonHealth, s);
    expect(findings.map((f) => f.id)).toEqual(['addon-health/coredns-unavailable']);
    expect(findings[0]!.evidence).toEqual([
      'Deployment kube-system/coredns: 2 desired, 0 ready, 0 available.',
      "Amazon EKS reports InsufficientNumberOfReplicas on the coredns add-on v1.12.4-eksbuild.1: The add-on is unhealthy because it doesn't have the desired number of replicas.",
      'kube-system/coredns-7d9c6f8b4c-x2k9p on ip-10-0-1-10.eu-west-1.compute.internal: Running, not ready',
      'kube-system/coredns-7d9c6f8b4c-q7w4m on ip-10-0-33-11.eu-west-1.compute.internal: Running, not ready',
    ]);
  });

  it('without the Deployment (not read), EKS\'s InsufficientNumberOfReplicas on coredns is still the CoreDNS symptom', () => {
    const s = withIssue('InsufficientNumberOfReplicas', 'coredns');
    delete s.kubernetes.deployments;
    expect(runDiagnostic(addonHealth, s).map((f) => f.id)).toEqual(['addon-health/coredns-unavailable']);
  });

  it('the Fargate cause prints the profile to create with the cluster\'s pod execution role and subnets', () => {
    const cause = runDiagnostic(addonHealth, fargateOnly()).find((f) => f.id === 'addon-health/coredns-no-fargate-profile')!;
    expect(cause.fix.commands[0]).toMatch(/^aws eks create-fargate-profile --cluster-name shop-prod --region eu-west-1 --fargate-profile-name coredns --pod-execution-role-arn arn:aws:iam::111122223333:role\/shop-prod-fargate-pod-execution --subnets subnet-\S+ subnet-\S+ subnet-\S+ --selectors namespace=kube-system,labels=\{k8s-app=kube-dns\}$/);
  });

  it('not Fargate-only while one EC2 source remains (a node group), or when the node groups were not read', () => {
    const withGroup = fargateOnly((s) => void (s.aws.nodegroups = [{ nodegroupName: 'general' }]));
    expect(runDiagnostic(addonHealth, withGroup).map((f) => f.id)).toEqual(['addon-health/coredns-unavailable']);
    const unread = fargateOnly((s) => void delete s.aws.nodegroups);
    expect(runDiagnostic(addonHealth, unread).map((f) => f.id)).toEqual(['addon-health/coredns-unavailable']);
  });
});
