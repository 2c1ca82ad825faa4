/**
 * How the tool reaches a cluster's API server. Three ways, decided in connect.ts:
 * a kubeconfig (the user's, with whatever auth it configures), the DescribeCluster endpoint and CA
 * with an in-process EKS token, or the pod's own service account when running inside the cluster.
 * All three become a client-node KubeConfig, which also handles proxies, client certificates and
 * exec plugins; the EKS token is added per request so that it can be renewed during a long run.
 *
 * Proxies: a kubeconfig cluster's `proxy-url` wins, as with kubectl; otherwise HTTPS_PROXY (or
 * HTTP_PROXY for an http:// server) applies unless NO_PROXY names the API server's host. Either way
 * requests tunnel with CONNECT and TLS is verified against the cluster's CA inside the tunnel.
 *
 * One agent per connection, with keep-alive: client-node's `applyToHTTPSOptions` builds a new agent
 * on every call, so each request paid a TCP connection, a full TLS handshake and the CA's parsing,
 * about 100 ms of CPU over the ~100 requests of a 5,000-node cluster. It is still called for every
 * request, for what may change during a run (exec plugins' tokens and client certificates, token
 * files re-read); its agent is used only to learn the TLS material, and the connection's own agent
 * is replaced only when that material changes.
 */
import { Agent as HttpAgent, type Agent } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions, type RequestOptions } from 'node:https';
import { KubeConfig, type Cluster } from '@kubernetes/client-node';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
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
  /** Closes the connections kept alive; a request after this opens new ones. */
  close(): void;
}

/** What client-node puts into its agent's TLS options: when any of it changes, so must the agent. */
const TLS_FIELDS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const satisfies readonly (keyof AgentOptions)[];
type TlsMaterial = Pick<AgentOptions, (typeof TLS_FIELDS)[number]>;

function tlsMaterial(options: RequestOptions): TlsMaterial {
  const material: TlsMaterial = {};
  for (const field of TLS_FIELDS) if (options[field] !== undefined) Object.assign(material, { [field]: options[field] });
  return material;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  return a === b;
}

const sameTls = (a: TlsMaterial, b: TlsMaterial): boolean => TLS_FIELDS.every((field) => sameValue(a[field], b[field]));

/**
 * A keep-alive agent with the TLS material client-node applied, chosen as client-node's createAgent
 * chooses: through the proxy (hpagent) when the cluster has one, else direct. A SOCKS proxy keeps
 * the agent client-node made for the request (client-node's own dependency, without keep-alive).
 */
function keepAliveAgent(cluster: Cluster, tls: TlsMaterial, made: Agent | undefined): Agent | undefined {
  // No socket cap: a request's timeout starts before it has a socket, so one queued behind a cap could time out unsent.
  // The collector bounds its own concurrency (four reads at a time, a few of them fanning out).
  const options = { ...tls, keepAlive: true };
  const plainHttp = cluster.server.startsWith('http:');
  if (cluster.proxyUrl?.startsWith('socks')) return made;
  if (cluster.proxyUrl) return plainHttp ? new HttpProxyAgent({ ...options, proxy: cluster.proxyUrl }) : new HttpsProxyAgent({ ...options, proxy: cluster.proxyUrl });
  return plainHttp ? new HttpAgent(options) : new HttpsAgent(options);
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
  let current: { tls: TlsMaterial; agent: Agent | undefined } | undefined;
  /** Every agent made, to close: one unless the TLS material changed during the run. */
  const agents = new Set<Agent>();
  let closed = false;
  return {
    method,
    server: cluster.server,
    ...(cluster.proxyUrl ? { proxy: withoutCredentials(cluster.proxyUrl) } : {}),
    ...(method === 'kubeconfig' ? { context: config.getCurrentContext() } : {}),
    async requestOptions() {
      // A request retried after the collection ended (a sibling of a failed fan-out) must not open an agent nothing closes.
      if (closed) throw new Error('the connection to the API server was closed: the collection has ended');
      const options: RequestOptions = {};
      await config.applyToHTTPSOptions(options);
      const tls = tlsMaterial(options);
      if (!current || !sameTls(current.tls, tls)) {
        // Requests in flight keep the agent they started on; close() ends them all.
        current = { tls, agent: keepAliveAgent(cluster, tls, options.agent as Agent | undefined) };
        if (current.agent) agents.add(current.agent);
      }
      return { agent: current.agent, headers: { ...headersOf(options), ...(extraHeaders ? await extraHeaders() : {}) } };
    },
    close() {
      closed = true;
      for (const agent of agents) agent.destroy();
      agents.clear();
      current = undefined;
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
