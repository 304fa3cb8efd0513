import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileNow } from '../../../src/jobs/reconciler.ts';
import { createRule } from '../../../src/services/routing/rules-store.ts';
import { CallbackReceiver } from '../../support/callback-receiver.ts';
import {
  APPROVER_A,
  APPROVER_B,
  api,
  buttonsOf,
  CHANNEL,
  cardOf,
  click,
  createViaApi,
  dmsTo,
  eventually,
  REQUESTER,
  startLifecycleApp,
  VALID_BODY,
  waitForCard,
} from '../../support/lifecycle.ts';
import { connectMcp } from '../../support/mcp-client.ts';
import { describeRoundTrips, type RoundTrips, useCountingProxies } from '../../support/round-trips.ts';
import { ruleInput, sandboxAutoApproval } from '../../support/rules.ts';
import type { StoredMessage } from '../../support/slack-double.ts';
import { useTestApp } from '../../support/use-test-app.ts';

/**
 * The round-trip budget of each hot path: SQL statements PostgreSQL is asked to run (BEGIN and
 * COMMIT included) and Redis commands (BullMQ's Lua scripts also counted apart), for one unit of
 * work followed through to what a person sees. Counted on the wire by pass-through proxies
 * (test/support/round-trips.ts), so nothing of ours is instrumented.
 *
 * Each budget is a ceiling. Each path is measured several times and the least of each count kept:
 * what happens only now and then (a cache refill, an idle worker's poll, the reconciler) only ever
 * adds, so the least is the path's own cost. A path whose jobs may run in either order (the card
 * update and the outcome notices after a decision, or an expiry) costs one statement more in some
 * orders, and its ceiling is the dearer order. A change that adds a round trip fails here and must
 * say in its commit why it is worth it; one that saves one lowers the budget.
 *
 * Issue 17 sets the targets these budgets are to come down to: a request ≤ 3 statements and ≤ 4
 * scripts; an Approve click that decides ≤ 6 statements and ≤ 6 scripts.
 */
// `PRINT_BUDGETS=1 npx vitest run test/integration/budgets` prints what each path measured.
const BUDGETS = {
  /**
   * POST /api/v1/requests → card posted and its ts recorded, and the named person's confirmation DM
   * (issue 21: they are told a service asked in their name). Statements: the request and its
   * `request.created` event in one INSERT (a CTE); the card job's row read; the ts recorded
   * (UPDATE … RETURNING version). The key and who is away are read from memory (known-keys.ts,
   * away-now.ts), the confirmation DM is written by the card job in passing. Scripts: the per-key rate
   * limit (rate-limiter-flexible), the card job (added, fetched, the worker's second fetch that finds
   * nothing, finished), the expiry and expiry-warning timers (added, and the timer worker woken once),
   * and the release of the card lock.
   */
  apiRequest: { statements: 3, scripts: 9, commands: 11 },
  /**
   * A request a rule approves automatically: answered approved after the INSERT alone (its
   * `request.approved` event in the same statement); then its card (row read, ts recorded) and the
   * requester's outcome DM, written by the card job in passing (`outcome_dm_at` marked) — 4 (was 5:
   * the DM was a job of its own, with its own row read). Scripts: the rate limit, the card job (four),
   * the grant's lapse timer and its wake, the card lock (was 13 with the DM job's four).
   */
  autoApprovedRequest: { statements: 4, scripts: 8, commands: 10 },
  /**
   * The MCP tool request_approval (an open /mcp session) that a rule approves automatically: the same
   * unit of work as autoApprovedRequest, reached through /mcp — the session adds no round trip, and
   * the API key is checked per HTTP request as on /api/v1. Lower both together.
   */
  mcpAutoApprovedRequest: { statements: 4, scripts: 8, commands: 10 },
  /** /request-action's modal submitted → card posted: as apiRequest, without the API's rate limit. */
  slashRequest: { statements: 3, scripts: 8, commands: 10 },
  /**
   * An Approve that reaches the quorum → card updated, thread reply, requester's DM. 7: the decision's
   * transaction is BEGIN, the row lock (with the lock-wait bound and the audit head), the row read, ONE
   * statement for vote + status + audit events, COMMIT; then the follow-up job (update-card.ts): ONE row
   * read, the three Slack calls, ONE UPDATE for the card version and both notice marks (was 16, then
   * 11 with three jobs each reading the row and writing its mark). Scripts 9: five on the queues' wait
   * lists (the follow-up job added, fetched, finished, and the workers' fetches), the expiry and
   * expiry-warning timers taken off, the timer worker's marker, and the release of the card lock the
   * follow-up holds (was 17: three jobs of four scripts each).
   */
  approveDeciding: { statements: 7, scripts: 9, commands: 12 },
  /**
   * An Approve short of the quorum → card updated with the vote. 7: BEGIN, lock, read, vote + version
   * bump + audit in one statement, COMMIT; the card update's read and its card-version mark (was 11).
   */
  approveCounted: { statements: 7, scripts: 6, commands: 8 },
  /**
   * The Deny modal submitted with a reason → card updated, thread reply, requester's DM. As an Approve
   * that decides: 5 in the transaction, 2 in the follow-up job (was 15, then 11 with three jobs).
   */
  denyWithReason: { statements: 7, scripts: 9, commands: 11 },
  /**
   * One request's deadline passing → expired, card updated, thread reply, requester's DM. Counted from
   * three seconds before the deadline, so idle workers' polls in the wait add a script or two. 13: the
   * expiry job's row read, BEGIN, the batch UPDATE (returning the audit heads), the rows' read, the
   * guarded audit INSERT, COMMIT (6); then the follow-up job's read and its one UPDATE of the marks
   * (was 14, then 13 with three jobs each reading the row and writing its mark). Scripts: 12 and 13
   * measured (the idle workers' polls in the wait), so 13 (was 21 with three follow-up jobs).
   */
  expiry: { statements: 9, scripts: 13, commands: 15 },
  /**
   * POST /requests/:id/execute with the grant → executed, and the thread told. 7: the API key and the
   * grant key reads, BEGIN, lock, read, status + audit in one statement, COMMIT; then the follow-up
   * job's read and its one UPDATE (card version and the grant-end reply's mark) (was 13, then 10 with
   * two jobs).
   */
  execute: { statements: 7, scripts: 10, commands: 12 },
  /**
   * An Approve that decides a request with a callback URL, until the receiver has the callback: the
   * decision (5), but counted until the callback lands, so the follow-up job's read and UPDATE (2)
   * may fall before or after it; the callback job's row read, its "delivered yet?" audit check, the
   * client's callback secret and its own audited change (BEGIN, lock, read, write, COMMIT)
   * (was 25, then 19 with three follow-up jobs).
   */
  approveWithCallback: { statements: 14, scripts: 14, commands: 17 },
  /**
   * The reconciler's pass over 1,000 healthy pending requests (cards posted, timers in place): one
   * statement a page of each kind of check (the timer kinds' owed rows, cards, notices, callbacks,
   * …), and one ZMSCORE a page of each timer kind against the queue's delayed set (was one HGETALL
   * per timer: 2,043 commands).
   */
  reconcile1000: { statements: 30, scripts: 1, commands: 8 },
} as const;

type Budget = (typeof BUDGETS)[keyof typeof BUDGETS];

const SAMPLES = 4;
/** What a measured unit answers when there is nothing to count this time (see leastOf). */
const SKIP = Symbol('skip');
/** How long neither server may hear anything before a unit of work counts as over. */
const QUIET_MS = 1000;

describe('round-trip budgets of the hot paths', { timeout: 120_000 }, () => {
  const counting = useCountingProxies();
  const t = useTestApp(
    {
      REQUIRED_APPROVALS: '1',
      CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
      CALLBACK_SIGNING_SECRET: `whsec_${Buffer.alloc(32, 9).toString('base64')}`,
    },
    {
      start: (env, options) =>
        startLifecycleApp({ ...env, ...counting.proxies.env }, { ...options, database: counting.database }),
    },
  );

  // Requests for sandbox/** are approved at once (the automatic path, and grants to execute).
  beforeAll(async () => {
    await createRule(t.app.deps, { type: 'user', id: 'U0ADMIN001' }, sandboxAutoApproval());
  });

  /** Waits until neither server has been asked anything for a while: the unit of work is over. */
  async function settle(): Promise<void> {
    let last = -1;
    let quietSince = Date.now();
    for (;;) {
      const { statements, scripts } = counting.proxies.counts();
      const now = statements * 1000 + scripts;
      if (now !== last) {
        last = now;
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= QUIET_MS) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Runs `unit` {@link SAMPLES} times (after `prepare`, not counted) and keeps the least of each count. */
  async function leastOf(unit: () => Promise<unknown>, prepare: () => Promise<unknown> = async () => {}) {
    const samples: RoundTrips[] = [];
    // A unit may answer SKIP when what `prepare` made is not there to count (a deadline that passed
    // while a loaded machine went quiet); it is tried again, up to twice as many times.
    for (let attempt = 0; samples.length < SAMPLES && attempt < 2 * SAMPLES; attempt += 1) {
      await prepare();
      await settle();
      let skipped = false;
      const trips = await counting.proxies.measure(async () => {
        if ((await unit()) === SKIP) skipped = true;
        else await settle();
      });
      if (!skipped) samples.push(trips);
    }
    if (samples.length === 0) throw new Error(`no sample could be counted in ${2 * SAMPLES} attempts`);
    for (const trips of samples) dropRefills(trips);
    if (process.env.PRINT_SAMPLES) for (const trips of samples) console.log(describeRoundTrips(trips));
    const least = (pick: (trips: RoundTrips) => number) =>
      samples.reduce((best, trips) => (pick(trips) < pick(best) ? trips : best));
    return {
      statements: least((s) => s.statements),
      scripts: least((s) => s.scripts),
      commands: least((s) => s.commands),
    };
  }

  function expectWithin(measured: Awaited<ReturnType<typeof leastOf>>, budget: Budget) {
    if (process.env.PRINT_BUDGETS) {
      const { statements, scripts, commands } = measured;
      const name = Object.entries(BUDGETS).find(([, b]) => b === budget)?.[0];
      console.log(
        `${name}: ${statements.statements} statements, ${scripts.scripts} scripts, ${commands.commands} commands`,
      );
    }
    expect(measured.statements.statements, describeRoundTrips(measured.statements)).toBeLessThanOrEqual(
      budget.statements,
    );
    expect(measured.scripts.scripts, describeRoundTrips(measured.scripts)).toBeLessThanOrEqual(budget.scripts);
    expect(measured.commands.commands, describeRoundTrips(measured.commands)).toBeLessThanOrEqual(budget.commands);
  }

  it('a request through the API, to its card', async () => {
    await waitForCard(t, (await createViaApi(t)).id); // warm the caches a first request fills
    const measured = await leastOf(async () => waitForCard(t, (await createViaApi(t)).id));
    expectWithin(measured, BUDGETS.apiRequest);
  });

  it('a request a rule approves automatically', async () => {
    await createViaApi(t, { resource: 'sandbox/warm' });
    const measured = await leastOf(async () => {
      const request = await createViaApi(t, { resource: 'sandbox/x' });
      expect(request.status).toBe('approved');
    });
    expectWithin(measured, BUDGETS.autoApprovedRequest);
  });

  it('/request-action submitted, to its card', async () => {
    const submit = async () => {
      const res = await t.sender.viewSubmission({
        user_id: REQUESTER,
        callback_id: 'request_action_modal',
        values: {
          action: { action: { type: 'plain_text_input', value: 'iam.grant_admin' } },
          resource: { resource: { type: 'plain_text_input', value: 'aws/prod-account' } },
          environment: { environment: { type: 'plain_text_input', value: 'production' } },
          risk: { risk: { type: 'static_select', selected_option: { value: 'high' } } },
          reason: { reason: { type: 'plain_text_input', value: 'Incident INC-42 needs admin for an hour' } },
          ttl: { ttl: { type: 'static_select', selected_option: { value: '900' } } },
        },
      });
      expect(res.status).toBe(200);
      const cards = () => [...t.slack.messages.values()].filter((m) => m.channel === CHANNEL && !m.thread_ts).length;
      return cards;
    };
    await submit();
    const measured = await leastOf(async () => {
      const before = [...t.slack.messages.values()].length;
      await submit();
      await eventually(() => [...t.slack.messages.values()].length > before, 5000, 'card posted');
    });
    expectWithin(measured, BUDGETS.slashRequest);
  });

  it('an Approve that decides, to the card, thread reply and DM', async () => {
    let requestId = '';
    const measured = await leastOf(
      async () => {
        const dms = dmsTo(t, REQUESTER).length;
        await click(t, APPROVER_A, 'approve_request', requestId);
        // Read from the Slack double, not the database, so the wait itself costs no statement.
        await eventually(() => dmsTo(t, REQUESTER).length > dms, 5000, 'outcome DM');
      },
      async () => {
        requestId = (await createViaApi(t)).id;
        await waitForCard(t, requestId);
      },
    );
    expectWithin(measured, BUDGETS.approveDeciding);
  });

  it('an Approve short of the quorum, to the card', async () => {
    await createRule(
      t.app.deps,
      { type: 'user', id: 'U0ADMIN001' },
      ruleInput({
        name: 'Twice',
        resourcePatterns: ['twice/**'],
        channelId: CHANNEL,
        approvers: [APPROVER_A, APPROVER_B],
      }),
    );
    let requestId = '';
    const measured = await leastOf(
      async () => {
        const res = await click(t, APPROVER_B, 'approve_request', requestId);
        expect(res.status).toBe(200);
      },
      async () => {
        requestId = (await createViaApi(t, { resource: 'twice/db' })).id;
        await waitForCard(t, requestId);
      },
    );
    expectWithin(measured, BUDGETS.approveCounted);
  });

  it('a Deny with its reason, to the card, thread reply and DM', async () => {
    let requestId = '';
    const measured = await leastOf(
      async () => {
        const dms = dmsTo(t, REQUESTER).length;
        const res = await t.sender.viewSubmission({
          user_id: APPROVER_B,
          callback_id: 'deny_reason_modal',
          private_metadata: JSON.stringify({ requestId, channelId: CHANNEL }),
          values: { reason: { reason: { type: 'plain_text_input', value: 'Not during the freeze' } } },
        });
        expect(res.status).toBe(200);
        await eventually(() => dmsTo(t, REQUESTER).length > dms, 5000, 'outcome DM');
      },
      async () => {
        requestId = (await createViaApi(t)).id;
        await waitForCard(t, requestId);
      },
    );
    expectWithin(measured, BUDGETS.denyWithReason);
  });

  it('one request expiring, to the card, thread reply and DM', async () => {
    let requestId = '';
    const measured = await leastOf(
      async () => {
        // Read from the Slack double (no statement): a card without its buttons already expired,
        // its deadline passed while the request was made and the servers went quiet.
        if (buttonsOf(cardOf(t, requestId) as StoredMessage).length === 0) return SKIP;
        const dms = dmsTo(t, REQUESTER).length;
        // The unit of work is the expiry job and what it owes, a few seconds from now.
        await eventually(() => dmsTo(t, REQUESTER).length > dms, 15_000, 'expiry DM');
        return undefined;
      },
      async () => {
        requestId = (await createViaApi(t, { ttlSeconds: 3 })).id;
        await waitForCard(t, requestId);
      },
    );
    expectWithin(measured, BUDGETS.expiry);
  });

  it('a grant executed', async () => {
    let request = { id: '', grant: '' };
    const measured = await leastOf(
      async () => {
        const res = await api(t, 'POST', `/requests/${request.id}/execute`, { body: { grant: request.grant } });
        expect(res.status).toBe(200);
      },
      async () => {
        const created = await createViaApi(t, { resource: 'sandbox/execute' });
        const token = (created as unknown as { grant: { token: string } | null }).grant?.token;
        if (token === undefined) throw new Error('no grant');
        request = { id: created.id, grant: token };
      },
    );
    expectWithin(measured, BUDGETS.execute);
  });

  describe('with a callback receiver', () => {
    let receiver: CallbackReceiver;
    beforeAll(async () => {
      receiver = await CallbackReceiver.start();
    });
    afterAll(() => receiver.close());

    it('an Approve that decides a request with a callback, until the callback is received', async () => {
      let requestId = '';
      const measured = await leastOf(
        async () => {
          const received = receiver.received.length;
          await click(t, APPROVER_A, 'approve_request', requestId);
          await eventually(() => receiver.received.length > received, 5000, 'callback received');
        },
        async () => {
          requestId = (await createViaApi(t, { callbackUrl: receiver.url(`/hook-${Date.now()}`) })).id;
          await waitForCard(t, requestId);
        },
      );
      expectWithin(measured, BUDGETS.approveWithCallback);
    });
  });

  it('the reconciler’s pass over 1,000 healthy pending requests', async () => {
    const template = await createViaApi(t);
    await waitForCard(t, template.id);
    await copyRequest(t.database.url, template.id, 999);
    await reconcileNow(t.app.deps); // the copies' timers are put in place: from now on they are healthy
    const measured = await leastOf(async () => reconcileNow(t.app.deps));
    expectWithin(measured, BUDGETS.reconcile1000);
  });

  // Last: the approved requests it leaves (grant timers) would otherwise join the reconciler's pass above.
  it('request_approval over MCP that a rule approves automatically', async () => {
    const { client } = await connectMcp(t);
    try {
      const ask = async (resource: string) => {
        const result = await client.callTool({ name: 'request_approval', arguments: { ...VALID_BODY, resource } });
        expect((result.structuredContent as { status: string }).status).toBe('approved');
      };
      await ask('sandbox/warm-mcp');
      const measured = await leastOf(() => ask('sandbox/mcp'));
      expectWithin(measured, BUDGETS.mcpAutoApprovedRequest);
    } finally {
      await client.close();
    }
  });
});

/**
 * Reads a cache makes on its own clock, whatever the path: the routing rules cached for two
 * seconds (services/caches.ts; a request finding the cache empty reads them once more), and every
 * instance's reload, every ten seconds, of the active API keys (services/api-keys/known-keys.ts —
 * not the lookup by hash of a key it does not hold, which a request pays) and of who is away
 * (services/away/away-now.ts). Dropped from the count, so a budget does not depend on how long the
 * test paused.
 */
const REFILLS: Array<(text: string) => boolean> = [
  (text) => text.includes('FROM "public"."routing_rules"'),
  (text) => text.includes('FROM "public"."api_clients"') && !text.includes('"key_hash" = $'),
  (text) => text.includes('FROM "public"."away_statuses"'),
];

function dropRefills(trips: RoundTrips): void {
  const kept = trips.statementTexts.filter((text) => !REFILLS.some((refill) => refill(text)));
  trips.statements -= trips.statementTexts.length - kept.length;
  trips.statementTexts = kept;
}

/** Inserts `copies` copies of a request (new ids, no idempotency key or grant), bypassing the app. */
async function copyRequest(databaseUrl: string, id: string, copies: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns
        WHERE table_name = 'approval_requests' AND column_name NOT IN ('id', 'idempotency_key', 'grant_id')`,
    );
    const columns = rows.map((r) => `"${r.column_name}"`).join(', ');
    await client.query(
      `INSERT INTO approval_requests (id, ${columns})
       SELECT gen_random_uuid(), ${columns} FROM approval_requests, generate_series(1, $2::int) WHERE id = $1::uuid`,
      [id, copies],
    );
  } finally {
    await client.end();
  }
}
