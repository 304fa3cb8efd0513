import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/greenlight/main.ts';

/** Nothing listens here: a command that got past its checks would fail with 69, not 64. */
const CLOSED = 'http://127.0.0.1:9';
const ENV = {
  GREENLIGHT_URL: CLOSED,
  GREENLIGHT_API_KEY: 'k',
  GREENLIGHT_REQUESTER: 'rita@example.com',
  PATH: process.env.PATH,
};
const GOOD = ['--action', 'db.migrate', '--resource', 'prod/main', '--reason', 'release 42'];

async function cli(argv: string[], env: Record<string, string | undefined> = ENV) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const code = await main(argv, { env, stdout, stderr, interactive: false });
  return { code, out, err };
}

describe('greenlight usage', () => {
  it.each([
    ['no command at all', []],
    ['an unknown command', ['deploy']],
    ['an unknown flag', ['run', ...GOOD, '--colour', 'red', '--', 'true']],
    ['a flag without its value', ['run', ...GOOD, '--wait']],
    ['a value given to a switch', ['status', 'x', '--json=yes']],
    ['missing --action', ['run', '--resource', 'r', '--reason', 'why', '--', 'true']],
    ['missing --resource', ['run', '--action', 'a', '--reason', 'why', '--', 'true']],
    ['missing --reason', ['run', '--action', 'a', '--resource', 'r', '--', 'true']],
    ['a blank --reason', ['run', '--action', 'a', '--resource', 'r', '--reason', '  ', '--', 'true']],
    ['no command after --', ['run', ...GOOD, '--']],
    ['no -- at all', ['run', ...GOOD]],
    ['a command without --', ['run', ...GOOD, 'terraform', 'apply']],
    ['a bad --wait', ['run', ...GOOD, '--wait', '10x', '--', 'true']],
    ['a zero --ttl', ['run', ...GOOD, '--ttl', '0', '--', 'true']],
    ['a bad --risk', ['run', ...GOOD, '--risk', 'extreme', '--', 'true']],
    ['a --context without =', ['run', ...GOOD, '--context', 'ticket', '--', 'true']],
    ['a --context key given twice', ['run', ...GOOD, '--context', 'a=1', '--context', 'a=2', '--', 'true']],
    ['a bad --requester', ['run', ...GOOD, '--requester', 'rita', '--', 'true']],
    ['a bad --url', ['run', ...GOOD, '--url', 'ftp://example.com', '--', 'true']],
    ['a bad --idempotency-key', ['run', ...GOOD, '--idempotency-key', 'has space', '--', 'true']],
    ['status without an id', ['status']],
    ['status with two ids', ['status', 'a', 'b']],
    ['status with a second id after --', ['status', 'a', '--', 'b']],
    ['rules export with a file', ['rules', 'export', 'rules.yml']],
    ['audit without verify', ['audit']],
    ['wait with a bad --wait', ['wait', 'a', '--wait', '-1']],
    ['verify without a token', ['verify']],
  ])('%s exits 64 with a greenlight: message on stderr', async (_what, argv) => {
    const { code, out, err } = await cli(argv);
    expect(code).toBe(64);
    expect(err).toMatch(/^greenlight: |^Usage: greenlight/);
    expect(out).toBe('');
  });

  it.each([
    ['GREENLIGHT_URL', /GREENLIGHT_URL/],
    ['GREENLIGHT_API_KEY', /GREENLIGHT_API_KEY/],
    ['GREENLIGHT_REQUESTER', /GREENLIGHT_REQUESTER/],
  ])('run without %s exits 64 and says how to set it', async (name, says) => {
    const { code, err } = await cli(['run', ...GOOD, '--', 'true'], { ...ENV, [name]: undefined });
    expect(code).toBe(64);
    expect(err).toMatch(says);
  });

  it('flags stand in for the environment', async () => {
    // Everything given by flag and valid: the run gets as far as the network (closed port: 69).
    const { code, err } = await cli(
      ['run', ...GOOD, '--url', CLOSED, '--api-key', 'k', '--requester', 'U0REQUEST1', '--', 'true'],
      { PATH: process.env.PATH },
    );
    expect(err).toContain('cannot reach');
    expect(code).toBe(69);
  });

  it('refuses a command that cannot be found before asking anyone (127)', async () => {
    const { code, err } = await cli(['run', ...GOOD, '--', 'no-such-command-greenlight-test']);
    expect(code).toBe(127);
    expect(err).toContain('command not found (nothing was asked)');
  });

  it.each([
    ['--help'],
    ['run', '--help'],
    ['wait', '-h'],
    ['status', '--help'],
    ['verify', '--help'],
    ['audit', '--help'],
    ['rules', '-h'],
  ])('%s prints usage on stdout and exits 0', async (...argv) => {
    const { code, out } = await cli(argv);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: greenlight/);
  });
});
