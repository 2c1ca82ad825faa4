import { describeDiagnostic, mutate } from '../test/support/diagnostic-tester.js';
import type { Snapshot } from '../src/snapshot/types.js';
import addonVersions from './addon-versions.js';

function setAddonVersion(s: Snapshot, name: string, version: string): void {
  s.aws.addons!.find((a) => a.addonName === name)!.addonVersion = version;
}

/** Make a component self-managed: no EKS add-on, the workload's image at `tag`. */
function selfManaged(s: Snapshot, addon: string, kind: 'daemonSets' | 'deployments', name: string, image: string): void {
  s.aws.addons = s.aws.addons!.filter((a) => a.addonName !== addon);
  const workload = s.kubernetes[kind]!.find((w) => w.metadata?.name === name)!;
  workload.spec!.template.spec!.containers[0]!.image = image;
}

const ecr = '602401143452.dkr.ecr.eu-west-1.amazonaws.com';

/** aws-node not ready on every node, as when the CNI has no permissions. */
function awsNodeNotReady(s: Snapshot, ready: number): void {
  const ds = s.kubernetes.daemonSets!.find((d) => d.metadata?.name === 'aws-node')!;
  ds.status!.numberReady = ready;
  ds.status!.numberAvailable = ready;
  const pods = s.kubernetes.kubeSystemPods!.filter((p) => p.metadata?.name?.startsWith('aws-node-'));
  for (const pod of pods.slice(ready)) {
    pod.status!.conditions = [{ type: 'Ready', status: 'False' }];
    pod.status!.containerStatuses = pod.status!.containerStatuses!.map((c) => ({ ...c, ready: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } } }));
  }
}

describeDiagnostic(addonVersions, {
  healthy: [
    { name: 'baseline (every managed add-on at its default version)', snapshot: mutate(() => {}) },
    { name: 'self-managed vpc-cni at the default version', snapshot: mutate((s) => selfManaged(s, 'vpc-cni', 'daemonSets', 'aws-node', `${ecr}/amazon-k8s-cni:v1.21.1-eksbuild.1`)) },
    { name: 'self-managed kube-proxy at the default release with the minimal image', snapshot: mutate((s) => selfManaged(s, 'kube-proxy', 'daemonSets', 'kube-proxy', `${ecr}/eks/kube-proxy:v1.35.2-minimal-eksbuild.3`)) },
  ],
  broken: [
    {
      name: 'managed vpc-cni version not supported on the cluster version',
      snapshot: mutate((s) => setAddonVersion(s, 'vpc-cni', 'v1.16.4-eksbuild.2')),
      expect: [{ id: 'addon-versions/managed-addon-incompatible', resource: 'vpc-cni', severity: 'critical', canExplain: ['addon-unhealthy'] }],
    },
    {
      name: 'managed coredns compatible but behind the default',
      snapshot: mutate((s) => setAddonVersion(s, 'coredns', 'v1.12.1-eksbuild.2')),
      expect: [{ id: 'addon-versions/managed-addon-behind-default', resource: 'coredns', severity: 'warning' }],
    },
    {
      name: 'managed kube-proxy one minor behind after a control plane upgrade: only behind default (version-skew judges the skew)',
      snapshot: mutate((s) => setAddonVersion(s, 'kube-proxy', 'v1.34.1-eksbuild.1')),
      expect: [{ id: 'addon-versions/managed-addon-behind-default', resource: 'kube-proxy' }],
    },
    {
      name: 'self-managed vpc-cni older than any supported version',
      snapshot: mutate((s) => selfManaged(s, 'vpc-cni', 'daemonSets', 'aws-node', `${ecr}/amazon-k8s-cni:v1.16.0-eksbuild.1`)),
      expect: [{ id: 'addon-versions/self-managed-incompatible', resource: 'kube-system/aws-node', canExplain: ['addon-unhealthy'] }],
    },
    {
      name: 'self-managed vpc-cni behind the default',
      snapshot: mutate((s) => selfManaged(s, 'vpc-cni', 'daemonSets', 'aws-node', `${ecr}/amazon-k8s-cni:v1.20.4-eksbuild.2`)),
      expect: [{ id: 'addon-versions/self-managed-behind-default', resource: 'kube-system/aws-node' }],
    },
    {
      name: 'self-managed coredns from the upstream registry, behind the default',
      snapshot: mutate((s) => selfManaged(s, 'coredns', 'deployments', 'coredns', 'registry.k8s.io/coredns/coredns:v1.12.1')),
      expect: [{ id: 'addon-versions/self-managed-behind-default', resource: 'kube-system/coredns' }],
    },
    {
      name: 'self-managed kube-proxy behind the default release',
      snapshot: mutate((s) => selfManaged(s, 'kube-proxy', 'daemonSets', 'kube-proxy', `${ecr}/eks/kube-proxy:v1.35.0-minimal-eksbuild.1`)),
      expect: [{ id: 'addon-versions/self-managed-behind-default', resource: 'kube-system/kube-proxy' }],
    },
    {
      name: 'no aws-node pod is ready',
      snapshot: mutate((s) => awsNodeNotReady(s, 0)),
      expect: [{ id: 'addon-versions/daemonset-pods-not-ready', resource: 'kube-system/aws-node', severity: 'critical', mentions: '0 of 6' }],
    },
    {
      name: 'some aws-node pods are not ready: the symptom names their nodes',
      snapshot: mutate((s) => awsNodeNotReady(s, 4)),
      expect: [
        { id: 'addon-versions/daemonset-pods-not-ready', resource: 'vpc-cni', severity: 'warning' },
        { id: 'addon-versions/daemonset-pods-not-ready', resource: 'ip-10-0-93-10.eu-west-1.compute.internal' },
      ],
    },
    {
      name: 'kube-proxy DaemonSet short of ready pods',
      snapshot: mutate((s) => {
        s.kubernetes.daemonSets!.find((d) => d.metadata?.name === 'kube-proxy')!.status!.numberReady = 5;
      }),
      expect: [{ id: 'addon-versions/daemonset-pods-not-ready', resource: 'kube-system/kube-proxy' }],
    },
  ],
});
