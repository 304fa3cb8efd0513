-- Grants: an approval yields an EdDSA-signed JWT (services/grants). The signing keys live here,
-- private halves encrypted with ENCRYPTION_KEY; a retired key stays published in the JWKS while any
-- token it signed is still valid.
CREATE TABLE "grant_keys" (
    "kid" TEXT NOT NULL,
    "public_jwk" JSONB NOT NULL,
    "private_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "grant_keys_pkey" PRIMARY KEY ("kid")
);

-- The request's grant (token, its id and signing key) and how it ended besides execution
-- (revoked or lapsed: when, by whom, why); callbacks stop for good after a receiver answers 410.
ALTER TABLE "approval_requests"
    ADD COLUMN "grant_id" TEXT,
    ADD COLUMN "grant_kid" TEXT,
    ADD COLUMN "grant_token" TEXT,
    ADD COLUMN "grant_ended_at" TIMESTAMPTZ(3),
    ADD COLUMN "grant_ended_by" TEXT,
    ADD COLUMN "grant_end_reason" TEXT,
    ADD COLUMN "callbacks_stopped_at" TIMESTAMPTZ(3);

CREATE UNIQUE INDEX "approval_requests_grant_id_key" ON "approval_requests"("grant_id");
CREATE INDEX "approval_requests_grant_kid_grant_expires_at_idx" ON "approval_requests"("grant_kid", "grant_expires_at");

-- Keys created in App Home sign their callbacks with their own secret (encrypted with ENCRYPTION_KEY);
-- keys from SERVICE_API_KEYS use CALLBACK_SIGNING_SECRET.
ALTER TABLE "api_clients" ADD COLUMN "callback_secret" TEXT;
