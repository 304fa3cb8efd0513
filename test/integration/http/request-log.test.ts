import { describe, expect, it } from 'vitest';
import { JOB_IDS } from '../../../src/jobs/job-ids.ts';
import { QUEUES } from '../../../src/jobs/queues.ts';
import { SIGNING_SECRET } from '../../support/harness.ts';
import {
  API_KEY,
  APPROVER_A,
  type ApiRequest,
  api,
  click,
  createViaApi,
  eventually,
  startLifecycleApp,
  VALID_BODY,
  waitForCard,
} from '../../support/lifecycle.ts';
import { LogCapture } from '../../support/log-capture.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request logs', () => {
  const logs = new LogCapture();
  const t = useTestApp({ LOG_LEVEL: 'info' }, { start: startLifecycleApp, logDestination: logs.stream });

  const httpLine = (traceId: string) =>
    eventually(() => logs.withMessage('http request').find((line) => line.traceId === traceId));

  it('writes one line per HTTP request: method, route template, status, duration and trace id', async () => {
    const created = await api<ApiRequest>(t, 'POST', '/requests', {
      body: VALID_BODY,
      headers: { 'x-request-id': 'ci-run-42.step-7' },
    });
    expect(created.status).toBe(201);
    // A well-formed incoming id is kept and echoed.
    expect(created.headers.get('x-request-id')).toBe('ci-run-42.step-7');
    const line = await httpLine('ci-run-42.step-7');
    expect(line).toMatchObject({ method: 'POST', route: '/api/v1/requests', status: 201, level: 30 });
    expect(line.durationMs).toEqual(expect.any(Number));
    expect(logs.withMessage('http request').filter((l) => l.traceId === 'ci-run-42.step-7')).toHaveLength(1);

    // A malformed one is replaced by a fresh id.
    const read = await api(t, 'GET', `/requests/${created.body.id}`, {
      headers: { 'x-request-id': 'no spaces, please' },
    });
    const fresh = read.headers.get('x-request-id') ?? '';
    expect(fresh).toMatch(UUID);
    expect(await httpLine(fresh)).toMatchObject({ method: 'GET', route: '/api/v1/requests/:id', status: 200 });
    const unknown = await fetch(`${t.baseUrl}/nothing/here`);
    expect(await httpLine(unknown.headers.get('x-request-id') ?? '')).toMatchObject({
      route: 'unmatched',
      status: 404,
    });

    // The card job the request enqueued carries its trace id beside the payload.
    const job = await t.app.jobs.queue(QUEUES.cards).getJob(JOB_IDS.postCard(created.body.id));
    expect(job?.data).toEqual({ requestId: created.body.id, traceId: 'ci-run-42.step-7' });
  });

  it('writes one line per Slack interaction, whose trace id reaches the log lines of the jobs it caused', async () => {
    const request = await createViaApi(t);
    await waitForCard(t, request.id);
    // The card update the approval queues loses Slack's answer once: the Web API client logs it, inside the job.
    t.slack.failNext('chat.update', { dropAnswer: true }, 1);
    const clicked = await click(t, APPROVER_A, 'approve_request', request.id);
    expect(clicked.status).toBe(200);
    const interaction = await eventually(() =>
      logs.withMessage('slack interaction').find((line) => line.id === 'approve_request'),
    );
    expect(interaction).toMatchObject({ type: 'block_actions', user: APPROVER_A, durationMs: expect.any(Number) });
    const traceId = String(interaction.traceId);
    // Over HTTP, the interaction keeps the trace id of its POST /slack/events.
    expect(await httpLine(traceId)).toMatchObject({ method: 'POST', route: '/slack/events', status: 200 });
    const jobLine = await eventually(() =>
      logs.lines.find((line) => String(line.msg).startsWith('http request failed') && line.job === 'card.update'),
    );
    expect(jobLine).toMatchObject({ traceId, component: 'slack' });
    expect(String(jobLine.jobId)).toContain(request.id);
    // The failed attempt's own line (written outside the job's run) names the trace too.
    const failed = await eventually(() =>
      logs.withMessage('job failed').find((line) => line.job === 'card.update' && line.traceId === traceId),
    );
    expect(failed.jobId).toBe(jobLine.jobId);
  });

  it('never logs an API key, a grant, a token or a secret', async () => {
    const request = await createViaApi(t);
    await click(t, APPROVER_A, 'approve_request', request.id);
    const approved = await eventually(async () => {
      const res = await api<ApiRequest & { grant: { token: string } | null }>(t, 'GET', `/requests/${request.id}`);
      return res.body.grant === null ? undefined : res.body;
    });
    const grant = approved.grant?.token ?? '';
    expect((await api(t, 'POST', `/requests/${request.id}/execute`, { body: { grant } })).status).toBe(200);
    const wrongKey = `ci-${'f'.repeat(32)}`;
    expect((await api(t, 'GET', `/requests/${request.id}`, { key: wrongKey })).status).toBe(401);
    await eventually(() => logs.withMessage('http request').some((line) => line.status === 401));

    expect(logs.lines.length).toBeGreaterThan(5);
    for (const secret of [API_KEY, wrongKey, grant, grant.split('.')[2] ?? '', SIGNING_SECRET, t.slack.botToken]) {
      expect(secret.length).toBeGreaterThan(10);
      expect(logs.raw).not.toContain(secret);
    }
    expect(logs.raw).not.toMatch(/bearer /i);
  });
});
