import { z } from 'zod';

/** The payload of every per-request job: the id only, never personal data or tokens. */
export const ZRequestRef = z.object({ requestId: z.string().uuid() }).strict();
export type TRequestRef = z.infer<typeof ZRequestRef>;
