/**
 * The baseline the benchmark compares Greenlight with: a bare Bolt app on the same contract —
 * `POST /api/v1/requests` with a Bearer key answering 201 with an id, and an `approve_request`
 * button that is acked and counted — held in memory, with no database, no queue and no Slack calls.
 * Whatever Greenlight costs above this is the price of its database, queues and checks.
 *
 * Run by bench/run.ts as its own process: `PORT=… SIGNING_SECRET=… API_KEY=… node --import tsx bench/bare-app.ts`.
 */
import { randomUUID } from 'node:crypto';
import { App, ExpressReceiver } from '@slack/bolt';
import express from 'express';

const port = Number(process.env.PORT);
const key = process.env.API_KEY ?? '';
const http = express();
const receiver = new ExpressReceiver({
  signingSecret: process.env.SIGNING_SECRET ?? '',
  endpoints: '/slack/events',
  app: http,
});
// Bot ids given up front: Bolt then never calls auth.test, and the app makes no Slack call at all.
const app = new App({
  receiver,
  token: 'xoxb-bare',
  botId: 'B0BARE',
  botUserId: 'U0BARE',
  tokenVerificationEnabled: false,
});
const requests = new Map<string, { votes: Set<string> }>();
let clicks = 0;

app.action('approve_request', async ({ ack, body, action }) => {
  await ack();
  clicks += 1;
  const id = (action as { value?: string }).value ?? '';
  requests.get(id)?.votes.add(body.user.id);
});

http.post('/api/v1/requests', express.json({ limit: '64kb' }), (req, res) => {
  if (req.get('authorization') !== `Bearer ${key}`) {
    res.status(401).json({ error: { code: 'unauthorized' } });
    return;
  }
  const body = req.body as { action?: unknown; resource?: unknown; reason?: unknown };
  if (typeof body.action !== 'string' || typeof body.resource !== 'string' || typeof body.reason !== 'string') {
    res.status(400).json({ error: { code: 'validation_failed' } });
    return;
  }
  const id = randomUUID();
  requests.set(id, { votes: new Set() });
  res.status(201).json({ id, status: 'pending' });
});
http.get('/stats', (_req, res) => {
  const votes = [...requests.values()].reduce((sum, r) => sum + r.votes.size, 0);
  res.json({ requests: requests.size, clicks, votes });
});
http.get('/readyz', (_req, res) => {
  res.json({ status: 'ok' });
});

http.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
