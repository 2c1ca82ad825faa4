import { describe, expect, it } from 'vitest';
import { describeDiagnostic, failedPart, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { buildBaseline } from '../mocks/scenario-builder/baseline.js';
import type { Snapshot } from '../src/snapshot/types.js';
import versionSkew from './version-skew.js';
import { runChecks } from '../src/engine/run-checks.js';

const baseline = buildBaseline();
const batchNode = baseline.kubernetes.nodes!.find((n) => n.status?.nodeInfo?.kubeletVersion?.startsWith('v1.34'))!.metadata!.name!;
const managedNode = baseline.kubernetes.nodes!.find((n) => n.metadata?.labels?.['eks.amazonaws.com/nodegroup'] === 'general')!.metadata!.name!;

/** The baseline seen on another day (support windows are judged against the capture time). */
const capturedOn = (day: string, also: (s: Snapshot) => void = () => {}) =>
  mutate((s) => {
    s.capturedAt = `${day}T00:00:00.000Z`;
    also(s);
  });

function setKubelet(s: Snapshot, node: string, version: string): void {
  s.kubernetes.nodes!.find((n) => n.metadata?.name === node)!.status!.nodeInfo!.kubeletVersion = version;
}

function setKubeProxyImage(s: Snapshot, tag: string): void {
  const ds = s.kubernetes.daemonSets!.find((d) => d.metadata?.name === 'kube-proxy')!;
  const c = ds.spec!.template.spec!.containers[0]!;
  c.image = `${c.image!.split(':')[0]}:${tag}`;
}

describeDiagnostic(versionSkew, {
  healthy: [
    { name: 'baseline (self-managed nodes one minor behind)', snapshot: mutate(() => {}) },
    { name: 'a kubelet exactly three minors behind a 1.35 control plane', snapshot: mutate((s) => setKubelet(s, batchNode, 'v1.32.9-eks-1a2b3c4')) },
    { name: 'kube-proxy three minors behind', snapshot: mutate((s) => setKubeProxyImage(s, 'v1.32.6-minimal-eksbuild.1')) },
  ],
  broken: [
    {
      name: 'kubelet four minors behind',
      snapshot: mutate((s) => setKubelet(s, batchNode, 'v1.31.13-eks-1a2b3c4')),
      expect: [{ id: 'version-skew/kubelet-too-old', resource: batchNode, canExplain: ['node-not-ready'] }],
    },
    {
      name: 'before 1.28 only two minors are allowed',
      snapshot: mutate((s) => {
        s.aws.cluster!.version = '1.27';
        for (const n of s.kubernetes.nodes!) n.status!.nodeInfo!.kubeletVersion = 'v1.27.16-eks-1a2b3c4';
        setKubelet(s, managedNode, 'v1.24.17-eks-1a2b3c4');
        setKubeProxyImage(s, 'v1.27.16-minimal-eksbuild.1');
      }),
      expect: [
        { id: 'version-skew/kubelet-too-old', resource: managedNode, mentions: '3 minor versions behind' },
        { id: 'version-skew/support-dates-unknown', severity: 'info' },
      ],
    },
    {
      name: 'kubelet newer than the control plane',
      snapshot: mutate((s) => setKubelet(s, managedNode, 'v1.36.1-eks-1a2b3c4')),
      expect: [{ id: 'version-skew/kubelet-newer-than-control-plane', resource: managedNode }],
    },
    {
      name: 'kube-proxy four minors behind',
      snapshot: mutate((s) => setKubeProxyImage(s, 'v1.31.10-minimal-eksbuild.2')),
      expect: [{ id: 'version-skew/kube-proxy-too-old', resource: 'kube-system/kube-proxy', canExplain: ['addon-unhealthy'] }],
    },
    {
      name: 'kube-proxy newer than the control plane',
      snapshot: mutate((s) => setKubeProxyImage(s, 'v1.36.0-eksbuild.1')),
      expect: [{ id: 'version-skew/kube-proxy-newer-than-control-plane', resource: 'kube-proxy' }],
    },
    {
      name: 'standard support ends within 60 days',
      snapshot: capturedOn('2027-03-01'),
      expect: [{ id: 'version-skew/standard-support-ending', resource: 'shop-prod', mentions: '26 days', severity: 'warning' }],
    },
    {
      name: 'past standard support, in (billed) extended support',
      snapshot: capturedOn('2027-04-10'),
      expect: [{ id: 'version-skew/past-standard-support', resource: 'shop-prod', mentions: 'extended support' }],
    },
    {
      name: 'past standard support with upgrade policy STANDARD: EKS upgrades it',
      snapshot: capturedOn('2027-04-10', (s) => {
        s.aws.cluster!.upgradePolicy = { supportType: 'STANDARD' };
      }),
      expect: [{ id: 'version-skew/past-standard-support', mentions: 'upgrade the cluster automatically' }],
    },
    {
      name: 'past extended support',
      snapshot: capturedOn('2028-04-01'),
      expect: [{ id: 'version-skew/past-extended-support', resource: 'shop-prod', severity: 'critical' }],
    },
    {
      name: 'DescribeClusterVersions not collected',
      snapshot: mutate((s) => {
        delete s.aws.clusterVersions;
      }),
      expect: [{ id: 'version-skew/support-dates-unknown', mentions: 'not collected' }],
    },
  ],
  errors: [
    failedPart('DescribeCluster failed', { part: 'aws.cluster', call: 'eks:DescribeCluster', kind: 'denied', code: 'AccessDeniedException', message: 'not authorized', permission: 'eks:DescribeCluster' }, 'eks:DescribeCluster'),
  ],
});

describe('the fix for a self-managed node too far behind', () => {
  const fixFor = (edit: (s: Snapshot) => void) => {
    const snapshot = mutate((s) => {
      setKubelet(s, batchNode, 'v1.31.13-eks-1a2b3c4');
      edit(s);
    });
    return runDiagnostic(versionSkew, snapshot).find((f) => f.id === 'version-skew/kubelet-too-old')!.fix.commands;
  };

  it('puts the AMI into a new version of the group’s launch template, based on the version it runs, before the refresh', () => {
    const commands = fixFor(() => {});
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatch(/^aws ec2 create-launch-template-version --region eu-west-1 --launch-template-id lt-0b1c2d3e4f5a6b7c8 --source-version 3 /);
    expect(commands[0]).toContain('"ImageId=$(aws ssm get-parameter --region eu-west-1 --name /aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/image_id');
    expect(commands[1]).toBe('aws autoscaling start-instance-refresh --region eu-west-1 --auto-scaling-group-name shop-prod-batch');
  });

  it('moves a group pinned to a version number onto $Latest, and takes the arm64 AMI for arm64 nodes', () => {
    const commands = fixFor((s) => {
      s.aws.autoScalingGroups!.find((g) => g.AutoScalingGroupName === 'shop-prod-batch')!.LaunchTemplate!.Version = '3';
      s.kubernetes.nodes!.find((n) => n.metadata?.name === batchNode)!.status!.nodeInfo!.architecture = 'arm64';
    });
    expect(commands[0]).toContain('/amazon-linux-2023/arm64/standard/');
    expect(commands[1]).toBe("aws autoscaling update-auto-scaling-group --region eu-west-1 --auto-scaling-group-name shop-prod-batch --launch-template 'LaunchTemplateId=lt-0b1c2d3e4f5a6b7c8,Version=$Latest'");
    expect(commands[2]).toMatch(/^aws autoscaling start-instance-refresh /);
  });

  it('without the launch template in the snapshot, looks the AMI up and refreshes', () => {
    const commands = fixFor((s) => {
      delete s.aws.launchTemplateVersions;
    });
    expect(commands.map((c) => c.split(' --')[0])).toEqual(['aws ssm get-parameter', 'aws autoscaling start-instance-refresh']);
  });
});

it('a whole group on an old AMI is one root cause naming every node of it, not one per node', () => {
  const batchNodes = baseline.kubernetes.nodes!.filter((n) => n.status?.nodeInfo?.kubeletVersion?.startsWith('v1.34')).map((n) => n.metadata!.name!);
  expect(batchNodes.length).toBeGreaterThan(1);
  const snapshot = mutate((s) => {
    for (const name of batchNodes) setKubelet(s, name, 'v1.31.13-eks-1a2b3c4');
  });
  const findings = runDiagnostic(versionSkew, snapshot).filter((f) => f.id === 'version-skew/kubelet-too-old');
  expect(findings).toHaveLength(1);
  expect(findings[0]!.key).toBe('version-skew/kubelet-too-old:shop-prod-batch');
  expect(findings[0]!.title).toBe(`${batchNodes.length} nodes of Auto Scaling group shop-prod-batch run kubelet 1.31, 4 minor versions behind the 1.35 control plane`);
  expect(findings[0]!.canExplain).toEqual([{ symptom: 'node-not-ready', resources: batchNodes.map((name) => ({ type: 'k8s:Node', id: name })) }]);
});

describe('version-skew without DescribeClusterVersions', () => {
  it('denied: no finding restates it; the check is incomplete, naming the permission', async () => {
    const snapshot = mutate((s) => {
      delete s.aws.clusterVersions;
      s.errors.push({ part: 'aws.clusterVersions', call: 'eks:DescribeClusterVersions', kind: 'denied', code: 'AccessDeniedException', message: 'not authorized', permission: 'eks:DescribeClusterVersions' });
    });
    const { checks, findings } = await runChecks(snapshot, [versionSkew], {});
    expect(findings.map((f) => f.id)).not.toContain('version-skew/support-dates-unknown');
    expect(checks[0]).toMatchObject({ status: 'pass', incomplete: [{ part: 'aws.clusterVersions', failedCalls: [{ permission: 'eks:DescribeClusterVersions' }] }] });
  });
});
