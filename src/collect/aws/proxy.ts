/**
 * The agents that make the AWS SDK honour the proxy settings (src/collect/proxy.ts): the SDK's
 * HTTP handler ignores HTTPS_PROXY and NO_PROXY unless it is handed agents that apply them.
 */
import type { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { bypassesProxy, proxyFor, type ProxySettings } from '../proxy.js';

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
  // HTTPS hosts vary per service and region, so NO_PROXY is applied per connection.
  if (settings.httpsProxy) agents.httpsAgent = new HttpsAgentHonouringNoProxy(settings.httpsProxy, settings.noProxy);
  // Plain-HTTP endpoints (local emulators) are proxied only through HTTP_PROXY, and only when
  // NO_PROXY does not name them; the endpoint is fixed per run, so the decision is made once here.
  const httpProxy = endpoint?.startsWith('http://') ? proxyFor(endpoint, settings) : undefined;
  if (httpProxy) agents.httpAgent = new HttpProxyAgent({ proxy: httpProxy, keepAlive: true });
  return agents;
}
