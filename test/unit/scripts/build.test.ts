import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../../scripts/build.mjs';

/** A repository-shaped directory with a few sources, and a stand-in for tsc that counts its runs. */
describe('build --if-stale (npm start, db:migrate, keys:rotate, audit:verify)', () => {
  let root: string;
  let builds: number;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  const remove = (file: string) => rmSync(path.join(root, file), { recursive: true });
  /** What `npm start` runs first; `during` happens while the build runs. */
  const start = (during: () => void = () => {}, succeed = true) =>
    ensureBuilt({
      root,
      ifStale: true,
      build: () => {
        builds += 1;
        during();
        if (succeed) write('dist/main.js', `// build ${builds}\n`);
        return succeed;
      },
    });

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'greenlight-build-'));
    builds = 0;
    write('src/main.ts', 'export {};\n');
    write('src/platform/db.ts', 'export const a = 1;\n');
    write('prisma/schema.prisma', 'model A { id Int @id }\n');
    write('package-lock.json', '{}\n');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('builds the first time, then not again while the sources are unchanged', () => {
    expect(start()).toBe('built');
    expect(start()).toBe('up-to-date');
    expect(start()).toBe('up-to-date');
    expect(builds).toBe(1);
  });

  it.each<[string, () => void]>([
    ['an edited source (a git pull)', () => write('src/platform/db.ts', 'export const a = 2;\n')],
    ['an added source', () => write('src/platform/new-thing.ts', 'export {};\n')],
    ['a removed source', () => remove('src/platform/db.ts')],
    [
      'a renamed source',
      () => {
        remove('src/platform/db.ts');
        write('src/platform/database.ts', 'export const a = 1;\n');
      },
    ],
    ['a changed Prisma schema', () => write('prisma/schema.prisma', 'model B { id Int @id }\n')],
    [
      'a new migration (the embedded template has them applied)',
      () => write('prisma/migrations/2_b/migration.sql', 'SELECT 1;\n'),
    ],
    ['changed dependencies (npm install after a pull)', () => write('package-lock.json', '{"v":2}\n')],
    ['a deleted dist/', () => remove('dist')],
  ])('rebuilds after %s', (_what, change) => {
    expect(start()).toBe('built');
    change();
    expect(start()).toBe('built');
    expect(start()).toBe('up-to-date');
    expect(builds).toBe(2);
  });

  it('does not rebuild for a touched file, nor for what prisma generate writes into src/generated', () => {
    expect(start()).toBe('built');
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(root, 'src/main.ts'), later, later);
    write('src/generated/prisma/client.ts', '// regenerated\n');
    expect(start()).toBe('up-to-date');
  });

  it('rebuilds next time when a source changed while the build ran', () => {
    expect(start(() => write('src/main.ts', 'export const edited = true;\n'))).toBe('built');
    expect(start()).toBe('built');
    expect(start()).toBe('up-to-date');
  });

  it('retries a build that failed, even if an older dist/ is there', () => {
    expect(start()).toBe('built');
    write('src/main.ts', 'export const broken = ;\n');
    expect(start(() => {}, false)).toBe('failed');
    expect(start(() => {}, false)).toBe('failed');
    expect(builds).toBe(3);
  });

  it('rebuilds after a failed build even when the sources are back as they were (dist/ may be half written)', () => {
    expect(start()).toBe('built');
    write('src/main.ts', 'export const broken = ;\n');
    expect(start(() => write('dist/main.js', '// half written\n'), false)).toBe('failed');
    write('src/main.ts', 'export {};\n');
    expect(start()).toBe('built');
  });
});
