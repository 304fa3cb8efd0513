import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import express, { type Request, type Response, Router } from 'express';
import { isStorableText } from '../domain/storable-text.ts';
import { clientOf, requireApiKey } from '../http/api/v1/auth.ts';
import type { ClientLimits } from '../http/rate-limits.ts';
import type { CoreDeps } from '../services/ports.ts';
import { type McpClientInfo, registerApprovalTools } from './tools.ts';

/** A session is closed after this long with no request and no open stream. */
const IDLE_MS = 30 * 60_000;
/** Open sessions one instance keeps; an `initialize` beyond is answered 503. */
const MAX_SESSIONS = 1000;
/** Open sessions one API client may hold on an instance, so one key cannot take every session. */
export const MAX_SESSIONS_PER_CLIENT = 50;
/** How long shutdown lets open tool calls write their answers before it closes the sessions. */
const CLOSE_GRACE_MS = 5000;
/** The longest client name or version recorded on a request (each is the client's own, free text). */
const CLIENT_INFO_CHARS = 100;

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  /** The API client whose key opened the session: only that client's keys may use it. */
  clientId: string;
  open: number;
  lastActive: number;
}

/** A JSON-RPC error answer outside any session (the transport answers the rest). */
function rpcError(res: Response, status: number, code: number, message: string): void {
  res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });
}

/** The client's name and version, trimmed to what a card line and a column should hold; null when unusable. */
function recordableClientInfo(info: { name: string; version: string; title?: string } | undefined): McpClientInfo {
  if (info === undefined) return null;
  const clip = (text: string) => text.trim().slice(0, CLIENT_INFO_CHARS);
  const name = clip(info.title || info.name);
  const version = clip(info.version);
  if (name === '' || !isStorableText(name) || !isStorableText(version)) return null;
  return { name, version };
}

/**
 * `/mcp`: Greenlight as an MCP server over Streamable HTTP (stateful sessions, one McpServer each).
 * Every request must carry an API key (`Authorization: Bearer`) and passes the same gate, rate limits
 * and audit of refusals as `/api/v1` — so a client without a key is answered 401 before any session
 * exists. A session belongs to the API client that initialized it. Sessions live in this instance's
 * memory: behind a load balancer, route `/mcp` by the `Mcp-Session-Id` header (sticky sessions).
 */
export function mcpRoutes(deps: CoreDeps, limits: ClientLimits): { router: Router; close(): Promise<void> } {
  const sessions = new Map<string, Session>();
  /** Tool calls (POSTs) whose answer is still being written. */
  const calls = new Set<Promise<void>>();
  const router = Router();
  router.use(requireApiKey(deps, limits));
  // The REST API's body limit: a tools/call carries one request's fields, as POST /api/v1/requests does.
  router.use(express.json({ limit: '64kb', type: () => true }));

  const track = (session: Session, res: Response) => {
    session.open++;
    session.lastActive = Date.now();
    res.on('close', () => {
      session.open--;
      session.lastActive = Date.now();
    });
  };

  const sessionFor = (req: Request, res: Response): Session | null => {
    const id = req.get('mcp-session-id');
    const session = id === undefined ? undefined : sessions.get(id);
    // Another client's session is as unknown as a closed one: ids are no oracle across owners.
    if (session === undefined || session.clientId !== clientOf(req).id) {
      if (id === undefined)
        rpcError(res, 400, -32000, 'Bad Request: send initialize first, or the Mcp-Session-Id header');
      else rpcError(res, 404, -32001, 'Session not found: initialize a new session');
      return null;
    }
    track(session, res);
    return session;
  };

  /**
   * Sessions being opened, by API client: an `initialize` counts from its check, not only once its
   * session exists, so concurrent ones cannot all pass the limits before any of them is recorded.
   */
  const opening = new Map<string, number>();

  const open = async (req: Request, res: Response) => {
    const pending = [...opening.values()].reduce((sum, count) => sum + count, 0);
    if (sessions.size + pending >= MAX_SESSIONS) {
      rpcError(res, 503, -32000, 'Too many open MCP sessions on this instance; retry later');
      return;
    }
    const client = clientOf(req);
    let held = opening.get(client.id) ?? 0;
    for (const session of sessions.values()) if (session.clientId === client.id) held++;
    if (held >= MAX_SESSIONS_PER_CLIENT) {
      rpcError(
        res,
        429,
        -32000,
        `This API key holds ${held} open MCP sessions, the most allowed: end one (DELETE /mcp) or wait for idle ones to close`,
      );
      return;
    }
    // Counted as opening until its session is recorded (or the initialize fails), once.
    opening.set(client.id, (opening.get(client.id) ?? 0) + 1);
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      const left = (opening.get(client.id) ?? 1) - 1;
      if (left > 0) opening.set(client.id, left);
      else opening.delete(client.id);
    };
    const server = new McpServer({ name: 'greenlight', version: '0.1.0' });
    registerApprovalTools(server, deps, () => recordableClientInfo(server.server.getClientVersion()));
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        release();
        const session = { transport, server, clientId: client.id, open: 0, lastActive: Date.now() };
        sessions.set(id, session);
        track(session, res);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    try {
      await server.connect(transport);
      await transport.handleRequest(withAuth(req), res, req.body);
    } finally {
      release();
    }
  };

  router.post('/', async (req, res) => {
    if (req.get('mcp-session-id') === undefined && isInitializeRequest(req.body)) {
      await open(req, res);
      return;
    }
    const session = sessionFor(req, res);
    if (session === null) return;
    cancelOnDisconnect(session, req.body, res);
    const answered = new Promise<void>((resolve) => res.on('close', resolve));
    calls.add(answered);
    void answered.then(() => calls.delete(answered));
    await session.transport.handleRequest(withAuth(req), res, req.body);
  });
  // GET opens the server's stream for notifications; DELETE ends the session.
  const existing = async (req: Request, res: Response) => {
    const session = sessionFor(req, res);
    if (session !== null) await session.transport.handleRequest(withAuth(req), res);
  };
  router.get('/', existing);
  router.delete('/', existing);

  const sweep = setInterval(() => {
    const cutoff = Date.now() - IDLE_MS;
    for (const session of sessions.values()) {
      if (session.open === 0 && session.lastActive < cutoff) void session.transport.close().catch(() => {});
    }
  }, 60_000);
  sweep.unref();

  return {
    router,
    /**
     * Shutdown, after the request changes were released (app.ts): waits end at once, so the calls
     * answer (pending) — given up to CLOSE_GRACE_MS to write it — and then every session is closed.
     */
    async close() {
      clearInterval(sweep);
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...calls]),
        new Promise((resolve) => {
          grace = setTimeout(resolve, CLOSE_GRACE_MS);
        }),
      ]);
      clearTimeout(grace);
      // Closing a transport ends its open streams and aborts its tool calls (their waits end at once).
      await Promise.allSettled([...sessions.values()].map((session) => session.server.close()));
      sessions.clear();
    },
  };
}

/** The ids of the JSON-RPC requests in a POST body (one message or a batch). */
function requestIds(body: unknown): Array<string | number> {
  const messages: unknown[] = Array.isArray(body) ? body : [body];
  return messages.flatMap((message) => {
    const { id, method } = (message ?? {}) as { id?: unknown; method?: unknown };
    return typeof method === 'string' && (typeof id === 'string' || typeof id === 'number') ? [id] : [];
  });
}

/**
 * A client that drops the HTTP response of its call (an agent killed mid-wait) can never read the
 * answer — this server keeps no event store to resume from — so its calls are cancelled as if it had
 * sent `notifications/cancelled`: a wait ends now instead of at its deadline. Nothing else changes;
 * the request stays as it is.
 */
function cancelOnDisconnect(session: Session, body: unknown, res: Response): void {
  const ids = requestIds(body);
  if (ids.length === 0) return;
  res.on('close', () => {
    if (res.writableFinished) return;
    for (const requestId of ids) {
      session.transport.onmessage?.({
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId, reason: 'the client disconnected' },
      });
    }
  });
}

/**
 * The SDK hands `req.auth` to tool handlers as `extra.authInfo`: the API client of this very request
 * (never the key itself), so a revoked key stops working mid-session like on the REST API.
 */
function withAuth(req: Request): Request {
  const client = clientOf(req);
  Object.assign(req, {
    auth: { token: '', clientId: client.id, scopes: [client.scope], extra: { clientName: client.name } },
  });
  return req;
}
