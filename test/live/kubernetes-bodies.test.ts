/**
 * One Kubernetes API answering 200 with a body that is not what it claims: half a JSON document, or
 * a proxy's HTML page. That one call is recorded as failed with a message naming its path and what
 * was wrong; the checks that need it report error saying so; every other check keeps the verdict
 * of the fault-free run; nothing crashes.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BodyFault } from '../../mocks/k8s-mock/api-server.js';
import { startMockCluster } from '../../mocks/mock-cluster.js';
import { loadScenario } from '../../mocks/bundled-scenarios.js';
import { diagnoseSnapshot } from '../../src/engine/diagnose.js';
import { loadDiagnostics } from '../../src/engine/registry.js';
import type { Report } from '../../src/engine/report.js';
import type { SnapshotPart } from '../../src/snapshot/types.js';
import { runCli } from '../support/run-cli.js';

interface Case {
  path: string;
  fault: BodyFault;
  /** The snapshot part that request fills. */
  part: SnapshotPart;
  /** What the recorded failure says was wrong. */
  says: RegExp;
}

const cases: Case[] = [
  { path: '/api/v1/nodes', fault: 'truncated', part: 'kubernetes.nodes', says: /ends mid-document after \d+ characters: it was cut off/ },
  { path: '/api/v1/namespaces/kube-system/configmaps/aws-auth', fault: 'garbage', part: 'kubernetes.awsAuth', says: /HTML or XML page, not JSON: something other than the API server answered/ },
  { path: '/api/v1/services', fault: 'cut', part: 'kubernetes.loadBalancerServices', says: /the connection closed after \d+ of the \d+ bytes of the answer to GET \S+ \(HTTP 200\): it was cut off/ },
];

afterEach(() => {
  vi.unstubAllEnvs();
});

describe.each(cases)('GET $path answers 200 with a $fault body', ({ path, fault, part, says }) => {
  it('that call is recorded as failed naming the path; the checks that need it say so; the others keep their verdicts', async () => {
    const scenario = loadScenario('node-role-not-mapped');
    const diagnostics = await loadDiagnostics();
    const expected = await diagnoseSnapshot(scenario, { diagnostics, toolVersion: 'test', generatedAt: new Date(scenario.capturedAt) });
    const cluster = await startMockCluster({ scenario, kubernetesBodyFaults: { [path]: fault } });
    // The SDK's default credential chain reads the process environment, as it does for a user.
    vi.stubEnv('AWS_ACCESS_KEY_ID', cluster.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', cluster.credentials.secretAccessKey);
    vi.stubEnv('AWS_PROFILE', '');
    let report: Report;
    try {
      const { code, stdout, stderr } = await runCli(['diagnose', '--cluster', cluster.clusterName, '--region', cluster.region, '--endpoint-url', cluster.awsUrl, '--output', 'json', '--fail-on', 'never'], {
        AWS_ACCESS_KEY_ID: cluster.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: cluster.credentials.secretAccessKey,
      });
      expect(stderr).toBe('');
      expect(code).toBe(0);
      report = JSON.parse(stdout) as Report;
      expect(cluster.log.entries.some((e) => e.fault === fault && e.action === `GET ${path}`)).toBe(true);
    } finally {
      await cluster.close();
    }

    // Exactly that part failed, as an unparseable answer, and the message names the request.
    expect(report.collectionErrors).toEqual([
      expect.objectContaining({ part, kind: 'invalid-response', code: fault === 'cut' ? 'ResponseCutOff' : 'InvalidJSON', httpStatus: 200, message: expect.stringMatching(says) as unknown }),
    ]);
    expect(report.collectionErrors[0]!.message).toContain(`GET ${path}`);
    expect(report.kubernetesAccess).toMatchObject({ reachable: true });

    for (const d of diagnostics) {
      const check = report.checks.find((c) => c.id === d.id)!;
      const before = expected.checks.find((c) => c.id === d.id)!;
      if (d.needs.includes(part)) {
        expect(check.status, d.id).toBe('error');
        expect(check.reason, d.id).toContain(`GET ${path}`);
        expect(check.reason, d.id).toMatch(says);
      } else if (!d.uses.includes(part)) {
        // Checks that do not read the broken part: the same verdict and the same findings.
        const keys = (r: Report) => r.findings.filter((f) => f.check === d.id).map((f) => f.key).sort();
        expect({ id: d.id, status: check.status, findings: keys(report) }).toEqual({ id: d.id, status: before.status, findings: keys(expected) });
      } else if (check.status === 'error') {
        // A check that could do without it, but not for every verdict, says what it missed.
        expect(check.reason, d.id).toContain(`GET ${path}`);
      } else {
        expect(['pass', 'fail'], d.id).toContain(check.status);
      }
    }
    // Someone says so: the part is not silently taken as empty.
    expect(report.checks.filter((c) => c.status === 'error').map((c) => c.id)).not.toEqual([]);
  });
});
