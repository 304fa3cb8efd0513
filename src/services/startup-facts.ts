import type { Db } from '../platform/db.ts';

/**
 * What the startup summary reads from PostgreSQL: how many routing rules are enabled, and the
 * names of the API clients whose keys are not revoked (never a key or its hash).
 */
export async function loadStartupFacts(db: Db): Promise<{ enabledRules: number; apiClients: string[] }> {
  const [enabledRules, clients] = await Promise.all([
    db.routingRule.count({ where: { enabled: true } }),
    db.apiClient.findMany({ where: { revokedAt: null }, select: { name: true }, orderBy: { name: 'asc' } }),
  ]);
  return { enabledRules, apiClients: clients.map((client) => client.name) };
}
