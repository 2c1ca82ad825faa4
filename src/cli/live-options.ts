/**
 * Flags shared by every command that reads a live cluster (diagnose --cluster, collect): which
 * cluster, how to reach AWS, and how long to wait. docs/aws.md documents them and their defaults.
 */
import type { AwsCredentialIdentity } from '@smithy/types';
import type { AwsClients } from '../collect/aws/clients.js';
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_TIMEOUT_SECONDS } from '../collect/aws/defaults.js';
import { planCollection, type CollectionPlan } from '../collect/plan.js';
import type { Selection } from '../engine/diagnose.js';
import { selectedDiagnostics } from '../engine/diagnose.js';
import type { Diagnostic } from '../engine/diagnostic.js';
import type { CollectEvent, ProgressEvent } from '../engine/progress.js';
import { loadSnapshotFile } from '../snapshot/load.js';
import type { Snapshot } from '../snapshot/types.js';
import type { Tracer } from '../trace/tracer.js';
import { UserError } from '../user-error.js';
import { numberValue, stringValue, type CommandIo, type OptionSpec, type ParsedArgs } from './command.js';

export const LIVE_OPTIONS: OptionSpec[] = [
  { name: 'cluster', short: 'c', type: 'string', valueName: 'NAME', description: 'EKS cluster to read (live, read-only)' },
  { name: 'region', type: 'string', valueName: 'REGION', description: 'AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile)' },
  { name: 'profile', type: 'string', valueName: 'NAME', description: 'Shared config/credentials profile (default: AWS_PROFILE, then the default chain)' },
  { name: 'endpoint-url', type: 'string', valueName: 'URL', description: 'Send every AWS call to this endpoint (a mock, an emulator, a VPC endpoint)' },
  { name: 'timeout', type: 'string', valueName: 'SECONDS', description: `Bound on the whole collection (default ${DEFAULT_TIMEOUT_SECONDS})` },
  { name: 'call-timeout', type: 'string', valueName: 'SECONDS', description: `Bound on each HTTP attempt (default ${DEFAULT_CALL_TIMEOUT_MS / 1000})` },
  { name: 'kubeconfig', type: 'string', valueName: 'FILE', description: 'Reach the API server with this kubeconfig (default: KUBECONFIG, else the DescribeCluster endpoint and an EKS token)' },
  { name: 'context', type: 'string', valueName: 'NAME', description: 'kubeconfig context to use (implies the kubeconfig)' },
  { name: 'debug', type: 'boolean', description: 'Print each AWS and Kubernetes request (action or path, status, duration) to stderr; never credentials or tokens' },
];

export interface LiveSettings {
  clusterName: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  timeoutSeconds: number;
  callTimeoutMs: number;
  debug: boolean;
  /** Shared across the clusters of one --all-clusters audit. */
  rateLimiter?: { acquire(): Promise<void> };
  kubeconfig?: string;
  context?: string;
  /** Fixed credentials instead of the default chain (the demo's mock credentials). */
  credentials?: AwsCredentialIdentity;
  /** The collection's clock (the demo pins it to its scenario's time). */
  now?: () => Date;
}

/** The live settings, or undefined when no --cluster was given. */
export function liveSettings(args: ParsedArgs): LiveSettings | undefined {
  const v = args.values;
  const clusterName = stringValue(v.cluster);
  if (clusterName === undefined) {
    for (const flag of ['region', 'profile', 'endpoint-url', 'timeout', 'call-timeout', 'kubeconfig', 'context']) {
      if (v[flag] !== undefined) throw new UserError(`--${flag} only applies to a live cluster`, 'Add --cluster NAME.');
    }
    return undefined;
  }
  if (clusterName.trim() === '') throw new UserError('--cluster needs a cluster name');
  const endpointUrl = stringValue(v['endpoint-url']);
  if (endpointUrl !== undefined && !/^https?:\/\/[^/]+/.test(endpointUrl)) {
    throw new UserError(`--endpoint-url must be an http:// or https:// URL; got '${endpointUrl}'`);
  }
  const timeoutSeconds = numberValue('timeout', v.timeout, { min: 1 }) ?? DEFAULT_TIMEOUT_SECONDS;
  const callTimeoutSeconds = numberValue('call-timeout', v['call-timeout'], { min: 0.1 });
  const region = stringValue(v.region);
  const profile = stringValue(v.profile);
  const kubeconfig = stringValue(v.kubeconfig);
  const context = stringValue(v.context);
  return {
    clusterName,
    ...(region ? { region } : {}),
    ...(profile ? { profile } : {}),
    ...(endpointUrl ? { endpointUrl } : {}),
    timeoutSeconds,
    callTimeoutMs: callTimeoutSeconds !== undefined ? callTimeoutSeconds * 1000 : Math.min(DEFAULT_CALL_TIMEOUT_MS, timeoutSeconds * 1000),
    debug: v.debug === true,
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(context ? { context } : {}),
  };
}

/** The SDK is loaded only on live paths: `diagnose --snapshot` and --help never pay for it. */
export async function connectAws(settings: LiveSettings, io: CommandIo, tracer?: Tracer): Promise<AwsClients> {
  const { createAwsClients } = await import('../collect/aws/clients.js');
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
  });
}

/** Collects a snapshot of the planned parts from the live cluster; with a tracer (--trace), every request is a span. */
export async function collectLive(settings: LiveSettings, plan: CollectionPlan, io: CommandIo, onEvent?: (event: CollectEvent) => void, tracer?: Tracer): Promise<Snapshot> {
  const aws = await connectAws(settings, io, tracer);
  const { collectSnapshot } = await import('../collect/collect.js');
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
 * Where a report command's snapshot comes from: the --snapshot file, or the live cluster named by
 * --cluster, collecting only what the selected checks read. Exactly one of the two must be given.
 */
export function snapshotSource(
  file: string | undefined,
  args: ParsedArgs,
  io: CommandIo,
  diagnostics: Diagnostic[],
): (selection: Selection, onEvent?: (event: ProgressEvent) => void, tracer?: Tracer) => Promise<Snapshot> {
  const live = liveSettings(args);
  if (file && live) throw new UserError('give either --snapshot FILE or --cluster NAME, not both');
  if (file) return () => loadSnapshotFile(file);
  if (!live) {
    throw new UserError('diagnose needs a cluster to look at', 'Give --cluster NAME (live, read-only) or --snapshot FILE (a saved snapshot), or try `eks-doctor demo`.');
  }
  return (selection, onEvent, tracer) => collectLive(live, planCollection(selectedDiagnostics(diagnostics, selection)), io, onEvent, tracer);
}
