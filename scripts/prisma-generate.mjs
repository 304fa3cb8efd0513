// Runs `prisma generate` without Prisma's native schema engine, which cannot always be
// downloaded (offline installs, locked-down CI). Generation never executes the engine; the CLI
// only checks that the file named by PRISMA_SCHEMA_ENGINE_BINARY exists, so point it at Node itself
// unless the user has a real engine configured.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cli = require.resolve('prisma/build/index.js');
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
const result = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
