import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { servePglite } from './pglite-server.ts';

export interface EmbeddedDatabase {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts PGlite persisted under `dataDir/pg` and serves it on a loopback port, so the rest of the
 * service reaches it through the same node-postgres driver path as a real PostgreSQL.
 * For single-instance trials only: PGlite is one process's database, and one session, so the server
 * lets one client connection use it at a time (see pglite-server.ts).
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const dir = path.resolve(dataDir, 'pg');
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const server = await servePglite(db);
  return {
    url: `postgresql://postgres:postgres@${server.address}/postgres?sslmode=disable`,
    async close() {
      await server.close();
      await db.close();
    },
  };
}
