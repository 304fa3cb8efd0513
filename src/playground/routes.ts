import { readFile } from 'node:fs/promises';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { addressedToLoopback, isLoopbackHost } from '../config/playground.ts';
import { type BoltEndpoint, interact } from './interactions.ts';
import { renderPage } from './page.ts';
import { ZInteraction } from './payloads.ts';
import { buildScreen, type Place } from './screen.ts';
import type { SlackStandIn } from './slack-api/server.ts';
import type { PlaygroundChange } from './slack-api/types.ts';
import { DEMO_PEOPLE, demoPerson } from './slack-api/workspace.ts';

/**
 * The browser files, served as they are (no bundler): the renderer's modules and CSS, and the
 * page's. Only plain names of .js and .css files in public/ (no path can leave it).
 */
const ASSET_NAME = /^[a-z0-9-]+\.(js|css)$/;
const ASSET_TYPES: Record<string, string> = { js: 'text/javascript', css: 'text/css' };
const PUBLIC_DIR = new URL('./public/', import.meta.url);

export interface PlaygroundRouteDeps {
  standIn: SlackStandIn;
  signingSecret: string;
  logger: Logger;
  /** The demo API key as it is now (Reset makes a new one). */
  apiKey(): string | undefined;
  /** Clears the demo data and seeds it again. */
  reset(): Promise<void>;
}

/** Headers a reverse proxy adds: their presence means the request came from elsewhere through it. */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'] as const;

/**
 * Answers only requests from this machine addressed to a loopback name: the Playground listens on
 * loopback, and a page elsewhere that resolves its own name to 127.0.0.1 (DNS rebinding) must not
 * drive it. The peer must be a loopback address too, and no proxy may have forwarded the request: a
 * reverse proxy on this machine (nginx's `proxy_pass http://127.0.0.1:3000` sends `Host: 127.0.0.1:3000`
 * by default) would otherwise serve the Playground, its demo key and its admin screens to anyone.
 */
export function loopbackOnly(req: Request, res: Response, next: NextFunction): void {
  const peer = req.socket.remoteAddress;
  const local =
    addressedToLoopback(req.headers.host) &&
    peer !== undefined &&
    isLoopbackHost(peer) &&
    PROXY_HEADERS.every((name) => req.headers[name] === undefined);
  if (local) next();
  else
    res
      .status(403)
      .json({ error: 'forbidden', message: 'the Playground answers on localhost only, not through a proxy' });
}

/** A state change from the browser must be JSON: a cross-site form cannot send it without a CORS preflight. */
function jsonOnly(req: Request, res: Response, next: NextFunction): void {
  if (req.is('application/json')) next();
  else res.status(415).json({ error: 'unsupported_media_type', message: 'send application/json' });
}

function place(query: Request['query']): Place | undefined {
  const parsed = z
    .object({
      as: z.string().optional(),
      c: z.string().max(40).optional(),
      t: z.string().max(40).optional(),
    })
    .safeParse(query);
  if (!parsed.success) return undefined;
  const person = demoPerson(parsed.data.as ?? DEMO_PEOPLE[0]?.id ?? '');
  if (person === undefined) return undefined;
  return { person, at: parsed.data.c ?? 'C0APPROVAL', ...(parsed.data.t ? { thread: parsed.data.t } : {}) };
}

/** Whether a change concerns what `person` may see (ephemerals, modals and Home are one person's). */
function concerns(change: PlaygroundChange, person: string, dm: string): boolean {
  switch (change.kind) {
    case 'message':
      return !change.channel.startsWith('D') || change.channel === dm;
    case 'ephemeral':
    case 'modal':
    case 'home':
      return change.user === person;
    default:
      return true;
  }
}

/** The Playground's routes: the page, its live updates, what the browser presses, presence and Reset. */
export function playgroundRoutes(deps: PlaygroundRouteDeps): express.Router {
  const { store } = deps.standIn;
  const router = express.Router();
  router.use('/playground', loopbackOnly);

  router.get('/playground', (req, res) => {
    const where = place(req.query);
    if (where === undefined) {
      res.status(400).json({ error: 'invalid_request', message: 'as must be a demo person' });
      return;
    }
    let screen: ReturnType<typeof buildScreen>;
    try {
      screen = buildScreen(store, where);
    } catch {
      res.redirect(`/playground?as=${where.person.id}`);
      return;
    }
    res.type('html').send(
      renderPage({
        person: where.person,
        at: where.at,
        ...(where.thread === undefined ? {} : { thread: where.thread }),
        screen,
        apiKey: deps.apiKey(),
        origin: `${req.protocol}://${req.headers.host ?? 'localhost'}`,
      }),
    );
  });

  router.get('/playground/screen', (req, res) => {
    const where = place(req.query);
    if (where === undefined) {
      res.status(400).json({ error: 'invalid_request', message: 'as must be a demo person' });
      return;
    }
    try {
      res.json({ ...buildScreen(store, where), apiKey: deps.apiKey() ?? '' });
    } catch {
      res.status(404).json({ error: 'channel_not_found' });
    }
  });

  router.get('/playground/events', (req, res) => {
    const person = demoPerson(String(req.query.as ?? ''));
    if (person === undefined) {
      res.status(400).json({ error: 'invalid_request', message: 'as must be a demo person' });
      return;
    }
    const dm = store.dmWith(person.id).id;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const off = store.onChange((change) => {
      if (concerns(change, person.id, dm)) res.write(`event: change\ndata: ${JSON.stringify(change)}\n\n`);
    });
    req.on('close', off);
  });

  router.post('/playground/interact', jsonOnly, express.json({ limit: '256kb' }), async (req, res, next) => {
    const parsed = ZInteraction.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({
        error: 'invalid_request',
        details: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      });
      return;
    }
    const local = req.socket.localAddress ?? '127.0.0.1';
    const host = local.includes(':') && !local.startsWith('::ffff:') ? `[${local}]` : local.replace(/^::ffff:/, '');
    const endpoint: BoltEndpoint = {
      url: `http://${host}:${req.socket.localPort}/slack/events`,
      signingSecret: deps.signingSecret,
    };
    try {
      const outcome = await interact(store, endpoint, parsed.data);
      if (outcome.ok) res.json(outcome);
      else res.status(outcome.status).json({ error: outcome.error });
    } catch (error) {
      next(error);
    }
  });

  const ZPresence = z.object({ away: z.boolean().optional(), dnd: z.boolean().optional() }).strict();
  router.post('/playground/people/:id', jsonOnly, express.json({ limit: '4kb' }), (req, res) => {
    const person = demoPerson(String(req.params.id));
    const parsed = ZPresence.safeParse(req.body);
    if (person === undefined || !parsed.success) {
      res
        .status(400)
        .json({ error: 'invalid_request', message: 'a demo person, with away and/or dnd as true or false' });
      return;
    }
    if (parsed.data.away !== undefined) store.setPresence(person.id, parsed.data.away ? 'away' : 'active');
    if (parsed.data.dnd !== undefined) store.setDnd(person.id, parsed.data.dnd ? 60 : null);
    res.json({ ok: true, presence: store.presenceOf(person.id), dnd: store.dnd.has(person.id) });
  });

  router.delete('/playground/state', async (_req, res, next) => {
    try {
      await deps.reset();
      res.json({ ok: true, apiKey: deps.apiKey() ?? null });
    } catch (error) {
      next(error);
    }
  });

  router.get('/playground/assets/:file', async (req, res, next) => {
    const name = String(req.params.file);
    const type = ASSET_TYPES[ASSET_NAME.exec(name)?.[1] ?? ''];
    if (type === undefined) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    try {
      const content = await readFile(new URL(name, PUBLIC_DIR));
      res.type(type).set('cache-control', 'no-cache').send(content);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') res.status(404).json({ error: 'not_found' });
      else next(error);
    }
  });
  return router;
}
