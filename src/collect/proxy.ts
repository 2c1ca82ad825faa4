/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY, read once for both collectors: the AWS SDK and the
 * Kubernetes client ignore them unless handed an agent or a proxy URL. Rules follow curl's: the
 * lower-case variables win; NO_PROXY is a comma list of hosts, domain suffixes (".example.com" or
 * "example.com" both match sub-domains), host:port, or "*". Unlike Go programs (kubectl), loopback
 * addresses are proxied too unless NO_PROXY names them, as curl and the AWS CLI do.
 */

export interface ProxySettings {
  httpsProxy?: string;
  httpProxy?: string;
  noProxy: string[];
}

/** 'proxy.corp:3128' -> 'http://proxy.corp:3128', as curl reads a proxy without a scheme. */
function withScheme(proxy: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

export function proxySettingsFromEnv(env: NodeJS.ProcessEnv): ProxySettings {
  const pick = (name: string) => env[name.toLowerCase()]?.trim() || env[name.toUpperCase()]?.trim() || undefined;
  const noProxy = (pick('NO_PROXY') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  const httpsProxy = pick('HTTPS_PROXY');
  const httpProxy = pick('HTTP_PROXY');
  return { ...(httpsProxy ? { httpsProxy: withScheme(httpsProxy) } : {}), ...(httpProxy ? { httpProxy: withScheme(httpProxy) } : {}), noProxy };
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

/**
 * The proxy that requests to this URL go through (HTTPS_PROXY for https://, HTTP_PROXY for
 * http://), or undefined when there is none or NO_PROXY sends them direct.
 */
export function proxyFor(url: string, settings: ProxySettings): string | undefined {
  const target = new URL(url);
  const https = target.protocol === 'https:';
  const proxy = https ? settings.httpsProxy : target.protocol === 'http:' ? settings.httpProxy : undefined;
  if (!proxy) return undefined;
  const port = Number(target.port || (https ? 443 : 80));
  return bypassesProxy(target.hostname, port, settings.noProxy) ? undefined : proxy;
}
