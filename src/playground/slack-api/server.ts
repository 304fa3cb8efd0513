import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addressedToLoopback } from '../../config/playground.ts';
import type { BlockKitChecks } from './checks.ts';
import { SlackApiError } from './errors.ts';
import { FILES_PATH, PlaygroundFiles, UPLOAD_PATH } from './files-api.ts';
import { type Handler, messageMethods } from './messages-api.ts';
import { peopleMethods } from './people-api.ts';
import { PlaygroundStore } from './store.ts';
import { viewMethods } from './views-api.ts';
import { parseWebApiBody, takeToken } from './wire.ts';

/** The stand-in for Slack's Web API, listening on loopback, with the token the app must present. */
export interface SlackStandIn {
  store: PlaygroundStore;
  files: PlaygroundFiles;
  /** What SLACK_API_URL is set to (ends with `/api/`). */
  url: string;
  /** The bot token of this run: random, so nothing else on the machine can post as the app. */
  botToken: string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function answer(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/**
 * Starts the stand-in on a free loopback port: the Web API methods the app calls (chat.*,
 * conversations.*, views.*, users.*, usergroups.*, dnd.info, files.*, auth.test) with Slack's
 * request and answer shapes and error codes, over an in-memory {@link PlaygroundStore}. `checks`
 * refuses what Slack refuses (Block Kit limits).
 */
export async function startSlackStandIn(checks: BlockKitChecks, store = new PlaygroundStore()): Promise<SlackStandIn> {
  const botToken = `xoxb-playground-${randomBytes(12).toString('hex')}`;
  let base = '';
  const files = new PlaygroundFiles(store, () => base);
  const handlers: Record<string, Handler> = {
    ...messageMethods(store, checks),
    ...viewMethods(store, checks),
    ...peopleMethods(store),
    ...files.methods(),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Only the app and the page on this machine: a page elsewhere rebinding its name to 127.0.0.1
    // must not read the shared files (their links carry no token, like Slack's) or call the API.
    if (!addressedToLoopback(req.headers.host)) {
      answer(res, 403, { ok: false, error: 'forbidden' });
      return;
    }
    const path = (req.url ?? '').split('?')[0] ?? '';
    const body = await readBody(req);
    if (path.startsWith(UPLOAD_PATH)) {
      const ok =
        req.method === 'POST' &&
        (await files.receive(path.slice(UPLOAD_PATH.length), req.headers['content-type'] ?? '', body));
      res.writeHead(ok ? 200 : 404, { 'content-type': 'text/plain' }).end(ok ? `OK - ${body.length}` : 'Not Found');
      return;
    }
    if (path.startsWith(FILES_PATH) && req.method === 'GET') {
      const file = files.files.get(path.slice(FILES_PATH.length));
      if (file?.content === undefined) res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      else {
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-disposition': `attachment; filename="${file.filename.replace(/[^\w.-]/g, '_')}"`,
        });
        res.end(file.content);
      }
      return;
    }
    if (!path.startsWith('/api/')) {
      res.writeHead(404).end();
      return;
    }
    if (req.method !== 'POST' && req.method !== 'GET') {
      answer(res, 405, { ok: false, error: 'method_not_allowed' });
      return;
    }
    const method = path.slice('/api/'.length);
    const args = parseWebApiBody(req.headers['content-type'] ?? '', body.toString('utf8'));
    const token = takeToken(req.headers.authorization, args);
    if (token === undefined || token === '') {
      answer(res, 200, { ok: false, error: 'not_authed' });
      return;
    }
    if (token !== botToken) {
      answer(res, 200, { ok: false, error: 'invalid_auth' });
      return;
    }
    const handler = handlers[method];
    if (handler === undefined) {
      answer(res, 200, { ok: false, error: 'unknown_method' });
      return;
    }
    try {
      answer(res, 200, { ok: true, ...handler(args) });
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      answer(res, 200, error.toAnswer());
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      answer(res, 500, { ok: false, error: 'internal_error', detail: String(error) });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    store,
    files,
    url: `${base}/api/`,
    botToken,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
