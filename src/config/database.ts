import { definePart, integer, optional, text, url, withDefault } from './fields.ts';

/** PostgreSQL, or the embedded database under DATA_DIR when DATABASE_URL is unset. All the migration CLI needs. */
export const database = definePart({
  DATABASE_URL: optional(url(['postgres:', 'postgresql:'], 'postgresql://user:pass@host:5432/db')),
  DATA_DIR: withDefault(text, './.data'),
  DATABASE_POOL_SIZE: withDefault(integer(1, 200), 10),
});
