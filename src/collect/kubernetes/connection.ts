/**
 * How the tool reaches a cluster's API server. Three ways, decided in connect.ts:
 * a kubeconfig (the user's, with whatever auth it configures), the DescribeCluster endpoint and CA
 * with an in-process EKS token, or the pod's own service account when running inside the cluster.
 * All three become a client-node KubeConfig, which also handles proxies, client certificates and
 * exec plugins; the EKS token is added per request so that it can be renewed during a long run.
 *
 * Proxies: a kubeconfig cluster's `proxy-url` wins, as with kubectl; otherwise HTTPS_PROXY (or
 * HTTP_PROXY for an http:// server) applies unless NO_PROXY names the API server's host. Either way
 * client-node tunnels with CONNECT and verifies TLS against the cluster's CA inside the tunnel.
 */
import type { Agent } from 'node:http';
import type { RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import type { ApiServerAccess } from '../../snapshot/types.js';
import { proxyFor, type ProxySettings } from '../proxy.js';
import type { EksTokenSource } from './eks-token.js';

export interface KubernetesConnection {
  method: Exclude<ApiServerAccess['method'], 'none'>;
  /** The API server's URL. */
  server: string;
  context?: string;
  /** The proxy requests go through (kubeconfig proxy-url or HTTPS_PROXY), without credentials; absent when direct. */
  proxy?: string;
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

/** 'http://user:secret@proxy:3128' -> 'http://proxy:3128': the URL appears in reports and --debug. */
function withoutCredentials(proxyUrl: string): string {
  try {
    const url = new URL(proxyUrl);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return proxyUrl.replace(/\/\/[^@/]*@/, '//');
  }
}

/** Gives the current cluster the environment's proxy when the kubeconfig names none and NO_PROXY does not exempt it. */
function applyEnvironmentProxy(config: KubeConfig, proxy: ProxySettings | undefined): void {
  const cluster = config.getCurrentCluster();
  if (!cluster || cluster.proxyUrl || !proxy) return;
  const proxyUrl = proxyFor(cluster.server, proxy);
  if (proxyUrl) config.clusters = config.clusters.map((c) => (c === cluster ? { ...c, proxyUrl } : c));
}

function fromKubeConfig(
  config: KubeConfig,
  method: KubernetesConnection['method'],
  proxy: ProxySettings | undefined,
  extraHeaders?: () => Promise<Record<string, string>>,
): KubernetesConnection {
  applyEnvironmentProxy(config, proxy);
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  return {
    method,
    server: cluster.server,
    ...(cluster.proxyUrl ? { proxy: withoutCredentials(cluster.proxyUrl) } : {}),
    ...(method === 'kubeconfig' ? { context: config.getCurrentContext() } : {}),
    async requestOptions() {
      const options: RequestOptions = {};
      await config.applyToHTTPSOptions(options);
      return { agent: options.agent as Agent | undefined, headers: { ...headersOf(options), ...(extraHeaders ? await extraHeaders() : {}) } };
    },
  };
}

/** The DescribeCluster endpoint and CA, authenticated with an EKS token made in-process. */
export function eksTokenConnection(args: {
  clusterName: string;
  endpoint: string;
  certificateAuthorityData: string;
  tokens: EksTokenSource;
  proxy?: ProxySettings;
}): KubernetesConnection {
  const config = new KubeConfig();
  config.loadFromClusterAndUser(
    { name: args.clusterName, server: args.endpoint, caData: args.certificateAuthorityData, skipTLSVerify: false },
    { name: 'eks-doctor' },
  );
  return fromKubeConfig(config, 'eks-token', args.proxy, async () => ({ Authorization: `Bearer ${await args.tokens.token()}` }));
}

/** A kubeconfig file (or several, as KUBECONFIG lists them), at the given or current context. */
export function kubeconfigConnection(args: { files: string[]; context?: string; proxy?: ProxySettings }): KubernetesConnection {
  const config = loadKubeconfigFiles(args.files);
  if (args.context) config.setCurrentContext(args.context);
  return fromKubeConfig(config, 'kubeconfig', args.proxy);
}

/** The kubeconfig files merged as kubectl merges a KUBECONFIG list: the first file to define a name wins. */
export function loadKubeconfigFiles(files: string[]): KubeConfig {
  const config = new KubeConfig();
  const [first, ...others] = files;
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
  return config;
}

/** The pod's service account (token file re-read by client-node, so projected-token rotation works). */
export function inClusterConnection(serviceAccountRoot = '', proxy?: ProxySettings): KubernetesConnection {
  const config = new KubeConfig();
  config.loadFromCluster(serviceAccountRoot);
  return fromKubeConfig(config, 'in-cluster', proxy);
}
