-- A re-run of a workflow (GitHub "Re-run jobs") keeps its run id and environment but asks again with
-- a new deployment: each decided request's re-run is a new attempt with its own request, so
-- uniqueness moves from (run, environment) to (run, environment, attempt). A deployment id is never
-- held by two attempts (NULLs, from events without a deployment, stay distinct).
ALTER TABLE "github_deployments" ADD COLUMN "deployment_id" BIGINT;
ALTER TABLE "github_deployments" ADD COLUMN "attempt" INTEGER NOT NULL DEFAULT 1;

DROP INDEX "github_deployments_run_id_environment_key";

CREATE UNIQUE INDEX "github_deployments_run_id_environment_attempt_key" ON "github_deployments"("run_id", "environment", "attempt");

CREATE UNIQUE INDEX "github_deployments_run_id_environment_deployment_id_key" ON "github_deployments"("run_id", "environment", "deployment_id");
