-- The request version the Slack card last showed, so the reconciler can find cards left behind
-- when a card update could not be queued (Redis down at the moment of a decision).

-- AlterTable
ALTER TABLE "approval_requests" ADD COLUMN "card_version" INTEGER;
