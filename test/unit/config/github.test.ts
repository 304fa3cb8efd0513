import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfigParts } from '../../../src/config/index.ts';
import { problemsOf } from './problems.ts';

const PEM = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();
const SECRET = 'gh-webhook-secret-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'greenlight-gh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('GitHub App config', () => {
  it('is off when none of the three is set, with the public API as default', () => {
    expect(parseConfigParts({}, ['integrations'])).toMatchObject({
      GITHUB_APP_ID: undefined,
      GITHUB_APP_PRIVATE_KEY: undefined,
      GITHUB_WEBHOOK_SECRET: undefined,
      GITHUB_API_URL: 'https://api.github.com',
    });
  });

  it('names what is missing from half a configuration', () => {
    expect(problemsOf({ GITHUB_APP_ID: '12', GITHUB_WEBHOOK_SECRET: SECRET }, ['integrations'])).toEqual([
      'GITHUB_APP_PRIVATE_KEY is required when GITHUB_APP_ID and GITHUB_WEBHOOK_SECRET are set (GitHub deployment protection rules need all three)',
    ]);
    expect(problemsOf({ GITHUB_WEBHOOK_SECRET: SECRET }, ['integrations'])).toEqual([
      'GITHUB_APP_ID is required when GITHUB_WEBHOOK_SECRET is set (GitHub deployment protection rules need all three)',
      'GITHUB_APP_PRIVATE_KEY is required when GITHUB_WEBHOOK_SECRET is set (GitHub deployment protection rules need all three)',
    ]);
  });

  it('takes the key as PEM text with literal \\n, or as a path to the .pem file', () => {
    const oneLine = PEM.trim().replaceAll('\n', '\\n');
    const fromText = parseConfigParts(
      { GITHUB_APP_ID: '12', GITHUB_APP_PRIVATE_KEY: oneLine, GITHUB_WEBHOOK_SECRET: SECRET },
      ['integrations'],
    );
    expect(fromText.GITHUB_APP_PRIVATE_KEY).toBe(PEM);
    const path = join(dir, 'app.pem');
    writeFileSync(path, PEM);
    const fromFile = parseConfigParts(
      { GITHUB_APP_ID: '12', GITHUB_APP_PRIVATE_KEY: path, GITHUB_WEBHOOK_SECRET: SECRET },
      ['integrations'],
    );
    expect(fromFile.GITHUB_APP_PRIVATE_KEY).toBe(PEM);
  });

  it('refuses a key that is neither, without showing a PEM', () => {
    const [missing] = problemsOf({ GITHUB_APP_PRIVATE_KEY: join(dir, 'nope.pem') }, ['integrations']);
    expect(missing).toMatch(
      /^GITHUB_APP_PRIVATE_KEY is neither a PEM private key nor the path of a readable file \(ENOENT; value not shown\)$/,
    );
    const broken = '-----BEGIN RSA PRIVATE KEY-----\\nbm90IGEga2V5\\n-----END RSA PRIVATE KEY-----';
    const problems = problemsOf({ GITHUB_APP_PRIVATE_KEY: broken }, ['integrations']);
    expect(problems).toContain(
      'GITHUB_APP_PRIVATE_KEY is not a PEM private key (value not shown); download one under the GitHub App settings',
    );
    expect(problems.join('\n')).not.toContain('bm90IGEga2V5');
  });

  it('refuses an app id that is not a number and a short webhook secret', () => {
    const problems = problemsOf({ GITHUB_APP_ID: 'my-app', GITHUB_WEBHOOK_SECRET: 'short' }, ['integrations']);
    expect(problems).toContain('GITHUB_APP_ID "my-app" is not a number');
    expect(problems).toContain(
      'GITHUB_WEBHOOK_SECRET is too short to be a GitHub webhook secret (5 characters, at least 8 needed; value not shown)',
    );
  });
});
