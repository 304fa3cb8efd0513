-- API keys get a scope: `request` keys ask for approvals and follow their own requests (every key so
-- far, hence the default); `admin` keys may also export and verify the whole audit trail. Keys from
-- SERVICE_API_KEYS take theirs from the entry (`name:secret:admin`) at every startup; keys created
-- in App Home are given one when created.

-- CreateEnum
CREATE TYPE "api_key_scope" AS ENUM ('request', 'admin');

-- AlterTable
ALTER TABLE "api_clients" ADD COLUMN "scope" "api_key_scope" NOT NULL DEFAULT 'request';
