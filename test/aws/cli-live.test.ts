/**
 * The live commands end to end through the CLI, against the AWS mock: `collect` writes a snapshot
 * that `diagnose --snapshot` reads; `diagnose --cluster` collects only what the selected checks read;
 * --debug, region and endpoint resolution, proxies, and the user errors for a wrong cluster name.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/engine/report.js';
import { parseSnapshot } from '../../src/snapshot/load.js';
import { loadScenario } from '../../mocks/bundled-scenarios.js';
import { MOCK_CREDENTIALS, startAwsMock, type AwsMock } from '../../mocks/aws-mock/index.js';
import { startForwardProxy, type ForwardProxy } from '../support/forward-proxy.js';
import { runCli } from '../support/run-cli.js';
import { canonical } from './support.js';

const baseline = loadScenario('baseline');
const { name, region } = baseline.cluster;
const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-cli-live-'));
const saved = { ...process.env };

describe('live commands against the AWS mock', () => {
  let mock: AwsMock;
  beforeAll(async () => {
    mock = await startAwsMock({ snapshots: [baseline] });
    // The SDK's credential chain reads the process environment (this file runs in its own process).
    process.env.AWS_ACCESS_KEY_ID = MOCK_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = MOCK_CREDENTIALS.secretAccessKey;
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
  });
  afterAll(async () => {
    process.env = saved;
    await mock.close();
  });

  it('collect writes the AWS side of a snapshot that diagnose --snapshot reads', async () => {
    const out = join(dir, 'collected.json');
    const collected = await runCli(['collect', '--cluster', name, '--region', region, '--endpoint-url', mock.url, '--out', out]);
    expect(collected.code, collected.stderr).toBe(0);
    expect(collected.stderr).toMatch(new RegExp(`wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d+ AWS and \\d+ Kubernetes parts of ${name}`));
    const snapshot = parseSnapshot(readFileSync(out, 'utf8'), out);
    expect(snapshot.cluster).toEqual({ name, region });
    // Every AWS call succeeded; only the Kubernetes side failed (no Kubernetes mock behind this one).
    expect(snapshot.errors.filter((e) => e.part.startsWith('aws.'))).toEqual([]);
    expect(snapshot.kubernetes.apiServer?.reachable).toBe(false);
    expect(canonical(snapshot.aws.subnets)).toEqual(canonical(baseline.aws.subnets));
    expect(canonical(snapshot.aws.reservations)).toEqual(canonical(baseline.aws.reservations));

    const diagnosed = await runCli(['diagnose', '--snapshot', out, '--output', 'json', '--fail-on', 'never']);
    const report = JSON.parse(diagnosed.stdout) as Report;
    expect(report.cluster.name).toBe(name);
    expect(report.checks.find((c) => c.id === 'subnets')?.status).toBe('pass');
  });

  it('diagnose --cluster runs the AWS-side checks live; those that need Kubernetes say it could not be reached', async () => {
    mock.log.clear();
    const { code, stdout, stderr } = await runCli(['diagnose', '--cluster', name, '--region', region, '--endpoint-url', mock.url, '--output', 'json', '--fail-on', 'never']);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report.checks.find((c) => c.id === 'subnets')?.status).toBe('pass');
    // The AWS mock alone points DescribeCluster at a loopback port that refuses connections.
    const registration = report.checks.find((c) => c.id === 'node-registration');
    expect(registration?.status).toBe('error');
    expect(registration?.reason).toMatch(/Kubernetes nodes/);
    expect(report.kubernetesAccess?.reachable).toBe(false);
    expect(report.identity?.account ?? report.cluster.accountId).toBe(baseline.aws.callerIdentity?.Account);
  });

  it('fetches only what the selected checks read', async () => {
    mock.log.clear();
    const { code, stderr } = await runCli(['diagnose', '--cluster', name, '--region', region, '--endpoint-url', mock.url, '--only', 'cluster-health', '--output', 'json', '--fail-on', 'never']);
    expect(code, stderr).toBe(0);
    // cluster-health reads the cluster alone: who am I, and DescribeCluster.
    expect([...new Set(mock.log.entries.map((e) => `${e.service}:${e.action}`))].sort()).toEqual(['eks:DescribeCluster', 'sts:GetCallerIdentity']);
  });

  it('--debug prints one line per request and never a credential or signature', async () => {
    const { stderr } = await runCli(['collect', '--cluster', name, '--region', region, '--endpoint-url', mock.url, '--out', join(dir, 'debug.json'), '--debug']);
    expect(stderr).toMatch(/^aws ec2:DescribeSubnets 200 \d+ms retries=0$/m);
    expect(stderr).toMatch(/^aws sts:GetCallerIdentity 200 \d+ms retries=0$/m);
    expect(stderr).not.toContain(MOCK_CREDENTIALS.secretAccessKey);
    expect(stderr).not.toContain(MOCK_CREDENTIALS.accessKeyId);
    expect(stderr).not.toMatch(/Signature|Authorization/i);
  });

  it('--debug shows the retries a throttled call took', async () => {
    mock.setFaults([{ action: 'ec2:DescribeVpcs', kind: 'throttle', first: 2 }]);
    try {
      const { stderr } = await runCli(['collect', '--cluster', name, '--region', region, '--endpoint-url', mock.url, '--out', join(dir, 'retries.json'), '--debug']);
      expect(stderr).toMatch(/^aws ec2:DescribeVpcs 200 \d+ms retries=2$/m);
    } finally {
      mock.setFaults([]);
    }
  });

  it('takes the region from AWS_DEFAULT_REGION and the endpoint from AWS_ENDPOINT_URL', async () => {
    process.env.AWS_ENDPOINT_URL = mock.url;
    try {
      const { code, stderr } = await runCli(['collect', '--cluster', name, '--out', join(dir, 'env.json')], { AWS_DEFAULT_REGION: region });
      expect(code, stderr).toBe(0);
      expect(parseSnapshot(readFileSync(join(dir, 'env.json'), 'utf8'), 'env.json').cluster.region).toBe(region);
    } finally {
      delete process.env.AWS_ENDPOINT_URL;
    }
  });

  it('an unknown cluster is a user error naming the clusters in the region', async () => {
    const { code, stderr } = await runCli(['diagnose', '--cluster', 'shop-prd', '--region', region, '--endpoint-url', mock.url]);
    expect(code).toBe(2);
    expect(stderr).toBe(`eks-doctor: no EKS cluster named 'shop-prd' in ${region}\nClusters in ${region}: ${name}. Pass --region if yours is elsewhere.\n`);
  });

  it('a region with no clusters says so', async () => {
    const { code, stderr } = await runCli(['collect', '--cluster', name, '--region', 'ap-south-2', '--endpoint-url', mock.url, '--out', join(dir, 'x.json')]);
    expect(code).toBe(2);
    expect(stderr).toContain('There are no EKS clusters in ap-south-2');
  });

  it('live flags without --cluster, and --snapshot with --cluster, are user errors', async () => {
    expect((await runCli(['diagnose', '--snapshot', 'x.json', '--region', region])).stderr).toContain('--region does not go with --snapshot');
    expect((await runCli(['diagnose', '--snapshot', 'x.json', '--cluster', name])).stderr).toContain('either --snapshot FILE or --cluster NAME');
    expect((await runCli(['collect', '--cluster', name, '--region', region, '--endpoint-url', 'ftp://x'])).stderr).toContain('--endpoint-url must be an http:// or https:// URL');
    expect((await runCli(['collect', '--cluster', name, '--region', region])).stderr).toContain('collect needs --out FILE');
  });

  describe('through an HTTP proxy', () => {
    let proxy: ForwardProxy;
    beforeAll(async () => {
      proxy = await startForwardProxy();
    });
    afterAll(() => proxy.close());

    it('HTTP_PROXY carries the calls, and NO_PROXY sends them direct', async () => {
      const args = ['collect', '--cluster', name, '--region', region, '--endpoint-url', mock.url, '--out', join(dir, 'proxy.json')];
      const via = await runCli(args, { HTTP_PROXY: proxy.url });
      expect(via.code, via.stderr).toBe(0);
      // hpagent tunnels plain HTTP with CONNECT too.
      const reached = [...proxy.tunnels, ...proxy.relayed.map((u) => new URL(u).host)];
      expect(reached.length).toBeGreaterThan(0);
      expect(new Set(reached)).toEqual(new Set([new URL(mock.url).host]));
      proxy.reset();
      const direct = await runCli(args, { HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' });
      expect(direct.code, direct.stderr).toBe(0);
      expect([...proxy.relayed, ...proxy.tunnels]).toEqual([]);
    });
  });
});
