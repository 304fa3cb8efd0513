import { z } from 'zod';
import { deliverCallback } from '../../services/callbacks/deliver.ts';
import { CALLBACK_STATUSES } from '../../services/callbacks/events.ts';
import { defineRetriedDelivery } from '../retried-delivery.ts';

const ZCallbackRef = z.object({ requestId: z.string().uuid(), status: z.enum(CALLBACK_STATUSES) }).strict();

/**
 * A signed callback reporting that a request reached `status` (services/callbacks/deliver.ts does
 * the work), retried until the receiver accepts it (retried-delivery.ts). The payload holds ids
 * only — the body and the secret are read from PostgreSQL at each attempt.
 */
export const deliverCallbackJob = defineRetriedDelivery({
  name: 'callback.deliver',
  schema: ZCallbackRef,
  describe: ({ requestId, status }) => `callback ${status} of ${requestId}`,
  deliver: (deps, payload, attempt) => deliverCallback(deps, { ...payload, ...attempt }),
});
