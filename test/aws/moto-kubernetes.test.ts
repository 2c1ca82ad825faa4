/**
 * `eks-doctor diagnose --cluster --endpoint-url MOTO --kubeconfig FILE --output json`, the built CLI
 * run as a separate process, against moto (the AWS side of a sick cluster, test/aws/moto.ts) and our
 * Kubernetes mock API server (the cluster side, built from the instances moto launched: TLS with a
 * generated CA, EKS token checked). Faults on both sides must be found, with the resource IDs of
 * moto's own instances, and every Kubernetes request must be one policy/clusterrole.yaml allows.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOCK_CREDENTIALS } from '../../mocks/aws-mock/index.js';
import { startKubernetesMock, type KubernetesMock } from '../../mocks/k8s-mock/api-server.js';
import { mockKubeconfigYaml } from '../../mocks/k8s-mock/kubeconfig.js';
import { RequestLog } from '../../mocks/request-log.js';
import { createEksToken } from '../../src/collect/kubernetes/eks-token.js';
import type { Finding } from '../../src/engine/finding.js';
import type { Report } from '../../src/engine/report.js';
import { expectKubernetesRequestsAllowed } from '../support/cluster-role.js';
import { motoAvailable, provisionSickCluster, SICK_CLUSTER, startMoto, type Moto } from './moto.js';
import { MAPPED_ADMIN_ROLE_ARN, motoWorkerInstances, sickKubernetesSide, type MotoNodes } from './moto-kubernetes.js';

const runFile = promisify(execFile);
const bin = new URL('../../bin/eks-doctor.js', import.meta.url).pathname;
const built = existsSync(new URL('../../dist/src/cli/main.js', import.meta.url));
const version = motoAvailable();
if (!version) console.log('skipping moto with a Kubernetes side: python3 cannot import moto[server] (pip install "moto[server]")');
else if (!built) console.log('skipping moto with a Kubernetes side: the CLI is not built (npm test builds it)');

const policy = JSON.parse(readFileSync(new URL('../../policy/iam-policy.json', import.meta.url), 'utf8')) as { Statement: { Effect: string; Action: string[] }[] };
const allowedActions = new Set(policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action));

async function motoRecorder(url: string, command: 'reset-recording' | 'start-recording' | 'stop-recording' | 'download-recording'): Promise<string> {
  const response = await fetch(`${url}/moto-api/recorder/${command}`, { method: command === 'download-recording' ? 'GET' : 'POST' });
  if (!response.ok) throw new Error(`moto recorder ${command}: HTTP ${response.status}`);
  return response.text();
}

interface RecordedRequest {
  method: string;
  path: string;
  /** From the SigV4 credential scope: 'ec2', 'eks', 'sts', ... */
  service: string;
  /**
   * The operation's name as each protocol carries it: the query protocol's Action parameter (EC2, IAM, Auto
   * Scaling, STS, CloudWatch), the JSON protocol's X-Amz-Target (Service Quotas, CloudTrail:
   * "ServiceQuotasV20190624.GetServiceQuota"), RPC v2 CBOR's path ("/service/…/operation/GetMetricData");
   * undefined for EKS's REST calls, which the path names.
   */
  action?: string;
}

/** moto's recording (one JSON object a line: method, url, headers, body maybe base64) as requests. */
function parseRecording(text: string): RecordedRequest[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const entry = JSON.parse(line) as { method: string; url: string; headers: Record<string, string>; body?: string | null; body_encoded?: boolean };
      const authorization = Object.entries(entry.headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1] ?? '';
      const service = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(authorization)?.[1] ?? 'unsigned';
      const body = entry.body ? (entry.body_encoded ? Buffer.from(entry.body, 'base64').toString('utf8') : entry.body) : '';
      const url = new URL(entry.url);
      const target = Object.entries(entry.headers).find(([name]) => name.toLowerCase() === 'x-amz-target')?.[1];
      const action =
        new URLSearchParams(body).get('Action') ??
        url.searchParams.get('Action') ??
        target?.slice(target.lastIndexOf('.') + 1) ??
        /\/service\/[^/]+\/operation\/([A-Za-z]+)$/.exec(url.pathname)?.[1] ??
        undefined;
      return { method: entry.method, path: url.pathname, service, ...(action ? { action } : {}) };
    });
}

function resourceIds(finding: Finding | undefined): string[] {
  return (finding?.resources ?? []).map((r) => r.id);
}

describe.skipIf(!version || !built)(`moto ${version ?? '(absent)'} and the Kubernetes mock: diagnose through the CLI`, () => {
  let moto: Moto;
  let apiServer: KubernetesMock;
  let ids: Awaited<ReturnType<typeof provisionSickCluster>>;
  let nodes: MotoNodes;
  let home: string;
  const log = new RequestLog();
  let run: { code: number; stdout: string; stderr: string };
  let report: Report;
  let awsRequests: RecordedRequest[];

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'eks-doctor-moto-k8s-'));
    moto = await startMoto({ env: { MOTO_RECORDER_FILEPATH: join(home, 'moto-recording.jsonl') } });
    ids = await provisionSickCluster(moto.url);
    // Built after provisioning: the Nodes name the instances moto launched.
    const side = sickKubernetesSide(await motoWorkerInstances(moto.url));
    nodes = side.nodes;
    apiServer = await startKubernetesMock({ kubernetes: side.kubernetes, clusterName: SICK_CLUSTER.name, credentials: MOCK_CREDENTIALS, log });

    const kubeconfig = join(home, 'kubeconfig');
    const token = await createEksToken({ clusterName: SICK_CLUSTER.name, region: SICK_CLUSTER.region, credentials: MOCK_CREDENTIALS });
    writeFileSync(kubeconfig, mockKubeconfigYaml({ clusterName: SICK_CLUSTER.name, server: apiServer.url, certificateAuthorityData: apiServer.certificateAuthorityData, token }));

    const args = [
      bin,
      'diagnose',
      '--cluster',
      SICK_CLUSTER.name,
      '--region',
      SICK_CLUSTER.region,
      '--endpoint-url',
      moto.url,
      '--kubeconfig',
      kubeconfig,
      '--output',
      'json',
      // moto's instances launched seconds ago; a grace of 0 lets "never joined" be reported now.
      '--join-grace-minutes',
      '0',
    ];
    // Only what a user's shell would hand over: moto's credentials, and a HOME with no AWS config.
    const env = { PATH: process.env.PATH ?? '', HOME: home, AWS_ACCESS_KEY_ID: MOCK_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: MOCK_CREDENTIALS.secretAccessKey };
    // moto's recorder logs what it receives from here on: the tool's requests, not the set-up's.
    await motoRecorder(moto.url, 'reset-recording');
    await motoRecorder(moto.url, 'start-recording');
    try {
      const { stdout, stderr } = await runFile(process.execPath, args, { encoding: 'utf8', env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
      run = { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      run = { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
    }
    await motoRecorder(moto.url, 'stop-recording');
    awsRequests = parseRecording(await motoRecorder(moto.url, 'download-recording'));
    report = JSON.parse(run.stdout || '{}') as Report;
  }, 180_000);

  afterAll(async () => {
    await apiServer?.close();
    await moto?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('ends with exit code 1 (critical findings), a JSON report and nothing on stderr', () => {
    expect(run.stderr).toBe('');
    expect(run.code, run.stdout.slice(0, 500)).toBe(1);
    expect(report.cluster.name).toBe(SICK_CLUSTER.name);
  });

  it('read the API server through the kubeconfig, over TLS with the generated CA and an EKS token the mock verified', () => {
    expect(report.kubernetesAccess).toMatchObject({ method: 'kubeconfig', reachable: true });
    const answered = log.entries.filter((e) => e.service === 'kubernetes');
    expect(answered.length).toBeGreaterThan(0);
    // A token the mock refused would show as 401s.
    expect(answered.filter((e) => e.status === 401)).toEqual([]);
    expect(answered.map((e) => e.action)).toContain('GET /api/v1/nodes');
    expect(answered.map((e) => e.action)).toContain('GET /api/v1/namespaces/kube-system/configmaps/aws-auth');
  });

  it('every Kubernetes request is a get or list that policy/clusterrole.yaml allows', () => {
    expectKubernetesRequestsAllowed(log);
  });

  it('every AWS request moto received from the tool is a read that policy/iam-policy.json allows', () => {
    expect(awsRequests.length).toBeGreaterThan(10);
    // SigV4 signs CloudWatch as 'monitoring'; its IAM actions are 'cloudwatch:…'.
    const iamPrefix = (service: string): string => (service === 'monitoring' ? 'cloudwatch' : service);
    const queryActions = new Set(awsRequests.filter((r) => r.action).map((r) => `${iamPrefix(r.service)}:${r.action}`));
    expect(queryActions).toContain('ec2:DescribeInstances');
    expect(queryActions).toContain('iam:GetRole');
    for (const action of queryActions) expect(allowedActions.has(action), `${action} is not in policy/iam-policy.json`).toBe(true);
    // EKS is a REST API: a read is a GET.
    const eks = awsRequests.filter((r) => r.service === 'eks');
    expect(eks.map((r) => r.path)).toContain(`/clusters/${SICK_CLUSTER.name}`);
    expect(eks.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(awsRequests.filter((r) => !r.action && r.service !== 'eks').map((r) => `${r.service} ${r.method} ${r.path}`)).toEqual([]);
  });

  it('the Kubernetes-side checks ran over the cluster objects', () => {
    for (const id of ['aws-auth', 'node-registration', 'node-conditions']) {
      const check = report.checks.find((c) => c.id === id);
      expect(check?.status, `${id}: ${check?.reason ?? ''}`).toBe('fail');
    }
  });

  it('aws-auth: the node role of moto\'s node group is not mapped (only the admin role is)', () => {
    const finding = report.findings.find((f) => f.id === 'aws-auth/node-role-not-mapped');
    expect(finding, report.findings.map((f) => f.id).join(', ')).toBeDefined();
    expect(resourceIds(finding)).toContain(ids.nodeRoleArn);
    expect(resourceIds(finding)).not.toContain(MAPPED_ADMIN_ROLE_ARN);
  });

  it('node-conditions: the Node of the first moto instance is NotReady, named by its private DNS name and instance ID', () => {
    const finding = report.findings.find((f) => f.id === 'node-conditions/node-not-ready');
    expect(finding, report.findings.map((f) => f.id).join(', ')).toBeDefined();
    expect(resourceIds(finding)).toEqual(expect.arrayContaining([nodes.joined.nodeName, nodes.joined.instanceId]));
    // Joined through providerID aws:///AZ/ID: the instance's subnet and group come from moto.
    expect(resourceIds(finding)).toEqual(expect.arrayContaining([SICK_CLUSTER.asg]));
    expect(resourceIds(finding).some((id) => ids.subnets.includes(id))).toBe(true);
  });

  it('node-registration: the second moto instance never registered, and the joined one is not reported', () => {
    const finding = report.findings.find((f) => f.id === 'node-registration/instance-not-joined');
    expect(finding, report.findings.map((f) => f.id).join(', ')).toBeDefined();
    expect(resourceIds(finding)).toContain(nodes.notJoined.instanceId);
    expect(resourceIds(finding)).not.toContain(nodes.joined.instanceId);
  });

  it('the missing mapping is a root cause that explains both Kubernetes-side symptoms', () => {
    const cause = report.findings.find((f) => f.id === 'aws-auth/node-role-not-mapped')!;
    for (const symptom of ['node-conditions/node-not-ready', 'node-registration/instance-not-joined']) {
      const finding = report.findings.find((f) => f.id === symptom);
      expect(finding?.explainedBy, symptom).toContain(cause.key);
    }
  });

  it('the AWS-side faults planted in moto are found too', () => {
    const found = report.findings.map((f) => f.id);
    expect(found).toContain('node-iam-role/worker-node-policy-missing');
    expect(found).toContain('subnets/cluster-subnets-single-az');
  });
});
