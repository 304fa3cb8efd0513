import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One task result HCP Terraform's double received. */
export interface ReceivedResult {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON:API body. */
  body: { data: { type: string; attributes: { status: string; message?: string; url?: string } } };
}

/**
 * HCP Terraform's task result callback (`PATCH /api/v2/task-results/<id>/callback`) on loopback, for
 * tests: checks what HCP checks — method PATCH, `Content-Type: application/vnd.api+json`, the run's
 * access token as Bearer, a `task-results` body with a known status — answering 422/401 like HCP when
 * they are wrong, else the scripted statuses per path (then 200). Records every call.
 */
export class TerraformDouble {
  readonly received: ReceivedResult[] = [];
  private readonly tokens = new Map<string, string>();
  private readonly scripts = new Map<string, number[]>();
  /** Calls refused because their shape or token was wrong (a test expects none). */
  readonly refused: string[] = [];

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static async start(): Promise<TerraformDouble> {
    let double: TerraformDouble | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const status = double?.answer(req.method ?? '', req.url ?? '/', req.headers, Buffer.concat(chunks)) ?? 500;
        res.writeHead(status, { 'content-type': 'application/vnd.api+json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    double = new TerraformDouble(server, `http://127.0.0.1:${port}`);
    return double;
  }

  /** A task result's callback URL, accepting `token`, answering `answers` in turn, then 200. */
  callbackUrl(taskResultId: string, token: string, answers: number[] = []): string {
    const path = `/api/v2/task-results/${taskResultId}/callback`;
    this.tokens.set(path, token);
    this.scripts.set(path, [...answers]);
    return `${this.baseUrl}${path}`;
  }

  /** The results received for a task result id, in order. */
  resultsOf(taskResultId: string): ReceivedResult[] {
    return this.received.filter((r) => r.path === `/api/v2/task-results/${taskResultId}/callback`);
  }

  private answer(method: string, path: string, headers: IncomingHttpHeaders, raw: Buffer): number {
    const token = this.tokens.get(path);
    if (token === undefined) return 404;
    if (headers.authorization !== `Bearer ${token}`) {
      this.refused.push(`${path}: bad token`);
      return 401;
    }
    let body: ReceivedResult['body'];
    try {
      body = JSON.parse(raw.toString('utf8')) as ReceivedResult['body'];
    } catch {
      this.refused.push(`${path}: not JSON`);
      return 400;
    }
    const status = body?.data?.attributes?.status;
    if (
      method !== 'PATCH' ||
      headers['content-type'] !== 'application/vnd.api+json' ||
      body.data.type !== 'task-results' ||
      !['running', 'passed', 'failed'].includes(String(status))
    ) {
      this.refused.push(`${path}: ${method} ${headers['content-type']} ${JSON.stringify(body)}`);
      return 422;
    }
    this.received.push({ method, path, headers, body });
    return this.scripts.get(path)?.shift() ?? 200;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
