/**
 * `npx tsx bench/key-propagation.ts`: two instances of one deployment (shared database and queue
 * prefix, real PostgreSQL and Redis); an API key is created, then revoked, on the first, 20 times,
 * and the time from the call until the second instance's in-memory key set (KnownApiKeys) agrees
 * is printed (the write's own transaction included). Revocation does not wait on this: PostgreSQL
 * refuses a revoked key on its next request anywhere; this is how long it may still skip the gate.
 */
import { createApiClient, hashSecret, revokeApiClient } from '../src/services/api-keys/api-keys.ts';
import { startLifecycleApp } from '../test/support/lifecycle.ts';

const ADMIN = { type: 'user', id: 'U0ADMIN001' } as const;
const a = await startLifecycleApp();
const b = await startLifecycleApp({ QUEUE_PREFIX: a.config.QUEUE_PREFIX }, { database: a.database, slack: a.slack });
const seen = async (want: boolean, hash: string) => {
  const start = performance.now();
  while (b.app.deps.apiKeys.recognises(hash) !== want) await new Promise((r) => setImmediate(r));
  return performance.now() - start;
};
const created: number[] = [];
const revoked: number[] = [];
try {
  for (let i = 0; i < 20; i += 1) {
    const t0 = performance.now();
    const { client, secret } = await createApiClient(a.app.deps, ADMIN, `m-${i}`);
    const wrote = performance.now() - t0;
    created.push(wrote + (await seen(true, hashSecret(secret))));
    const t1 = performance.now();
    await revokeApiClient(a.app.deps, ADMIN, client.id);
    const rw = performance.now() - t1;
    revoked.push(rw + (await seen(false, hashSecret(secret))));
  }
} finally {
  await b.close();
  await a.close();
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]?.toFixed(1);
const max = (xs: number[]) => Math.max(...xs).toFixed(1);
console.log(`create → other instance recognises: median ${median(created)} ms, max ${max(created)} ms (20 runs)`);
console.log(`revoke → other instance forgets: median ${median(revoked)} ms, max ${max(revoked)} ms (20 runs)`);
process.exit(0);
