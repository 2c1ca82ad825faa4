import { BASELINE, CONTROL_PLANE_ENIS, NAT_GATEWAY_ID, PRIVATE_SUBNETS, PUBLIC_SUBNETS, buildBaseline } from '../mocks/scenario-builder/baseline.js';
import { makePrivateCluster } from '../mocks/faults/network.js';
import { EXACT_NODE_PATHS, PRIVATE_NETWORK_ACL_ID, aclEntry, customAcl, faults, setDhcpOptions } from '../mocks/faults/network-path.js';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../src/snapshot/types.js';
import { describeDiagnostic, failedPart, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import networkAcls from './network-acls.js';

const fault = (name: string) => faults.find((f) => f.name === name)!.apply;
const VPC = '10.0.0.0/16';
const NODE_SYMPTOMS = ['instance-not-joined', 'node-not-ready', 'nodegroup-unhealthy'];
const withAcl = (subnets: readonly string[], entries: Parameters<typeof customAcl>[4], base?: Snapshot) => mutate((s) => void customAcl(s, PRIVATE_NETWORK_ACL_ID, 'custom', subnets, entries), base);
const exactly = EXACT_NODE_PATHS;

describeDiagnostic(networkAcls, {
  healthy: [
    { name: "baseline: the VPC's default ACL allows everything", snapshot: buildBaseline() },
    { name: 'a custom ACL that allows exactly the needed paths, replies included', snapshot: mutate(fault('nacl-exact-paths')) },
    {
      // The same ACL on the NAT gateway's subnet too: the translated packets leave on 443 and come back on ephemeral ports.
      name: "the same exact ACL on the NAT gateway's subnet",
      snapshot: withAcl([...PRIVATE_SUBNETS, ...PUBLIC_SUBNETS], exactly),
    },
    {
      name: 'a deny rule numbered after the allow rule that matches first',
      snapshot: withAcl(PRIVATE_SUBNETS, [...exactly, aclEntry(200, false, 'deny', '0.0.0.0/0', 'tcp', [1024, 65535])]),
    },
    {
      name: 'custom DNS servers of the option set are allowed on UDP and TCP 53 with their replies',
      snapshot: withAcl(PRIVATE_SUBNETS, [...exactly, aclEntry(120, true, 'allow', '10.200.0.0/16', 'udp', [53, 53]), aclEntry(130, true, 'allow', '10.200.0.0/16', 'tcp', [53, 53]), aclEntry(120, false, 'allow', '10.200.0.0/16', 'udp', [1024, 65535])], mutate((s) => setDhcpOptions(s, { 'domain-name-servers': ['10.200.0.10'] }))),
    },
    {
      // ACLs cannot block the Route 53 Resolver: an ACL without any DNS rule is fine with AmazonProvidedDNS or the VPC's .2 address.
      name: "the Route 53 Resolver named by address (the VPC's .2) is never evaluated",
      snapshot: withAcl(PRIVATE_SUBNETS, exactly, mutate((s) => setDhcpOptions(s, { 'domain-name-servers': ['10.0.0.2', '169.254.169.253'] }))),
    },
  ],
  broken: [
    {
      name: 'replies from the internet dropped: the nodes cannot use the NAT gateway',
      snapshot: mutate(fault('nacl-drops-internet-replies')),
      expect: [{ id: 'network-acls/node-path-blocked', resource: PRIVATE_NETWORK_ACL_ID, severity: 'critical', mentions: `NAT gateway ${NAT_GATEWAY_ID}`, canExplain: NODE_SYMPTOMS }],
    },
    {
      name: "the NAT gateway subnet's ACL does not accept the nodes' HTTPS",
      snapshot: withAcl(PUBLIC_SUBNETS, [aclEntry(100, false, 'allow', '0.0.0.0/0', 'tcp', [1024, 65535]), aclEntry(100, true, 'allow', '0.0.0.0/0')]),
      expect: [{ id: 'network-acls/node-path-blocked', resource: PUBLIC_SUBNETS[0], mentions: 'the way out to the AWS APIs' }],
    },
    {
      name: 'an explicit deny of the control plane interfaces\' subnet before the VPC allow',
      snapshot: withAcl([PRIVATE_SUBNETS[2]], [aclEntry(50, true, 'deny', '10.0.0.0/19'), ...exactly]),
      // 10.0.0.0/19 holds the first control plane interface: the API server, the kubelet replies and pod traffic to subnet a.
      expect: [
        { id: 'network-acls/node-path-blocked', resource: PRIVATE_NETWORK_ACL_ID, mentions: "the API server's private endpoint" },
        { id: 'network-acls/control-plane-path-blocked', resource: PRIVATE_NETWORK_ACL_ID, severity: 'warning' },
        { id: 'network-acls/pod-path-blocked', resource: PRIVATE_NETWORK_ACL_ID, severity: 'warning' },
      ],
    },
    {
      name: 'only TCP 10250 from the VPC is missing inbound: the control plane cannot reach the kubelet',
      snapshot: withAcl(PRIVATE_SUBNETS, [aclEntry(90, false, 'deny', VPC, 'tcp', [10250, 10250]), ...exactly]),
      // Pods' TCP between subnets includes 10250 too; the nodes' own replies (32768-65535) do not.
      expect: [
        { id: 'network-acls/control-plane-path-blocked', resource: PRIVATE_NETWORK_ACL_ID, mentions: 'kubelet (10250)' },
        { id: 'network-acls/pod-path-blocked', resource: PRIVATE_NETWORK_ACL_ID },
      ],
    },
    {
      name: 'replies allowed back on 32768-65535 only: enough for nodes, not for the NAT gateway',
      snapshot: withAcl([...PRIVATE_SUBNETS, ...PUBLIC_SUBNETS], [aclEntry(100, false, 'allow', VPC), aclEntry(110, false, 'allow', '0.0.0.0/0', 'tcp', [32768, 65535]), aclEntry(100, true, 'allow', VPC), aclEntry(110, true, 'allow', '0.0.0.0/0', 'tcp', [443, 443])]),
      // The NAT gateway translates to source ports from 1024: its subnet must accept replies on all of them.
      expect: [{ id: 'network-acls/node-path-blocked', resource: PUBLIC_SUBNETS[0], mentions: 'the way out to the AWS APIs' }],
    },
    {
      name: 'a custom DNS server outside the VPC that the ACL does not let nodes reach',
      snapshot: withAcl(PRIVATE_SUBNETS, exactly, mutate((s) => setDhcpOptions(s, { 'domain-name-servers': ['10.200.0.10'] }))),
      expect: [{ id: 'network-acls/node-path-blocked', resource: PRIVATE_NETWORK_ACL_ID, mentions: 'DNS resolver 10.200.0.10' }],
    },
  ],
  errors: [
    failedPart('DescribeNetworkAcls denied', { part: 'aws.networkAcls', call: 'ec2:DescribeNetworkAcls', kind: 'denied', code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.', permission: 'ec2:DescribeNetworkAcls' }, 'ec2:DescribeNetworkAcls'),
  ],
});

describe('network-acls evidence and fix', () => {
  it('names the ACL, the rule number and the missing direction, and adds exactly the missing rule', () => {
    const [f] = runDiagnostic(networkAcls, mutate(fault('nacl-drops-internet-replies')));
    expect(f!.evidence[0]).toBe(
      `${PRIVATE_NETWORK_ACL_ID} on ${PRIVATE_SUBNETS[0]} (shop-prod-private-eu-west-1a, eu-west-1a, 10.0.0.0/19), inbound rules: TCP ports 32768-65535 (the reply: ACLs are stateless) from public addresses (0.0.0.0/0) is denied by the final * rule (32767): no rule allows it.`,
    );
    expect(f!.fix.commands).toEqual([
      `aws ec2 create-network-acl-entry --network-acl-id ${PRIVATE_NETWORK_ACL_ID} --ingress --rule-number 110 --protocol 6 --port-range From=32768,To=65535 --cidr-block 0.0.0.0/0 --rule-action allow --region ${BASELINE.region}`,
    ]);
  });

  it('names the explicit deny rule and gives the allow a number below it', () => {
    const findings = runDiagnostic(networkAcls, withAcl([PRIVATE_SUBNETS[2]], [aclEntry(50, true, 'deny', '10.0.0.0/19'), ...exactly]));
    const api = findings.find((f) => f.id === 'network-acls/node-path-blocked')!;
    expect(api.evidence).toContain(
      `${PRIVATE_NETWORK_ACL_ID} on ${PRIVATE_SUBNETS[2]} (shop-prod-private-eu-west-1c, eu-west-1c, 10.0.64.0/19), outbound rules: TCP port 443 to the control plane interface ${CONTROL_PLANE_ENIS[0].id} (${CONTROL_PLANE_ENIS[0].ip}) is denied by rule 50 (deny all traffic to 10.0.0.0/19).`,
    );
    expect(api.fix.commands[0]).toBe(`aws ec2 create-network-acl-entry --network-acl-id ${PRIVATE_NETWORK_ACL_ID} --egress --rule-number 40 --protocol 6 --port-range From=443,To=443 --cidr-block ${CONTROL_PLANE_ENIS[0].ip}/32 --rule-action allow --region ${BASELINE.region}`);
    // The second interface (subnet b) is not behind the deny: only the first is named.
    expect(api.evidence.join(' ')).not.toContain(CONTROL_PLANE_ENIS[1].id);
  });

  it('in a private cluster, evaluates the interface endpoints\' subnets too', () => {
    const findings = runDiagnostic(
      networkAcls,
      mutate((s) => {
        makePrivateCluster(s);
        // The interface endpoints sit in the private subnets: subnet a's ACL lets replies out only within a /24.
        customAcl(s, PRIVATE_NETWORK_ACL_ID, 'endpoints', [PRIVATE_SUBNETS[0]], [aclEntry(100, false, 'allow', VPC), aclEntry(100, true, 'allow', '10.0.0.0/24')]);
      }),
    );
    const endpoints = findings.find((f) => f.key === `network-acls/node-path-blocked:${PRIVATE_NETWORK_ACL_ID}/endpoints`);
    expect(endpoints?.rootCause).toContain('endpoint interfaces in subnet-0a11111111111111a');
    expect(endpoints?.evidence.join('\n')).toContain('outbound rules: TCP ports 32768-65535 (the reply: ACLs are stateless) to node subnet subnet-0b22222222222222b (10.0.32.0/19)');
  });

  it('evaluates no path inside one subnet: a node next to a control plane interface does not cross its ACL', () => {
    // Subnet a holds the first interface; an ACL on subnet a that only allows the VPC is still fine for it.
    const findings = runDiagnostic(networkAcls, withAcl([PRIVATE_SUBNETS[0]], [aclEntry(100, false, 'allow', '10.0.0.0/19'), aclEntry(100, true, 'allow', '10.0.0.0/19')], mutate((s) => { s.aws.cluster!.resourcesVpcConfig!.subnetIds = [PRIVATE_SUBNETS[0]]; s.aws.controlPlaneInterfaces = s.aws.controlPlaneInterfaces!.slice(0, 1); })));
    expect(findings.filter((f) => f.title.includes("private endpoint") && f.resources.some((r) => r.id === PRIVATE_SUBNETS[0]) && f.evidence.some((e) => e.includes(`on ${PRIVATE_SUBNETS[0]}`) && e.includes(CONTROL_PLANE_ENIS[0].id)))).toEqual([]);
  });

  it("stands in the cluster subnets' ranges for the interfaces when they could not be read, and says so", () => {
    const snapshot = withAcl([PRIVATE_SUBNETS[2]], [aclEntry(50, true, 'deny', '10.0.0.0/19'), ...exactly], mutate((s) => {
      delete s.aws.controlPlaneInterfaces;
      s.errors.push({ part: 'aws.controlPlaneInterfaces', call: 'ec2:DescribeNetworkInterfaces', kind: 'denied', code: 'UnauthorizedOperation', message: 'denied', permission: 'ec2:DescribeNetworkInterfaces' });
    }));
    const api = runDiagnostic(networkAcls, snapshot).find((f) => f.id === 'network-acls/node-path-blocked')!;
    expect(api.evidence.join('\n')).toContain(`the control plane's interfaces in cluster subnet ${PRIVATE_SUBNETS[0]} (10.0.0.0/19)`);
    expect(api.evidence.join('\n')).toContain("The control plane's interfaces are unknown");
  });
});
