-- Needs info and grant extensions (issue 10).
-- A question a routed approver asks the requester about a pending request. The id comes from the
-- question form, so a double submit of one form inserts (and moves the deadline) once.
CREATE TABLE "request_questions" (
    "id" UUID NOT NULL,
    "request_id" UUID NOT NULL,
    "asker" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "answer" TEXT,
    "asked_at" TIMESTAMPTZ(3) NOT NULL,
    "answered_at" TIMESTAMPTZ(3),
    "extended_by_seconds" INTEGER NOT NULL DEFAULT 0,
    "asked_thread_at" TIMESTAMPTZ(3),
    "asked_dm_at" TIMESTAMPTZ(3),
    "answered_thread_at" TIMESTAMPTZ(3),
    "answered_dm_at" TIMESTAMPTZ(3),

    CONSTRAINT "request_questions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "request_questions_request_id_fkey" FOREIGN KEY ("request_id")
      REFERENCES "approval_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "request_questions_request_id_asked_at_idx" ON "request_questions"("request_id", "asked_at");

-- A request to move an approved, unspent grant's expiry; one routed approver decides it.
CREATE TYPE "extension_status" AS ENUM ('pending', 'approved', 'denied', 'moot');
CREATE TABLE "grant_extensions" (
    "id" UUID NOT NULL,
    "request_id" UUID NOT NULL,
    "seconds" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "extension_status" NOT NULL DEFAULT 'pending',
    "decided_by" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "grant_expires_at" TIMESTAMPTZ(3),
    "message_ts" TEXT,
    "requested_notice_at" TIMESTAMPTZ(3),
    "closed_notice_at" TIMESTAMPTZ(3),

    CONSTRAINT "grant_extensions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "grant_extensions_request_id_fkey" FOREIGN KEY ("request_id")
      REFERENCES "approval_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "grant_extensions_request_id_requested_at_idx" ON "grant_extensions"("request_id", "requested_at");
-- At most one extension waits for a decision per request: a second ask is refused, not queued.
CREATE UNIQUE INDEX "grant_extensions_one_pending" ON "grant_extensions"("request_id") WHERE "status" = 'pending';
