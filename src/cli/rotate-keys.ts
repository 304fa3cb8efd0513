import pino from 'pino';
import { loadDotenv } from '../config/dotenv.ts';
import { parseConfigParts, parseOrExit } from '../config/index.ts';
import { dataDirLock } from '../platform/data-dir-lock.ts';
import { createDb, type Db } from '../platform/db.ts';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../platform/embedded-db.ts';
import { migrate } from '../platform/migrate.ts';
import { createGrantKeys } from '../services/grants/keys.ts';
import { createSecretBox, loadEncryptionKey } from '../services/grants/secret-box.ts';

/**
 * `npm run keys:rotate`: retires the current grant signing key and makes a new one sign from now
 * on. Tokens the old key signed stay valid (its public key stays in the JWKS) until they expire.
 * Running instances pick the new key up within a minute. Reads only the database and grant settings.
 */
async function run(): Promise<void> {
  loadDotenv();
  const config = parseOrExit(() => parseConfigParts(process.env, ['database', 'grants']));
  const logger = pino({ level: 'warn' }, pino.destination(2));
  // The embedded database is one process's files: refused while the service runs on the same DATA_DIR.
  const lock = dataDirLock(config.DATA_DIR);
  let embedded: EmbeddedDatabase | undefined;
  let db: Db | undefined;
  try {
    if (config.DATABASE_URL === undefined) {
      await lock.acquire();
      embedded = await startEmbeddedDatabase(config.DATA_DIR);
    }
    const url = embedded?.url ?? (config.DATABASE_URL as string);
    db = createDb({ url, poolSize: 2 });
    await migrate({ url, log: () => {} });
    const keys = createGrantKeys({
      db,
      box: createSecretBox(loadEncryptionKey(config, logger)),
      rotationDays: config.GRANT_KEY_ROTATION_DAYS,
      now: () => new Date(),
    });
    const kid = await keys.rotate();
    const published = (await keys.jwks()).keys.map((key) => key.kid);
    console.log(`new grant signing key ${kid}; the JWKS publishes ${published.length} key(s): ${published.join(', ')}`);
  } finally {
    await db?.$disconnect();
    await embedded?.close();
    await lock.release();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`greenlight: key rotation failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
