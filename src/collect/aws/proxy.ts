/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY for the AWS SDK, which ignores them unless it is handed an
 * agent. Rules follow curl's: NO_PROXY is a comma list of hosts, domain suffixes (".example.com"
 * or "example.com" both match sub-domains), host:port, or "*"; the lower-case variables win.
 */
import type { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';

export interface ProxySettings {
  httpsProxy?: string;
  httpProxy?: string;
  noProxy: string[];
}

export function proxySettingsFromEnv(env: NodeJS.ProcessEnv): ProxySettings {
  const pick = (name: string) => env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;
  const noProxy = (pick('NO_PROXY') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  const httpsProxy = pick('HTTPS_PROXY');
  const httpProxy = pick('HTTP_PROXY');
  return { ...(httpsProxy ? { httpsProxy } : {}), ...(httpProxy ? { httpProxy } : {}), noProxy };
}

/** Whether a request to host:port goes direct because NO_PROXY names it. */
export function bypassesProxy(host: string, port: number | undefined, noProxy: string[]): boolean {
  const hostname = host.toLowerCase().replace(/^\[|\]$/g, '');
  return noProxy.some((rule) => {
    if (rule === '*') return true;
    const [ruleHost, rulePort] = rule.startsWith('[') ? [rule.slice(1, rule.indexOf(']')), rule.split(']:')[1]] : rule.split(':');
    if (rulePort !== undefined && port !== undefined && Number(rulePort) !== port) return false;
    const suffix = ruleHost.replace(/^\*?\./, '');
    return hostname === suffix || hostname.endsWith(`.${suffix}`);
  });
}

/** An HTTPS agent that tunnels through the proxy except for NO_PROXY hosts. */
class HttpsAgentHonouringNoProxy extends HttpsProxyAgent {
  constructor(
    proxy: string,
    private readonly noProxy: string[],
  ) {
    super({ proxy, keepAlive: true });
  }

  override createConnection(options: RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    if (bypassesProxy(String(options.host ?? options.hostname ?? ''), options.port === undefined || options.port === null ? undefined : Number(options.port), this.noProxy)) {
      return HttpsAgent.prototype.createConnection.call(this, options, callback);
    }
    return super.createConnection(options, callback);
  }
}

/** The agents for the SDK's HTTP handler; undefined members mean "no proxy: the SDK's default". */
export function proxyAgents(settings: ProxySettings, endpoint: string | undefined): { httpAgent?: HttpAgent; httpsAgent?: HttpsAgent } {
  const agents: { httpAgent?: HttpAgent; httpsAgent?: HttpsAgent } = {};
  if (settings.httpsProxy) agents.httpsAgent = new HttpsAgentHonouringNoProxy(settings.httpsProxy, settings.noProxy);
  // Plain-HTTP endpoints (local emulators) are proxied only through HTTP_PROXY, and only when
  // NO_PROXY does not name them; the endpoint is fixed per run, so the decision is made once here.
  if (settings.httpProxy && endpoint?.startsWith('http://')) {
    const url = new URL(endpoint);
    if (!bypassesProxy(url.hostname, Number(url.port || 80), settings.noProxy)) agents.httpAgent = new HttpProxyAgent({ proxy: settings.httpProxy, keepAlive: true });
  }
  return agents;
}
