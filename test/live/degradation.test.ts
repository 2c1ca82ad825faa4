/**
 * The API server refusing, hanging, answering 401, or presenting a certificate from another CA:
 * `diagnose --cluster` still runs every AWS-side check, the Kubernetes-side checks report error with
 * the reason, the report says why Kubernetes could not be read, and the run ends (bounded by
 * --timeout and --call-timeout; no timing is asserted).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KubernetesFault } from '../../mocks/k8s-mock/api-server.js';
import { startMockCluster } from '../../mocks/mock-cluster.js';
import { loadScenario } from '../../mocks/bundled-scenarios.js';
import { loadDiagnostics } from '../../src/engine/registry.js';
import type { Report } from '../../src/engine/report.js';
import { expectKubernetesRequestsAllowed } from '../support/cluster-role.js';
import { runCli } from '../support/run-cli.js';

const cases: { fault: KubernetesFault; kind: string }[] = [
  { fault: 'refuse', kind: 'unreachable' },
  { fault: 'hang', kind: 'timeout' },
  { fault: 'unauthorized', kind: 'unauthorized' },
  { fault: 'wrong-ca', kind: 'tls' },
];

afterEach(() => {
  vi.unstubAllEnvs();
});

describe.each(cases)('API server $fault', ({ fault, kind }) => {
  it(`AWS-side checks complete and the report says the API server could not be read (${kind})`, async () => {
    const scenario = loadScenario('node-role-not-mapped');
    const cluster = await startMockCluster({ scenario, kubernetesFault: fault });
    // The SDK's default credential chain reads the process environment, as it does for a user.
    vi.stubEnv('AWS_ACCESS_KEY_ID', cluster.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', cluster.credentials.secretAccessKey);
    vi.stubEnv('AWS_PROFILE', '');
    try {
      const { code, stdout, stderr } = await runCli(
        ['diagnose', '--cluster', cluster.clusterName, '--endpoint-url', cluster.awsUrl, '--timeout', '20', '--call-timeout', '2', '--output', 'json', '--fail-on', 'warning'],
        { AWS_ACCESS_KEY_ID: cluster.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: cluster.credentials.secretAccessKey, AWS_REGION: cluster.region },
      );
      expect(stderr).toBe('');
      // The unreachable API server is a warning finding.
      expect(code).toBe(1);
      const report = JSON.parse(stdout) as Report;
      expect(report.kubernetesAccess).toMatchObject({ method: 'eks-token', reachable: false, failure: { kind } });
      const unreachable = report.findings.find((f) => f.id === 'api-server-access/unreachable');
      expect(unreachable?.rootCause).toContain('could not run');

      const diagnostics = await loadDiagnostics();
      for (const check of report.checks) {
        const d = diagnostics.find((x) => x.id === check.id)!;
        const readsKubernetes = [...d.needs, ...d.uses].some((p) => p.startsWith('kubernetes.') && p !== 'kubernetes.apiServer');
        const needsKubernetes = d.needs.some((p) => p.startsWith('kubernetes.') && p !== 'kubernetes.apiServer');
        // Checks that cannot do without the cluster's objects say so, naming what could not be read.
        if (needsKubernetes) expect(check.status, check.id).toBe('error');
        if (check.status === 'error') expect(check.reason, check.id).toMatch(/could not read (Kubernetes|the aws-auth ConfigMap)/);
        // Checks that read only AWS complete.
        if (!readsKubernetes) expect(check.status, `${check.id}: ${check.reason ?? ''}`).not.toBe('error');
      }
      // The AWS side still reports what it sees on its own (the subnets' leftover cluster tag).
      expect(report.findings.map((f) => f.id)).toContain('subnets/legacy-cluster-tag');
    } finally {
      expectKubernetesRequestsAllowed(cluster.log);
      await cluster.close();
    }
  });
});
