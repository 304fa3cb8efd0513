import { describe, expect, it } from 'vitest';
import { databaseConnectError, describeDatabaseUrl } from '../../../src/platform/database-errors.ts';

const URL_WITH_PASSWORD = 'postgresql://gl:s3cr%40t-pw@db.internal/greenlight';

/** What node-postgres throws: an Error with the server's SQLSTATE (or a system error code) on `code`. */
function pgError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('database connection errors', () => {
  it('describe where the URL points, never its password', () => {
    expect(describeDatabaseUrl(URL_WITH_PASSWORD)).toBe('host db.internal, port 5432, database greenlight, user gl');
    expect(describeDatabaseUrl('not a url')).toBe('an unparseable URL');
  });

  it.each([
    ['28P01', 'password authentication failed for user "gl"', 'PostgreSQL refused the password'],
    ['3D000', 'database "greenlight" does not exist', 'database "greenlight" does not exist: create it'],
    ['53300', 'sorry, too many clients already', 'no connection slot free'],
  ])('SQLSTATE %s says what to do', (code, message, advice) => {
    const error = databaseConnectError(pgError(message, code), URL_WITH_PASSWORD);
    expect(error.setting).toBe('DATABASE_URL');
    expect(error.message).toContain('cannot connect to PostgreSQL at DATABASE_URL (host db.internal, port 5432');
    expect(error.message).toContain(advice);
  });

  it('names the network reason, a timeout, and never repeats the password a driver message might carry', () => {
    expect(databaseConnectError(pgError('connect ECONNREFUSED', 'ECONNREFUSED'), URL_WITH_PASSWORD).message).toMatch(
      /: unreachable: connection refused/,
    );
    expect(
      databaseConnectError(pgError('Connection terminated due to connection timeout'), URL_WITH_PASSWORD).message,
    ).toMatch(/: no answer in time/);
    const leaky = databaseConnectError(pgError('bad things near s3cr@t-pw'), URL_WITH_PASSWORD);
    expect(leaky.message).not.toContain('s3cr@t-pw');
    expect(leaky.message).toContain('***');
  });

  it('names the embedded database as such', () => {
    const error = databaseConnectError(
      pgError('x', 'ECONNREFUSED'),
      'postgresql://postgres@127.0.0.1:4100/postgres',
      'DATA_DIR',
    );
    expect(error.setting).toBe('DATA_DIR');
    expect(error.message).toMatch(/^cannot connect to the embedded PostgreSQL \(DATA_DIR\)/);
  });
});
