import type { Caches } from '../caches.ts';
import type { Tx } from '../types.ts';

/**
 * An API client's name by id, or null for none: cached, since a client's name never changes and it
 * is read on hot paths (the audience of every grant for an API request, the requester's
 * confirmation DM).
 */
export async function apiClientName(deps: { caches: Caches }, db: Tx, id: string): Promise<string | null> {
  const cached = deps.caches.serviceNames.get(id);
  if (cached !== undefined) return cached;
  const client = await db.apiClient.findUnique({ where: { id }, select: { name: true } });
  if (client === null) return null;
  deps.caches.serviceNames.set(id, client.name);
  return client.name;
}
