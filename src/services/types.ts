import type { Prisma } from '../generated/prisma/client.ts';
import type { Db } from '../platform/db.ts';

/** A Prisma client or an open transaction: services accept either so they compose. */
export type Tx = Db | Prisma.TransactionClient;
