/**
 * How the tool reaches a cluster's API server. Three ways, decided in connect.ts:
 * a kubeconfig (the user's, with whatever auth it configures), the DescribeCluster endpoint and CA
 * with an in-process EKS token, or the pod's own service account when running inside the cluster.
 * All three become a client-node KubeConfig, which also handles proxies, client certificates and
 * exec plugins; the EKS token is added per request so that it can be renewed during a long run.
 */
import type { Agent } from 'node:http';
import type { RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import type { ApiServerAccess } from '../../snapshot/types.js';
import type { EksTokenSource } from './eks-token.js';

export interface KubernetesConnection {
  method: Exclude<ApiServerAccess['method'], 'none'>;
  /** The API server's URL. */
  server: string;
  context?: string;
  /** Transport and headers for one request (the agent carries the CA and any client certificate). */
  requestOptions(): Promise<{ agent: Agent | undefined; headers: Record<string, string> }>;
}

function headersOf(options: RequestOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') headers[name] = String(value);
  }
  if (options.auth) headers.Authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
  return headers;
}

function fromKubeConfig(config: KubeConfig, method: KubernetesConnection['method'], extraHeaders?: () => Promise<Record<string, string>>): KubernetesConnection {
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  return {
    method,
    server: cluster.server,
    ...(method === 'kubeconfig' ? { context: config.getCurrentContext() } : {}),
    async requestOptions() {
      const options: RequestOptions = {};
      await config.applyToHTTPSOptions(options);
      return { agent: options.agent as Agent | undefined, headers: { ...headersOf(options), ...(extraHeaders ? await extraHeaders() : {}) } };
    },
  };
}

/** The DescribeCluster endpoint and CA, authenticated with an EKS token made in-process. */
export function eksTokenConnection(args: { clusterName: string; endpoint: string; certificateAuthorityData: string; tokens: EksTokenSource }): KubernetesConnection {
  const config = new KubeConfig();
  config.loadFromClusterAndUser(
    { name: args.clusterName, server: args.endpoint, caData: args.certificateAuthorityData, skipTLSVerify: false },
    { name: 'eks-doctor' },
  );
  return fromKubeConfig(config, 'eks-token', async () => ({ Authorization: `Bearer ${await args.tokens.token()}` }));
}

/** A kubeconfig file (or several, as KUBECONFIG lists them), at the given or current context. */
export function kubeconfigConnection(args: { files: string[]; context?: string }): KubernetesConnection {
  const config = new KubeConfig();
  const [first, ...others] = args.files;
  if (!first) throw new Error('no kubeconfig file given');
  config.loadFromFile(first);
  for (const file of others) {
    const extra = new KubeConfig();
    extra.loadFromFile(file);
    // Like kubectl: the first file to define a name wins; later files only add.
    for (const cluster of extra.getClusters()) if (!config.getCluster(cluster.name)) config.addCluster(cluster);
    for (const user of extra.getUsers()) if (!config.getUser(user.name)) config.addUser(user);
    for (const context of extra.getContexts()) if (!config.getContextObject(context.name)) config.addContext(context);
    if (!config.getCurrentContext()) config.setCurrentContext(extra.getCurrentContext());
  }
  if (args.context) config.setCurrentContext(args.context);
  return fromKubeConfig(config, 'kubeconfig');
}

/** The pod's service account (token file re-read by client-node, so projected-token rotation works). */
export function inClusterConnection(serviceAccountRoot = ''): KubernetesConnection {
  const config = new KubeConfig();
  config.loadFromCluster(serviceAccountRoot);
  return fromKubeConfig(config, 'in-cluster');
}
