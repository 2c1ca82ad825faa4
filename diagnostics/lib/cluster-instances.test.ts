import { describe, expect, it } from 'vitest';
import { BATCH_ASG, BATCH_PROFILE_ARN, BATCH_ROLE_ARN, MANAGED_ASG, MANAGED_NODEGROUP, NODE_ROLE_ARN, PRIVATE_SUBNETS, buildBaseline } from '../../mocks/scenario-builder/baseline.js';
import { groupInstanceIds, launchUnjoinedInstance, minutesBeforeCapture } from '../../mocks/faults/node-registration.js';
import { mutate } from '../../test/support/diagnostic-tester.js';
import { instanceIdFromProviderId } from '../../src/domain/provider-id.js';
import { clusterInstances, nodeDnsNames, nodeOrigin } from './cluster-instances.js';
import type { KubeNode } from '../../src/snapshot/types.js';

const KARPENTER_INSTANCE = 'i-0c0ffee0c0ffee001';
const node = (labels: Record<string, string>, providerID?: string, name = 'n'): KubeNode => ({ metadata: { name, labels }, spec: providerID ? { providerID } : {} });

describe('instanceIdFromProviderId', () => {
  it.each([
    ['aws:///eu-west-1a/i-0123456789abcdef0', 'i-0123456789abcdef0'],
    ['aws:///eu-west-1b/0123456789abcdef0123456789abcdef-1234567890/fargate-ip-10-0-40-9.eu-west-1.compute.internal', undefined],
    ['eks-hybrid:///eu-west-1/shop-prod/mi-0123456789abcdef0', undefined],
    ['gce://project/zone/name', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s -> %s', (providerId, expected) => {
    expect(instanceIdFromProviderId(providerId)).toBe(expected);
  });
});

describe('nodeOrigin', () => {
  it.each([
    [node({ 'eks.amazonaws.com/compute-type': 'fargate' }, 'aws:///eu-west-1b/abc-1/fargate-x'), 'fargate'],
    [node({}, 'aws:///eu-west-1b/abc-1/fargate-x', 'fargate-ip-10-0-40-9'), 'fargate'],
    [node({ 'eks.amazonaws.com/compute-type': 'hybrid' }), 'hybrid'],
    [node({}, 'eks-hybrid:///eu-west-1/shop-prod/mi-0123456789abcdef0'), 'hybrid'],
    [node({ 'eks.amazonaws.com/compute-type': 'auto', 'karpenter.sh/nodepool': 'general-purpose' }, 'aws:///eu-west-1a/i-0123456789abcdef0'), 'auto-mode'],
    [node({ 'karpenter.sh/nodepool': 'default' }, 'aws:///eu-west-1a/i-0123456789abcdef0'), 'karpenter'],
    [node({ 'karpenter.sh/provisioner-name': 'default' }), 'karpenter'],
    [node({}, 'aws:///eu-west-1a/i-0123456789abcdef0'), 'ec2'],
    [node({}), 'unknown'],
  ])('%j is %s', (n, origin) => {
    expect(nodeOrigin(n)).toBe(origin);
  });
});

describe('nodeDnsNames', () => {
  it('collects the name and the InternalDNS and Hostname addresses, lower-cased, without duplicates', () => {
    const n: KubeNode = {
      metadata: { name: 'IP-10-0-1-10.eu-west-1.compute.internal' },
      status: {
        addresses: [
          { type: 'InternalIP', address: '10.0.1.10' },
          { type: 'InternalDNS', address: 'ip-10-0-1-10.eu-west-1.compute.internal' },
          { type: 'Hostname', address: 'ip-10-0-1-10.corp.example' },
        ],
      },
    };
    expect(nodeDnsNames(n)).toEqual(['ip-10-0-1-10.eu-west-1.compute.internal', 'ip-10-0-1-10.corp.example']);
  });
});

describe('ClusterInstances on the baseline', () => {
  const s = buildBaseline();
  const index = clusterInstances(s);
  const managed = groupInstanceIds(s, MANAGED_ASG);
  const batch = groupInstanceIds(s, BATCH_ASG);

  it('finds the cluster groups: the managed node group’s and the tagged self-managed one', () => {
    expect([...index.groups.keys()].sort()).toEqual([BATCH_ASG, MANAGED_ASG].sort());
    expect(index.nodegroupOfGroup(MANAGED_ASG)).toBe(MANAGED_NODEGROUP);
    expect(index.nodegroupOfGroup(BATCH_ASG)).toBeUndefined();
  });

  it('indexes every instance of the cluster, Karpenter’s included', () => {
    expect(index.instances.map((i) => i.InstanceId).sort()).toEqual([...managed, ...batch, KARPENTER_INSTANCE].sort());
    expect(index.instanceListComplete).toBe(true);
  });

  it('matches every EC2 Node to its instance, and no Fargate Node', () => {
    for (const id of [...managed, ...batch, KARPENTER_INSTANCE]) expect(index.nodeOf(id)?.spec?.providerID).toMatch(new RegExp(`/${id}$`));
    const fargate = s.kubernetes.nodes!.find((n) => nodeOrigin(n) === 'fargate')!;
    expect(index.instanceIdOf(fargate)).toBeUndefined();
  });

  it('resolves group, node group, profile and roles per instance', () => {
    expect(index.groupNameOf(managed[0]!)).toBe(MANAGED_ASG);
    expect(index.nodegroupOf(managed[0]!)).toBe(MANAGED_NODEGROUP);
    expect(index.roleArnsOf(managed[0]!)).toEqual([NODE_ROLE_ARN]);
    expect(index.groupNameOf(batch[0]!)).toBe(BATCH_ASG);
    expect(index.instanceProfileArnOf(batch[0]!)).toBe(BATCH_PROFILE_ARN);
    expect(index.roleArnsOf(batch[0]!)).toEqual([BATCH_ROLE_ARN]);
    expect(index.groupNameOf(KARPENTER_INSTANCE)).toBeUndefined();
    expect(index.nodegroupOf(KARPENTER_INSTANCE)).toBeUndefined();
  });

  it('names the resources of an instance the way resources.ts spells them', () => {
    expect(index.resourcesOf(batch[0]!)).toEqual([
      { type: 'aws:ec2:instance', id: batch[0] },
      { type: 'aws:autoscaling:group', id: BATCH_ASG },
      { type: 'aws:iam:instance-profile', id: BATCH_PROFILE_ARN },
      { type: 'aws:iam:role', id: BATCH_ROLE_ARN },
      { type: 'aws:ec2:subnet', id: PRIVATE_SUBNETS[1] },
      { type: 'aws:ec2:security-group', id: 'sg-0c1a2b3c4d5e6f701' },
    ]);
  });
});

describe('ClusterInstances edge cases', () => {
  it('matches a Node without a provider ID by private DNS name', () => {
    const s = mutate((x) => {
      delete x.kubernetes.nodes![0]!.spec!.providerID;
    });
    const index = clusterInstances(s);
    expect(index.instanceIdOf(s.kubernetes.nodes![0]!)).toBe(groupInstanceIds(s, MANAGED_ASG)[0]);
  });

  it('matches a Node with neither a provider ID nor a matching DNS name by its InternalIP', () => {
    const s = mutate((x) => {
      delete x.kubernetes.nodes![0]!.spec!.providerID;
      for (const r of x.aws.reservations!) for (const i of r.Instances!) i.PrivateDnsName = '';
    });
    const index = clusterInstances(s);
    expect(index.instanceIdOf(s.kubernetes.nodes![0]!)).toBe(groupInstanceIds(s, MANAGED_ASG)[0]);
    expect(index.nodeOf(groupInstanceIds(s, MANAGED_ASG)[0]!)?.metadata?.name).toBe(s.kubernetes.nodes![0]!.metadata!.name);
  });

  it('does not match by InternalIP when two instances share the address', () => {
    const s = mutate((x) => {
      const node = x.kubernetes.nodes![0]!;
      delete node.spec!.providerID;
      launchUnjoinedInstance(x, groupInstanceIds(x, MANAGED_ASG)[1]!, { instanceId: 'i-0a5ee0000000000a9', privateIp: node.status!.addresses!.find((a) => a.type === 'InternalIP')!.address, launchTime: minutesBeforeCapture(x, 30) });
      for (const r of x.aws.reservations!) for (const i of r.Instances!) i.PrivateDnsName = '';
    });
    expect(clusterInstances(s).instanceIdOf(s.kubernetes.nodes![0]!)).toBeUndefined();
  });

  it('does not hand a Node to a new instance that reused its IP address: the provider ID wins', () => {
    const s = mutate((x) => {
      const old = x.kubernetes.nodes![0]!;
      old.spec!.providerID = 'aws:///eu-west-1a/i-0dead00000000beef';
      launchUnjoinedInstance(x, groupInstanceIds(x, MANAGED_ASG)[1]!, { instanceId: 'i-0a5ee0000000000a9', privateIp: old.status!.addresses![0]!.address, launchTime: minutesBeforeCapture(x, 30) });
    });
    const index = clusterInstances(s);
    expect(index.nodeOf('i-0a5ee0000000000a9')).toBeUndefined();
    expect(index.instanceIdOf(s.kubernetes.nodes![0]!)).toBe('i-0dead00000000beef');
  });

  it('falls back to the eks:nodegroup-name tag when the node group’s group was not collected', () => {
    const s = mutate((x) => {
      x.aws.autoScalingGroups = x.aws.autoScalingGroups!.filter((g) => g.AutoScalingGroupName !== MANAGED_ASG);
      x.aws.nodegroups = [];
    });
    const index = clusterInstances(s);
    const id = s.aws.reservations![0]!.Instances![0]!.InstanceId!;
    expect(index.groupNameOf(id)).toBeUndefined();
    expect(index.nodegroupOf(id)).toBe(MANAGED_NODEGROUP);
    expect(index.instances.some((i) => i.InstanceId === id)).toBe(true);
  });

  it('leaves out instances tagged for another cluster', () => {
    const s = mutate((x) => {
      const other = launchUnjoinedInstance(x, KARPENTER_INSTANCE, { instanceId: 'i-0a5ee0000000000a9', privateIp: '10.0.65.99', launchTime: minutesBeforeCapture(x, 60) });
      other.Tags = [{ Key: 'karpenter.sh/nodepool', Value: 'default' }, { Key: 'eks:eks-cluster-name', Value: 'shop-staging' }];
    });
    const index = clusterInstances(s);
    expect(index.byId.has('i-0a5ee0000000000a9')).toBe(true);
    expect(index.instances.some((i) => i.InstanceId === 'i-0a5ee0000000000a9')).toBe(false);
  });

  it('reports the instance list incomplete when DescribeInstances partly failed', () => {
    const s = mutate((x) => {
      x.errors.push({ part: 'aws.reservations', call: 'ec2:DescribeInstances', kind: 'throttled', code: 'RequestLimitExceeded', message: 'Request limit exceeded.' });
    });
    expect(clusterInstances(s).instanceListComplete).toBe(false);
  });

  it('copes with a snapshot with no AWS capacity parts at all', () => {
    const s = mutate((x) => {
      delete x.aws.reservations;
      delete x.aws.autoScalingGroups;
      delete x.aws.nodegroups;
      delete x.aws.iamInstanceProfiles;
    });
    const index = clusterInstances(s);
    expect(index.instances).toEqual([]);
    expect(index.groups.size).toBe(0);
    expect(index.instanceListComplete).toBe(false);
  });
});
