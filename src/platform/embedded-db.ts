import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { migrate } from './migrate.ts';
import { servePglite } from './pglite-server.ts';

/**
 * A freshly initialised PGlite data directory, made once by `npm run build` (scripts/build.mjs).
 * Resolved from src/platform or dist/platform alike to the repository's dist/.
 */
export const EMBEDDED_TEMPLATE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'dist',
  'pglite-template.tar.gz',
);

export interface EmbeddedDatabase {
  url: string;
  /** How the data directory came to be: reopened, copied from the build's template, or initdb run now. */
  origin: 'existing' | 'template' | 'initdb';
  close(): Promise<void>;
}

/**
 * Writes a fresh PGlite data directory, with the migrations applied, as a gzipped tarball to `file`
 * (through a temporary file, so a reader never sees half of one). Running initdb and the migrations
 * in WebAssembly was most of a first boot; a new DATA_DIR now unpacks this instead. Migrations added
 * later are applied at start as usual (the build's stamp covers prisma/migrations, so a pull that
 * brings one also rebuilds the template).
 */
export async function writeEmbeddedTemplate(file: string = EMBEDDED_TEMPLATE): Promise<void> {
  const db = await PGlite.create();
  try {
    const server = await servePglite(db);
    try {
      await migrate({ url: `postgresql://postgres:postgres@${server.address}/postgres?sslmode=disable` });
    } finally {
      await server.close();
    }
    const dump = await db.dumpDataDir('gzip');
    await mkdir(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
  } finally {
    await db.close();
  }
}

/**
 * Starts PGlite persisted under `dataDir/pg` and serves it on a loopback port, so the rest of the
 * service reaches it through the same node-postgres driver path as a real PostgreSQL.
 * A new data directory is unpacked from `template` when there is one (see writeEmbeddedTemplate),
 * else initialised by initdb; an existing one is opened as it is.
 * For single-instance trials only: PGlite is one process's database, and one session, so the server
 * lets one client connection use it at a time (see pglite-server.ts).
 */
export async function startEmbeddedDatabase(
  dataDir: string,
  template: string = EMBEDDED_TEMPLATE,
): Promise<EmbeddedDatabase> {
  const dir = path.resolve(dataDir, 'pg');
  await mkdir(dir, { recursive: true });
  const origin = existsSync(path.join(dir, 'PG_VERSION')) ? 'existing' : existsSync(template) ? 'template' : 'initdb';
  const db =
    origin === 'template'
      ? await PGlite.create(dir, { loadDataDir: new Blob([await readFile(template)]) })
      : await PGlite.create(dir);
  const server = await servePglite(db);
  return {
    url: `postgresql://postgres:postgres@${server.address}/postgres?sslmode=disable`,
    origin,
    async close() {
      await server.close();
      await db.close();
    },
  };
}
