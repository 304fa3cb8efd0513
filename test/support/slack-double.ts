import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { parseWebApiBody } from '../../src/playground/slack-api/wire.ts';
import { validateMessageBlocks, validateMessageText, validateView } from './block-kit.ts';

/** One Web API call as the double received it. */
export interface SlackCall {
  method: string;
  token: string | undefined;
  args: Record<string, unknown>;
  /** What the double answered (status 200 unless a failure was injected). */
  status: number;
  /** When the call arrived (ms since the epoch). */
  at: number;
  response: Record<string, unknown>;
}

export interface SlackUser {
  id: string;
  name: string;
  email?: string;
  tz?: string;
  is_bot?: boolean;
  deleted?: boolean;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  user?: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

/** What dnd.info answers for a user. */
export type DndState = {
  dnd_enabled: boolean;
  next_dnd_start_ts: number;
  next_dnd_end_ts: number;
  snooze_enabled?: boolean;
  snooze_endtime?: number;
  snooze_remaining?: number;
};

/** A file uploaded through files.getUploadURLExternal, the upload URL and files.completeUploadExternal. */
export interface StoredFile {
  id: string;
  filename: string;
  /** The length announced to files.getUploadURLExternal. */
  length: number;
  /** The bytes POSTed to the upload URL; undefined until then. */
  content?: Buffer;
  title?: string;
  /** Where completeUploadExternal shared it (none: private to the uploader). */
  channels: string[];
  initialComment?: string;
  completed: boolean;
}

/**
 * A failure to inject: a Slack error (HTTP 200, ok:false), a rate limit (HTTP 429 + Retry-After), an
 * HTTP error status, or `dropAnswer`: Slack does the work (the message is posted) and the connection
 * is cut before the answer arrives, as when a response is lost to a reset or a timeout.
 */
export type Failure = { error: string } | { rateLimited: number } | { httpStatus: number } | { dropAnswer: true };

type Handler = (args: Record<string, unknown>) => Record<string, unknown>;
type Match = (args: Record<string, unknown>) => boolean;

/** Where the double takes uploaded file bytes (files.getUploadURLExternal points here). */
const UPLOAD_PATH = '/upload/v1/';

const BOT = { token: 'xoxb-greenlight-test', userId: 'UBOT00001', botId: 'BBOT00001', teamId: 'T0TEST001' };
/** The app-level token Socket Mode opens connections with. */
export const APP_TOKEN = 'xapp-1-greenlight-test';

/**
 * A local stand-in for the Slack Web API that @slack/web-api can talk to through
 * `slackApiUrl`. It keeps channels, users, user groups, messages and views in memory, answers
 * with Slack's response shapes and error codes, enforces Block Kit limits, and can be told to
 * fail the next calls of a method like Slack does (ok:false errors, HTTP 429 with Retry-After).
 */
export class SlackDouble {
  readonly calls: SlackCall[] = [];
  readonly users = new Map<string, SlackUser>();
  readonly usergroups = new Map<string, string[]>();
  private readonly groupHandles = new Map<string, string>();
  readonly channels = new Set<string>();
  readonly messages = new Map<string, StoredMessage>();
  readonly views = new Map<string, Record<string, unknown>>();
  /** Files uploaded by the app, by id. */
  readonly files = new Map<string, StoredFile>();
  private fileCounter = 0;
  /** Users' Slack presence (users.getPresence); anyone not set is `active`. */
  readonly presence = new Map<string, 'active' | 'away'>();
  /** Users' Do Not Disturb state as dnd.info answers it; anyone not set has none. */
  readonly dnd = new Map<string, DndState>();
  /** The Home view last published per user. */
  readonly homes = new Map<string, Record<string, unknown>>();
  readonly botToken = BOT.token;
  readonly appToken = APP_TOKEN;
  /** Open Socket Mode connections. */
  readonly sockets = new Set<WebSocket>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private envelopeCounter = 0;
  /** Set by revokeAppToken(): apps.connections.open refuses the app token. */
  private appTokenRevoked = false;
  readonly botUserId = BOT.userId;

  private readonly failures = new Map<string, Array<{ failure: Failure; match?: Match }>>();
  private readonly delays = new Map<string, number[]>();
  private readonly waiters = new Set<() => void>();
  /** Called with every call as it is recorded (benchmarks time Slack traffic with it). */
  onCall: ((call: SlackCall) => void) | undefined;
  private readonly handlers: Record<string, Handler>;
  private tsCounter = 0;
  private viewCounter = 0;
  private dmCounter = 0;
  private readonly dms = new Map<string, string>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {
    this.handlers = {
      'apps.connections.open': () => ({
        url: `${this.url.replace('http://', 'ws://').replace(/\/api\/$/, '')}/link/?ticket=${Date.now()}`,
      }),
      'auth.test': () => ({
        url: 'https://greenlight-test.slack.com/',
        team: 'Greenlight Test',
        user: 'greenlight',
        team_id: BOT.teamId,
        user_id: BOT.userId,
        bot_id: BOT.botId,
        is_enterprise_install: false,
      }),
      'chat.postMessage': (args) => this.postMessage(args),
      'chat.update': (args) => this.updateMessage(args),
      'chat.delete': (args) => {
        const channel = this.requireChannel(args.channel);
        const key = `${channel}/${String(args.ts ?? '')}`;
        if (!this.messages.delete(key)) throw new SlackApiError('message_not_found');
        return { channel, ts: args.ts };
      },
      'conversations.history': (args) => this.history(args),
      // As Slack: a link to a message the channel holds, else message_not_found.
      'chat.getPermalink': (args) => {
        const channel = this.requireChannel(args.channel);
        const ts = String(args.message_ts ?? '');
        if (!this.messages.has(`${channel}/${ts}`)) throw new SlackApiError('message_not_found');
        return { channel, permalink: `https://greenlight-test.slack.com/archives/${channel}/p${ts.replace('.', '')}` };
      },
      'chat.postEphemeral': (args) => {
        this.requireChannel(args.channel);
        this.requireUser(args.user);
        this.checkMessage(args);
        return { message_ts: this.nextTs() };
      },
      'conversations.open': (args) => {
        const users = String(args.users ?? '')
          .split(',')
          .filter(Boolean);
        if (users.length === 0) throw new SlackApiError('users_list_not_supplied');
        for (const user of users) this.requireUser(user);
        // Slack answers the same DM channel for the same user every time.
        const key = users.sort().join(',');
        let id = this.dms.get(key);
        if (id === undefined) {
          id = `D${String(++this.dmCounter).padStart(8, '0')}`;
          this.dms.set(key, id);
          this.channels.add(id);
        }
        return { channel: { id } };
      },
      'files.getUploadURLExternal': (args) => this.startUpload(args),
      'files.completeUploadExternal': (args) => this.completeUpload(args),
      'users.info': (args) => ({ user: this.requireUser(args.user) }),
      // Presence and Do Not Disturb (availability-aware approver DMs): what setPresence/setDnd set.
      'users.getPresence': (args) => {
        const user = this.requireUser(args.user);
        return { presence: this.presence.get(String(user.id)) ?? 'active' };
      },
      'dnd.info': (args) => {
        const user = this.requireUser(args.user);
        // Slack answers a window in the past (start = end) for someone with no DND scheduled.
        return this.dnd.get(String(user.id)) ?? { dnd_enabled: false, next_dnd_start_ts: 1, next_dnd_end_ts: 1 };
      },
      'users.lookupByEmail': (args) => {
        const email = String(args.email ?? '').toLowerCase();
        const user = [...this.users.values()].find((candidate) => candidate.email?.toLowerCase() === email);
        if (user === undefined || user.deleted) throw new SlackApiError('users_not_found');
        return { user: toSlackUser(user) };
      },
      'usergroups.list': () => ({
        usergroups: [...this.usergroups.entries()].map(([id, members]) => ({
          id,
          team_id: BOT.teamId,
          handle: this.groupHandles.get(id) ?? id.toLowerCase(),
          name: this.groupHandles.get(id) ?? id,
          user_count: members.length,
        })),
      }),
      'usergroups.users.list': (args) => {
        const users = this.usergroups.get(String(args.usergroup ?? ''));
        if (users === undefined) throw new SlackApiError('no_such_subteam');
        return { users };
      },
      'views.open': (args) => {
        if (typeof args.trigger_id !== 'string' || args.trigger_id === '')
          throw new SlackApiError('invalid_trigger_id');
        if (args.trigger_id.startsWith('expired')) throw new SlackApiError('expired_trigger_id');
        return { view: this.storeView(args.view) };
      },
      'views.push': (args) => {
        if (typeof args.trigger_id !== 'string' || args.trigger_id === '')
          throw new SlackApiError('invalid_trigger_id');
        return { view: this.storeView(args.view) };
      },
      'views.update': (args) => {
        const id = String(args.view_id ?? '');
        if (!this.views.has(id)) throw new SlackApiError('not_found');
        return { view: this.storeView(args.view, id) };
      },
      'views.publish': (args) => {
        const user = String(args.user_id ?? '');
        this.requireUser(user);
        const view = this.storeView(args.view);
        if (view.type !== 'home')
          throw new SlackApiError('invalid_arguments', ['must be home [json-pointer:/view/type]']);
        this.homes.set(user, view);
        return { view };
      },
    };
  }

  /** Starts the double on a free loopback port. */
  static async start(): Promise<SlackDouble> {
    let double: SlackDouble | undefined;
    const server = createServer((req, res) => {
      if (double === undefined) {
        res.writeHead(503).end();
        return;
      }
      double.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'internal_error', detail: String(error) }));
      });
    });
    server.on('upgrade', (req, socket, head) => {
      if (double === undefined || !(req.url ?? '').startsWith('/link')) {
        socket.destroy();
        return;
      }
      double.acceptSocket(req, socket, head);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    double = new SlackDouble(server, `http://127.0.0.1:${port}/api/`);
    return double;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private acceptSocket(req: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'double' },
          connection_info: { app_id: 'A0GREENLT1' },
        }),
      );
    });
  }

  /** Resolves once a Socket Mode client has connected. */
  async waitForSocket(timeoutMs = 5000): Promise<WebSocket> {
    const deadline = Date.now() + timeoutMs;
    while (this.sockets.size === 0) {
      if (Date.now() > deadline) throw new Error('no Socket Mode connection');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return [...this.sockets][0] as WebSocket;
  }

  /**
   * Sends an envelope over Socket Mode as Slack does (`events_api`, `slash_commands`, `interactive`)
   * and resolves with the app's acknowledgement for it.
   */
  async sendEnvelope(
    type: 'events_api' | 'slash_commands' | 'interactive',
    payload: Record<string, unknown>,
    timeoutMs = 5000,
  ) {
    const ws = await this.waitForSocket();
    const envelopeId = `env-${++this.envelopeCounter}`;
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ack for ${envelopeId}`)), timeoutMs);
      const onMessage = (data: Buffer) => {
        const message = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
        if (message.envelope_id !== envelopeId) return;
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(message);
      };
      ws.on('message', onMessage);
      ws.send(
        JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api' }),
      );
    });
  }

  /**
   * Sends every open socket Slack's `disconnect` message with `reason` and closes it, as Slack does
   * when it recycles a connection (`refresh_requested`): the client must open a new one.
   */
  disconnectSockets(reason = 'refresh_requested'): void {
    for (const ws of this.sockets) {
      ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'double' } }));
      ws.close(1000);
    }
  }

  /**
   * Revokes the app-level token while the app is connected, as when an admin revokes it in the app's
   * settings: apps.connections.open answers `invalid_auth` from now on, and the open sockets are closed.
   */
  revokeAppToken(reason = 'link_disabled'): void {
    this.appTokenRevoked = true;
    this.disconnectSockets(reason);
  }

  /** Adds a workspace member. */
  addUser(user: SlackUser): SlackUser {
    this.users.set(user.id, user);
    return user;
  }

  /** Sets a user's presence as users.getPresence reports it. */
  setPresence(user: string, presence: 'active' | 'away'): void {
    this.presence.set(user, presence);
  }

  /**
   * Puts a user in Do Not Disturb as dnd.info reports it: a scheduled window around now
   * (`{ minutes }` from now), or a snooze; `null` takes them out.
   */
  setDnd(user: string, state: { minutes: number } | { snoozeMinutes: number } | null): void {
    if (state === null) {
      this.dnd.delete(user);
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    if ('minutes' in state) {
      this.dnd.set(user, {
        dnd_enabled: true,
        next_dnd_start_ts: now - 60,
        next_dnd_end_ts: now + state.minutes * 60,
        snooze_enabled: false,
      });
    } else {
      const end = now + state.snoozeMinutes * 60;
      this.dnd.set(user, {
        dnd_enabled: true,
        next_dnd_start_ts: end + 3600,
        next_dnd_end_ts: end + 7200,
        snooze_enabled: true,
        snooze_endtime: end,
        snooze_remaining: end - now,
      });
    }
  }

  addChannel(id: string): void {
    this.channels.add(id);
  }

  addUsergroup(id: string, members: string[], handle?: string): void {
    this.usergroups.set(id, members);
    if (handle !== undefined) this.groupHandles.set(id, handle);
  }

  /** Makes the next `times` calls of `method` (those `match` accepts, if given) fail as described. */
  failNext(method: string, failure: Failure, times = 1, match?: Match): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(match === undefined ? { failure } : { failure, match });
    this.failures.set(method, queue);
  }

  private takeFailure(method: string, args: Record<string, unknown>): Failure | undefined {
    const queue = this.failures.get(method);
    const index = queue?.findIndex((entry) => entry.match === undefined || entry.match(args)) ?? -1;
    if (queue === undefined || index < 0) return undefined;
    return queue.splice(index, 1)[0]?.failure;
  }

  /** Makes the next call of `method` answer only after `ms` milliseconds (a slow Slack). */
  delayNext(method: string, ms: number): void {
    const queue = this.delays.get(method) ?? [];
    queue.push(ms);
    this.delays.set(method, queue);
  }

  callsOf(method: string): SlackCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Resolves with the first call of `method` matching `predicate`, waiting up to `timeoutMs` for it. */
  async waitForCall(
    method: string,
    predicate: (call: SlackCall) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<SlackCall> {
    const find = () => this.calls.find((call) => call.method === method && predicate(call));
    const found = find();
    if (found !== undefined) return found;
    return new Promise<SlackCall>((resolve, reject) => {
      const check = () => {
        const call = find();
        if (call === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(call);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no ${method} call matched within ${timeoutMs} ms (saw ${this.callsOf(method).length})`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if ((req.url ?? '').startsWith(UPLOAD_PATH)) {
      await this.receiveUpload(req, res);
      return;
    }
    const at = Date.now();
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const args = parseWebApiBody(req.headers['content-type'] ?? '', Buffer.concat(chunks).toString('utf8'));
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : (args.token as string | undefined);
    delete args.token;

    let status = 200;
    let response: Record<string, unknown>;
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    const failure = this.takeFailure(method, args);
    const injected = failure !== undefined && !('dropAnswer' in failure) ? failure : undefined;
    if (req.method !== 'POST' && req.method !== 'GET') {
      status = 405;
      response = { ok: false, error: 'method_not_allowed' };
    } else if (injected !== undefined && 'rateLimited' in injected) {
      status = 429;
      headers['retry-after'] = String(injected.rateLimited);
      response = { ok: false, error: 'ratelimited' };
    } else if (injected !== undefined && 'httpStatus' in injected) {
      status = injected.httpStatus;
      response = { ok: false, error: 'fatal_error' };
    } else if (injected !== undefined && 'error' in injected) {
      response = { ok: false, error: injected.error };
    } else if (token === undefined || token === '') {
      response = { ok: false, error: 'not_authed' };
    } else if (method === 'apps.connections.open' && token === APP_TOKEN && this.appTokenRevoked) {
      response = { ok: false, error: 'invalid_auth' };
    } else if (token !== (method === 'apps.connections.open' ? APP_TOKEN : BOT.token)) {
      // A known token of the wrong kind (a bot token opening a socket, or the reverse) is not_allowed_token_type.
      const wrongKind = token === APP_TOKEN || (token === BOT.token && method === 'apps.connections.open');
      response = { ok: false, error: wrongKind ? 'not_allowed_token_type' : 'invalid_auth' };
    } else {
      const handler = this.handlers[method];
      if (handler === undefined) {
        response = { ok: false, error: 'unknown_method' };
      } else {
        try {
          response = { ok: true, ...handler(args) };
        } catch (error) {
          if (!(error instanceof SlackApiError)) throw error;
          response = {
            ok: false,
            error: error.code,
            ...(error.messages.length > 0 ? { response_metadata: { messages: error.messages } } : {}),
          };
        }
      }
    }
    const delay = this.delays.get(method)?.shift();
    if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay));
    const dropped = failure !== undefined && 'dropAnswer' in failure;
    this.calls.push({ method, token, args, status: dropped ? 0 : status, response, at });
    this.emit(this.calls[this.calls.length - 1] as SlackCall);
    for (const waiter of [...this.waiters]) waiter();
    if (dropped) {
      // The work is done; the caller never hears of it.
      req.socket.destroy();
      return;
    }
    res.writeHead(status, headers);
    res.end(JSON.stringify(response));
  }

  /**
   * files.getUploadURLExternal: reserves a file id and answers an upload URL on this double, as
   * Slack answers one on files.slack.com. `filename` and a positive whole `length` are required.
   */
  private startUpload(args: Record<string, unknown>): Record<string, unknown> {
    const filename = String(args.filename ?? '');
    const length = Number(args.length);
    if (filename === '') throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: filename']);
    if (!Number.isInteger(length) || length < 1) {
      throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: length']);
    }
    const id = `F${String(++this.fileCounter).padStart(10, '0')}`;
    this.files.set(id, { id, filename, length, channels: [], completed: false });
    return { upload_url: `${this.url.replace(/\/api\/$/, '')}${UPLOAD_PATH}${id}`, file_id: id };
  }

  /**
   * The upload URL: takes the file's bytes, raw or as the one file of a multipart form (what
   * @slack/web-api sends), and answers 200 `OK - <bytes>` like Slack; an unknown id is a 404.
   */
  private async receiveUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const file = this.files.get((req.url ?? '').slice(UPLOAD_PATH.length).split('?')[0] ?? '');
    if (req.method !== 'POST' || file === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    const body = Buffer.concat(chunks);
    const type = req.headers['content-type'] ?? '';
    let content = body;
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(body, { headers: { 'content-type': type } }).formData();
      const part = [...form.values()].find((value) => typeof value !== 'string');
      content =
        part === undefined || typeof part === 'string' ? Buffer.alloc(0) : Buffer.from(await part.arrayBuffer());
    }
    file.content = content;
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${content.length}`);
  }

  /**
   * files.completeUploadExternal: shares uploaded files to `channel_id` (a channel, or a DM that
   * conversations.open made), with `initial_comment`. A file never uploaded, or whose bytes differ in
   * length from what was announced, is `file_not_found`, as Slack cannot find a completed upload.
   */
  private completeUpload(args: Record<string, unknown>): Record<string, unknown> {
    const requested = args.files;
    if (!Array.isArray(requested) || requested.length === 0) {
      throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: files']);
    }
    const channel = args.channel_id === undefined ? undefined : this.requireChannel(args.channel_id);
    const files = requested.map((entry) => {
      const { id, title } = entry as { id?: unknown; title?: unknown };
      const file = this.files.get(String(id ?? ''));
      if (file === undefined || file.content === undefined || file.content.length !== file.length) {
        throw new SlackApiError('file_not_found');
      }
      return { file, title: typeof title === 'string' ? title : file.filename };
    });
    return {
      files: files.map(({ file, title }) => {
        file.completed = true;
        file.title = title;
        if (channel !== undefined) file.channels.push(channel);
        if (typeof args.initial_comment === 'string') file.initialComment = args.initial_comment;
        return { id: file.id, title, name: file.filename, size: file.length };
      }),
    };
  }

  private emit(call: SlackCall): void {
    this.onCall?.(call);
  }

  private nextTs(): string {
    this.tsCounter += 1;
    // Like Slack: seconds since the epoch, then a counter that keeps every ts unique and increasing.
    return `${Math.floor(Date.now() / 1000)}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private requireChannel(channel: unknown): string {
    const id = String(channel ?? '');
    if (id === '') throw new SlackApiError('channel_not_found');
    // Posting to a user id opens (or reuses) the DM with that user, as Slack does.
    if (this.users.has(id)) return id;
    if (!this.channels.has(id)) throw new SlackApiError('channel_not_found');
    return id;
  }

  private requireUser(user: unknown): Record<string, unknown> {
    const found = this.users.get(String(user ?? ''));
    if (found === undefined) throw new SlackApiError('user_not_found');
    return toSlackUser(found);
  }

  private checkMessage(args: Record<string, unknown>): void {
    const textProblems = validateMessageText(args.text, args.blocks);
    if (textProblems[0] !== undefined) throw new SlackApiError(textProblems[0]);
    const problems = validateMessageBlocks(args.blocks);
    if (problems.length > 0)
      throw new SlackApiError(
        'invalid_blocks',
        problems.map((p) => `[ERROR] ${p}`),
      );
  }

  private postMessage(args: Record<string, unknown>): Record<string, unknown> {
    const channel = this.requireChannel(args.channel);
    this.checkMessage(args);
    const message: StoredMessage = {
      channel,
      ts: this.nextTs(),
      text: args.text as string | undefined,
      blocks: args.blocks as unknown[] | undefined,
      thread_ts: args.thread_ts as string | undefined,
      user: BOT.userId,
      ...(isMetadata(args.metadata) ? { metadata: args.metadata } : {}),
    };
    this.messages.set(`${channel}/${message.ts}`, message);
    return { channel, ts: message.ts, message: { ...message, type: 'message', bot_id: BOT.botId } };
  }

  private updateMessage(args: Record<string, unknown>): Record<string, unknown> {
    const channel = this.requireChannel(args.channel);
    const key = `${channel}/${String(args.ts ?? '')}`;
    const existing = this.messages.get(key);
    if (existing === undefined) throw new SlackApiError('message_not_found');
    this.checkMessage(args);
    const updated: StoredMessage = {
      ...existing,
      text: (args.text as string | undefined) ?? existing.text,
      blocks: (args.blocks as unknown[] | undefined) ?? existing.blocks,
    };
    this.messages.set(key, updated);
    return { channel, ts: existing.ts, text: updated.text, message: { ...updated, type: 'message' } };
  }

  /** conversations.history: a channel's top-level messages, newest first, metadata only when asked for. */
  private history(args: Record<string, unknown>): Record<string, unknown> {
    const channel = this.requireChannel(args.channel);
    const oldest = Number(args.oldest ?? 0);
    const limit = Math.min(Number(args.limit ?? 100), 999);
    const start = Number(args.cursor ?? 0);
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
    const all = [...this.messages.values()]
      .filter((m) => m.channel === channel && m.thread_ts === undefined && Number(m.ts) >= oldest)
      .sort((a, b) => Number(b.ts) - Number(a.ts));
    const page = all.slice(start, start + limit).map(({ metadata, channel: _channel, ...message }) => ({
      type: 'message',
      bot_id: BOT.botId,
      ...message,
      ...(withMetadata && metadata !== undefined ? { metadata } : {}),
    }));
    const more = start + limit < all.length;
    return { messages: page, has_more: more, response_metadata: { next_cursor: more ? String(start + limit) : '' } };
  }

  private storeView(raw: unknown, id?: string): Record<string, unknown> {
    const problems = validateView(raw);
    if (problems.length > 0)
      throw new SlackApiError(
        'invalid_arguments',
        problems.map((p) => `[ERROR] ${p}`),
      );
    const viewId = id ?? `V${String(++this.viewCounter).padStart(10, '0')}`;
    const view = {
      ...(raw as Record<string, unknown>),
      id: viewId,
      team_id: BOT.teamId,
      hash: `${Date.now()}.${viewId}`,
    };
    this.views.set(viewId, view);
    return view;
  }
}

class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly messages: string[] = [],
  ) {
    super(code);
  }
}

function toSlackUser(user: SlackUser): Record<string, unknown> {
  return {
    id: user.id,
    team_id: BOT.teamId,
    name: user.name,
    real_name: user.name,
    deleted: user.deleted ?? false,
    is_bot: user.is_bot ?? false,
    tz: user.tz ?? 'Europe/Berlin',
    profile: { email: user.email, real_name: user.name, display_name: user.name },
  };
}

function isMetadata(value: unknown): value is StoredMessage['metadata'] {
  return (
    typeof value === 'object' && value !== null && typeof (value as { event_type?: unknown }).event_type === 'string'
  );
}
