import { ConfigError, parseConfig } from '../config.ts';
import { loadDotenv } from '../env.ts';
import { startEmbeddedDatabase } from '../platform/embedded-db.ts';
import { migrate } from '../platform/migrate.ts';

/**
 * `npm run db:migrate`: applies pending migrations to DATABASE_URL (or to the embedded
 * database under DATA_DIR) and exits. Only database settings are needed.
 */
async function run(): Promise<void> {
  loadDotenv();
  const env = process.env;
  let dataDir = './.data';
  let url = env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
  try {
    // Validate database-related settings with the real schema, supplying placeholders for the Slack ones.
    const config = parseConfig({
      SLACK_BOT_TOKEN: 'xoxb-not-needed-for-migrations',
      SLACK_SIGNING_SECRET: 'not-needed-for-migrations',
      DATABASE_URL: env.DATABASE_URL,
      DATA_DIR: env.DATA_DIR,
    });
    dataDir = config.DATA_DIR;
    url = config.DATABASE_URL;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`greenlight: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const embedded = url === undefined ? await startEmbeddedDatabase(dataDir) : undefined;
  try {
    const result = await migrate({ url: embedded?.url ?? (url as string), log: (message) => console.log(message) });
    console.log(
      `${result.applied.length} migration(s) applied, ${result.alreadyApplied.length} already applied${embedded ? ` (embedded database in ${dataDir})` : ''}`,
    );
  } finally {
    await embedded?.close();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`greenlight: migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
