import { BASELINE, BATCH_ASG, BATCH_LAUNCH_TEMPLATE_ID, buildBaseline } from '../mocks/scenario-builder/baseline.js';
import type { IpPermission, Snapshot } from '../src/snapshot/types.js';
import { describe, expect, it } from 'vitest';
import { describeDiagnostic, failedPart, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import securityGroups from './security-groups.js';
import { installKyverno } from '../mocks/faults/pod-start.js';

const { clusterSecurityGroupId: CLUSTER_SG, controlPlaneSecurityGroupId: CONTROL_PLANE_SG, account, vpcId } = BASELINE;
const BATCH_SG = 'sg-0b7c8d9e0f1a2b3c4';

const group = (s: Snapshot, id: string) => s.aws.securityGroups!.find((g) => g.GroupId === id)!;
const from = (groupId: string, protocol: string, port?: number): IpPermission => ({
  IpProtocol: protocol,
  ...(port !== undefined ? { FromPort: port, ToPort: port } : {}),
  UserIdGroupPairs: [{ GroupId: groupId, UserId: account }],
  IpRanges: [],
  Ipv6Ranges: [],
  PrefixListIds: [],
});
const everywhere: IpPermission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] };

/**
 * The self-managed batch nodes get their own security group from their launch template, replacing the
 * cluster security group (a common hand-built setup). `ingress` is what the batch group accepts;
 * `controlPlaneAccepts` adds rules to the additional control-plane group, `clusterAccepts` to the
 * cluster security group.
 */
function batchOwnGroup(o: { ingress: IpPermission[]; controlPlaneAccepts?: IpPermission[]; clusterAccepts?: IpPermission[]; egress?: IpPermission[] }) {
  return (s: Snapshot) => {
    s.aws.securityGroups!.push({ GroupId: BATCH_SG, GroupName: 'shop-prod-batch-nodes', Description: 'batch nodes', OwnerId: account, VpcId: vpcId, IpPermissions: [from(BATCH_SG, '-1'), ...o.ingress], IpPermissionsEgress: o.egress ?? [everywhere], Tags: [] });
    group(s, CONTROL_PLANE_SG).IpPermissions!.push(...(o.controlPlaneAccepts ?? []));
    group(s, CLUSTER_SG).IpPermissions!.push(...(o.clusterAccepts ?? []));
    s.aws.launchTemplateVersions!.find((v) => v.LaunchTemplateId === BATCH_LAUNCH_TEMPLATE_ID)!.LaunchTemplateData!.SecurityGroupIds = [BATCH_SG];
    for (const r of s.aws.reservations!) {
      for (const i of r.Instances!) {
        if (!i.Tags!.some((t) => t.Key === 'aws:autoscaling:groupName' && t.Value === BATCH_ASG)) continue;
        i.SecurityGroups = [{ GroupId: BATCH_SG, GroupName: 'shop-prod-batch-nodes' }];
        i.NetworkInterfaces![0]!.Groups = [{ GroupId: BATCH_SG, GroupName: 'shop-prod-batch-nodes' }];
      }
    }
  };
}
const dnsFromBatch = [from(BATCH_SG, 'udp', 53), from(BATCH_SG, 'tcp', 53)];
const batchInstance = (s: Snapshot) => s.aws.reservations!.flatMap((r) => r.Instances!).find((i) => i.Tags!.some((t) => t.Value === BATCH_ASG))!;

describeDiagnostic(securityGroups, {
  healthy: [
    { name: 'baseline: every node carries the cluster security group', snapshot: buildBaseline() },
    {
      name: 'batch nodes on their own group with every required rule',
      snapshot: mutate(batchOwnGroup({ ingress: [from(CLUSTER_SG, 'tcp', 10250), from(CLUSTER_SG, '-1')], controlPlaneAccepts: [from(BATCH_SG, 'tcp', 443)], clusterAccepts: dnsFromBatch })),
    },
    {
      name: 'control plane accepts 443 from a prefix list that holds the VPC range',
      snapshot: mutate((s) => {
        batchOwnGroup({ ingress: [from(CLUSTER_SG, '-1')], clusterAccepts: dnsFromBatch })(s);
        group(s, CONTROL_PLANE_SG).IpPermissions!.push({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-0aa11bb22cc33dd44' }], IpRanges: [], Ipv6Ranges: [], UserIdGroupPairs: [] });
        s.aws.prefixListEntries = [{ PrefixListId: 'pl-0aa11bb22cc33dd44', Entries: [{ Cidr: '10.0.0.0/16', Description: 'shop-prod VPC' }] }];
      }),
    },
    {
      name: 'a prefix list whose entries were not collected is not called a block',
      snapshot: mutate((s) => {
        batchOwnGroup({ ingress: [from(CLUSTER_SG, '-1')], clusterAccepts: dnsFromBatch })(s);
        group(s, CONTROL_PLANE_SG).IpPermissions!.push({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-0aa11bb22cc33dd44' }], IpRanges: [], Ipv6Ranges: [], UserIdGroupPairs: [] });
      }),
    },
    {
      name: "Kyverno's pods (by its EndpointSlice) run on nodes that accept 9443; the batch nodes that do not run none of them",
      snapshot: mutate((s) => {
        batchOwnGroup({ ingress: [from(CLUSTER_SG, 'tcp', 10250), from(CLUSTER_SG, 'tcp', 9443)], controlPlaneAccepts: [from(BATCH_SG, 'tcp', 443)], clusterAccepts: dnsFromBatch })(s);
        group(s, BATCH_SG).IpPermissions = group(s, BATCH_SG).IpPermissions!.filter((p) => p.FromPort !== 9443);
        // The Load Balancer Controller's own webhook would be blocked on the batch nodes only if its pods ran there; they do not.
        installKyverno(s, { replicas: 2, webhooks: ['Fail'] });
      }),
    },
  ],
  broken: [
    {
      name: 'launch template replaced the cluster security group with one the control plane does not accept on 443',
      snapshot: mutate(batchOwnGroup({ ingress: [from(CLUSTER_SG, '-1')], clusterAccepts: dnsFromBatch })),
      expect: [{ id: 'security-groups/api-server-port-blocked', resource: BATCH_SG, mentions: 'TCP 443', canExplain: ['instance-not-joined', 'node-not-ready', 'nodegroup-unhealthy'] }],
    },
    {
      name: 'node outbound limited to the VPC with no VPC endpoints',
      snapshot: mutate((s) => {
        group(s, CLUSTER_SG).IpPermissionsEgress = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }, from(CLUSTER_SG, '-1')];
      }),
      expect: [{ id: 'security-groups/node-egress-blocked', resource: CLUSTER_SG, canExplain: ['instance-not-joined'] }],
    },
    {
      name: 'batch group does not accept 10250 from the control plane',
      snapshot: mutate(batchOwnGroup({ ingress: [], controlPlaneAccepts: [from(BATCH_SG, 'tcp', 443)], clusterAccepts: dnsFromBatch })),
      expect: [{ id: 'security-groups/kubelet-port-blocked', resource: BATCH_SG, severity: 'warning' }],
    },
    {
      name: "Load Balancer Controller webhook pods on nodes that do not accept 9443 from the control plane",
      snapshot: mutate((s) => {
        batchOwnGroup({ ingress: [from(CLUSTER_SG, 'tcp', 10250)], controlPlaneAccepts: [from(BATCH_SG, 'tcp', 443)], clusterAccepts: dnsFromBatch })(s);
        const batchNode = s.kubernetes.nodes!.find((n) => n.spec!.providerID!.endsWith(batchInstance(s).InstanceId!))!.metadata!.name!;
        for (const p of s.kubernetes.kubeSystemPods!) if (p.metadata!.labels!['app.kubernetes.io/name'] === 'aws-load-balancer-controller') p.spec!.nodeName = batchNode;
      }),
      expect: [{ id: 'security-groups/webhook-port-blocked', resource: 'kube-system/aws-load-balancer-webhook-service', severity: 'critical', mentions: '9443' }],
    },
    {
      name: "Kyverno's webhook, a named targetPort resolved by its EndpointSlice (9443), its pods on batch nodes that do not accept it",
      snapshot: mutate((s) => {
        batchOwnGroup({ ingress: [from(CLUSTER_SG, 'tcp', 10250)], controlPlaneAccepts: [from(BATCH_SG, 'tcp', 443)], clusterAccepts: dnsFromBatch })(s);
        installKyverno(s, { replicas: 1, webhooks: ['Fail'] });
        const batchNode = s.kubernetes.nodes!.find((n) => n.spec!.providerID!.endsWith(batchInstance(s).InstanceId!))!.metadata!.name!;
        for (const e of s.kubernetes.webhookEndpointSlices!.find((x) => x.metadata!.namespace === 'kyverno')!.endpoints!) e.nodeName = batchNode;
      }),
      expect: [{ id: 'security-groups/webhook-port-blocked', resource: 'kyverno/kyverno-svc', severity: 'critical', mentions: 'TCP 9443' }],
    },
    {
      name: 'batch nodes cannot reach CoreDNS on the cluster security group',
      snapshot: mutate(batchOwnGroup({ ingress: [from(CLUSTER_SG, '-1')], controlPlaneAccepts: [from(BATCH_SG, 'tcp', 443)] })),
      expect: [{ id: 'security-groups/dns-blocked', resource: BATCH_SG, mentions: 'UDP and TCP 53' }],
    },
    {
      name: 'rule referencing a deleted security group',
      snapshot: mutate((s) => {
        group(s, CONTROL_PLANE_SG).IpPermissions!.push(from('sg-0deadbeefdeadbeef', 'tcp', 443));
        s.aws.notFound = [{ resourceType: 'ec2-security-group', id: 'sg-0deadbeefdeadbeef', call: 'ec2:DescribeSecurityGroups' }];
      }),
      expect: [{ id: 'security-groups/rule-references-deleted-group', resource: CONTROL_PLANE_SG, mentions: 'sg-0deadbeefdeadbeef' }],
    },
    {
      name: 'additional control-plane security group deleted',
      snapshot: mutate((s) => {
        s.aws.securityGroups = s.aws.securityGroups!.filter((g) => g.GroupId !== CONTROL_PLANE_SG);
      }),
      expect: [{ id: 'security-groups/control-plane-group-missing', resource: CONTROL_PLANE_SG, canExplain: ['cluster-unhealthy'] }],
    },
  ],
  errors: [
    failedPart('security groups could not be read', { part: 'aws.securityGroups', call: 'ec2:DescribeSecurityGroups', kind: 'denied', code: 'UnauthorizedOperation', message: 'not authorized', permission: 'ec2:DescribeSecurityGroups' }, 'ec2:DescribeSecurityGroups'),
  ],
});

describe('security-groups evidence', () => {
  it('says when a launch template replaced the cluster security group', () => {
    const [finding] = runDiagnostic(securityGroups, mutate(batchOwnGroup({ ingress: [from(CLUSTER_SG, '-1')], clusterAccepts: dnsFromBatch })));
    expect(finding!.resources.map((r) => r.id)).toContain(batchInstance(buildBaseline()).InstanceId);
    expect(finding!.evidence.join('\n')).toContain(`launch template ${BATCH_LAUNCH_TEMPLATE_ID}`);
    expect(finding!.evidence.join('\n')).toContain(`do not carry the cluster security group ${CLUSTER_SG}`);
    expect(finding!.fix.commands).toEqual([`aws ec2 authorize-security-group-ingress --group-id ${CLUSTER_SG} --protocol tcp --port 443 --source-group ${BATCH_SG}`]);
  });
});

describe('security-groups fixes add only the rules that are missing', () => {
  it('DNS blocked on the way out: the fix opens the egress, not an ingress rule the cluster group already has', () => {
    const httpsOut: IpPermission = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] };
    const snapshot = mutate(batchOwnGroup({ ingress: [from(CLUSTER_SG, '-1')], controlPlaneAccepts: [from(BATCH_SG, 'tcp', 443)], clusterAccepts: dnsFromBatch, egress: [httpsOut] }));
    const dns = runDiagnostic(securityGroups, snapshot).find((f) => f.id === 'security-groups/dns-blocked');
    expect(dns?.evidence.join('\n')).toContain(`Outbound: no rule of ${BATCH_SG} allows UDP 53`);
    expect(dns!.fix.commands).toEqual(
      ['udp', 'tcp'].map((p) => `aws ec2 authorize-security-group-egress --group-id ${BATCH_SG} --ip-permissions 'IpProtocol=${p},FromPort=53,ToPort=53,UserIdGroupPairs=[{GroupId=${CLUSTER_SG}}]'`),
    );
  });
});
