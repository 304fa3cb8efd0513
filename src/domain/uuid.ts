const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` is a UUID: any other id of a uuid column is "not found" without a query (PostgreSQL would refuse it, 22P02). */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
