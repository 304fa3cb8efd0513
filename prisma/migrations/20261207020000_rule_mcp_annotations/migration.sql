-- Routing rules can match MCP tool calls by their tool's annotations ({ "destructiveHint": true }: the
-- hints a tool must have, missing ones read with the MCP specification's defaults) and take the
-- resource from the call's arguments (resource_from, e.g. 'arguments.repo'). Null for every rule so far.
ALTER TABLE "routing_rules"
  ADD COLUMN "annotations" JSONB,
  ADD COLUMN "resource_from" TEXT;
