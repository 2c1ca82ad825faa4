/**
 * Chooses how to reach the API server, in this order:
 * 1. a kubeconfig, when the user points at one (--kubeconfig, KUBECONFIG, or --context);
 * 2. the pod's service account, when running inside the target cluster itself;
 * 3. by default, DescribeCluster's endpoint and CA with an in-process EKS token.
 * Returns why none works instead of throwing: the AWS side still runs.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { AwsData } from '../../snapshot/types.js';
import { UserError } from '../../user-error.js';
import { proxySettingsFromEnv } from '../proxy.js';
import { eksTokenConnection, inClusterConnection, kubeconfigConnection, type KubernetesConnection } from './connection.js';
import { EksTokenSource } from './eks-token.js';
import { inClusterIssuer, isOwnCluster, SERVICE_ACCOUNT_DIR } from './in-cluster.js';

export interface ConnectOptions {
  clusterName: string;
  region: string;
  /** DescribeCluster's answer, when it succeeded. */
  cluster: AwsData['cluster'];
  kubeconfig?: string;
  context?: string;
  env: NodeJS.ProcessEnv;
  credentials: AwsCredentialIdentityProvider;
  /** STS endpoint override for the token (--endpoint-url, AWS_ENDPOINT_URL_STS). */
  stsEndpoint?: string;
  /** Prefix for the service-account files (tests point it at a fake pod's file system). */
  fileSystemRoot?: string;
}

export type ConnectResult = { connection: KubernetesConnection } | { unavailable: { message: string } };

function kubeconfigFiles(options: ConnectOptions): string[] | undefined {
  if (options.kubeconfig) return [options.kubeconfig];
  const fromEnv = options.env.KUBECONFIG?.split(delimiter).filter((f) => f !== '');
  if (fromEnv && fromEnv.length > 0) return fromEnv.filter((f) => existsSync(f));
  if (options.context) return [join(options.env.HOME ?? homedir(), '.kube', 'config')];
  return undefined;
}

export function connectToApiServer(options: ConnectOptions): ConnectResult {
  // HTTPS_PROXY/NO_PROXY apply to the API server as they do to the AWS calls.
  const proxy = proxySettingsFromEnv(options.env);
  const files = kubeconfigFiles(options);
  if (files) {
    const missing = options.kubeconfig && !existsSync(options.kubeconfig);
    if (missing || files.length === 0) {
      throw new UserError(`kubeconfig ${options.kubeconfig ?? options.env.KUBECONFIG} does not exist`, 'Give an existing file with --kubeconfig, or leave it out to reach the cluster with its DescribeCluster endpoint and an EKS token.');
    }
    try {
      return { connection: kubeconfigConnection({ files, proxy, ...(options.context ? { context: options.context } : {}) }) };
    } catch (error) {
      throw new UserError(`cannot use kubeconfig ${files.join(delimiter)}: ${(error as Error).message}`, options.context ? 'Check the --context name with `kubectl config get-contexts`.' : undefined);
    }
  }

  const root = options.fileSystemRoot ?? '';
  const issuer = inClusterIssuer(options.env, root + SERVICE_ACCOUNT_DIR);
  if (issuer && isOwnCluster(issuer, options.cluster?.identity?.oidc?.issuer)) {
    return { connection: inClusterConnection(root, proxy) };
  }

  const cluster = options.cluster;
  if (!cluster) return { unavailable: { message: `eks:DescribeCluster did not answer, so the API server's endpoint and CA are unknown` } };
  if (!cluster.endpoint || !cluster.certificateAuthority?.data) {
    return { unavailable: { message: `DescribeCluster gives no endpoint and CA for ${options.clusterName} (status ${cluster.status ?? 'unknown'})` } };
  }
  const tokens = new EksTokenSource({
    clusterName: options.clusterName,
    region: options.region,
    credentials: options.credentials,
    ...(options.stsEndpoint ? { stsEndpoint: options.stsEndpoint } : {}),
  });
  return {
    connection: eksTokenConnection({ clusterName: options.clusterName, endpoint: cluster.endpoint, certificateAuthorityData: cluster.certificateAuthority.data, tokens, proxy }),
  };
}
