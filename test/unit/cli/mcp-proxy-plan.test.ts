import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { planProxy } from '../../../src/cli/greenlight/commands/mcp-proxy.ts';
import { UsageError } from '../../../src/cli/greenlight/exit-codes.ts';
import type { Io } from '../../../src/cli/greenlight/io.ts';

const ENV = {
  GREENLIGHT_URL: 'https://greenlight.example.com/',
  GREENLIGHT_API_KEY: 'ci-secret-key',
  GREENLIGHT_REQUESTER: 'rita@example.com',
  PATH: '/usr/bin',
  HOME: '/home/rita',
};
const io = (env: Record<string, string> = ENV): Io => ({
  env,
  stdout: new PassThrough(),
  stderr: new PassThrough(),
  interactive: false,
});
const refusal = (args: string[], env?: Record<string, string>) => {
  try {
    planProxy(args, io(env));
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error('no usage error');
};

describe('greenlight mcp-proxy flags', () => {
  it('starts a stdio tool server with the environment minus every GREENLIGHT_ variable (never the API key)', () => {
    const plan = planProxy(['--name', 'fs', '--resource-from', 'path', '--', 'npx', 'server', '/srv'], io());
    expect(plan).toMatchObject({
      serviceUrl: 'https://greenlight.example.com',
      apiKey: 'ci-secret-key',
      downstream: {
        kind: 'stdio',
        command: 'npx',
        args: ['server', '/srv'],
        env: { PATH: '/usr/bin', HOME: '/home/rita' },
      },
      settings: { server: 'fs', requester: { email: 'rita@example.com' }, resourceFrom: 'path' },
    });
    expect(JSON.stringify(plan?.downstream)).not.toContain('ci-secret-key');
  });

  it('reaches a Streamable HTTP tool server with --url and its --header lines; --service-url names Greenlight', () => {
    const plan = planProxy(
      [
        '--name',
        'gh',
        '--url',
        'https://tools.example.com/mcp',
        '--header',
        'Authorization: Bearer x',
        '--service-url',
        'http://127.0.0.1:3000',
      ],
      io(),
    );
    expect(plan?.serviceUrl).toBe('http://127.0.0.1:3000');
    expect(plan?.downstream).toEqual({
      kind: 'http',
      url: new URL('https://tools.example.com/mcp'),
      headers: { Authorization: 'Bearer x' },
    });
  });

  it('refuses what it cannot run, saying why', () => {
    expect(refusal(['--', 'server'])).toContain('--name is required');
    expect(refusal(['--name', 'my.server', '--', 'server'])).toContain('--name may hold only');
    expect(refusal(['--name', 'fs'])).toContain('no tool server');
    expect(refusal(['--name', 'fs', '--url', 'ftp://x', '--', 'server'])).toContain('either --url or a command');
    expect(refusal(['--name', 'fs', '--url', 'ftp://x'])).toContain('--url must be an http(s) URL');
    expect(refusal(['--name', 'fs', '--header', 'Authorization: x', '--', 'server'])).toContain(
      '--url tool server only',
    );
    expect(refusal(['--name', 'fs', '--url', 'http://x', '--header', 'nocolon'])).toContain('"Name: value"');
    expect(refusal(['--name', 'fs', '--', 'server'], { ...ENV, GREENLIGHT_API_KEY: '' })).toContain('no API key');
    expect(refusal(['--name', 'fs', '--', 'server'], { ...ENV, GREENLIGHT_REQUESTER: '' })).toContain('no requester');
  });

  it('answers --help with null (the usage is printed)', () => {
    expect(planProxy(['--help'], io())).toBeNull();
  });
});
