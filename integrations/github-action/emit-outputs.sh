#!/usr/bin/env bash
# Run by `greenlight run` once the request is approved and its grant verified and spent: hands the
# request id and the grant (masked) to later steps, then runs the action's `command`, if any.
set -euo pipefail
echo "::add-mask::${GREENLIGHT_GRANT}"
echo "request-id=${GREENLIGHT_REQUEST_ID}" >>"$GITHUB_OUTPUT"
echo "grant=${GREENLIGHT_GRANT}" >>"$GITHUB_OUTPUT"
if [ -n "${GREENLIGHT_COMMAND:-}" ]; then
  exec bash -c "$GREENLIGHT_COMMAND"
fi
