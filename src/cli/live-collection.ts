/**
 * The live path's I/O: connecting to AWS and collecting a snapshot from a live cluster, with the
 * settings live-settings.ts parsed; and where a report command's snapshot comes from.
 */
import type { AwsClients } from '../collect/aws/clients.js';
import { planCollection, type CollectionPlan } from '../collect/plan.js';
import type { DiagnosisSetup, SnapshotSource } from '../engine/diagnose.js';
import { DEFAULT_CHANGE_WINDOW_HOURS } from '../enrich/plan.js';
import { withChanges } from '../enrich/snapshot-changes.js';
import type { BundleKeeper } from './bundle-options.js';
import type { CollectEvent, ProgressEvent } from '../engine/progress.js';
import { loadSnapshotFile } from '../snapshot/load.js';
import type { Snapshot } from '../snapshot/types.js';
import { inSpan, NO_TRACE, PHASE, timedImport, type Tracer } from '../trace/tracer.js';
import { UserError } from '../user-error.js';
import type { CommandIo, ParsedArgs } from './command.js';
import { liveSettings, type LiveSettings } from './live-settings.js';

/** The SDK is loaded only on live paths: `diagnose --snapshot` and --help never pay for it. */
export async function connectAws(settings: LiveSettings, io: CommandIo, tracer?: Tracer, changeHistory?: { cloudTrailPace: (region: string) => { acquire(): Promise<void> } }): Promise<AwsClients> {
  const { createAwsClients } = await timedImport('collect/aws/clients', () => import('../collect/aws/clients.js'));
  return createAwsClients({
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.endpointUrl ? { endpointUrl: settings.endpointUrl } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    callTimeoutMs: settings.callTimeoutMs,
    env: io.env,
    ...(settings.debug ? { debug: (line: string) => void io.stderr.write(`${line}\n`) } : {}),
    ...(settings.rateLimiter ? { rateLimiter: settings.rateLimiter } : {}),
    ...(tracer ? { tracer } : {}),
    ...(changeHistory ? { cloudTrailPace: changeHistory.cloudTrailPace, tracePhase: PHASE.changeHistory } : {}),
  });
}

/**
 * The diagnosis setup of a live run: with the change history on, the enrichment pass's reads
 * against the same account (CloudTrail paced per account and region across every run of the
 * process), its additions kept (redacted, saved) like the snapshot they join.
 */
export function withLiveChangeHistory(setup: DiagnosisSetup, live: LiveSettings, io: CommandIo, keep?: BundleKeeper): DiagnosisSetup {
  const history = setup.changeHistory;
  if (history === false) return setup;
  return {
    ...setup,
    changeHistory: {
      windowHours: history?.windowHours ?? DEFAULT_CHANGE_WINDOW_HOURS,
      async collect(snapshot, plan, { onEvent, tracer }) {
        // Loaded only when a run has something to look up: the CloudTrail SDK with it.
        const { collectChanges, cloudTrailPace, PROCESS_CHANGE_LOOKUPS, snapshotAccount } = await import('../enrich/collect.js');
        const clients = await connectAws(live, io, tracer, { cloudTrailPace: cloudTrailPace(PROCESS_CHANGE_LOOKUPS, snapshotAccount(snapshot)) });
        try {
          const changes = await collectChanges({ snapshot, plan, clients, timeoutSeconds: live.timeoutSeconds, ...(onEvent ? { onEvent } : {}), ...(tracer ? { tracer } : {}) });
          return keep ? keep.withChanges(snapshot, changes) : withChanges(snapshot, changes);
        } finally {
          clients.destroy();
        }
      },
    },
  };
}

/** Collects a snapshot of the planned parts from the live cluster; with a tracer (--trace), every request is a span. */
export async function collectLive(settings: LiveSettings, plan: CollectionPlan, io: CommandIo, onEvent?: (event: CollectEvent) => void, tracer?: Tracer): Promise<Snapshot> {
  const aws = await connectAws(settings, io, tracer);
  const { collectSnapshot } = await timedImport('collect/collect', () => import('../collect/collect.js'));
  try {
    return await collectSnapshot({
      clusterName: settings.clusterName,
      plan,
      aws,
      timeoutSeconds: settings.timeoutSeconds,
      kubernetes: {
        env: io.env,
        requestTimeoutMs: settings.callTimeoutMs,
        ...(settings.kubeconfig ? { kubeconfig: settings.kubeconfig } : {}),
        ...(settings.context ? { context: settings.context } : {}),
        ...(settings.debug
          ? { onRequest: (r) => void io.stderr.write(`k8s GET ${r.path} ${r.status ?? '-'} ${r.durationMs}ms${r.error ? ` error=${r.error}` : ''}\n`) }
          : {}),
      },
      ...(onEvent ? { onEvent } : {}),
      ...(settings.endpointUrl ? { endpointDescription: settings.endpointUrl } : {}),
      ...(settings.now ? { now: settings.now } : {}),
      ...(tracer ? { tracer } : {}),
    });
  } finally {
    aws.destroy();
  }
}

/**
 * Where a report command's snapshot comes from: the --snapshot file (its reading shown as one
 * collection step), or the live cluster named by --cluster, collecting only what the selected
 * checks read. Exactly one of the two must be given.
 */
export function snapshotSource(file: string | undefined, args: ParsedArgs, io: CommandIo): SnapshotSource {
  const live = liveSettings(args);
  if (file && live) throw new UserError('give either --snapshot FILE or --cluster NAME, not both');
  if (file) return ({ onEvent, tracer }) => inSpan(tracer ?? NO_TRACE, 'read snapshot', () => readFileAsStep(`snapshot ${file}`, () => loadSnapshotFile(file), onEvent));
  if (!live) {
    throw new UserError('diagnose needs a cluster to look at', 'Give --cluster NAME (live, read-only) or --snapshot FILE (a saved snapshot), or try `eks-doctor demo`.');
  }
  return ({ checks, onEvent, tracer }) => collectLive(live, planCollection(checks), io, onEvent, tracer);
}

/** Reading a snapshot file is the whole collection offline: the UI shows it as one step. */
async function readFileAsStep(step: string, read: () => Promise<Snapshot>, onEvent?: (event: ProgressEvent) => void): Promise<Snapshot> {
  onEvent?.({ type: 'collect-start', step });
  const started = performance.now();
  try {
    const snapshot = await read();
    onEvent?.({ type: 'collect-end', step, durationMs: performance.now() - started, ok: true });
    return snapshot;
  } catch (error) {
    onEvent?.({ type: 'collect-end', step, durationMs: performance.now() - started, ok: false, error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}
