/**
 * Round trip of whole snapshots through the live path: for every scenario S, the AWS mock and the
 * Kubernetes mock API server serve S, and collecting it (SDK over HTTP, Kubernetes client over TLS
 * with an in-process EKS token) gives back S, apart from capture metadata and the endpoint and CA,
 * which are the mock API server's own. IRSA roles come from the ServiceAccounts the Kubernetes side
 * reads, not from the test: the hand-over between the two sides is part of what is proved. The
 * change history (EKS updates, CloudTrail lookups) comes back through the enrichment pass's own
 * collection, planned from what the scenario holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockCluster, type MockCluster } from '../../mocks/mock-cluster.js';
import { listScenarios, loadScenario } from '../../mocks/bundled-scenarios.js';
import { createAwsClients } from '../../src/collect/aws/clients.js';
import { collectSnapshot } from '../../src/collect/collect.js';
import { planFromParts } from '../../src/collect/plan.js';
import { caFingerprint } from '../../src/domain/certificate.js';
import type { Snapshot, SnapshotPart } from '../../src/snapshot/types.js';
import { collectChanges, newChangeLookupShared } from '../../src/enrich/collect.js';
import { withChanges } from '../../src/enrich/snapshot-changes.js';
import { asCollected, canonical, changePlanOf, errorSummary, planForSnapshot } from '../aws/support.js';
import { expectKubernetesRequestsAllowed } from '../support/cluster-role.js';
import { kubernetesAsCollected } from '../support/kubernetes-as-collected.js';

function wholePlan(snapshot: Snapshot) {
  const awsPlan = planForSnapshot(snapshot);
  const kubernetesParts = [...Object.keys(snapshot.kubernetes), ...snapshot.errors.filter((e) => e.part.startsWith('kubernetes.')).map((e) => e.part.slice('kubernetes.'.length))];
  return planFromParts([...awsPlan.aws.map((p) => `aws.${p}` as SnapshotPart), ...kubernetesParts.map((k) => `kubernetes.${k}` as SnapshotPart)]);
}

function kubernetesErrorSummary(snapshot: Snapshot): string[] {
  return snapshot.errors.filter((e) => e.part.startsWith('kubernetes.')).map((e) => `${e.part} ${e.call} ${e.kind} ${e.code}`).sort();
}

describe.each(listScenarios())('whole-snapshot round trip of scenario $name', ({ name }) => {
  const scenario = loadScenario(name);
  let cluster: MockCluster;
  beforeAll(async () => {
    cluster = await startMockCluster({ scenario });
  });
  afterAll(async () => {
    expectKubernetesRequestsAllowed(cluster.log);
    await cluster.close();
  });

  it('collects back the AWS side, the Kubernetes side and the recorded failures', async () => {
    const clients = await createAwsClients({ region: scenario.cluster.region, endpointUrl: cluster.awsUrl, credentials: cluster.credentials, env: {}, maxAttempts: 1 });
    let collected: Snapshot;
    try {
      const first = await collectSnapshot({
        clusterName: scenario.cluster.name,
        plan: wholePlan(scenario),
        aws: clients,
        timeoutSeconds: 20,
        kubernetes: { env: {}, requestTimeoutMs: 2000 },
        // The mock's world stands at the scenario's capture time, as in the demo: the quota usage window ends there.
        now: () => new Date(scenario.capturedAt),
      });
      // The enrichment pass's second collection, of the change data the scenario holds.
      collected = withChanges(first, await collectChanges({ snapshot: first, plan: changePlanOf(scenario), clients, shared: newChangeLookupShared(), timeoutSeconds: 20 }));
    } finally {
      clients.destroy();
    }
    expect(collected.cluster).toEqual(scenario.cluster);
    // DescribeCluster names the mock API server: the one difference the wiring makes.
    expect(collected.aws.cluster?.endpoint).toBe(cluster.kubernetesUrl);
    // asCollected leaves out the change history: it comes back through the enrichment pass, compared here too.
    const withMockEndpoint = { ...structuredClone(asCollected(scenario.aws)), eksUpdates: scenario.aws.eksUpdates, cloudTrailLookups: scenario.aws.cloudTrailLookups };
    if (withMockEndpoint.cluster) {
      withMockEndpoint.cluster.endpoint = cluster.kubernetesUrl;
      withMockEndpoint.cluster.certificateAuthority = { data: cluster.kubernetes.certificateAuthorityData };
    }
    // User data naming the scenario's own cluster names the API server that stands in for it.
    const ownEndpoint = scenario.aws.cluster?.endpoint;
    const ownCa = caFingerprint(scenario.aws.cluster?.certificateAuthority?.data);
    for (const facts of withMockEndpoint.launchTemplateUserData ?? []) {
      if (facts.apiServerEndpoint === ownEndpoint) facts.apiServerEndpoint = cluster.kubernetesUrl;
      if (facts.caFingerprint === ownCa) facts.caFingerprint = caFingerprint(cluster.kubernetes.certificateAuthorityData);
    }
    for (const [part, expected] of Object.entries(withMockEndpoint)) {
      if (expected === undefined) continue;
      expect(canonical((collected.aws as Record<string, unknown>)[part]), `aws.${part}`).toEqual(canonical(expected));
    }
    expect(errorSummary(collected)).toEqual(errorSummary(scenario));

    const { apiServer, ...kubernetes } = collected.kubernetes;
    const { apiServer: expectedAccess, ...expectedKubernetes } = scenario.kubernetes;
    expect(kubernetes).toEqual(kubernetesAsCollected(expectedKubernetes));
    expect(apiServer).toMatchObject({ method: 'eks-token', server: cluster.kubernetesUrl, reachable: expectedAccess?.reachable ?? true });
    if (expectedAccess?.failure) expect(apiServer?.failure?.kind).toBe(expectedAccess.failure.kind);
    expect(kubernetesErrorSummary(collected)).toEqual(kubernetesErrorSummary(scenario));
  });
});
