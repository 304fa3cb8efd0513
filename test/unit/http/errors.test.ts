import net from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.ts';
import { Prisma } from '../../../src/generated/prisma/client.ts';
import { isDatabaseUnavailable, toAppError } from '../../../src/http/errors.ts';
import { createDb, type Db } from '../../../src/platform/db.ts';

/** What a query through our Prisma client throws when the server at `url` misbehaves. */
async function errorFrom(db: Db, run: (db: Db) => Promise<unknown>): Promise<unknown> {
  try {
    await run(db);
  } catch (error) {
    return error;
  }
  throw new Error('the query unexpectedly succeeded');
}

/** A Prisma error wrapping a PostgreSQL error, as captured from @prisma/adapter-pg against a real server. */
function postgresError(prismaCode: string, sqlState: string, severity: string, message: string) {
  const driverAdapterError = Object.assign(new Error(message), {
    name: 'DriverAdapterError',
    cause: { originalCode: sqlState, originalMessage: message, kind: 'postgres', code: sqlState, severity, message },
  });
  return new Prisma.PrismaClientKnownRequestError(`Database error. Code: \`${sqlState}\`. Message: \`${message}\``, {
    code: prismaCode,
    clientVersion: Prisma.prismaVersion.client,
    meta: { driverAdapterError },
  });
}

describe('isDatabaseUnavailable', () => {
  const servers: net.Server[] = [];
  const sockets: net.Socket[] = [];
  const dbs: Db[] = [];
  async function serve(onConnection: (socket: net.Socket) => void): Promise<number> {
    const server = net.createServer(onConnection);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as net.AddressInfo).port;
  }
  function client(port: number): Db {
    const db = createDb({ url: `postgresql://postgres@127.0.0.1:${port}/nothing`, poolSize: 1 });
    dbs.push(db);
    return db;
  }
  afterAll(async () => {
    await Promise.all(dbs.map((db) => db.$disconnect()));
    for (const socket of sockets) socket.destroy();
    for (const server of servers) server.close();
  });

  it('is true for what our client really throws when nothing listens (P1001, and P2010 from raw queries)', async () => {
    const port = await serve(() => {});
    servers.pop()?.close(); // the port is now free and refuses connections
    await new Promise((resolve) => setTimeout(resolve, 50));
    const db = client(port);
    const model = await errorFrom(db, (d) => d.approvalRequest.count());
    expect((model as { code?: string }).code).toBe('P1001');
    expect(isDatabaseUnavailable(model)).toBe(true);
    const raw = await errorFrom(db, (d) => d.$queryRaw`SELECT 1`);
    expect((raw as { code?: string }).code).toBe('P2010');
    expect(isDatabaseUnavailable(raw)).toBe(true);
    expect(isDatabaseUnavailable(await errorFrom(db, (d) => d.$transaction((tx) => tx.approvalRequest.count())))).toBe(
      true,
    );
  });

  it('is true when the server drops the connection or never answers (connect timeout)', async () => {
    const reset = await serve((socket) => socket.destroy());
    const dropped = await errorFrom(client(reset), (d) => d.approvalRequest.count());
    expect(String(dropped)).toMatch(/Connection terminated/);
    expect(isDatabaseUnavailable(dropped)).toBe(true);

    const silent = await serve((socket) => sockets.push(socket));
    const timedOut = await errorFrom(client(silent), (d) => d.approvalRequest.count());
    expect(String(timedOut)).toMatch(/timeout/);
    expect(isDatabaseUnavailable(timedOut)).toBe(true);
  }, 15_000);

  it('is true for pg pool timeouts and for the server refusing or ending sessions', () => {
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    expect(
      isDatabaseUnavailable(
        postgresError('P2039', '55000', 'FATAL', 'database "x" is not currently accepting connections'),
      ),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(
        postgresError('P2010', '57P01', 'FATAL', 'terminating connection due to administrator command'),
      ),
    ).toBe(true);
    expect(isDatabaseUnavailable(postgresError('P2010', '57P03', 'FATAL', 'the database system is starting up'))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(postgresError('P2010', '08006', 'ERROR', 'connection failure'))).toBe(true);
  });

  it('is false for errors a retry would not fix', () => {
    expect(isDatabaseUnavailable(postgresError('P2010', '22P05', 'ERROR', 'unsupported Unicode escape sequence'))).toBe(
      false,
    );
    expect(isDatabaseUnavailable(postgresError('P2039', '22021', 'ERROR', 'invalid byte sequence for encoding'))).toBe(
      false,
    );
    expect(
      isDatabaseUnavailable(
        new Prisma.PrismaClientKnownRequestError('Unique constraint failed', {
          code: 'P2002',
          clientVersion: Prisma.prismaVersion.client,
        }),
      ),
    ).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });
});

describe('toAppError', () => {
  const identity = { headers: {} };
  const codeOf = (error: unknown, headers: Record<string, string> = {}) => {
    const appError = toAppError(error, { headers });
    return `${appError.status} ${appError.code}`;
  };

  it('keeps AppErrors and hides unknown errors behind a generic 500', () => {
    expect(toAppError(new AppError('conflict', 'x'), identity).code).toBe('conflict');
    expect(codeOf(new Error('secret detail'))).toBe('500 internal');
    expect(toAppError(new Error('secret detail'), identity).message).toBe('internal error');
  });

  it('answers 503 unavailable for an unreachable database', () => {
    expect(codeOf(new Error('timeout exceeded when trying to connect'))).toBe('503 unavailable');
  });

  it('maps undecodable path parameters to 400', () => {
    let uriError: unknown;
    try {
      decodeURIComponent('%E0%A4%A');
    } catch (error) {
      uriError = error;
    }
    expect(codeOf(uriError)).toBe('400 bad_request');
  });

  it('maps body-parser failures in one place', () => {
    const bodyError = (type: string, status: number, extra: object = {}) =>
      Object.assign(new Error(type), { type, status, ...extra });
    expect(codeOf(bodyError('entity.too.large', 413, { limit: 65536 }))).toBe('413 payload_too_large');
    expect(codeOf(bodyError('entity.parse.failed', 400))).toBe('400 bad_request');
    expect(codeOf(bodyError('encoding.unsupported', 415, { encoding: 'compress' }))).toBe('415 unsupported_media_type');
    expect(toAppError(bodyError('encoding.unsupported', 415, { encoding: 'compress' }), identity).message).toMatch(
      /"compress"/,
    );
    expect(codeOf(bodyError('charset.unsupported', 415, { charset: 'klingon' }))).toBe('415 unsupported_media_type');
    expect(codeOf(bodyError('request.size.invalid', 400))).toBe('400 bad_request');
    expect(codeOf(bodyError('request.aborted', 400))).toBe('400 bad_request');
  });

  it('maps a body that does not decompress to 400 naming the encoding', () => {
    let zlibError: unknown;
    try {
      gunzipSync(Buffer.from('{"not":"gzip"}'));
    } catch (error) {
      zlibError = Object.assign(error as Error, { status: 400 }); // what body-parser does with it
    }
    const appError = toAppError(zlibError, { headers: { 'content-encoding': 'gzip' } });
    expect(`${appError.status} ${appError.code}`).toBe('400 bad_request');
    expect(appError.message).toBe('request body is not valid gzip');
  });
});
