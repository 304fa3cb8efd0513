-- A request gets two outcome notices in its card's thread and the requester's DMs: its decision
-- (thread_replied_at, outcome_dm_at), then, once approved, how its grant ended: executed, revoked or
-- lapsed (these columns). Each guards its own notice, so each goes out at most once and the
-- reconciler can send what a Redis flush lost. Grants that ended before this migration count as told.

-- AlterTable
ALTER TABLE "approval_requests" ADD COLUMN "grant_end_replied_at" TIMESTAMPTZ(3),
ADD COLUMN "grant_end_dm_at" TIMESTAMPTZ(3);

UPDATE "approval_requests"
   SET "grant_end_replied_at" = COALESCE("executed_at", "grant_ended_at", "updated_at"),
       "grant_end_dm_at" = COALESCE("executed_at", "grant_ended_at", "updated_at")
 WHERE "status" IN ('executed', 'revoked', 'lapsed');
