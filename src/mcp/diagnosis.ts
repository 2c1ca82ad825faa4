/**
 * One diagnosis for the MCP server: what to diagnose (a live cluster, a saved snapshot, or a
 * bundled demo scenario served by the local mock), run through the same collectors and checks as
 * `eks-doctor diagnose` and `demo`, with progress events and a way to give up on it.
 */
import { planCollection } from '../collect/plan.js';
import { diagnosisRunner, type Selection } from '../engine/diagnose.js';
import type { Diagnostic } from '../engine/diagnostic.js';
import type { ProgressEvent } from '../engine/progress.js';
import type { Report } from '../engine/report.js';
import { collectLive } from '../cli/live-collection.js';
import type { LiveSettings } from '../cli/live-settings.js';
import type { CommandIo } from '../cli/command.js';
import { loadSnapshotFile } from '../snapshot/load.js';
import type { Redactor} from '../snapshot/redact.js';
import { redactSnapshot } from '../snapshot/redact.js';
import type { Snapshot } from '../snapshot/types.js';
import { UserError } from '../user-error.js';
import { TOOL_VERSION } from '../version.js';

export type DiagnosisTarget =
  | { kind: 'live'; clusterName: string; region?: string; profile?: string; kubeconfig?: string; context?: string }
  | { kind: 'snapshot'; path: string }
  | { kind: 'demo'; scenario: string };

export interface DiagnosisRequest {
  target: DiagnosisTarget;
  selection: Selection;
  timeoutSeconds: number;
  callTimeoutMs: number;
  debug: boolean;
  onEvent?: (event: ProgressEvent) => void;
  /** The client cancelled the request: stop waiting for the collection. */
  signal?: AbortSignal;
}

export interface Diagnosis {
  report: Report;
  /** What the report was built from (already redacted when the server redacts). */
  snapshot: Snapshot;
  target: string;
}

export function describeTarget(target: DiagnosisTarget): string {
  switch (target.kind) {
    case 'live':
      return `cluster ${target.clusterName}${target.region ? ` in ${target.region}` : ''}`;
    case 'snapshot':
      return `snapshot ${target.path}`;
    case 'demo':
      return `demo scenario ${target.scenario} (served locally by the bundled mock)`;
  }
}

export async function runDiagnosis(
  request: DiagnosisRequest,
  context: { diagnostics: Diagnostic[]; io: CommandIo; redactor?: Redactor },
): Promise<Diagnosis> {
  const { diagnostics, io, redactor } = context;
  let snapshot: Snapshot | undefined;
  // The engine's one runner, as diagnose and demo use it; an unknown check id is refused before anything is read.
  const runner = diagnosisRunner(
    async ({ checks, onEvent }) => {
      const collected = await untilAborted(collect(request, checks, io, onEvent), request.signal);
      snapshot = redactor ? redactSnapshot(collected, redactor) : collected;
      return snapshot;
    },
    { diagnostics, selection: request.selection, toolVersion: TOOL_VERSION },
  );
  const report = await runner(request.onEvent ? { onEvent: request.onEvent } : {});
  // Cancelled while the checks ran: the caller no longer wants this report.
  if (request.signal?.aborted) throw new UserError('the diagnosis was cancelled');
  return { report, snapshot: snapshot!, target: describeTarget(request.target) };
}

async function collect(request: DiagnosisRequest, selected: Diagnostic[], io: CommandIo, onEvent: ((event: ProgressEvent) => void) | undefined): Promise<Snapshot> {
  const { target } = request;
  const plan = planCollection(selected);
  const timing = { timeoutSeconds: request.timeoutSeconds, callTimeoutMs: Math.min(request.callTimeoutMs, request.timeoutSeconds * 1000), debug: request.debug };
  switch (target.kind) {
    case 'snapshot': {
      onEvent?.({ type: 'collect-start', step: `snapshot ${target.path}` });
      const started = performance.now();
      const snapshot = await loadSnapshotFile(target.path);
      onEvent?.({ type: 'collect-end', step: `snapshot ${target.path}`, durationMs: performance.now() - started, ok: true });
      return snapshot;
    }
    case 'live': {
      const live: LiveSettings = {
        clusterName: target.clusterName,
        ...(target.region ? { region: target.region } : {}),
        ...(target.profile ? { profile: target.profile } : {}),
        ...(target.kubeconfig ? { kubeconfig: target.kubeconfig } : {}),
        ...(target.context ? { context: target.context } : {}),
        ...timing,
      };
      return collectLive(live, plan, io, onEvent);
    }
    case 'demo': {
      // The mocks load only when a demo is asked for, as in `eks-doctor demo`.
      const [{ loadScenario }, { mockLiveSettings, startMockCluster }] = await Promise.all([import('../../mocks/bundled-scenarios.js'), import('../../mocks/mock-cluster.js')]);
      const scenario = loadScenario(target.scenario);
      const cluster = await startMockCluster({ scenario });
      // A cancelled demo closes its mock at once: the collection's requests then fail fast instead of waiting.
      const closeOnAbort = () => void cluster.close().catch(() => {});
      request.signal?.addEventListener('abort', closeOnAbort, { once: true });
      try {
        const live = mockLiveSettings(cluster, scenario, timing);
        // An empty environment: none of the user's AWS profile, endpoints, proxies or KUBECONFIG applies to the mock.
        const collected = await collectLive(live, plan, { ...io, env: {} }, onEvent);
        const description = scenario.meta?.description;
        return { ...collected, meta: { ...collected.meta, scenario: target.scenario, ...(description ? { description } : {}) } };
      } finally {
        request.signal?.removeEventListener('abort', closeOnAbort);
        if (!request.signal?.aborted) await cluster.close();
      }
    }
  }
}

/**
 * Resolves with the work, or rejects as soon as the signal fires. The collection has no abort of
 * its own: a cancelled live collection is left to end at its --timeout deadline and its result is
 * dropped (a demo's mock is closed at once, which ends its requests).
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    void work.catch(() => {});
    return Promise.reject(new UserError('the diagnosis was cancelled'));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      void work.catch(() => {});
      reject(new UserError('the diagnosis was cancelled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
