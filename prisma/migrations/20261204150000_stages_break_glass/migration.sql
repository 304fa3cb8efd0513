-- Multi-stage chains and break-glass (issue 10).
-- A chained request keeps each stage's approvers as expanded at creation (a JSON array of arrays of
-- Slack user ids; null without stages), the stage now deciding, and the last stage whose start was
-- announced in the card's thread (the first stage is the card itself). Each vote records the stage
-- it counted for.
ALTER TABLE "approval_requests"
  ADD COLUMN "stage_approvers" JSONB,
  ADD COLUMN "current_stage" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "stage_noticed" INTEGER NOT NULL DEFAULT 0,
-- Break-glass: the requester's justification (set only when break-glass approved the request), when
-- the announcement went out, and the after-the-fact review by a routed approver.
  ADD COLUMN "break_glass_reason" TEXT,
  ADD COLUMN "break_glass_announced_at" TIMESTAMPTZ(3),
  ADD COLUMN "break_glass_verdict" TEXT,
  ADD COLUMN "break_glass_review_note" TEXT,
  ADD COLUMN "break_glass_reviewed_by" TEXT,
  ADD COLUMN "break_glass_reviewed_at" TIMESTAMPTZ(3);

ALTER TABLE "votes" ADD COLUMN "stage" INTEGER;

