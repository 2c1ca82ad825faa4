/**
 * The Kubernetes side of moto's sick cluster (test/aws/moto.ts), built from the instances moto
 * actually launched so that both halves agree the way they do on EKS: a Node is named after its
 * instance's private DNS name and carries providerID aws:///AZ/INSTANCE-ID.
 *
 * The story: someone rewrote kube-system/aws-auth and dropped the node role's mapping. The first
 * instance had joined before that and now stays NotReady (its kubelet's credentials are refused, so
 * it stopped posting status); the second instance launched after it and never registered.
 */
import { DescribeInstancesCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2';
import type { KubeNode, KubePod, KubernetesData } from '../../src/snapshot/types.js';
import { MOCK_CREDENTIALS } from '../../mocks/aws-mock/index.js';
import { SICK_CLUSTER } from './moto.js';


/** A role that is mapped: aws-auth is present and valid, it only lacks the node role. */
export const MAPPED_ADMIN_ROLE_ARN = 'arn:aws:iam::123456789012:role/platform-admin';

export interface MotoNodes {
  /** The instance that registered and is now NotReady. */
  joined: { instanceId: string; nodeName: string; az: string };
  /** The instance that never registered. */
  notJoined: { instanceId: string };
}

/** The running instances of the sick cluster's Auto Scaling group, in instance-ID order. */
export async function motoWorkerInstances(url: string): Promise<Instance[]> {
  const ec2 = new EC2Client({ region: SICK_CLUSTER.region, endpoint: url, credentials: MOCK_CREDENTIALS });
  try {
    const answer = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: [SICK_CLUSTER.asg] }, { Name: 'instance-state-name', Values: ['running'] }] }),
    );
    const instances = (answer.Reservations ?? []).flatMap((r) => r.Instances ?? []);
    return instances.sort((a, b) => a.InstanceId!.localeCompare(b.InstanceId!));
  } finally {
    ec2.destroy();
  }
}

function notReadyNode(instance: Instance, since: string): KubeNode {
  const name = instance.PrivateDnsName!;
  const az = instance.Placement!.AvailabilityZone!;
  const unknown = (type: string) => ({
    type,
    status: 'Unknown',
    reason: 'NodeStatusUnknown',
    message: 'Kubelet stopped posting node status.',
    lastHeartbeatTime: since,
    lastTransitionTime: since,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: `0d0d0d0d-0000-4000-8000-${instance.InstanceId!.slice(-12).padStart(12, '0')}`,
      resourceVersion: '4711',
      creationTimestamp: since,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': instance.InstanceType ?? 't3.medium',
        'topology.kubernetes.io/region': SICK_CLUSTER.region,
        'topology.kubernetes.io/zone': az,
      },
    },
    spec: {
      providerID: `aws:///${az}/${instance.InstanceId}`,
      taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: since }],
    },
    status: {
      conditions: ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map(unknown),
      addresses: [
        { type: 'InternalIP', address: instance.PrivateIpAddress! },
        { type: 'InternalDNS', address: name },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        machineID: instance.InstanceId!.replace('i-', 'ec2'),
        systemUUID: `ec2${instance.InstanceId!.slice(2)}`,
        bootID: `b007${instance.InstanceId!.slice(2)}`,
        kernelVersion: '6.12.40-63.114.amzn2023.x86_64',
        osImage: 'Amazon Linux 2023.9.20251105',
        containerRuntimeVersion: 'containerd://2.1.4',
        kubeletVersion: `v${SICK_CLUSTER.version}.0-eks-3025e55`,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

/** The aws-node and kube-proxy pods on the node, last seen Running before the kubelet went silent. */
function daemonPod(app: 'aws-node' | 'kube-proxy', instance: Instance, since: string): KubePod {
  const image = app === 'aws-node' ? `602401143452.dkr.ecr.${SICK_CLUSTER.region}.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1` : `602401143452.dkr.ecr.${SICK_CLUSTER.region}.amazonaws.com/eks/kube-proxy:v1.31.3-eksbuild.2`;
  return {
    metadata: { name: `${app}-${instance.InstanceId!.slice(-5)}`, namespace: 'kube-system', labels: { 'k8s-app': app }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: app, uid: `${app}-uid`, controller: true }] },
    spec: { nodeName: instance.PrivateDnsName!, hostNetwork: true, containers: [{ name: app, image }] },
    status: {
      phase: 'Running',
      hostIP: instance.PrivateIpAddress!,
      podIP: instance.PrivateIpAddress!,
      startTime: since,
      conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: since }],
      containerStatuses: [{ name: app, image, imageID: image, ready: true, restartCount: 0, started: true, state: { running: { startedAt: since } } }],
    },
  };
}

/**
 * The Kubernetes side for moto's instances: the first is a NotReady Node, the second never
 * registered, and aws-auth maps an admin role but not the node role.
 */
export function sickKubernetesSide(instances: Instance[]): { kubernetes: KubernetesData; nodes: MotoNodes } {
  const [first, second] = instances;
  if (!first?.PrivateDnsName || !first.Placement?.AvailabilityZone || !second?.InstanceId) {
    throw new Error(`moto launched ${instances.length} running instance(s) with ${first?.PrivateDnsName ? '' : 'no '}private DNS name; the test needs two`);
  }
  const since = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const kubernetes: KubernetesData = {
    version: {
      major: '1',
      minor: SICK_CLUSTER.version.split('.')[1]!,
      gitVersion: `v${SICK_CLUSTER.version}.4-eks-0a1b2c3`,
      gitCommit: '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567',
      gitTreeState: 'clean',
      buildDate: '2026-10-01T12:00:00Z',
      goVersion: 'go1.24.6',
      compiler: 'gc',
      platform: 'linux/amd64',
    },
    nodes: [notReadyNode(first, since)],
    awsAuth: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'aws-auth', namespace: 'kube-system', resourceVersion: '815' },
      data: {
        mapRoles: ['- rolearn: ' + MAPPED_ADMIN_ROLE_ARN, '  username: platform-admin', '  groups:', '    - system:masters', ''].join('\n'),
      },
    },
    kubeSystemPods: [daemonPod('aws-node', first, since), daemonPod('kube-proxy', first, since)],
    problemPods: [],
    daemonSets: [],
    deployments: [],
    loadBalancerServices: [],
    warningEvents: [],
    serviceAccounts: [],
    validatingWebhooks: [],
    mutatingWebhooks: [],
  };
  return {
    kubernetes,
    nodes: { joined: { instanceId: first.InstanceId!, nodeName: first.PrivateDnsName, az: first.Placement.AvailabilityZone }, notJoined: { instanceId: second.InstanceId } },
  };
}
