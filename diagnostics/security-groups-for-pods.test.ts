import { describe, expect, it } from 'vitest';
import { BASELINE, CLUSTER_ROLE_ARN, buildBaseline } from '../mocks/scenario-builder/baseline.js';
import { POD_SECURITY_GROUP, customNetworking, faults, securityGroupsForPods } from '../mocks/faults/pod-networking.js';
import { describeDiagnostic, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import securityGroupsForPodsCheck from './security-groups-for-pods.js';

const fault = (name: string) => faults.find((f) => f.name === name)!.apply;
const enabled = (edit: Parameters<typeof mutate>[0]) =>
  mutate((s) => {
    customNetworking(s, { podsMoved: false });
    securityGroupsForPods(s, { controllerPolicy: true });
    edit(s);
  });

describeDiagnostic(securityGroupsForPodsCheck, {
  healthy: [
    { name: 'baseline: ENABLE_POD_ENI off', snapshot: buildBaseline() },
    { name: 'controller policy, trunk interfaces, a policy whose groups exist and allow DNS', snapshot: mutate(fault('security-groups-for-pods')) },
  ],
  broken: [
    {
      name: 'the cluster role lacks AmazonEKSVPCResourceController',
      snapshot: mutate(fault('security-groups-for-pods-no-controller-policy')),
      expect: [{ id: 'security-groups-for-pods/controller-policy-missing', resource: CLUSTER_ROLE_ARN, severity: 'critical', canExplain: ['pod-without-ip'] }],
    },
    {
      name: 'a policy naming a deleted group',
      snapshot: mutate(fault('security-groups-for-pods-group-deleted')),
      expect: [{ id: 'security-groups-for-pods/policy-group-missing', resource: 'sg-0dead0000beef0001', mentions: 'shop/payments-db-access' }],
    },
    {
      name: 'a policy naming six groups',
      snapshot: enabled((s) => {
        s.kubernetes.securityGroupPolicies![0]!.spec!.securityGroups!.groupIds = [BASELINE.clusterSecurityGroupId, POD_SECURITY_GROUP, BASELINE.controlPlaneSecurityGroupId, BASELINE.clusterSecurityGroupId, POD_SECURITY_GROUP, BASELINE.controlPlaneSecurityGroupId];
      }),
      expect: [{ id: 'security-groups-for-pods/policy-too-many-groups', mentions: 'names 6 security groups' }],
    },
    {
      name: 'a t3 node without a trunk interface',
      snapshot: enabled((s) => {
        const node = s.kubernetes.nodes![0]!;
        node.metadata!.labels!['node.kubernetes.io/instance-type'] = 't3.large';
        delete node.metadata!.labels!['vpc.amazonaws.com/has-trunk-attached'];
      }),
      expect: [{ id: 'security-groups-for-pods/trunk-not-attached', severity: 'warning', mentions: 't3.large is a t-family type' }],
    },
    {
      name: "the policy's only group allows no DNS out",
      snapshot: enabled((s) => {
        s.kubernetes.securityGroupPolicies![0]!.spec!.securityGroups!.groupIds = [POD_SECURITY_GROUP];
        s.aws.securityGroups!.find((g) => g.GroupId === POD_SECURITY_GROUP)!.IpPermissionsEgress = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }];
      }),
      expect: [{ id: 'security-groups-for-pods/policy-blocks-dns', resource: POD_SECURITY_GROUP }],
    },
  ],
});

describe('security-groups-for-pods', () => {
  it('names the missing policy with the command that attaches it, and the nodes without a trunk as evidence', () => {
    const [f] = runDiagnostic(securityGroupsForPodsCheck, mutate(fault('security-groups-for-pods-no-controller-policy')));
    expect(f!.fix.commands).toEqual(['aws iam attach-role-policy --role-name shop-prod-cluster-role --policy-arn arn:aws:iam::aws:policy/AmazonEKSVPCResourceController']);
    expect(f!.evidence.some((e) => /^\d+ EC2 node\(s\) have no trunk interface/.test(e))).toBe(true);
  });
});
