-- Requests an AI agent made through Greenlight's MCP server (/mcp) record the MCP client that asked,
-- as it named itself in `initialize` (clientInfo.name and .version, e.g. "claude-code" "1.0.3"), so
-- the card can say "via claude-code 1.0.3" and the audit can tell agents apart. Null for every other request.
ALTER TABLE "approval_requests"
  ADD COLUMN "mcp_client_name" TEXT,
  ADD COLUMN "mcp_client_version" TEXT;
