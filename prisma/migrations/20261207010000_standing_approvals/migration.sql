-- "Approve this tool for 15 minutes" (greenlight mcp-proxy): a standing approval covers later calls of
-- one tool with the same arguments, from one API client for one requester, until it expires or is
-- revoked. Additive: a new table only.
CREATE TABLE "standing_approvals" (
    "id" UUID NOT NULL,
    "request_id" UUID NOT NULL,
    "api_client_id" UUID NOT NULL,
    "requester_slack_id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "environment" TEXT,
    "arguments_sha256" TEXT NOT NULL,
    "approved_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_by" TEXT,

    CONSTRAINT "standing_approvals_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "standing_approvals_api_client_id_action_expires_at_idx" ON "standing_approvals"("api_client_id", "action", "expires_at");

CREATE INDEX "standing_approvals_approved_by_expires_at_idx" ON "standing_approvals"("approved_by", "expires_at");
