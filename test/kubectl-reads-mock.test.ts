/**
 * An independent client reads the mock API server: kubectl, through a kubeconfig, over TLS with the
 * mock's CA and an EKS token. Proves the mock serves discovery and objects the way kubectl expects,
 * so what our collector reads from it is what a real client would read.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startKubernetesMock, type KubernetesMock } from '../mocks/k8s-mock/api-server.js';
import { mockKubeconfigYaml } from '../mocks/k8s-mock/kubeconfig.js';
import { RequestLog } from '../mocks/request-log.js';
import { loadScenario } from '../mocks/bundled-scenarios.js';
import { createEksToken } from '../src/collect/kubernetes/eks-token.js';
import { expectKubernetesRequestsAllowed } from './support/cluster-role.js';

const runFile = promisify(execFile);
const credentials = { accessKeyId: 'AKIAEKSDOCTORMOCK000', secretAccessKey: 'eks-doctor-mock-secret' };
const kubectlAvailable = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!kubectlAvailable) console.log('kubectl tests skipped: kubectl is not installed');

describe.skipIf(!kubectlAvailable)('kubectl reads the mock API server', () => {
  const scenario = loadScenario('baseline');
  let mock: KubernetesMock;
  let home: string;
  let kubeconfig: string;

  beforeAll(async () => {
    mock = await startKubernetesMock({ kubernetes: scenario.kubernetes, clusterName: scenario.cluster.name, credentials, log: new RequestLog() });
    home = mkdtempSync(join(tmpdir(), 'eks-doctor-kubectl-'));
    kubeconfig = join(home, 'kubeconfig');
    const token = await createEksToken({ clusterName: scenario.cluster.name, region: scenario.cluster.region, credentials });
    writeFileSync(kubeconfig, mockKubeconfigYaml({ clusterName: scenario.cluster.name, server: mock.url, certificateAuthorityData: mock.certificateAuthorityData, token }));
  });
  afterAll(async () => {
    expectKubernetesRequestsAllowed(mock.log, { allowDiscovery: true });
    await mock.close();
  });

  // Asynchronous: the mock answers from this process's event loop, which spawnSync would block.
  async function run(config: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await runFile('kubectl', ['--kubeconfig', config, '--request-timeout', '20s', ...args], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: home, KUBECACHEDIR: join(home, 'cache') },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
    }
  }

  async function kubectl(...args: string[]): Promise<string> {
    const result = await run(kubeconfig, args);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout;
  }

  it('kubectl get nodes', async () => {
    const table = await kubectl('get', 'nodes');
    for (const node of scenario.kubernetes.nodes!) expect(table).toContain(node.metadata!.name);
    const list = JSON.parse(await kubectl('get', 'nodes', '-o', 'json')) as { items: unknown[] };
    expect(list.items).toEqual(scenario.kubernetes.nodes);
  });

  it('kubectl get nodes shows the columns of a real cluster: the server prints the Table kubectl asks for', async () => {
    const lines = (await kubectl('get', 'nodes')).trimEnd().split('\n');
    expect(lines[0]!.split(/\s+/)).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    for (const node of scenario.kubernetes.nodes!) {
      const ready = node.status!.conditions!.find((c) => c.type === 'Ready')!.status === 'True' ? 'Ready' : 'NotReady';
      const row = lines.find((l) => l.startsWith(`${node.metadata!.name} `))!.split(/\s+/);
      expect([row[0], row[1], row[2], row[4]]).toEqual([node.metadata!.name, ready, '<none>', node.status!.nodeInfo!.kubeletVersion]);
      expect(row[3]).toMatch(/^\d+[smhdy]/);
    }
    const wide = (await kubectl('get', 'nodes', '-o', 'wide')).split('\n');
    expect(wide[0]!.split(/\s{2,}/)).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']);
    const first = scenario.kubernetes.nodes![0]!;
    expect(wide.find((l) => l.startsWith(first.metadata!.name!))).toContain(first.status!.addresses!.find((a) => a.type === 'InternalIP')!.address);
  });

  it('kubectl get pods shows READY, STATUS and RESTARTS as on a real cluster', async () => {
    const lines = (await kubectl('get', 'pods', '-n', 'kube-system')).trimEnd().split('\n');
    expect(lines[0]!.split(/\s+/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    for (const pod of scenario.kubernetes.kubeSystemPods!) {
      const statuses = pod.status!.containerStatuses ?? [];
      const row = lines.find((l) => l.startsWith(`${pod.metadata!.name} `))!.split(/\s+/);
      expect(row[1]).toBe(`${statuses.filter((c) => c.ready).length}/${pod.spec!.containers.length}`);
      expect(row[2]).toBe(statuses.find((c) => c.state?.waiting?.reason)?.state?.waiting?.reason ?? pod.status!.phase);
    }
  });

  it('kubectl get configmap -n kube-system aws-auth -o yaml', async () => {
    expect(parse(await kubectl('get', 'configmap', '-n', 'kube-system', 'aws-auth', '-o', 'yaml'))).toEqual(scenario.kubernetes.awsAuth);
  });

  it('kubectl get the kube-system workloads', async () => {
    const daemonSets = JSON.parse(await kubectl('get', 'daemonsets', '-n', 'kube-system', '-o', 'json')) as { items: unknown[] };
    expect(daemonSets.items).toEqual(scenario.kubernetes.daemonSets);
    const deployments = JSON.parse(await kubectl('get', 'deploy', '-n', 'kube-system', '-o', 'json')) as { items: unknown[] };
    expect(deployments.items).toEqual(scenario.kubernetes.deployments);
    const pods = JSON.parse(await kubectl('get', 'pods', '-n', 'kube-system', '-o', 'json')) as { items: unknown[] };
    expect(pods.items).toEqual(JSON.parse(JSON.stringify(scenario.kubernetes.kubeSystemPods)));
  });

  it('kubectl is refused with a token signed for another cluster', async () => {
    const wrong = join(home, 'wrong-kubeconfig');
    const token = await createEksToken({ clusterName: 'another-cluster', region: scenario.cluster.region, credentials });
    writeFileSync(wrong, mockKubeconfigYaml({ clusterName: scenario.cluster.name, server: mock.url, certificateAuthorityData: mock.certificateAuthorityData, token }));
    const result = await run(wrong, ['get', 'nodes']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Unauthorized|provide credentials/);
  });
});
