/**
 * The Kubernetes side under the faults a busy or sick control plane answers with, over the live
 * path (Kubernetes client over TLS with an EKS token, SDK over HTTP) against the mocks serving a
 * scenario: throttling with Retry-After, 5xx and connection resets are retried until the reads
 * succeed, an expired continue token restarts the list, and an API server that answers /version and
 * then hangs costs only the Kubernetes reads, never an AWS-side check. Faults are injected by
 * counter (mocks/k8s-mock/api-server.ts, KubernetesRequestFault); no timing is asserted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { KubernetesRequestFault } from '../../mocks/k8s-mock/api-server.js';
import { startMockCluster, type MockCluster } from '../../mocks/mock-cluster.js';
import { loadScenario } from '../../mocks/bundled-scenarios.js';
import { createAwsClients } from '../../src/collect/aws/clients.js';
import { collectSnapshot } from '../../src/collect/collect.js';
import { planCollection } from '../../src/collect/plan.js';
import { diagnoseSnapshot } from '../../src/engine/diagnose.js';
import { loadDiagnostics } from '../../src/engine/registry.js';
import type { Snapshot } from '../../src/snapshot/types.js';

const scenario = loadScenario('node-role-not-mapped');
let cluster: MockCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function collect(options: { faults?: KubernetesRequestFault[]; maxPageSize?: number; timeoutSeconds?: number; requestTimeoutMs?: number } = {}): Promise<Snapshot> {
  cluster = await startMockCluster({
    scenario,
    ...(options.faults ? { kubernetesRequestFaults: options.faults } : {}),
    ...(options.maxPageSize ? { kubernetesMaxPageSize: options.maxPageSize } : {}),
  });
  const clients = await createAwsClients({ region: scenario.cluster.region, endpointUrl: cluster.awsUrl, credentials: cluster.credentials, env: {} });
  try {
    return await collectSnapshot({
      clusterName: scenario.cluster.name,
      plan: planCollection(await loadDiagnostics()),
      aws: clients,
      timeoutSeconds: options.timeoutSeconds ?? 60,
      kubernetes: { env: {}, requestTimeoutMs: options.requestTimeoutMs ?? 10_000 },
      now: () => new Date(scenario.capturedAt),
    });
  } finally {
    clients.destroy();
  }
}

async function findings(snapshot: Snapshot): Promise<string[]> {
  const report = await diagnoseSnapshot(snapshot, { diagnostics: await loadDiagnostics(), toolVersion: 'test', generatedAt: new Date(snapshot.capturedAt) });
  return report.findings.map((f) => `${f.key} ${f.severity}`).sort();
}

/** The Kubernetes side apart from the mock's address, which each mock cluster picks anew. */
function withoutEndpoint(snapshot: Snapshot): Snapshot['kubernetes'] {
  const { apiServer, ...rest } = snapshot.kubernetes;
  return { ...rest, ...(apiServer ? { apiServer: { ...apiServer, server: 'mock' } } : {}) };
}

/** Retried faults leave no trace: no error, the same data and the same findings as the run without them. */
async function expectLikeCleanRun(snapshot: Snapshot, clean: { kubernetes: Snapshot['kubernetes']; findings: string[] }): Promise<void> {
  expect(snapshot.errors).toEqual([]);
  expect(withoutEndpoint(snapshot)).toEqual(clean.kubernetes);
  expect(await findings(snapshot)).toEqual(clean.findings);
}

const faultsServed = (kind: string): number => cluster!.log.entries.filter((e) => e.service === 'kubernetes' && e.fault === kind).length;

describe('the Kubernetes side under faults', () => {
  let clean: { kubernetes: Snapshot['kubernetes']; findings: string[] } | undefined;
  const reference = async () => {
    if (!clean) {
      const snapshot = await collect({ maxPageSize: 2 });
      expect(snapshot.errors).toEqual([]);
      clean = { kubernetes: withoutEndpoint(snapshot), findings: await findings(snapshot) };
      await cluster!.close();
      cluster = undefined;
    }
    return clean;
  };
  /** Collected page by page (two items a page) with `faults` served: retried, they leave no trace. */
  const expectCleanRunDespite = async (faults: KubernetesRequestFault[]) => {
    const expected = await reference();
    await expectLikeCleanRun(await collect({ faults, maxPageSize: 2 }), expected);
  };

  it('a third of all requests answered 429 TooManyRequests with Retry-After: 1 gives the clean run\'s data and findings', async () => {
    await expectCleanRunDespite([{ kind: 'throttle', path: '*', every: 3, retryAfterSeconds: 1 }]);
    expect(faultsServed('throttle')).toBeGreaterThan(3);
  });

  it('500s and 503s without Retry-After and connection resets, twice per read, are retried', async () => {
    await expectCleanRunDespite([
      { kind: 'server-error', status: 500, path: '/api/v1/nodes', first: 2 },
      { kind: 'server-error', status: 503, path: '/api/v1/namespaces/kube-system/pods', first: 2 },
      { kind: 'reset', path: '/api/v1/serviceaccounts', first: 2 },
      { kind: 'reset', path: '/api/v1/namespaces/kube-system/configmaps/aws-auth', first: 2 },
    ]);
    expect(faultsServed('server-error')).toBe(4);
    expect(faultsServed('reset')).toBe(4);
  });

  it('a 410 Expired on a continued list starts that list again and reads it whole', async () => {
    await expectCleanRunDespite([
      { kind: 'expired', path: '/api/v1/nodes', first: 1 },
      { kind: 'expired', path: '/api/v1/namespaces/kube-system/pods', first: 1 },
    ]);
    expect(faultsServed('expired')).toBe(2);
  });

  it('an API server that answers /version and then hangs costs only the Kubernetes reads: every AWS part and every AWS-side check completes', async () => {
    // The requests hang past the run's deadline, which ends them.
    const snapshot = await collect({ faults: [{ kind: 'hang', path: '*' }], timeoutSeconds: 8, requestTimeoutMs: 60_000 });
    expect(faultsServed('hang')).toBeGreaterThan(0);
    expect(snapshot.kubernetes.apiServer?.reachable).toBe(true);
    expect(snapshot.errors.filter((e) => e.part.startsWith('aws.'))).toEqual([]);
    expect(snapshot.errors.length).toBeGreaterThan(0);
    for (const error of snapshot.errors) expect(error).toMatchObject({ kind: 'timeout' });
    // The node role, which nothing in Kubernetes names, was looked up.
    const nodeRole = scenario.aws.nodegroups?.[0]?.nodeRole;
    expect(nodeRole).toBeDefined();
    expect(snapshot.aws.iamRoles?.map((r) => r.Arn)).toContain(nodeRole);

    const diagnostics = await loadDiagnostics();
    const report = await diagnoseSnapshot(snapshot, { diagnostics, toolVersion: 'test', generatedAt: new Date(snapshot.capturedAt) });
    for (const check of report.checks) {
      const d = diagnostics.find((x) => x.id === check.id)!;
      // An AWS-side check reads no Kubernetes object (the API server's reachability is an AWS-side fact here).
      if ([...d.needs, ...d.uses].some((p) => p.startsWith('kubernetes.') && p !== 'kubernetes.apiServer')) continue;
      expect(check.status, `${check.id}: ${check.reason ?? ''}`).not.toBe('error');
    }
    expect(report.checks.find((c) => c.id === 'node-iam-role')?.status).not.toBe('error');
  });
});
