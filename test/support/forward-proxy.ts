/**
 * A tiny forward proxy on 127.0.0.1 that records what went through it: plain requests arrive with
 * absolute URLs and are relayed; CONNECT opens a TCP tunnel (TLS stays end to end between the
 * client and the server, so the client still verifies the server's certificate).
 */
import { createServer, request as httpRequest } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ForwardProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  /** 'host:port' of every CONNECT tunnel opened, in arrival order. */
  tunnels: string[];
  /** Absolute URL of every plain request relayed. */
  relayed: string[];
  /** Answer every CONNECT with this status (403: a proxy whose policy forbids the host), or tunnel again with undefined. */
  refuseTunnels(status: number | undefined): void;
  /** Forgets what was recorded and tunnels again. */
  reset(): void;
  close(): Promise<void>;
}

export async function startForwardProxy(): Promise<ForwardProxy> {
  const tunnels: string[] = [];
  const relayed: string[] = [];
  const sockets = new Set<Socket>();
  let refusal: number | undefined;
  const server = createServer((req, res) => {
    relayed.push(req.url ?? '');
    const target = new URL(req.url ?? '/');
    const upstream = httpRequest({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    if (refusal !== undefined) {
      client.end(`HTTP/1.1 ${refusal} Refused by policy\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const target = new URL(`tcp://${req.url ?? ''}`);
    const upstream = connect(Number(target.port), target.hostname.replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    relayed,
    refuseTunnels(status) {
      refusal = status;
    },
    reset() {
      refusal = undefined;
      tunnels.length = 0;
      relayed.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
