// Builds dist/ (prisma generate, then tsc), and with --if-stale only when the sources changed since
// the last build: `npm start`, `db:migrate`, `keys:rotate` and `audit:verify` used to rebuild on every
// run (10–30 s). Staleness is decided by a hash of the build's inputs' contents, not by mtimes, so a
// `git pull`, a branch switch or an `npm install` that changes what the build reads always rebuilds,
// and nothing that only touched files (a fresh clone, a copy) does.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the hash of the inputs of the build in dist/ is kept. */
export const STAMP = path.join('dist', '.build-stamp');

/**
 * What the build reads: sources (less what prisma generate writes), the schema and the migrations (the
 * embedded database's template has them applied), compiler settings, locked dependencies.
 */
const INPUT_DIRS = ['src', 'prisma/migrations'];
const INPUT_FILES = [
  'prisma/schema.prisma',
  'prisma.config.ts',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
  'package-lock.json',
  'scripts/prisma-generate.mjs',
];
/** Output of prisma generate, itself derived from prisma/schema.prisma. */
const GENERATED = path.join('src', 'generated');

/** Every file under `dir` (relative to `root`), skipping `src/generated`, sorted. */
function listFiles(root, dir) {
  const absolute = path.join(root, dir);
  if (!existsSync(absolute)) return [];
  const files = [];
  for (const entry of readdirSync(absolute, { withFileTypes: true })) {
    const relative = path.join(dir, entry.name);
    if (relative === GENERATED) continue;
    if (entry.isDirectory()) files.push(...listFiles(root, relative));
    else if (entry.isFile()) files.push(relative);
  }
  return files;
}

/**
 * The SHA-256 of the build's inputs under `root`: each input's path and contents, in path order, so
 * an added, removed, renamed or edited file changes it and a touched one does not.
 * @param {string} root the repository root
 * @returns {string} lowercase hex
 */
export function inputsHash(root) {
  const files = [...INPUT_DIRS.flatMap((dir) => listFiles(root, dir)), ...INPUT_FILES]
    .filter((file) => existsSync(path.join(root, file)))
    .map((file) => file.split(path.sep).join('/'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    const contents = readFileSync(path.join(root, file));
    hash.update(`${file}\0${contents.length}\0`);
    hash.update(contents);
  }
  return hash.digest('hex');
}

/**
 * Whether dist/ under `root` was built from the inputs as they are now: dist/main.js exists and the
 * stamp holds the current inputs' hash.
 * @param {string} root the repository root
 * @returns {boolean}
 */
export function isUpToDate(root) {
  const stamp = path.join(root, STAMP);
  if (!existsSync(path.join(root, 'dist', 'main.js')) || !existsSync(stamp)) return false;
  return readFileSync(stamp, 'utf8').trim() === inputsHash(root);
}

/**
 * Runs `build` unless (with `ifStale`) dist/ is up to date, then stamps dist/ with the hash taken
 * before the build started, so an edit made while it ran still counts as a change next time. The
 * stamp is removed first: a failed build may have half-written dist/ (tsc emits despite type errors),
 * so nothing may vouch for dist/ until a build succeeds.
 * @param {{ root: string, ifStale: boolean, build: () => boolean }} options `build` returns whether it succeeded
 * @returns {'built' | 'up-to-date' | 'failed'}
 */
export function ensureBuilt({ root, ifStale, build }) {
  if (ifStale && isUpToDate(root)) return 'up-to-date';
  const hash = inputsHash(root);
  rmSync(path.join(root, STAMP), { force: true });
  if (!build()) return 'failed';
  writeFileSync(path.join(root, STAMP), `${hash}\n`);
  return 'built';
}

/**
 * prisma generate and tsc, as `npm run build` always did; then the embedded database's template (a
 * data directory initialised once here, so that a new DATA_DIR need not run initdb at start).
 */
function runBuild(root) {
  const template = "import('./dist/platform/embedded-db.js').then((m) => m.writeEmbeddedTemplate())";
  for (const args of [
    ['scripts/prisma-generate.mjs'],
    [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    ['--input-type=module', '--eval', template],
  ]) {
    const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) return false;
  }
  // The Playground's browser files (plain ES modules and CSS, no bundler) are served from beside its code.
  const publicDir = path.join(root, 'src', 'playground', 'public');
  if (existsSync(publicDir)) cpSync(publicDir, path.join(root, 'dist', 'playground', 'public'), { recursive: true });
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const ifStale = process.argv.includes('--if-stale');
  const outcome = ensureBuilt({ root, ifStale, build: () => runBuild(root) });
  if (outcome === 'up-to-date') console.error('dist/ is up to date with the sources: not rebuilding');
  process.exit(outcome === 'failed' ? 1 : 0);
}
