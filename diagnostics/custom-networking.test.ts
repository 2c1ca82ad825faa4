import { describe, expect, it } from 'vitest';
import { AZS, buildBaseline } from '../mocks/scenario-builder/baseline.js';
import { POD_SUBNETS, customNetworking, faults, setAwsNodeEnv } from '../mocks/faults/pod-networking.js';
import { describeDiagnostic, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import customNetworkingCheck from './custom-networking.js';

const fault = (name: string) => faults.find((f) => f.name === name)!.apply;
const withCustomNetworking = (edit: Parameters<typeof mutate>[0] = () => {}) =>
  mutate((s) => {
    customNetworking(s);
    edit(s);
  });

describeDiagnostic(customNetworkingCheck, {
  healthy: [
    { name: 'baseline: custom networking off', snapshot: buildBaseline() },
    { name: 'one ENIConfig per zone, chosen by the zone label', snapshot: mutate(fault('custom-networking')) },
    {
      name: 'ENIConfigs exist but AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG is false: nothing to check',
      snapshot: withCustomNetworking((s) => {
        setAwsNodeEnv(s, { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'false' });
        s.kubernetes.eniConfigs = [];
      }),
    },
  ],
  broken: [
    {
      name: 'no ENIConfig for one zone',
      snapshot: mutate(fault('custom-networking-eniconfig-missing')),
      expect: [{ id: 'custom-networking/eniconfig-missing', severity: 'critical', mentions: `ENIConfig ${AZS[2]} does not exist`, canExplain: ['pod-without-ip'] }],
    },
    {
      name: 'no ENI_CONFIG_LABEL_DEF and no annotation: every node looks for ENIConfig "default"',
      snapshot: withCustomNetworking((s) => {
        const ds = s.kubernetes.daemonSets!.find((d) => d.metadata!.name === 'aws-node')!;
        ds.spec!.template.spec!.containers[0]!.env = ds.spec!.template.spec!.containers[0]!.env!.filter((e) => e.name !== 'ENI_CONFIG_LABEL_DEF');
      }),
      expect: [{ id: 'custom-networking/eniconfig-missing', mentions: 'ENIConfig default does not exist' }],
    },
    {
      name: "an annotation pointing at another zone's ENIConfig",
      snapshot: withCustomNetworking((s) => {
        for (const n of s.kubernetes.nodes!) if (n.metadata!.labels!['topology.kubernetes.io/zone'] === AZS[2]) n.metadata!.annotations = { 'k8s.amazonaws.com/eniConfig': AZS[1] };
      }),
      expect: [{ id: 'custom-networking/eniconfig-subnet-unusable', resource: POD_SUBNETS[1], mentions: `is in ${AZS[1]}` }],
    },
    {
      name: "an ENIConfig's subnet outside the cluster's VPC and one with no free address",
      snapshot: withCustomNetworking((s) => {
        s.aws.subnets!.find((x) => x.SubnetId === POD_SUBNETS[0])!.VpcId = 'vpc-0ffffffffffffffff';
        s.aws.subnets!.find((x) => x.SubnetId === POD_SUBNETS[1])!.AvailableIpAddressCount = 0;
      }),
      expect: [
        { id: 'custom-networking/eniconfig-subnet-unusable', resource: POD_SUBNETS[0], mentions: 'not the cluster' },
        { id: 'custom-networking/eniconfig-subnet-unusable', resource: POD_SUBNETS[1], mentions: 'no free address' },
      ],
    },
    {
      name: 'a deleted security group in an ENIConfig',
      snapshot: withCustomNetworking((s) => {
        s.kubernetes.eniConfigs![0]!.spec!.securityGroups = ['sg-0dead0000beef0002'];
      }),
      expect: [{ id: 'custom-networking/eniconfig-security-group-missing', resource: 'sg-0dead0000beef0002' }],
    },
    {
      name: 'switched on after the nodes joined',
      snapshot: mutate(fault('custom-networking-switched-on-late')),
      expect: [{ id: 'custom-networking/node-predates-custom-networking', severity: 'warning', mentions: 'joined before custom networking' }],
    },
  ],
});

describe('custom-networking evidence', () => {
  it("names the nodes that keep their own subnet's addresses and how to replace them", () => {
    const findings = runDiagnostic(customNetworkingCheck, mutate(fault('custom-networking-switched-on-late')));
    const zoneA = findings.find((f) => f.key === `custom-networking/node-predates-custom-networking:${AZS[0]}`)!;
    expect(zoneA.evidence[0]).toMatch(/^Node ip-10-0-1-10\.eu-west-1\.compute\.internal joined 2026-11-02T09:16:30Z, before ENIConfig eu-west-1a was created \(2026-11-20T02:12:00Z\); runs pods on its own subnet's addresses: kube-system\/ebs-csi-node-/);
    expect(zoneA.fix.commands).toContain('kubectl drain ip-10-0-1-10.eu-west-1.compute.internal --ignore-daemonsets --delete-emptydir-data');
  });
});
