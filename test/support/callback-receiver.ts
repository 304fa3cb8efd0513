import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST a receiver got. */
export interface ReceivedCallback {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the receiver answers one delivery: a status, or `hang` (never answer until released). */
export type Answer = number | 'hang';

/**
 * A callback receiver on loopback for tests: records every POST, answers each path from a script
 * (then 200), and can hang a delivery open to play a dead receiver. Give each test its own path.
 */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  private readonly scripts = new Map<string, Answer[]>();
  private readonly hung = new Set<ServerResponse>();
  /** How many hung deliveries the client has given up on (closed the connection). */
  abandoned = 0;

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static async start(): Promise<CallbackReceiver> {
    let receiver: CallbackReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => receiver?.answer(req.url ?? '/', req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    receiver = new CallbackReceiver(server, `http://127.0.0.1:${port}`);
    return receiver;
  }

  /** A fresh URL on this receiver, answering `answers` in turn, then 200. */
  url(path: string, answers: Answer[] = []): string {
    this.scripts.set(path, [...answers]);
    return `${this.baseUrl}${path}`;
  }

  /** What `path` received so far. */
  at(path: string): ReceivedCallback[] {
    return this.received.filter((callback) => callback.path === path);
  }

  /** Deliveries being held open right now. */
  get hanging(): number {
    return this.hung.size;
  }

  private answer(path: string, headers: IncomingHttpHeaders, body: string, res: ServerResponse): void {
    this.received.push({ path, headers, body });
    const next = this.scripts.get(path)?.shift() ?? 200;
    if (next === 'hang') {
      this.hung.add(res);
      res.on('close', () => {
        if (this.hung.delete(res)) this.abandoned += 1;
      });
      return;
    }
    res.writeHead(next, { 'content-type': 'text/plain' }).end('ok');
  }

  /** Answers every hung delivery with `status`. */
  release(status = 200): void {
    for (const res of [...this.hung]) {
      this.hung.delete(res);
      res.writeHead(status).end();
    }
  }

  async close(): Promise<void> {
    this.release(503);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
