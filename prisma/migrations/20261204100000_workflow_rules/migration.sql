-- Rules as code and workflows (issue 10). A rule's action and resource conditions become lists of
-- globs (any one may match); the workflow settings are JSON documents validated by the one rule
-- schema (src/services/routing/rule-schema.ts); `managed_by` marks rules applied from a file.
ALTER TABLE "routing_rules"
  ADD COLUMN "action_patterns" TEXT[] DEFAULT ARRAY['*']::TEXT[],
  ADD COLUMN "resource_patterns" TEXT[] DEFAULT ARRAY['**']::TEXT[];
UPDATE "routing_rules" SET "action_patterns" = ARRAY["action_pattern"], "resource_patterns" = ARRAY["resource_pattern"];
ALTER TABLE "routing_rules"
  DROP COLUMN "action_pattern",
  DROP COLUMN "resource_pattern",
  ADD COLUMN "stages" JSONB,
  ADD COLUMN "reminder" JSONB,
  ADD COLUMN "escalation" JSONB NOT NULL DEFAULT '[]',
  ADD COLUMN "break_glass" JSONB,
  ADD COLUMN "needs_info" JSONB,
  ADD COLUMN "managed_by" TEXT;

-- What the matching rule asked of this request's workflow when it was created (stages, reminder,
-- escalation, break-glass, needs-info): later rule edits do not change a request in flight.
ALTER TABLE "approval_requests" ADD COLUMN "workflow" JSONB NOT NULL DEFAULT '{}';
