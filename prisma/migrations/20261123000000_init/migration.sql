-- Greenlight initial schema. Written to match prisma/schema.prisma exactly
-- (test/integration/db/schema-matches.test.ts checks every model and field).

-- CreateEnum
CREATE TYPE "request_status" AS ENUM ('pending', 'approved', 'denied', 'expired', 'cancelled', 'executed', 'revoked', 'lapsed');

-- CreateEnum
CREATE TYPE "risk" AS ENUM ('low', 'medium', 'high', 'critical');

-- CreateEnum
CREATE TYPE "request_source" AS ENUM ('slack', 'api');

-- CreateEnum
CREATE TYPE "vote_decision" AS ENUM ('approve', 'deny');

-- CreateEnum
CREATE TYPE "rule_outcome" AS ENUM ('require_approval', 'auto_approve', 'auto_deny');

-- CreateTable
CREATE TABLE "approval_requests" (
    "id" UUID NOT NULL,
    "status" "request_status" NOT NULL DEFAULT 'pending',
    "version" INTEGER NOT NULL DEFAULT 0,
    "source" "request_source" NOT NULL,
    "action" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "environment" TEXT,
    "risk" "risk" NOT NULL DEFAULT 'medium',
    "reason" TEXT NOT NULL,
    "context" JSONB NOT NULL DEFAULT '{}',
    "params_hash" TEXT NOT NULL,
    "requester_slack_id" TEXT NOT NULL,
    "requester_email" TEXT,
    "api_client_id" UUID,
    "idempotency_key" TEXT,
    "idempotency_hash" TEXT,
    "callback_url" TEXT,
    "rule_id" UUID,
    "rule_name" TEXT,
    "channel_id" TEXT NOT NULL,
    "approver_ids" TEXT[],
    "required_approvals" INTEGER NOT NULL DEFAULT 1,
    "require_reason" BOOLEAN NOT NULL DEFAULT false,
    "grant_seconds" INTEGER,
    "message_ts" TEXT,
    "slack_error" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "decided_at" TIMESTAMPTZ(3),
    "decided_by" TEXT,
    "decision_reason" TEXT,
    "grant_expires_at" TIMESTAMPTZ(3),
    "executed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "approval_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "votes" (
    "id" UUID NOT NULL,
    "request_id" UUID NOT NULL,
    "voter_id" TEXT NOT NULL,
    "decision" "vote_decision" NOT NULL,
    "reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "votes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "routing_rules" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "priority" INTEGER NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "action_pattern" TEXT NOT NULL DEFAULT '*',
    "resource_pattern" TEXT NOT NULL DEFAULT '**',
    "environments" TEXT[],
    "min_risk" "risk",
    "time_condition" JSONB,
    "outcome" "rule_outcome" NOT NULL DEFAULT 'require_approval',
    "deny_message" TEXT,
    "channel_id" TEXT,
    "approvers" TEXT[],
    "required_approvals" INTEGER NOT NULL DEFAULT 1,
    "ttl_seconds" INTEGER,
    "grant_seconds" INTEGER,
    "require_reason" BOOLEAN NOT NULL DEFAULT false,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "routing_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "request_id" UUID,
    "type" TEXT NOT NULL,
    "actor_type" TEXT NOT NULL,
    "actor_id" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "prev_hash" TEXT,
    "hash" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_clients" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "key_prefix" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_clients_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "approval_requests_status_expires_at_idx" ON "approval_requests"("status", "expires_at");

-- CreateIndex
CREATE INDEX "approval_requests_requester_slack_id_created_at_idx" ON "approval_requests"("requester_slack_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "approval_requests_api_client_id_idempotency_key_key" ON "approval_requests"("api_client_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "votes_request_id_voter_id_key" ON "votes"("request_id", "voter_id");

-- CreateIndex
CREATE INDEX "routing_rules_priority_idx" ON "routing_rules"("priority");

-- CreateIndex
CREATE INDEX "audit_events_request_id_id_idx" ON "audit_events"("request_id", "id");

-- CreateIndex
CREATE INDEX "audit_events_created_at_idx" ON "audit_events"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "api_clients_name_key" ON "api_clients"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_clients_key_hash_key" ON "api_clients"("key_hash");

-- AddForeignKey
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_api_client_id_fkey" FOREIGN KEY ("api_client_id") REFERENCES "api_clients"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "votes" ADD CONSTRAINT "votes_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "approval_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "approval_requests"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The audit trail is append-only: refuse UPDATE, DELETE and TRUNCATE at the database,
-- so no code path (ours or a stray psql session without superuser tricks) can rewrite it quietly.
CREATE FUNCTION "audit_events_append_only"() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "audit_events_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();

CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();
