import { loadDotenv } from '../config/dotenv.ts';
import { parseDatabaseConfig, parseOrExit } from '../config/index.ts';
import { dataDirLock } from '../platform/data-dir-lock.ts';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../platform/embedded-db.ts';
import { migrate } from '../platform/migrate.ts';

/**
 * `npm run db:migrate`: applies pending migrations to DATABASE_URL (or to the embedded
 * database under DATA_DIR) and exits. Only the database part of the config is read, so no
 * Slack or Redis setting is needed.
 */
async function run(): Promise<void> {
  loadDotenv();
  const { DATABASE_URL: url, DATA_DIR: dataDir } = parseOrExit(() => parseDatabaseConfig(process.env));
  // The embedded database is one process's files: refused while the service runs on the same DATA_DIR.
  const lock = dataDirLock(dataDir);
  let embedded: EmbeddedDatabase | undefined;
  try {
    if (url === undefined) {
      await lock.acquire();
      embedded = await startEmbeddedDatabase(dataDir);
    }
    const result = await migrate({ url: embedded?.url ?? (url as string), log: (message) => console.log(message) });
    console.log(
      `${result.applied.length} migration(s) applied, ${result.alreadyApplied.length} already applied${embedded ? ` (embedded database in ${dataDir})` : ''}`,
    );
  } finally {
    await embedded?.close();
    await lock.release();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`greenlight: migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
