import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfigParts, ZConfig } from '../../../src/config/index.ts';
import { CONFIG_VARIABLES } from './manifests.ts';

interface TService {
  build?: string;
  image?: string;
  command?: string[];
  env_file?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
  read_only?: boolean;
  tmpfs?: string[];
}
interface TCompose {
  services: Record<string, TService>;
  volumes: Record<string, unknown>;
}

const text = readFileSync(new URL('../../../docker-compose.yml', import.meta.url), 'utf8');
/** Compose resolves `<<:` merge keys (YAML 1.1), as the file uses them for the shared settings. */
const load = (source: string) => parse(source, { merge: true }) as TCompose;
const compose = load(text);

/** The file with the web + worker split (the commented block from `# web:` on) uncommented, and the single `greenlight` service removed. */
function splitVariant(): TCompose {
  const lines = text.split('\n');
  const start = lines.indexOf('  # web:');
  expect(start).toBeGreaterThan(0);
  for (let i = start; lines[i]?.startsWith('  # ') === true; i++) lines[i] = `  ${lines[i]?.slice(4)}`;
  const split = load(lines.join('\n'));
  delete split.services.greenlight;
  return split;
}

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}` replaced by a sample value. */
const interpolate = (value: string) => value.replace(/\$\{[^}]*\}/g, 'sample');

/** Parses one variable with its config field; throws with the field's own message when refused. */
function parseVariable(name: string, value: string): void {
  const field = (ZConfig.shape as Record<string, { safeParse(v: unknown): { success: boolean; error?: unknown } }>)[
    name
  ];
  const result = field?.safeParse(value);
  if (result?.success !== true) throw new Error(`${name}=${value}: ${String(result?.error)}`);
}

function expectGreenlight(service: TService | undefined, role: string): void {
  expect(service?.env_file).toBe('.env');
  const environment = service?.environment ?? {};
  for (const [name, value] of Object.entries(environment)) {
    expect(CONFIG_VARIABLES.has(name), `${name} is not a configuration variable`).toBe(true);
    // A value wholly taken from .env (`${ENCRYPTION_KEY:?…}`) is checked by the service at startup.
    if (!/^\$\{[^}]*\}$/.test(value)) expect(() => parseVariable(name, interpolate(value))).not.toThrow();
  }
  expect(environment.ROLE).toBe(role);
  expect(new URL(interpolate(environment.DATABASE_URL ?? '')).host).toBe('postgres:5432');
  expect(new URL(environment.REDIS_URL ?? '').host).toBe('redis:6379');
  // Required, not generated: a key generated inside the container would die with it.
  expect(environment.ENCRYPTION_KEY).toMatch(/^\$\{ENCRYPTION_KEY:\?.+\}$/);
  expect(service?.depends_on).toEqual({
    postgres: { condition: 'service_healthy' },
    redis: { condition: 'service_healthy' },
  });
  const graceMs = Number(/^(\d+)s$/.exec(service?.stop_grace_period ?? '')?.[1]) * 1000;
  expect(graceMs).toBeGreaterThan(parseConfigParts({}, ['core']).SHUTDOWN_TIMEOUT_MS);
  expect(service?.read_only).toBe(true);
}

describe('docker-compose.yml', () => {
  it('runs Greenlight built from this folder beside PostgreSQL 16 and Redis 7', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['greenlight', 'postgres', 'redis']);
    expect(compose.services.greenlight?.build).toBe('.');
    expect(compose.services.postgres?.image).toMatch(/^postgres:16/);
    expect(compose.services.redis?.image).toMatch(/^redis:7/);
  });

  it('points the one `all` instance at the two services, after their healthchecks pass', () => {
    expectGreenlight(compose.services.greenlight, 'all');
    expect(compose.services.greenlight?.ports).toEqual(['127.0.0.1:3000:3000']);
  });

  it('uses the database and user the PostgreSQL service creates', () => {
    const postgres = compose.services.postgres?.environment ?? {};
    const url = new URL(interpolate(compose.services.greenlight?.environment?.DATABASE_URL ?? ''));
    expect(url.username).toBe(postgres.POSTGRES_USER);
    expect(url.pathname).toBe(`/${postgres.POSTGRES_DB}`);
    expect(postgres.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?.+\}$/);
    expect(compose.services.greenlight?.environment?.DATABASE_URL).toContain(postgres.POSTGRES_PASSWORD);
  });

  it('keeps PostgreSQL and Redis on named volumes, Redis with its append-only file on', () => {
    expect(Object.keys(compose.volumes).sort()).toEqual(['postgres-data', 'redis-data']);
    expect(compose.services.postgres?.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(compose.services.redis?.volumes).toEqual(['redis-data:/data']);
    const command = compose.services.redis?.command ?? [];
    expect(command.slice(command.indexOf('--appendonly'), command.indexOf('--appendonly') + 2)).toEqual([
      '--appendonly',
      'yes',
    ]);
    // BullMQ needs Redis never to evict its keys.
    expect(command.slice(command.indexOf('--maxmemory-policy'))[1]).toBe('noeviction');
  });

  it('has healthchecks that ask the servers themselves', () => {
    expect(compose.services.postgres?.healthcheck?.test.join(' ')).toMatch(/pg_isready -U greenlight -d greenlight/);
    expect(compose.services.redis?.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('shows a web + worker split that, uncommented, runs each role on the same settings', () => {
    const split = splitVariant();
    expect(Object.keys(split.services).sort()).toEqual(['postgres', 'redis', 'web', 'worker']);
    expectGreenlight(split.services.web, 'web');
    expectGreenlight(split.services.worker, 'worker');
    expect(split.services.worker?.ports).toBeUndefined();
    const { ROLE: _web, ...web } = split.services.web?.environment ?? {};
    const { ROLE: _worker, ...worker } = split.services.worker?.environment ?? {};
    expect(worker).toEqual(web);
    expect(web).toEqual(
      Object.fromEntries(Object.entries(compose.services.greenlight?.environment ?? {}).filter(([k]) => k !== 'ROLE')),
    );
  });
});
