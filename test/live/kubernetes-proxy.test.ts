/**
 * HTTPS_PROXY, NO_PROXY and a kubeconfig's proxy-url for the Kubernetes requests, through the CLI:
 * a local CONNECT proxy records the tunnels it opens. Through the tunnel TLS is still verified
 * against the cluster's CA (a certificate from another CA fails the same way as without a proxy).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { startMockCluster, type MockCluster } from '../../mocks/mock-cluster.js';
import { loadScenario } from '../../mocks/bundled-scenarios.js';
import type { Report } from '../../src/engine/report.js';
import { expectKubernetesRequestsAllowed } from '../support/cluster-role.js';
import { startForwardProxy, type ForwardProxy } from '../support/forward-proxy.js';
import { runCli } from '../support/run-cli.js';

describe('the Kubernetes requests and proxies', () => {
  let proxy: ForwardProxy;
  let cluster: MockCluster;
  let apiServerHost: string;
  let dir: string;

  beforeAll(async () => {
    proxy = await startForwardProxy();
    cluster = await startMockCluster({ scenario: loadScenario('node-role-not-mapped') });
    apiServerHost = new URL(cluster.kubernetesUrl).host;
    dir = mkdtempSync(join(tmpdir(), 'eks-doctor-k8s-proxy-'));
  });
  afterAll(async () => {
    expectKubernetesRequestsAllowed(cluster.log);
    await cluster.close();
    await proxy.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    // The SDK's default credential chain reads the process environment, as it does for a user.
    vi.stubEnv('AWS_ACCESS_KEY_ID', cluster.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', cluster.credentials.secretAccessKey);
    vi.stubEnv('AWS_PROFILE', '');
    proxy.reset();
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await cluster.kubernetes.setFault(undefined);
  });

  /** Exit code 1 either way: the critical aws-auth finding when the cluster is read, the unreachable warning (with --fail-on warning) when not. */
  async function diagnose(env: Record<string, string>, extra: string[] = []): Promise<Report> {
    const { code, stdout, stderr } = await runCli(
      ['diagnose', '--cluster', cluster.clusterName, '--endpoint-url', cluster.awsUrl, '--timeout', '30', '--call-timeout', '5', '--output', 'json', '--fail-on', 'warning', ...extra],
      { AWS_ACCESS_KEY_ID: cluster.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: cluster.credentials.secretAccessKey, AWS_REGION: cluster.region, ...env },
    );
    expect(stderr).toBe('');
    expect(code).toBe(1);
    return JSON.parse(stdout) as Report;
  }

  it('HTTPS_PROXY carries the API server requests through CONNECT tunnels to its host', async () => {
    const served = cluster.log.entries.length;
    const report = await diagnose({ HTTPS_PROXY: proxy.url });
    expect(report.kubernetesAccess).toMatchObject({ method: 'eks-token', reachable: true });
    expect(report.findings[0]?.id).toBe('aws-auth/node-role-not-mapped');
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(new Set(proxy.tunnels)).toEqual(new Set([apiServerHost]));
    // The AWS endpoint is plain http://: HTTPS_PROXY does not apply to it.
    expect(proxy.relayed).toEqual([]);
    expect(cluster.log.entries.slice(served).some((e) => e.service === 'kubernetes' && e.status === 200)).toBe(true);
  });

  it('NO_PROXY naming the API server host sends its requests direct', async () => {
    const report = await diagnose({ HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' });
    expect(report.kubernetesAccess).toMatchObject({ method: 'eks-token', reachable: true });
    expect(proxy.tunnels).toEqual([]);
  });

  it('through the tunnel, TLS is still verified against the cluster CA', async () => {
    await cluster.kubernetes.setFault('wrong-ca');
    const report = await diagnose({ HTTPS_PROXY: proxy.url });
    expect(proxy.tunnels).toContain(apiServerHost);
    expect(report.kubernetesAccess).toMatchObject({ method: 'eks-token', reachable: false, failure: { kind: 'tls' } });
  });

  it('a proxy refusing the tunnel is named in the report, without the credentials in its URL', async () => {
    proxy.refuseTunnels(403);
    const withCredentials = proxy.url.replace('http://', 'http://eks-doctor:s3cret@');
    const report = await diagnose({ HTTPS_PROXY: withCredentials });
    expect(proxy.tunnels).toContain(apiServerHost);
    expect(report.kubernetesAccess).toMatchObject({
      reachable: false,
      failure: { kind: 'unreachable', message: `the proxy ${proxy.url} answered HTTP 403 to CONNECT ${apiServerHost}` },
    });
    expect(JSON.stringify(report)).not.toContain('s3cret');
  });

  it("a kubeconfig cluster's proxy-url is used, and NO_PROXY does not override it (as with kubectl)", async () => {
    const kubeconfig = parse(await cluster.kubeconfig()) as { clusters: { cluster: Record<string, unknown> }[] };
    kubeconfig.clusters[0]!.cluster['proxy-url'] = proxy.url;
    const file = join(dir, 'kubeconfig-with-proxy');
    writeFileSync(file, stringify(kubeconfig));
    const report = await diagnose({ NO_PROXY: '127.0.0.1' }, ['--kubeconfig', file]);
    expect(report.kubernetesAccess).toMatchObject({ method: 'kubeconfig', reachable: true });
    expect(new Set(proxy.tunnels)).toEqual(new Set([apiServerHost]));
  });

  it('a kubeconfig without proxy-url follows HTTPS_PROXY', async () => {
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, await cluster.kubeconfig());
    const report = await diagnose({ HTTPS_PROXY: proxy.url }, ['--kubeconfig', file]);
    expect(report.kubernetesAccess).toMatchObject({ method: 'kubeconfig', reachable: true });
    expect(new Set(proxy.tunnels)).toEqual(new Set([apiServerHost]));
  });
});
