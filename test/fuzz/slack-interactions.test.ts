import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { query } from '../support/database.ts';
import { FUZZ_ADMIN, type HostileRequest, hostileSlackRequest } from '../support/hostile-slack.ts';
import { startLifecycleApp } from '../support/lifecycle.ts';
import { useTestApp } from '../support/use-test-app.ts';

/** 5,000 in CI; `FUZZ_RUNS=50000 npm run fuzz` for a long run. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 5_000);
/** Slack shows the user an error when an interaction is not acked within three seconds. */
const SLACK_ACK_DEADLINE_MS = 3_000;

describe('the Slack endpoint under signed, hostile payloads', () => {
  const t = useTestApp({ ADMIN_USER_IDS: FUZZ_ADMIN }, { start: startLifecycleApp });
  beforeAll(() => {
    for (const id of [FUZZ_ADMIN, 'U0FUZZER01', 'U0FUZZER02', 'W0ENTERPR1']) {
      t.slack.addUser({ id, name: id.toLowerCase(), email: `${id.toLowerCase()}@example.com` });
    }
  });

  const rows = async () => {
    const [counts] = await query<{ requests: number; votes: number }>(
      t.database.url,
      'SELECT (SELECT count(*)::int FROM approval_requests) AS requests, (SELECT count(*)::int FROM votes) AS votes',
    );
    return counts;
  };
  /** Messages posted anywhere but a DM: a card, or anything else in a channel. */
  const channelPosts = () =>
    t.slack.callsOf('chat.postMessage').filter((call) => !String(call.args.channel).startsWith('D')).length;

  it(
    `acks ${RUNS} of them with a 2xx within Slack's deadline, and writes no request, vote or card`,
    async () => {
      const before = { rows: await rows(), posts: channelPosts() };
      let slowest = 0;
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(hostileSlackRequest, async (request: HostileRequest) => {
          const sent = performance.now();
          const res = await t.sender.post(request.body, request.contentType);
          await res.arrayBuffer();
          const ms = performance.now() - sent;
          slowest = Math.max(slowest, ms);
          expect(res.status, `${request.kind} answered ${res.status}`).toBeGreaterThanOrEqual(200);
          expect(res.status, `${request.kind} answered ${res.status}`).toBeLessThan(300);
          expect(ms, `${request.kind} acked after ${Math.round(ms)} ms`).toBeLessThan(SLACK_ACK_DEADLINE_MS);
        }),
        { numRuns: RUNS },
      );
      // Work after the ack (audit rows, ephemerals) settles before the app closes; rows are counted now.
      expect(await rows()).toEqual(before.rows);
      expect(channelPosts()).toBe(before.posts);
      // The app still works: a well-formed event is answered.
      expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
      console.info(
        `slack fuzz: ${RUNS} payloads in ${Math.round(performance.now() - started)} ms, slowest ack ${Math.round(slowest)} ms`,
      );
    },
    Math.max(120_000, RUNS * 60),
  );
});
