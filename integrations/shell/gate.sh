#!/usr/bin/env bash
# Plain-shell Greenlight gate: runs a command only once it is approved in Slack, from any script,
# cron job or CI system without a native hook. Needs the greenlight CLI on PATH (npm run build &&
# npm pack, then npm install --global greenlight-<version>.tgz) and, in the environment:
#   GREENLIGHT_URL        the service, e.g. https://greenlight.example.com
#   GREENLIGHT_API_KEY    an API key
#   GREENLIGHT_REQUESTER  who asks: a Slack user id (U…) or an e-mail address Slack knows
#
# Usage: gate.sh ACTION RESOURCE REASON [ENVIRONMENT] -- COMMAND [ARGS…]
#   gate.sh db.migrate prod/main "release 42: add the orders index" production -- npm run migrate
#
# The command gets GREENLIGHT_GRANT and GREENLIGHT_REQUEST_ID; the script exits with its exit code,
# or with greenlight's: 77 denied, 75 expired or cancelled, 124 GATE_WAIT ran out (default 15m).
set -euo pipefail

if [ $# -lt 5 ]; then
  sed -n '2,13p' "$0" >&2
  exit 64
fi
action=$1 resource=$2 reason=$3
shift 3
environment=()
if [ "$1" != "--" ]; then
  environment=(--environment "$1")
  shift
fi
if [ "${1:-}" != "--" ] || [ $# -lt 2 ]; then
  echo "gate.sh: expected -- COMMAND after the request's fields" >&2
  exit 64
fi
shift

if ! command -v greenlight >/dev/null 2>&1; then
  echo "gate.sh: the greenlight CLI is not on PATH" >&2
  exit 127
fi

set +e
greenlight run --action "$action" --resource "$resource" --reason "$reason" "${environment[@]}" \
  --wait "${GATE_WAIT:-15m}" --context "host=$(hostname)" --context "user=${USER:-$(id -un)}" -- "$@"
code=$?
set -e
case $code in
  77) echo "gate.sh: denied in Slack; $1 was not run" >&2 ;;
  75) echo "gate.sh: the request expired or was cancelled; $1 was not run" >&2 ;;
  124) echo "gate.sh: no decision within ${GATE_WAIT:-15m}; the request was cancelled" >&2 ;;
esac
exit "$code"
