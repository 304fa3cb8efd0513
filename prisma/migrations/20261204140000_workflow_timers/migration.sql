-- Reminders, expiry warning and escalation (issue 10). Each is a timer (a BullMQ delayed job with a
-- deterministic id); these columns are its once-guards in PostgreSQL, so a timer re-created by the
-- reconciler after a Redis flush never repeats what already happened.
ALTER TABLE "approval_requests"
  -- The last reminder slot posted in the card's thread (0: none yet); only ever raised.
  ADD COLUMN "last_reminder_slot" INTEGER NOT NULL DEFAULT 0,
  -- When the requester was warned by DM that the request is about to expire (null: not yet).
  ADD COLUMN "expiry_warned_at" TIMESTAMPTZ(3),
  -- How many escalation levels have fired; the next one is the level at this index.
  ADD COLUMN "escalation_level" INTEGER NOT NULL DEFAULT 0,
  -- One entry per level fired: { level, at, approvers (added), channelId }.
  ADD COLUMN "escalations" JSONB NOT NULL DEFAULT '[]';
