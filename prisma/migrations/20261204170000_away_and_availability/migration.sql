-- Out of office and availability-aware notification (issue 10).
-- Who is away, until when, and who decides in their place: routing reads it when a request is
-- created (src/services/away/). One row per person; clearing deletes it (the audit trail keeps the history).
CREATE TABLE "away_statuses" (
  "slack_user_id" TEXT NOT NULL,
  "away_until" TIMESTAMPTZ(3) NOT NULL,
  "delegate_id" TEXT,
  "set_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "away_statuses_pkey" PRIMARY KEY ("slack_user_id")
);

-- Which routed approvers were away when the request was created and who replaced them:
-- { "away": [{ "user", "until", "delegate" }], "everyoneAway": bool }, or NULL when nobody was.
-- Approver DMs (APPROVER_DMS): when they are owed (set at creation), when they went out to the
-- approvers available then, who was away or in Do Not Disturb (told later), and when those were told.
ALTER TABLE "approval_requests"
  ADD COLUMN "routing_notes" JSONB,
  ADD COLUMN "approvers_notify_at" TIMESTAMPTZ(3),
  ADD COLUMN "approvers_notified_at" TIMESTAMPTZ(3),
  ADD COLUMN "notify_later_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
  ADD COLUMN "notify_later_at" TIMESTAMPTZ(3),
  ADD COLUMN "notified_later_at" TIMESTAMPTZ(3);
