-- When the outcome reached the card's thread and the requester's DMs, so the reconciler can send
-- what a Redis flush lost, and retries never post twice. Requests decided before this migration
-- count as notified.

-- AlterTable
ALTER TABLE "approval_requests" ADD COLUMN "thread_replied_at" TIMESTAMPTZ(3),
ADD COLUMN "outcome_dm_at" TIMESTAMPTZ(3);

UPDATE "approval_requests" SET "thread_replied_at" = "decided_at", "outcome_dm_at" = "decided_at"
 WHERE "status" <> 'pending';
