/**
 * One HTTP request for the audit's outputs (notifications, Pushgateway), through HTTPS_PROXY /
 * HTTP_PROXY unless NO_PROXY names the host (src/collect/proxy.ts), bounded in time. The URL is
 * never put in an error message: a Slack webhook URL is a secret.
 */
import { request as httpRequest, type Agent as HttpAgent } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { proxyFor, proxySettingsFromEnv } from '../collect/proxy.js';

export const AUDIT_HTTP_TIMEOUT_MS = 10_000;

export interface HttpAnswer {
  status: number;
  body: string;
}

export async function httpSend(method: 'POST' | 'PUT' | 'DELETE', url: string, body: string, contentType: string, env: NodeJS.ProcessEnv, timeoutMs = AUDIT_HTTP_TIMEOUT_MS): Promise<HttpAnswer> {
  const target = new URL(url);
  const proxy = proxyFor(url, proxySettingsFromEnv(env));
  const agent: HttpAgent | undefined = proxy ? (target.protocol === 'https:' ? new HttpsProxyAgent({ proxy }) : new HttpProxyAgent({ proxy })) : undefined;
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = send(
      target,
      { method, headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'user-agent': 'eks-doctor' }, timeout: timeoutMs, ...(agent ? { agent } : {}) },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          // Enough of an error answer to quote; the rest is drained, not kept.
          if (text.length < 4096) text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000}s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** "hooks.slack.com" or "127.0.0.1:9093": enough to say which target failed without its secret path. */
export function targetName(url: string): string {
  return new URL(url).host;
}

/** Throws with the status and the start of the answer unless it is 2xx. */
export function expectSuccess(answer: HttpAnswer): void {
  if (answer.status < 200 || answer.status > 299) {
    const said = answer.body.trim().slice(0, 300);
    throw new Error(`HTTP ${answer.status}${said ? `: ${said}` : ''}`);
  }
}
