/**
 * A local HTTP server on 127.0.0.1 that records every request (method, path, JSON or text body)
 * and answers with the status its path is given (200 by default): a Slack incoming webhook, a
 * generic webhook, or a failing one.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  contentType: string;
  body: string;
}

export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Requests to one path, their bodies parsed as JSON. */
  json<T>(path: string): T[];
  /** Answer requests to this path with this status (and body). */
  answer(path: string, status: number, body?: string): void;
  close(): Promise<void>;
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const answers = new Map<string, { status: number; body: string }>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      requests.push({ method: req.method ?? '', path, contentType: req.headers['content-type'] ?? '', body });
      // Slack answers a good post with the two letters "ok" (https://api.slack.com/messaging/webhooks).
      const answer = answers.get(path) ?? { status: 200, body: 'ok' };
      res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    json: <T>(path: string) => requests.filter((r) => r.path === path).map((r) => JSON.parse(r.body) as T),
    answer: (path, status, body = '') => answers.set(path, { status, body }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
