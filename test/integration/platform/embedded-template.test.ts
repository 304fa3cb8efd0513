import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDatabase, writeEmbeddedTemplate } from '../../../src/platform/embedded-db.ts';
import { migrate } from '../../../src/platform/migrate.ts';

/**
 * A first boot used to run initdb and every migration in WebAssembly (most of a 17–22 s start). The
 * build now writes a migrated data directory once, and a new DATA_DIR is unpacked from it.
 */
describe('the embedded database template', () => {
  let scratch: string;
  let template: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'greenlight-template-'));
    template = path.join(scratch, 'pglite-template.tar.gz');
    await writeEmbeddedTemplate(template);
  }, 120_000);
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('starts a new DATA_DIR from the template, already migrated, and reopens it with its data', async () => {
    const dataDir = path.join(scratch, 'data');
    const first = await startEmbeddedDatabase(dataDir, template);
    try {
      expect(first.origin).toBe('template');
      // Migrated at build time: the first start applies nothing.
      const { applied, alreadyApplied } = await migrate({ url: first.url });
      expect(applied).toEqual([]);
      expect(alreadyApplied.length).toBeGreaterThan(0);
    } finally {
      await first.close();
    }
    const second = await startEmbeddedDatabase(dataDir, template);
    try {
      expect(second.origin).toBe('existing');
      expect((await migrate({ url: second.url })).applied).toEqual([]);
      const client = new pg.Client({ connectionString: second.url });
      await client.connect();
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM _prisma_migrations');
      await client.end();
      expect(Number(rows[0]?.n)).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
  }, 120_000);
});
