-- One rule per priority: two admins adding rules at once used to give both the same priority, which
-- left their order to chance. Existing rules are first renumbered 1..n in the order routing already
-- used (priority, then creation). The constraint is DEFERRABLE INITIALLY DEFERRED so that reordering
-- can renumber rules one row at a time within a transaction; it is checked at commit.

-- Renumber
WITH "ordered" AS (
  SELECT "id", row_number() OVER (ORDER BY "priority", "created_at", "id") AS "position" FROM "routing_rules"
)
UPDATE "routing_rules" AS "r" SET "priority" = "ordered"."position"
  FROM "ordered" WHERE "r"."id" = "ordered"."id" AND "r"."priority" <> "ordered"."position";

-- DropIndex (the unique index replaces it)
DROP INDEX "routing_rules_priority_idx";

-- CreateIndex
ALTER TABLE "routing_rules" ADD CONSTRAINT "routing_rules_priority_key" UNIQUE ("priority") DEFERRABLE INITIALLY DEFERRED;
