import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../../src/jobs/queues.ts';
import { METRIC_PREFIX } from '../../../src/platform/metrics.ts';
import { CallbackReceiver } from '../../support/callback-receiver.ts';
import {
  APPROVER_A,
  type ApiRequest,
  api,
  CHANNEL,
  click,
  createViaApi,
  eventually,
  startLifecycleApp,
  waitForCard,
} from '../../support/lifecycle.ts';
import { Scrape } from '../../support/prometheus.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const TOKEN = 'metrics-token-0123456789abcdef';

/** Scrapes the app's /metrics and parses it; fails unless the answer is 200 Prometheus text. */
async function scrape(baseUrl: string, token?: string): Promise<Scrape> {
  const res = await fetch(
    `${baseUrl}/metrics`,
    token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
  );
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return new Scrape(await res.text());
}

describe('GET /metrics (METRICS_TOKEN unset)', () => {
  const t = useTestApp(
    { CALLBACK_SIGNING_SECRET: SECRET, CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true' },
    { start: startLifecycleApp, callbackTiming: { retryBaseMs: 50, retryCapMs: 200, attemptTimeoutMs: 1000 } },
  );
  let receiver: CallbackReceiver;
  beforeAll(async () => {
    receiver = await CallbackReceiver.start();
  });
  afterAll(() => receiver.close());

  it('counts a request created, approved in Slack and executed; a Slack 429; callbacks; HTTP routes', async () => {
    // The first card post is rate limited: the job waits out Retry-After and posts again.
    t.slack.failNext('chat.postMessage', { rateLimited: 1 }, 1, (args) => args.channel === CHANNEL);
    const hook = receiver.url('/hook', [500]);
    const request = await createViaApi(t, { callbackUrl: hook });
    await waitForCard(t, request.id);
    await click(t, APPROVER_A, 'approve_request', request.id);
    const approved = await eventually(async () => {
      const res = await api<ApiRequest & { grant: { token: string } | null }>(t, 'GET', `/requests/${request.id}`);
      return res.body.status === 'approved' ? res.body : undefined;
    });
    const executed = await api(t, 'POST', `/requests/${request.id}/execute`, {
      body: { grant: approved.grant?.token },
    });
    expect(executed.status).toBe(200);
    // approved: a 500, then delivered; executed: delivered.
    await eventually(() => receiver.at('/hook').length >= 3, 10_000, 'three callback attempts');
    await createViaApi(t); // left pending
    expect((await api(t, 'GET', `/requests/${request.id}`, { key: 'wrong-key-0123456789abcdef' })).status).toBe(401);

    const metrics = await eventually(async () => {
      const scraped = await scrape(t.baseUrl);
      // The last callback attempt is counted once its audit row is written, just after the receiver answered.
      return scraped.value('greenlight_callback_deliveries_total', { outcome: 'delivered' }) >= 2 ? scraped : undefined;
    });

    expect(
      metrics.value('greenlight_requests_created_total', {
        source: 'api',
        outcome: 'require_approval',
        rule: '(default)',
      }),
    ).toBe(2);
    expect(metrics.value('greenlight_decisions_total', { outcome: 'approved', decider: 'user' })).toBe(1);
    expect(metrics.value('greenlight_decisions_total', { outcome: 'executed', decider: 'service' })).toBe(1);
    expect(metrics.family('greenlight_time_to_decision_seconds').type).toBe('HISTOGRAM');
    expect(metrics.value('greenlight_time_to_decision_seconds_count', { outcome: 'approved' })).toBe(1);
    // Approved within the minute: in every bucket from a minute up to a day.
    expect(metrics.value('greenlight_time_to_decision_seconds_bucket', { outcome: 'approved', le: '60' })).toBe(1);
    expect(metrics.value('greenlight_time_to_decision_seconds_bucket', { outcome: 'approved', le: '86400' })).toBe(1);

    expect(metrics.value('greenlight_pending_requests')).toBe(1);
    expect(metrics.value('greenlight_pending_oldest_age_seconds')).toBeGreaterThanOrEqual(0);
    for (const queue of Object.values(QUEUES)) {
      for (const state of ['waiting', 'delayed', 'active', 'failed']) {
        expect(metrics.samples('greenlight_queue_jobs', { queue, state }), `${queue} ${state}`).toHaveLength(1);
      }
    }
    expect(metrics.family('greenlight_job_lag_seconds').type).toBe('HISTOGRAM');
    expect(metrics.value('greenlight_job_lag_seconds_count', { queue: QUEUES.cards })).toBeGreaterThan(0);
    expect(metrics.value('greenlight_job_lag_seconds_count', { queue: QUEUES.callbacks })).toBeGreaterThan(0);

    expect(
      metrics.value('greenlight_slack_api_calls_total', { method: 'chat.postMessage', error: 'ratelimited' }),
    ).toBe(1);
    expect(
      metrics.value('greenlight_slack_api_calls_total', { method: 'chat.postMessage', error: 'none' }),
    ).toBeGreaterThan(0);
    expect(metrics.value('greenlight_slack_api_calls_total', { method: 'auth.test', error: 'none' })).toBeGreaterThan(
      0,
    );

    expect(metrics.value('greenlight_callback_deliveries_total', { outcome: 'failed', final: 'false' })).toBe(1);
    expect(metrics.value('greenlight_callback_deliveries_total', { outcome: 'delivered', final: 'true' })).toBe(2);
    expect(metrics.value('greenlight_callback_delivery_duration_seconds_count', { outcome: 'delivered' })).toBe(2);

    const http = (labels: Record<string, string>) =>
      metrics.value('greenlight_http_request_duration_seconds_count', labels);
    expect(http({ method: 'POST', route: '/api/v1/requests', status: '201' })).toBe(2);
    expect(http({ method: 'POST', route: '/api/v1/requests/:id/execute', status: '200' })).toBe(1);
    expect(http({ method: 'GET', route: '/api/v1/requests/:id', status: '200' })).toBeGreaterThan(0);
    expect(http({ method: 'POST', route: '/slack/events', status: '200' })).toBe(1);
    // Refused by the API-key check before any route matched: labelled by the router it reached.
    expect(http({ method: 'GET', route: '/api/v1/*', status: '401' })).toBe(1);
    const routes = metrics.samples('greenlight_http_request_duration_seconds_count').map((s) => s.labels?.route ?? '');
    expect(routes.filter((route) => /[0-9a-f]{8}-[0-9a-f]{4}/.test(route))).toEqual([]);
    expect(metrics.value('greenlight_slack_interaction_duration_seconds_count', { type: 'block_actions' })).toBe(1);

    // One process, two pools: the API and the click check out of `http`, the queue workers out of `jobs`.
    expect(metrics.family('greenlight_db_pool_wait_seconds').type).toBe('HISTOGRAM');
    expect(metrics.value('greenlight_db_pool_wait_seconds_count', { pool: 'http' })).toBeGreaterThan(0);
    expect(metrics.value('greenlight_db_pool_wait_seconds_count', { pool: 'jobs' })).toBeGreaterThan(0);

    // Node's default process metrics.
    expect(metrics.family('process_cpu_user_seconds_total').type).toBe('COUNTER');
    expect(metrics.family('nodejs_heap_size_used_bytes').type).toBe('GAUGE');
  });

  it('docs/reference/metrics.md lists every metric the app serves, with its type, and no other', async () => {
    const doc = await readFile(new URL('../../../docs/reference/metrics.md', import.meta.url), 'utf8');
    // The table's rows: | `name` | type … | labels |
    const rows = new Map(
      [...doc.matchAll(/^\| `([a-z_*]+)` +\| ([a-z]*)[^|]*\|/gm)].map(([, name = '', type = '']) => [name, type]),
    );
    const served = t.app.deps.metrics.registry.getMetricsAsArray();
    const ours = served.filter((metric) => metric.name.startsWith(METRIC_PREFIX));
    expect([...rows.keys()].filter((name) => name.startsWith(METRIC_PREFIX)).sort()).toEqual(
      ours.map((metric) => metric.name).sort(),
    );
    for (const metric of ours) expect(rows.get(metric.name), metric.name).toBe(metric.type);
    // Node's default metrics are one row of wildcards, and every other metric served is one of them.
    expect(doc).toMatch(/^\| `process_\*`, `nodejs_\*` +\|/m);
    const others = served.filter((metric) => !metric.name.startsWith(METRIC_PREFIX)).map((metric) => metric.name);
    expect(others.filter((name) => !/^(process|nodejs)_/.test(name))).toEqual([]);
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  const t = useTestApp({ METRICS_TOKEN: TOKEN });

  it('answers 401 without the token or with a wrong one, and the metrics with it', async () => {
    const missing = await fetch(`${t.baseUrl}/metrics`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(await missing.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const wrong = await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    const apiKeyScheme = await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: TOKEN } });
    expect(apiKeyScheme.status).toBe(401);
    const metrics = await scrape(t.baseUrl, TOKEN);
    expect(metrics.value('greenlight_pending_requests')).toBe(0);
  });
});
