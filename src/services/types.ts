import type { Db } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';

/** A Prisma client or an open transaction: services accept either so they compose. */
export type Tx = Db | Prisma.TransactionClient;

/** Who did something, as the audit trail records it. */
export interface Actor {
  type: 'user' | 'service' | 'system' | 'anonymous';
  id?: string | null;
}
