/**
 * Parsing of the flags shared by every command that reads a live cluster (diagnose --cluster,
 * --all-clusters, collect, demo): which cluster, how to reach AWS, and how long to wait. No I/O
 * here: live-collection.ts connects and collects. docs/aws.md documents the flags and defaults.
 */
import type { AwsCredentialIdentity } from '@smithy/types';
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_TIMEOUT_SECONDS } from '../collect/aws/defaults.js';
import { UserError } from '../user-error.js';
import { numberValue, stringValue, type OptionSpec, type ParsedArgs } from './command.js';

/** --timeout and --call-timeout: every command that collects takes them (demo too). */
export const TIMEOUT_OPTIONS: OptionSpec[] = [
  { name: 'timeout', type: 'string', valueName: 'SECONDS', description: `Bound on the whole collection (default ${DEFAULT_TIMEOUT_SECONDS})` },
  { name: 'call-timeout', type: 'string', valueName: 'SECONDS', description: `Bound on each HTTP attempt (default ${DEFAULT_CALL_TIMEOUT_MS / 1000})` },
];

export const LIVE_OPTIONS: OptionSpec[] = [
  { name: 'cluster', short: 'c', type: 'string', valueName: 'NAME', description: 'EKS cluster to read (live, read-only)' },
  { name: 'region', type: 'string', valueName: 'REGION', description: 'AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile)' },
  { name: 'profile', type: 'string', valueName: 'NAME', description: 'Shared config/credentials profile (default: AWS_PROFILE, then the default chain)' },
  { name: 'endpoint-url', type: 'string', valueName: 'URL', description: 'Send every AWS call to this endpoint (a mock, an emulator, a VPC endpoint)' },
  ...TIMEOUT_OPTIONS,
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

/** How long to wait: --timeout bounds the collection, --call-timeout each attempt (never longer than the whole). */
export interface TimeoutSettings {
  timeoutSeconds: number;
  callTimeoutMs: number;
}

/** The one parser of --timeout and --call-timeout, and the one place their defaults apply. */
export function timeoutSettings(args: ParsedArgs): TimeoutSettings {
  const timeoutSeconds = numberValue('timeout', args.values.timeout, { min: 1 }) ?? DEFAULT_TIMEOUT_SECONDS;
  const callTimeoutSeconds = numberValue('call-timeout', args.values['call-timeout'], { min: 0.1 });
  return { timeoutSeconds, callTimeoutMs: callTimeoutSeconds !== undefined ? callTimeoutSeconds * 1000 : Math.min(DEFAULT_CALL_TIMEOUT_MS, timeoutSeconds * 1000) };
}

/** What every live collection shares whatever the cluster: the endpoint, the time bounds, --debug. */
export type ConnectionSettings = Pick<LiveSettings, 'endpointUrl' | 'timeoutSeconds' | 'callTimeoutMs' | 'debug'>;

export function connectionSettings(args: ParsedArgs): ConnectionSettings {
  const endpointUrl = stringValue(args.values['endpoint-url']);
  if (endpointUrl !== undefined && !/^https?:\/\/[^/]+/.test(endpointUrl)) {
    throw new UserError(`--endpoint-url must be an http:// or https:// URL; got '${endpointUrl}'`);
  }
  return { ...(endpointUrl ? { endpointUrl } : {}), ...timeoutSettings(args), debug: args.values.debug === true };
}

/** The live settings, or undefined when no --cluster was given. */
export function liveSettings(args: ParsedArgs): LiveSettings | undefined {
  const v = args.values;
  const clusterName = stringValue(v.cluster);
  if (clusterName === undefined) {
    for (const flag of ['region', 'profile', 'endpoint-url', 'timeout', 'call-timeout', 'kubeconfig', 'context']) {
      if (v[flag] === undefined) continue;
      if (v.snapshot !== undefined) {
        throw new UserError(`--${flag} does not go with --snapshot: it applies to a live collection, and a snapshot is only read from its file`, `Leave --${flag} out, or read the live cluster with --cluster NAME instead of --snapshot.`);
      }
      throw new UserError(`--${flag} only applies to a live cluster`, 'Add --cluster NAME.');
    }
    return undefined;
  }
  if (clusterName.trim() === '') throw new UserError('--cluster needs a cluster name');
  const connection = connectionSettings(args);
  const region = stringValue(v.region);
  const profile = stringValue(v.profile);
  const kubeconfig = stringValue(v.kubeconfig);
  const context = stringValue(v.context);
  return {
    clusterName,
    ...(region ? { region } : {}),
    ...(profile ? { profile } : {}),
    ...connection,
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(context ? { context } : {}),
  };
}
