import { z } from 'zod';

/** The payload of every per-request job: the id only, never personal data or tokens. */
export const ZRequestRef = z.object({ requestId: z.string().uuid() }).strict();
export type TRequestRef = z.infer<typeof ZRequestRef>;

/** A workflow timer's payload: the request, and which step (reminder slot, escalation level index) is due. */
export const ZTimerStep = z
  .object({ requestId: z.string().uuid(), step: z.number().int().min(0).max(100_000) })
  .strict();
export type TTimerStep = z.infer<typeof ZTimerStep>;
