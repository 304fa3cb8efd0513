#!/usr/bin/env bash
# The Greenlight action's gate step (action.yml passes every input as a GL_* variable). With
# GL_WAIT=true it runs `greenlight run`, whose command — emit-outputs.sh — runs only once approved:
# it writes the request id and the grant to $GITHUB_OUTPUT, then runs GREENLIGHT_COMMAND if any.
# The exit code is greenlight run's: 77 denied, 75 expired/cancelled, 124 timed out (see the CLI).
# With GL_WAIT=false it only creates the request (POST /api/v1/requests) and outputs its id.
set -euo pipefail

args=(--action "$GL_ACTION" --resource "$GL_RESOURCE" --reason "$GL_REASON")
[ -n "${GL_ENVIRONMENT:-}" ] && args+=(--environment "$GL_ENVIRONMENT")
[ -n "${GL_RISK:-}" ] && args+=(--risk "$GL_RISK")
[ -n "${GL_REQUESTER:-}" ] && args+=(--requester "$GL_REQUESTER")
[ -n "${GL_TIMEOUT:-}" ] && args+=(--wait "$GL_TIMEOUT")
run_url="${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY:-}/actions/runs/${GITHUB_RUN_ID:-}"
contexts=("github_run=$run_url" "sha=${GITHUB_SHA:-}")
while IFS= read -r line; do
  line="${line#"${line%%[![:space:]]*}"}"
  [ -n "$line" ] && contexts+=("$line")
done <<<"${GL_CONTEXT:-}"
for entry in "${contexts[@]}"; do args+=(--context "$entry"); done

if [ "${GL_WAIT:-true}" = "true" ]; then
  exec greenlight run "${args[@]}" -- bash "$(dirname "$0")/emit-outputs.sh"
fi

# Ask only: the same body greenlight run sends, without waiting. A later step can
# `greenlight wait <id>` for the decision.
context_json=$(printf '%s\n' "${contexts[@]}" | jq -R 'capture("^(?<k>[^=]+)=(?<v>.*)$")' | jq -s 'map({(.k): .v}) | add')
body=$(jq -n --arg action "$GL_ACTION" --arg resource "$GL_RESOURCE" --arg reason "$GL_REASON" \
  --arg environment "${GL_ENVIRONMENT:-}" --arg risk "${GL_RISK:-}" --arg requester "${GL_REQUESTER:-}" \
  --argjson context "$context_json" '
  {action: $action, resource: $resource, reason: $reason, context: $context}
  + (if $environment != "" then {environment: $environment} else {} end)
  + (if $risk != "" then {risk: $risk} else {} end)
  + (if $requester == "" then {} elif ($requester | test("@")) then {requester: {email: $requester}}
     else {requester: {slackUserId: $requester}} end)')
key=$(printf '%s' "${GITHUB_REPOSITORY:-}|${GITHUB_RUN_ID:-}|${GITHUB_JOB:-}|${GITHUB_ACTION:-}|$body" | sha256sum | cut -d' ' -f1)
response=$(curl --fail-with-body --silent --show-error --retry 3 \
  -H "authorization: Bearer $GREENLIGHT_API_KEY" -H 'content-type: application/json' \
  -H "idempotency-key: $key" --data "$body" "${GREENLIGHT_URL%/}/api/v1/requests")
request_id=$(jq -r '.id' <<<"$response")
echo "request-id=$request_id" >>"$GITHUB_OUTPUT"
echo "grant=" >>"$GITHUB_OUTPUT"
echo "Greenlight request $request_id asked for; not waiting (wait: false)"
