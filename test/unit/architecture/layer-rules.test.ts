import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEPCRUISE = path.join(ROOT, 'node_modules/.bin/depcruise');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');

/** A tiny src/ that breaks every layer rule once (a type-only import included), and one that keeps them. */
const FILES: Record<string, string> = {
  'src/domain/pure.ts': "import { service } from '../services/service.ts';\nexport const pure = service;\n",
  'src/services/service.ts': "import { route } from '../http/route.ts';\nexport const service = route;\n",
  'src/http/route.ts': "import { job } from '../jobs/job.ts';\nexport const route = job;\n",
  'src/jobs/job.ts': "import { rule } from '../domain/rule.ts';\nexport const job = rule;\n",
  'src/domain/rule.ts': 'export const rule = 1;\n',
  'src/client/client.ts':
    "import type { service } from '../services/service.ts';\nimport { rule } from '../domain/rule.ts';\nexport type S = typeof service;\nexport const r = rule;\n",
  'src/slack/one.ts': "import { two } from './two.ts';\nexport const one = () => two;\n",
  'src/slack/two.ts': "import { one } from './one.ts';\nexport const two = () => one;\n",
};

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'greenlight-layers-'));
  for (const [file, text] of Object.entries(FILES)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the layer rules (.dependency-cruiser.cjs)', () => {
  it('refuse each forbidden arrow and the cycle, and nothing else', async () => {
    const run = promisify(execFile)(DEPCRUISE, ['src', '--config', CONFIG, '--output-type', 'json'], { cwd: dir });
    // depcruise exits non-zero when it finds violations; the report is on stdout either way.
    const { stdout } = await run.catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    const violations = (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
    expect(violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort()).toEqual([
      'client-stands-alone: src/client/client.ts → src/services/service.ts',
      'domain-is-pure: src/domain/pure.ts → src/services/service.ts',
      'http-not-jobs: src/http/route.ts → src/jobs/job.ts',
      'no-circular: src/slack/one.ts → src/slack/two.ts',
      'services-below-adapters: src/services/service.ts → src/http/route.ts',
    ]);
  });
});
