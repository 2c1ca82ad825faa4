/**
 * The benchmark's generated clusters are real-looking and healthy: every address valid and unique,
 * Auto Scaling groups of at most 50, subnets with room, and no check finding anything above info.
 * 2,000 nodes exercises the extra subnets from secondary CIDR blocks that bigger sizes rely on.
 */
import { describe, expect, it } from 'vitest';
import { diagnoseSnapshot } from '../src/engine/diagnose.js';
import { loadDiagnostics } from '../src/engine/registry.js';
import { parseCidr, parseIpv4 } from '../diagnostics/lib/ipv4-cidr.js';
import { buildBaseline } from '../mocks/scenario-builder/baseline.js';
import { buildScaledCluster } from '../mocks/scenario-builder/scale.js';

describe.each([100, 2000])('a generated cluster of %i nodes', (size) => {
  const snapshot = buildScaledCluster(size);
  const instances = (snapshot.aws.reservations ?? []).flatMap((r) => r.Instances ?? []);

  it('has the requested EC2 nodes, each with a valid, unique address inside its subnet', () => {
    expect(instances).toHaveLength(size);
    expect(snapshot.kubernetes.nodes).toHaveLength(size + 1); // plus the Fargate node
    const ips = instances.map((i) => i.PrivateIpAddress!);
    expect(new Set(ips).size).toBe(size);
    const subnets = new Map((snapshot.aws.subnets ?? []).map((s) => [s.SubnetId!, parseCidr(s.CidrBlock!)!]));
    for (const i of instances) {
      const ip = parseIpv4(i.PrivateIpAddress!);
      const range = subnets.get(i.SubnetId!);
      expect(ip !== undefined && range !== undefined && range.start <= ip && ip <= range.end, `${i.InstanceId} ${i.PrivateIpAddress} in ${i.SubnetId}`).toBe(true);
    }
  });

  it('splits capacity into Auto Scaling groups of at most 50 and keeps every subnet above the low mark', () => {
    for (const g of snapshot.aws.autoScalingGroups ?? []) expect(g.Instances!.length, g.AutoScalingGroupName).toBeLessThanOrEqual(50);
    for (const s of snapshot.aws.subnets ?? []) expect(s.AvailableIpAddressCount!, s.SubnetId).toBeGreaterThan(1000);
  });

  it('is healthy: nothing above info', async () => {
    const report = await diagnoseSnapshot(snapshot, { diagnostics: await loadDiagnostics(), toolVersion: 'test' });
    expect(report.findings.filter((f) => f.severity !== 'info').map((f) => f.key)).toEqual([]);
    expect(report.checks.filter((c) => c.status === 'error')).toEqual([]);
  });
});

it('the default baseline gets none of the scale extras', () => {
  const s = buildBaseline();
  expect(s.aws.subnets).toHaveLength(6);
  expect(s.kubernetes.warningEvents).toEqual([]);
  expect(s.kubernetes.deployments!.find((d) => d.metadata!.name === 'coredns')!.spec!.replicas).toBe(2);
});
