/**
 * A scenario served by the mocks and diagnosed through the live path, in-process, with faults set
 * per run: the AWS mock's fault rules and the Kubernetes mock's resource faults. One mock cluster
 * per scenario serves many runs (the faults and their counters are reset before each), so a fault
 * matrix pays for the mocks' start-up (a TLS CA and two servers) once per scenario.
 */
import { afterAll, beforeAll } from 'vitest';
import type { FaultRule } from '../../mocks/aws-mock/index.js';
import { loadScenario } from '../../mocks/bundled-scenarios.js';
import type { ResourceFault } from '../../mocks/k8s-mock/api-server.js';
import { startMockCluster, type MockCluster } from '../../mocks/mock-cluster.js';
import { createAwsClients } from '../../src/collect/aws/clients.js';
import { collectSnapshot } from '../../src/collect/collect.js';
import { planCollection } from '../../src/collect/plan.js';
import { diagnoseSnapshot } from '../../src/engine/diagnose.js';
import type { Diagnostic } from '../../src/engine/diagnostic.js';
import { loadDiagnostics } from '../../src/engine/registry.js';
import type { Report } from '../../src/engine/report.js';
import type { Snapshot } from '../../src/snapshot/types.js';

export interface RunFaults {
  aws?: FaultRule[];
  kubernetes?: ResourceFault[];
}

export interface LiveRun {
  snapshot: Snapshot;
  report: Report;
  /** The faults the mocks injected, as 'ec2:DescribeInstances denied' or 'kubernetes:GET /api/v1/pods forbidden'. */
  injected: string[];
}

export class LiveScenario {
  private busy: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly scenario: Snapshot,
    readonly cluster: MockCluster,
    readonly diagnostics: Diagnostic[],
  ) {}

  static async start(scenario: Snapshot): Promise<LiveScenario> {
    return new LiveScenario(scenario, await startMockCluster({ scenario }), await loadDiagnostics());
  }

  /** One collection and diagnosis with these faults. Runs on one scenario are serialised: the faults are the mocks' state. */
  run(faults: RunFaults = {}): Promise<LiveRun> {
    const next = this.busy.then(() => this.runNow(faults));
    this.busy = next.catch(() => undefined);
    return next;
  }

  private async runNow(faults: RunFaults): Promise<LiveRun> {
    const { cluster, scenario, diagnostics } = this;
    cluster.aws.setFaults(faults.aws ?? []);
    cluster.kubernetes.setResourceFaults(faults.kubernetes ?? []);
    const from = cluster.log.entries.length;
    const clients = await createAwsClients({ region: cluster.region, endpointUrl: cluster.awsUrl, credentials: cluster.credentials, env: {} });
    try {
      const snapshot = await collectSnapshot({
        clusterName: cluster.clusterName,
        plan: planCollection(diagnostics),
        aws: clients,
        // An empty environment: the API server is reached as DescribeCluster names it, with an EKS token.
        kubernetes: { env: {} },
        // The scenario's world stands at the moment it was captured; ages are measured from there.
        now: () => new Date(scenario.capturedAt),
      });
      const report = await diagnoseSnapshot(snapshot, { diagnostics, toolVersion: 'test', generatedAt: new Date(scenario.capturedAt) });
      const injected = cluster.log.entries.slice(from).flatMap((e) => (e.fault ? [`${e.service}:${e.action} ${e.fault}`] : []));
      return { snapshot, report, injected };
    } finally {
      clients.destroy();
      cluster.aws.setFaults([]);
      cluster.kubernetes.setResourceFaults([]);
    }
  }

  close(): Promise<void> {
    return this.cluster.close();
  }
}

/**
 * For a describe block: the scenario served, run once clean (unless `clean: false`) and once with
 * `faults`, before its tests; the mocks closed after them. Read the runs in tests, not at collection time.
 */
export function cleanAndFaultedRuns(scenario: string, faults: RunFaults, options: { clean?: boolean } = {}): { readonly live: LiveScenario; readonly clean: LiveRun; readonly faulted: LiveRun } {
  const runs = {} as { live: LiveScenario; clean: LiveRun; faulted: LiveRun };
  beforeAll(async () => {
    runs.live = await LiveScenario.start(loadScenario(scenario));
    if (options.clean !== false) runs.clean = await runs.live.run();
    runs.faulted = await runs.live.run(faults);
  });
  afterAll(() => runs.live?.close());
  return runs;
}
