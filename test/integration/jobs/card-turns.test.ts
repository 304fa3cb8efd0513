import { describe, expect, it } from 'vitest';
import { CardBusyError, inCardTurn } from '../../../src/jobs/card-turns.ts';
import { startLifecycleApp } from '../../support/lifecycle.ts';
import { useTestApp } from '../../support/use-test-app.ts';

/** Card turns: one card's post or update at a time, across instances too (a Redis lock). */
describe('card turns', () => {
  const t = useTestApp({}, { start: startLifecycleApp });
  const requestId = '00000000-0000-4000-8000-00000000c0de';
  const lockKey = () => `${t.config.QUEUE_PREFIX}:card-lock:${requestId}`;

  it('refuses a turn while another instance holds the card, and takes it once released', async () => {
    await t.app.deps.redis.set(lockKey(), 'another-instance', 'PX', 30_000);
    await expect(inCardTurn(t.app.deps, requestId, async () => 'sent')).rejects.toBeInstanceOf(CardBusyError);
    await t.app.deps.redis.del(lockKey());
    await expect(inCardTurn(t.app.deps, requestId, async () => 'sent')).resolves.toBe('sent');
    // The turn released its lock, and only its own.
    expect(await t.app.deps.redis.exists(lockKey())).toBe(0);
  });

  it('runs the turns of one card in this process one after another', async () => {
    const order: string[] = [];
    const turn = (name: string, ms: number) =>
      inCardTurn(t.app.deps, requestId, async () => {
        order.push(`${name} start`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        order.push(`${name} end`);
      });
    await Promise.all([turn('a', 50), turn('b', 0)]);
    expect(order).toEqual(['a start', 'a end', 'b start', 'b end']);
  });
});
