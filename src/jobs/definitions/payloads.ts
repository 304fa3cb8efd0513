import { z } from 'zod';
import { NOTICE_STAGES } from '../notified.ts';

/** The payload of every per-request job: the id only, never personal data or tokens. */
export const ZRequestRef = z.object({ requestId: z.string().uuid() }).strict();
export type TRequestRef = z.infer<typeof ZRequestRef>;

/** A workflow timer's payload: the request, and which step (reminder slot, escalation level index) is due. */
export const ZTimerStep = z
  .object({ requestId: z.string().uuid(), step: z.number().int().min(0).max(100_000) })
  .strict();
export type TTimerStep = z.infer<typeof ZTimerStep>;

/**
 * A thread reply's payload: the request, and which of its notices (notified.ts) to post. Jobs queued
 * before grant-end notices existed carry no stage: they were all decision replies.
 */
export const ZThreadReply = z
  .object({ requestId: z.string().uuid(), stage: z.enum(NOTICE_STAGES).default('decision') })
  .strict();
export type TThreadReply = z.infer<typeof ZThreadReply>;
