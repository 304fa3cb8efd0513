import { networkReason, SettingError } from './setting-error.ts';

/** Where a PostgreSQL URL points, without its password: `host db.internal, port 5432, database greenlight`. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname === '' ? 'localhost' : parsed.hostname;
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(the user’s default)';
    const user = parsed.username === '' ? '' : `, user ${decodeURIComponent(parsed.username)}`;
    return `host ${host}, port ${parsed.port === '' ? '5432' : parsed.port}, database ${database}${user}`;
  } catch {
    return 'an unparseable URL';
  }
}

/** Replaces every occurrence of the URL's password in `text`, in case a driver message repeats it. */
function withoutPassword(text: string, url: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    return text;
  }
  return password === '' ? text : text.split(password).join('***');
}

/** SQLSTATE codes of connection refusals, with what to do about each. */
const SQLSTATE_ADVICE: Record<string, (why: string) => string> = {
  '28P01': (why) => `PostgreSQL refused the password (${why}): check the user and password in it`,
  '28000': (why) => `PostgreSQL refused the login (${why}): check the user, and pg_hba.conf on the server`,
  '3D000': (why) =>
    `${why}: create it (\`createdb <name>\`), point the URL at an existing database, or leave DATABASE_URL unset for the embedded database`,
  '53300': (why) =>
    `PostgreSQL has no connection slot free (${why}): lower DATABASE_POOL_SIZE or raise max_connections`,
  '57P03': (why) => `PostgreSQL is starting up or shutting down (${why}): start again in a moment`,
};

/**
 * Turns the first connection failure to PostgreSQL into an error naming `setting` (DATABASE_URL, or
 * DATA_DIR for the embedded database),
 * the host, port and database it points at, and what to do — never the password.
 */
export function databaseConnectError(error: unknown, url: string, setting = 'DATABASE_URL'): SettingError {
  const where = describeDatabaseUrl(url);
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const advice = typeof code === 'string' ? SQLSTATE_ADVICE[code] : undefined;
  const why =
    advice !== undefined
      ? advice(message)
      : /timeout/i.test(message)
        ? 'no answer in time (a firewall, or the wrong host or port?)'
        : `unreachable: ${networkReason(error)}`;
  const what = setting === 'DATABASE_URL' ? 'PostgreSQL at DATABASE_URL' : `the embedded PostgreSQL (${setting})`;
  return new SettingError(setting, withoutPassword(`cannot connect to ${what} (${where}): ${why}`, url), {
    cause: error,
  });
}
