import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/platform/logger.ts';
import { createAwayNow } from '../../../src/services/away/away-now.ts';
import { clearAway } from '../../../src/services/away/clear-away.ts';
import { setAway } from '../../../src/services/away/set-away.ts';
import { REDIS_URL, type TestApp } from '../../support/harness.ts';
import { eventually, startLifecycleApp } from '../../support/lifecycle.ts';

const DAY = 24 * 3600 * 1000;
const USER = 'U0AWAYNOW1';
const DELEGATE = 'U0AWAYNOW2';

/**
 * Routing reads who is away from memory (away-now.ts, issue 17): these check that the copy follows
 * every change — at once where it was made, over pub/sub on the other instances, by the refresh for
 * a row written behind the service's back — and that a status ends by itself at its time.
 */
describe('who is away, held in memory', () => {
  const started: TestApp[] = [];
  const connections: Redis[] = [];
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    for (const connection of connections.splice(0)) connection.disconnect();
    for (const t of started.splice(0).reverse()) await t.close();
  });

  const start = async () => {
    const t = await startLifecycleApp();
    started.push(t);
    return t;
  };
  /** Another instance's copy: same database and channel, its own connections. */
  const otherCopy = async (t: TestApp, prefix: string, refreshMs?: number) => {
    const publisher = new Redis(REDIS_URL);
    const subscriber = new Redis(REDIS_URL);
    connections.push(publisher, subscriber);
    const copy = await createAwayNow({
      db: t.app.db,
      publisher,
      subscriber,
      prefix,
      logger: createLogger('silent'),
      now: () => new Date(),
      ...(refreshMs === undefined ? {} : { refreshMs }),
    });
    closers.push(() => copy.close());
    return copy;
  };

  it('follows a status set and cleared: at once where it changed, told on the other instances', async () => {
    const t = await start();
    const other = await otherCopy(t, t.config.QUEUE_PREFIX);
    const until = new Date(Date.now() + 3 * DAY);
    await setAway(t.app.deps, { userId: USER, delegateId: DELEGATE, until });
    // No wait here: setAway reloads this instance's copy before it returns.
    expect(t.app.deps.away.statusesOf([USER, DELEGATE], new Date())).toMatchObject([
      { slackUserId: USER, delegateId: DELEGATE },
    ]);
    await eventually(() => other.statusesOf([USER], new Date()).length === 1, 2000, 'set told to the other');

    await clearAway(t.app.deps, USER);
    expect(t.app.deps.away.statusesOf([USER], new Date())).toEqual([]);
    await eventually(() => other.statusesOf([USER], new Date()).length === 0, 2000, 'clear told to the other');
  });

  it('ends a status at its time without a reload, and picks up a row written behind its back within its refresh', async () => {
    const t = await start();
    // A channel nobody publishes on: only the refresh can tell it.
    const silent = await otherCopy(t, `${t.config.QUEUE_PREFIX}:silent`, 200);
    const until = new Date(Date.now() + DAY);
    await t.app.db.awayStatus.create({ data: { slackUserId: USER, awayUntil: until, delegateId: null } });
    await eventually(() => silent.statusesOf([USER], new Date()).length === 1, 2000, 'refreshed');
    // Asked about a moment past its end, the same copy answers that nobody is away.
    expect(silent.statusesOf([USER], new Date(until.getTime() + 1))).toEqual([]);
    expect(silent.statusesOf([USER], new Date(until.getTime() - 1))).toHaveLength(1);
  });
});
