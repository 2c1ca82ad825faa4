/**
 * User data never leaves collection: the launch template's UserData carries a unique marker in
 * every place a secret hides in real user data (a script's export, a NodeConfig field eks-doctor
 * does not keep, a kubelet flag whose value it does not keep, a YAML comment), and no byte of it,
 * nor of its base64 form, reaches the saved snapshot, the report in any format, the trace or the
 * --debug output. The same run proves the user data was read: its facts are in the snapshot.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../mocks/bundled-scenarios.js';
import { startMockCluster, type MockCluster } from '../mocks/mock-cluster.js';
import { BATCH_LAUNCH_TEMPLATE_ID } from '../mocks/scenario-builder/baseline.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { runCli } from './support/run-cli.js';

const MARKER = 'EKSDOCTOR-UD-SECRET-5c1e9b7a';
const FORMATS = ['json', 'text', 'markdown', 'junit', 'sarif', 'policyreport'] as const;

function userDataWithSecrets(endpoint: string, ca: string): string {
  return `MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="==BOUNDARY=="

--==BOUNDARY==
Content-Type: application/node.eks.aws

# rotated by ${MARKER}
apiVersion: node.eks.aws/v1alpha1
kind: NodeConfig
spec:
  cluster:
    name: shop-prod
    apiServerEndpoint: ${endpoint}
    certificateAuthority: ${ca}
    cidr: 172.20.0.0/16
  containerd:
    config: |
      [plugins."io.containerd.grpc.v1.cri".registry.configs."registry.example.com".auth]
      password = "${MARKER}"
  kubelet:
    flags:
    - --node-labels=node-role.example.com/batch=true
    - --bootstrap-kubeconfig=/etc/${MARKER}/kubeconfig

--==BOUNDARY==
Content-Type: text/x-shellscript; charset="us-ascii"

#!/bin/bash
export DB_PASSWORD='${MARKER}'
echo "$DB_PASSWORD" > /etc/app/secret

--==BOUNDARY==--
`;
}

/** The marker as text and as base64 at each of the three byte alignments, and 40-character slices of the served base64. */
function needles(servedBase64: string): string[] {
  const marker = Buffer.from(MARKER);
  const aligned = [0, 1, 2].map((pad) => Buffer.concat([Buffer.alloc(pad, 0x20), marker]).toString('base64').slice(4, -4));
  const slices: string[] = [];
  for (let i = 0; i + 40 <= servedBase64.length; i += 40) slices.push(servedBase64.slice(i, i + 40));
  return [MARKER, ...aligned, ...slices];
}

describe('user data stays out of every output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-userdata-'));
  const userData = new Map<string, string>();
  let cluster: MockCluster;
  let served = '';

  beforeAll(async () => {
    cluster = await startMockCluster({ scenario: loadScenario('baseline'), awsUserData: userData });
    served = Buffer.from(userDataWithSecrets(cluster.kubernetesUrl, cluster.kubernetes.certificateAuthorityData)).toString('base64');
    userData.set(`${BATCH_LAUNCH_TEMPLATE_ID}:3`, served);
  });
  afterAll(() => cluster.close());
  beforeEach(() => {
    // The SDK's default credential chain reads the process environment, as it does for a user.
    vi.stubEnv('AWS_ACCESS_KEY_ID', cluster.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', cluster.credentials.secretAccessKey);
    vi.stubEnv('AWS_PROFILE', '');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('diagnose with every report format, --save-snapshot, --trace and --debug; collect --out', async () => {
    const env = { AWS_ACCESS_KEY_ID: cluster.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: cluster.credentials.secretAccessKey, AWS_REGION: cluster.region };
    const files = FORMATS.map((f) => join(dir, `report.${f}`));
    const snapshotFile = join(dir, 'snapshot.json');
    const traceFile = join(dir, 'trace.json');
    const diagnose = await runCli(
      ['diagnose', '--cluster', cluster.clusterName, '--endpoint-url', cluster.awsUrl, '--fail-on', 'never', '--debug', '--save-snapshot', snapshotFile, '--trace', traceFile, ...FORMATS.flatMap((f, i) => ['--output', `${f}=${files[i]}`])],
      env,
    );
    expect(diagnose.code, diagnose.stderr).toBe(0);
    const bundleFile = join(dir, 'bundle.json');
    const collect = await runCli(['collect', '--cluster', cluster.clusterName, '--endpoint-url', cluster.awsUrl, '--out', bundleFile, '--debug'], env);
    expect(collect.code, collect.stderr).toBe(0);

    // The user data was read: its facts are there (the flag that may hold a secret by name only).
    for (const file of [snapshotFile, bundleFile]) {
      const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
      const facts = snapshot.aws.launchTemplateUserData?.find((f) => f.LaunchTemplateId === BATCH_LAUNCH_TEMPLATE_ID && f.VersionNumber === 3);
      expect(facts).toMatchObject({ bootstrap: 'nodeadm', clusterName: 'shop-prod', parts: [{ kind: 'nodeadm' }, { kind: 'shell' }] });
      expect(facts?.kubeletFlags).toContainEqual({ name: 'bootstrap-kubeconfig' });
    }
    // --debug did log the read that carried it.
    expect(diagnose.stderr).toMatch(/DescribeLaunchTemplateVersions/);

    const outputs: [string, string][] = [
      ...files.map((f): [string, string] => [f, readFileSync(f, 'utf8')]),
      [snapshotFile, readFileSync(snapshotFile, 'utf8')],
      [bundleFile, readFileSync(bundleFile, 'utf8')],
      [traceFile, readFileSync(traceFile, 'utf8')],
      ['diagnose stdout', diagnose.stdout],
      ['diagnose stderr (--debug)', diagnose.stderr],
      ['collect stdout', collect.stdout],
      ['collect stderr (--debug)', collect.stderr],
    ];
    for (const [name, text] of outputs) {
      if (!name.includes(' ')) expect(text.length, name).toBeGreaterThan(0);
      for (const needle of needles(served)) expect(text.includes(needle), `${name} holds "${needle}"`).toBe(false);
    }
  });
});
