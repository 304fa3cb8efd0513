-- When the first attempt to post the request's card began. Any later attempt may follow one whose
-- post reached Slack but whose answer was lost, so it looks for that card in the channel first and
-- adopts it instead of posting a second one. Cards posted before this migration have a message ts.

-- AlterTable
ALTER TABLE "approval_requests" ADD COLUMN "card_post_started_at" TIMESTAMPTZ(3);
