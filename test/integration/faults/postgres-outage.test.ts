import { describe, expect, it } from 'vitest';
import { ADMIN_DATABASE_URL, query } from '../../support/database.ts';
import type { AppUnderTest } from '../../support/harness.ts';
import { CHANNEL, createViaApi, eventually, startLifecycleApp } from '../../support/lifecycle.ts';
import { useTestApp } from '../../support/use-test-app.ts';

/** Cuts the app off its database (new connections refused, open ones ended) or lets it back. */
async function setDatabaseReachable(t: AppUnderTest, reachable: boolean): Promise<void> {
  const name = t.database.name;
  await query(ADMIN_DATABASE_URL, `ALTER DATABASE "${name}" ALLOW_CONNECTIONS ${reachable}`);
  if (!reachable) {
    await query(ADMIN_DATABASE_URL, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
      name,
    ]);
  }
}

const cardsFor = (t: AppUnderTest, id: string) =>
  [...t.slack.messages.values()].filter(
    (m) => m.channel === CHANNEL && m.thread_ts === undefined && m.metadata?.event_payload.request_id === id,
  );

/**
 * A card posted to Slack while PostgreSQL went away cannot be recorded; when the database returns,
 * the retry must find that card and record it, not post a second one (a run once gave 101 cards
 * for 100 requests after an outage).
 */
describe('a PostgreSQL outage while a card is being posted', () => {
  const t = useTestApp({}, { start: startLifecycleApp });

  it('records the card posted during the outage and never posts it twice', async () => {
    t.slack.delayNext('chat.postMessage', 1500);
    const request = await createViaApi(t);
    // Slack has the card; its answer is still on the way when the database goes.
    await eventually(() => cardsFor(t, request.id).length === 1, 5000, 'card reached Slack');
    await setDatabaseReachable(t, false);
    try {
      await t.slack.waitForCall('chat.postMessage', (c) => JSON.stringify(c.args.metadata ?? '').includes(request.id));
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await setDatabaseReachable(t, true);
    }
    const ts = await eventually(
      async () =>
        (await t.app.db.approvalRequest.findUnique({ where: { id: request.id }, select: { messageTs: true } }))
          ?.messageTs ?? undefined,
      20_000,
      'card recorded',
    );
    expect(cardsFor(t, request.id).map((m) => m.ts)).toEqual([ts]);
  });
});
