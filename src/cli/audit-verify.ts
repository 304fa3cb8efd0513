import { loadDotenv } from '../config/dotenv.ts';
import { parseDatabaseConfig, parseOrExit } from '../config/index.ts';
import { createDb } from '../platform/db.ts';
import { startEmbeddedDatabase } from '../platform/embedded-db.ts';
import { redactUrl } from '../platform/logger.ts';
import { verifyAuditTrail } from '../services/audit/verify.ts';
import { describeAuditReport } from './greenlight/audit-report.ts';
import { EXIT } from './greenlight/exit-codes.ts';

/**
 * `npm run audit:verify [-- --json]`: walks the hash chain of every request and of the global
 * events straight in the database, prints the first altered or missing event of each broken chain
 * and a summary, and exits 0 when everything is intact, 65 (EX_DATAERR) on a break, 1 when it could
 * not check. Reads only the database settings, and only reads: point DATABASE_URL at a replica or a
 * restored backup to check that instead.
 */
async function run(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const unknown = argv.filter((arg) => arg !== '--json');
  if (unknown.length > 0) {
    process.stderr.write(`greenlight: unknown argument ${JSON.stringify(unknown[0])}; usage: audit:verify [--json]\n`);
    return EXIT.usage;
  }
  loadDotenv();
  const { DATABASE_URL: url, DATA_DIR: dataDir } = parseOrExit(() => parseDatabaseConfig(process.env));
  const embedded = url === undefined ? await startEmbeddedDatabase(dataDir) : undefined;
  const db = createDb({ url: embedded?.url ?? (url as string), poolSize: 2 });
  try {
    const report = await verifyAuditTrail(db).catch((error: unknown) => {
      // Prisma's message leads with the call it was in; its last line says what went wrong.
      const reason = (error instanceof Error ? error.message : String(error)).trim().split('\n').at(-1);
      const where =
        url === undefined ? `the embedded database in ${dataDir} (DATA_DIR)` : `DATABASE_URL ${redactUrl(url)}`;
      throw new Error(`${reason} — reading ${where}`, { cause: error });
    });
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${describeAuditReport(report).join('\n')}\n`);
    return report.ok ? EXIT.ok : EXIT.broken;
  } finally {
    await db.$disconnect();
    await embedded?.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `greenlight: audit verification failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
