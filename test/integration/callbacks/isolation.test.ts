import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../../src/services/requests/decide.ts';
import { CallbackReceiver } from '../../support/callback-receiver.ts';
import { APPROVER_A, createViaApi, eventually, startLifecycleApp, waitForCard } from '../../support/lifecycle.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

describe('a dead callback receiver', () => {
  // Attempts may hang for a minute here: the hung delivery is still open while the rest goes on.
  const t = useTestApp(
    { CALLBACK_SIGNING_SECRET: SECRET, CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true' },
    { start: startLifecycleApp, callbackTiming: { attemptTimeoutMs: 60_000 } },
  );
  let receiver: CallbackReceiver;
  beforeAll(async () => {
    receiver = await CallbackReceiver.start();
  });
  afterAll(() => receiver.close());

  const deny = async (id: string) => {
    const result = await decide(t.app.deps, { requestId: id, userId: APPROVER_A, decision: 'deny', reason: 'no' });
    expect(result.kind).toBe('recorded');
  };

  it('delays neither another request’s card nor its callback', async () => {
    const stuck = await createViaApi(t, { callbackUrl: receiver.url('/dead', ['hang']) });
    await deny(stuck.id);
    await eventually(() => receiver.hanging === 1, 10_000, 'the first delivery hanging');

    const other = await createViaApi(t, { callbackUrl: receiver.url('/alive') });
    await waitForCard(t, other.id);
    await deny(other.id);
    await eventually(() => receiver.at('/alive').length === 1, 10_000, 'the other callback');
    // The first delivery is still being held open, not given up on: the other did not wait for it.
    expect(receiver.hanging).toBe(1);
    expect(receiver.abandoned).toBe(0);

    receiver.release(200);
    await eventually(
      async () =>
        (await t.app.db.auditEvent.findFirst({ where: { requestId: stuck.id, type: 'callback.delivered' } })) !== null,
    );
  });
});
