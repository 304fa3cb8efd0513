-- GitHub deployment protection rules: a request created from a GitHub App webhook has its own
-- source, keeps the review it holds (installation, repository, run, environment) in
-- `github_deployments`, and names its requester through `identity_links` (GitHub login → Slack user).
-- A delivery claims its row before its request exists; the unique delivery id and (run, environment)
-- make a repeated delivery create nothing.

-- AlterEnum
ALTER TYPE "request_source" ADD VALUE 'github';

-- CreateTable
CREATE TABLE "identity_links" (
    "id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "external_login" TEXT NOT NULL,
    "slack_user_id" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "identity_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "github_deployments" (
    "id" UUID NOT NULL,
    "request_id" UUID,
    "delivery_id" TEXT NOT NULL,
    "installation_id" BIGINT NOT NULL,
    "owner" TEXT NOT NULL,
    "repo" TEXT NOT NULL,
    "run_id" BIGINT NOT NULL,
    "environment" TEXT NOT NULL,
    "status_reported_at" TIMESTAMPTZ(3),
    "reported_state" TEXT,
    "reported_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "github_deployments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "identity_links_provider_external_login_key" ON "identity_links"("provider", "external_login");

-- CreateIndex
CREATE UNIQUE INDEX "github_deployments_request_id_key" ON "github_deployments"("request_id");

-- CreateIndex
CREATE UNIQUE INDEX "github_deployments_delivery_id_key" ON "github_deployments"("delivery_id");

-- CreateIndex
CREATE UNIQUE INDEX "github_deployments_run_id_environment_key" ON "github_deployments"("run_id", "environment");

-- AddForeignKey
ALTER TABLE "github_deployments" ADD CONSTRAINT "github_deployments_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "approval_requests"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
