-- Terraform run tasks: one row per (run, stage) that HCP Terraform asked Greenlight to gate. The row
-- is written before its request (it claims the run and stage, so a repeated delivery creates nothing)
-- and keeps what reporting the result needs: the callback URL and the run's access token, encrypted
-- with ENCRYPTION_KEY. No foreign key to approval_requests: the request is written just after.

-- CreateTable
CREATE TABLE "terraform_run_tasks" (
    "request_id" UUID NOT NULL,
    "run_id" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "task_result_id" TEXT NOT NULL,
    "organization" TEXT NOT NULL,
    "workspace" TEXT NOT NULL,
    "callback_url" TEXT NOT NULL,
    "access_token_sealed" TEXT NOT NULL,
    "failure" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "terraform_run_tasks_pkey" PRIMARY KEY ("request_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "terraform_run_tasks_run_id_stage_key" ON "terraform_run_tasks"("run_id", "stage");
