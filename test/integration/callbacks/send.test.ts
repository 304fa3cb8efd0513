import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendPinned } from '../../../src/services/callbacks/send.ts';
import { CallbackReceiver } from '../../support/callback-receiver.ts';

/** The one HTTP call a delivery makes, against a real loopback server. */
describe('sendPinned', () => {
  let receiver: CallbackReceiver;
  beforeAll(async () => {
    receiver = await CallbackReceiver.start();
  });
  afterAll(() => receiver.close());

  const loopback = [{ address: '127.0.0.1', family: 4 as const }];
  const port = () => new URL(receiver.baseUrl).port;

  it('connects to the vetted address whatever the name resolves to (no DNS rebinding)', async () => {
    receiver.url('/pinned');
    // `.invalid` never resolves: only the pinned lookup can get this request anywhere.
    const url = new URL(`http://rebinding.invalid:${port()}/pinned`);
    const result = await sendPinned('POST', url, loopback, { 'content-type': 'application/json' }, '{"a":1}', 5000);
    expect(result).toMatchObject({ status: 200 });
    const [got] = receiver.at('/pinned');
    expect(got?.headers.host).toBe(`rebinding.invalid:${port()}`);
    expect(got?.body).toBe('{"a":1}');
  });

  it('reports a redirect as its status, without following it', async () => {
    const url = new URL(receiver.url('/moved', [301]));
    expect(await sendPinned('POST', url, loopback, {}, '{}', 5000)).toMatchObject({ status: 301 });
    expect(receiver.at('/moved')).toHaveLength(1);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const url = new URL(receiver.url('/slow', ['hang']));
    expect(await sendPinned('POST', url, loopback, {}, '{}', 200)).toMatchObject({ error: 'ETIMEDOUT' });
  });

  it('reports a refused connection by its code', async () => {
    const url = new URL('http://127.0.0.1:9/closed');
    expect(await sendPinned('POST', url, loopback, {}, '{}', 5000)).toMatchObject({ error: 'ECONNREFUSED' });
  });
});
