import { createHmac, createVerify, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One REST call as the double received it. */
export interface GithubCall {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown> | null;
  status: number;
}

/** A deployment protection rule review the double accepted. */
export interface StoredReview {
  owner: string;
  repo: string;
  runId: string;
  /** The installation whose token made the call. */
  installationId: number;
  environment_name: string;
  state?: 'approved' | 'rejected';
  comment?: string;
}

export interface GithubUser {
  login: string;
  id: number;
  email?: string | null;
}

interface IssuedToken {
  installationId: number;
  expiresAt: number;
}

/**
 * A local stand-in for the GitHub REST API a GitHub App uses, reached through GITHUB_API_URL. It
 * owns the App's RSA key pair (generated per double) and checks what GitHub checks: the App JWT
 * (RS256, signed with the App's private key, `iss` = the App id, at most 10 minutes long) on
 * `POST /app/installations/{id}/access_tokens`, which issues installation tokens; and on every
 * other call a `Bearer` installation token it issued, unexpired, for an installation that holds
 * the repository. It keeps workflow runs, users and the reviews posted, and can be told to fail
 * the next calls of a route with an HTTP status.
 */
export class GithubDouble {
  readonly appId = 424242;
  readonly privateKeyPem: string;
  private readonly publicKey: KeyObject;
  readonly calls: GithubCall[] = [];
  readonly reviews: StoredReview[] = [];
  /** Installation id → the repositories (`owner/repo`) it was installed on. */
  readonly installations = new Map<number, Set<string>>();
  /** `owner/repo/runId` → the workflow run GET /repos/{owner}/{repo}/actions/runs/{run_id} answers. */
  readonly runs = new Map<string, Record<string, unknown>>();
  readonly users = new Map<string, GithubUser>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly failures: Array<{ route: RegExp; status: number }> = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    // GitHub hands App keys out as PKCS#1 ("BEGIN RSA PRIVATE KEY").
    this.privateKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    this.publicKey = publicKey;
  }

  static async start(): Promise<GithubDouble> {
    let double: GithubDouble | undefined;
    const server = createServer((req, res) => {
      if (double === undefined) {
        res.writeHead(503).end();
        return;
      }
      double.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: String(error) }));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    double = new GithubDouble(server, `http://127.0.0.1:${port}`);
    return double;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Installs the App on `repos` (`owner/repo`) as installation `id`. */
  install(id: number, ...repos: string[]): void {
    this.installations.set(id, new Set(repos));
  }

  /** Makes the next `times` calls whose `METHOD path` matches `route` answer `status`. */
  failNext(route: RegExp, status: number, times = 1): void {
    for (let n = 0; n < times; n += 1) this.failures.push({ route, status });
  }

  /** Forgets every failure still to inject. */
  clearFailures(): void {
    this.failures.length = 0;
  }

  /** Whether `token` is one this double issued (tests check nothing else leaked). */
  issued(token: string): boolean {
    return this.tokens.has(token);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', this.url).pathname;
    let body: Record<string, unknown> | null = null;
    if (raw !== '') {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return this.answer(res, { method, path, authorization: req.headers.authorization, body }, 400, {
          message: 'Problems parsing JSON',
        });
      }
    }
    const call = { method, path, authorization: req.headers.authorization, body };
    const failure = this.failures.findIndex((f) => f.route.test(`${method} ${path}`));
    if (failure !== -1) {
      const [injected] = this.failures.splice(failure, 1);
      return this.answer(res, call, injected?.status ?? 500, { message: 'Injected failure' });
    }
    const [status, answer] = this.route(call);
    return this.answer(res, call, status, answer);
  }

  private answer(res: ServerResponse, call: Omit<GithubCall, 'status'>, status: number, body: unknown): void {
    this.calls.push({ ...call, status });
    if (status === 204) {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }

  private route(call: Omit<GithubCall, 'status'>): [number, unknown] {
    const { method, path } = call;
    let match = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
    if (method === 'POST' && match) return this.issueToken(call, Number(match[1]));
    match = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/deployment_protection_rule$/.exec(path);
    if (method === 'POST' && match)
      return this.review(call, match[1] as string, match[2] as string, match[3] as string);
    match = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)$/.exec(path);
    if (method === 'GET' && match) {
      const installation = this.installationFor(call, `${match[1]}/${match[2]}`);
      if (installation === null) return [401, { message: 'Bad credentials' }];
      const run = this.runs.get(`${match[1]}/${match[2]}/${match[3]}`);
      return run === undefined ? [404, { message: 'Not Found' }] : [200, run];
    }
    match = /^\/users\/([^/]+)$/.exec(path);
    if (method === 'GET' && match) {
      if (this.installationFor(call, null) === null) return [401, { message: 'Bad credentials' }];
      const user = this.users.get((match[1] as string).toLowerCase());
      return user === undefined ? [404, { message: 'Not Found' }] : [200, { type: 'User', email: null, ...user }];
    }
    return [404, { message: 'Not Found' }];
  }

  /** Checks the App JWT as GitHub does; answers a new installation token. */
  private issueToken(call: Omit<GithubCall, 'status'>, installationId: number): [number, unknown] {
    // The scheme is case-insensitive (RFC 9110); @octokit/auth-app sends `bearer`.
    const jwt = /^bearer (.+)$/i.exec(call.authorization ?? '')?.[1];
    if (jwt === undefined || !this.validAppJwt(jwt)) {
      return [401, { message: 'A JSON web token could not be decoded' }];
    }
    if (!this.installations.has(installationId)) return [404, { message: 'Not Found' }];
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    const expiresAt = Date.now() + 3600_000;
    this.tokens.set(token, { installationId, expiresAt });
    return [
      201,
      {
        token,
        expires_at: new Date(expiresAt).toISOString(),
        permissions: { deployments: 'write', actions: 'read', metadata: 'read' },
        repository_selection: 'selected',
      },
    ];
  }

  private validAppJwt(jwt: string): boolean {
    const [header, payload, signature] = jwt.split('.');
    if (header === undefined || payload === undefined || signature === undefined) return false;
    const decode = (part: string) =>
      JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    try {
      if (decode(header).alg !== 'RS256') return false;
      const verifier = createVerify('RSA-SHA256');
      verifier.update(`${header}.${payload}`);
      if (!verifier.verify(this.publicKey, Buffer.from(signature, 'base64url'))) return false;
      const claims = decode(payload);
      const now = Math.floor(Date.now() / 1000);
      const iat = Number(claims.iat);
      const exp = Number(claims.exp);
      return String(claims.iss) === String(this.appId) && iat <= now + 60 && exp > now && exp - iat <= 660;
    } catch {
      return false;
    }
  }

  /** The installation of a valid `Bearer` installation token with access to `repo` (any repo when null). */
  private installationFor(call: Omit<GithubCall, 'status'>, repo: string | null): number | null {
    const token = /^Bearer (ghs_\S+)$/.exec(call.authorization ?? '')?.[1];
    const issued = token === undefined ? undefined : this.tokens.get(token);
    if (issued === undefined || issued.expiresAt <= Date.now()) return null;
    if (repo !== null && !this.installations.get(issued.installationId)?.has(repo)) return null;
    return issued.installationId;
  }

  private review(call: Omit<GithubCall, 'status'>, owner: string, repo: string, runId: string): [number, unknown] {
    const installationId = this.installationFor(call, `${owner}/${repo}`);
    if (installationId === null) return [401, { message: 'Bad credentials' }];
    const body = call.body ?? {};
    const { environment_name: environment, state, comment } = body;
    const errors: string[] = [];
    if (typeof environment !== 'string' || environment === '') errors.push('environment_name is required');
    if (state !== undefined && state !== 'approved' && state !== 'rejected') errors.push('state is invalid');
    if (comment !== undefined && typeof comment !== 'string') errors.push('comment must be a string');
    if (errors.length > 0) return [422, { message: 'Validation Failed', errors }];
    this.reviews.push({
      owner,
      repo,
      runId,
      installationId,
      environment_name: environment as string,
      ...(state === undefined ? {} : { state: state as 'approved' | 'rejected' }),
      ...(comment === undefined ? {} : { comment: comment as string }),
    });
    return [204, null];
  }
}

/** Signs a webhook body as GitHub does: `sha256=` + hex HMAC-SHA256 with the webhook secret. */
export function signGithubWebhook(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Sends a webhook delivery to the app as GitHub would. */
export async function deliverGithubWebhook(
  baseUrl: string,
  secret: string,
  input: { event: string; delivery: string; payload: unknown; signature?: string },
): Promise<Response> {
  const body = JSON.stringify(input.payload);
  return fetch(`${baseUrl}/integrations/github/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/5a1b2c3',
      'x-github-event': input.event,
      'x-github-delivery': input.delivery,
      'x-github-hook-id': '501234567',
      'x-github-hook-installation-target-type': 'integration',
      'x-hub-signature-256': input.signature ?? signGithubWebhook(secret, body),
    },
    body,
  });
}
