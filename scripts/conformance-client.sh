#!/usr/bin/env bash
# Runs the MCP conformance suite's client scenarios that apply to `whatalo-mcp serve --remote`
# (the README's conformance table says why the others do not), one scenario at a time, with
# scripts/conformance-client.mjs as the client under test. Fails if any scenario fails.
#   scripts/conformance-client.sh PREFIX [SCENARIO...]
# PREFIX is a throwaway directory: the pinned suite and Node 22 (which the suite needs) are
# installed there once; the results of each scenario are kept in PREFIX/conformance-client. The project
# itself, and the client under test, stay on this machine's Node.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: $0 PREFIX [SCENARIO...]" >&2
  exit 2
fi
prefix=$1
shift
scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ]; then
  scenarios=(
    auth/metadata-default auth/metadata-var1 auth/metadata-var2 auth/metadata-var3 auth/basic-cimd
    auth/scope-from-www-authenticate auth/scope-from-scopes-supported auth/scope-omitted-when-undefined
    auth/scope-step-up auth/scope-retry-limit
    auth/token-endpoint-auth-basic auth/token-endpoint-auth-post auth/token-endpoint-auth-none
    auth/pre-registration auth/resource-mismatch
    auth/2025-03-26-oauth-metadata-backcompat auth/2025-03-26-oauth-endpoint-fallback
    auth/offline-access-scope auth/offline-access-not-supported
    initialize tools_call
  )
fi
suite="$prefix/conformance-suite"
if [ ! -x "$suite/node_modules/.bin/conformance" ]; then
  mkdir -p "$suite"
  npm install --prefix "$suite" --no-save --no-audit --no-fund --loglevel=error @modelcontextprotocol/conformance@0.1.16 </dev/null >&2
fi
# Resolved before with-node22.sh puts Node 22 first on PATH: the client runs on the project's Node.
client="$(command -v node) scripts/conformance-client.mjs"
failed=()
for scenario in "${scenarios[@]}"; do
  echo "--- $scenario"
  if ! scripts/with-node22.sh "$prefix" "$suite/node_modules/.bin/conformance" client \
    --command "$client" --scenario "$scenario" --timeout 30000 -o "$prefix/conformance-client" </dev/null >"$prefix/conformance-client.log" 2>&1; then
    failed+=("$scenario")
    cat "$prefix/conformance-client.log"
  else
    grep -E '^Passed:' "$prefix/conformance-client.log" || true
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "conformance: ${#failed[@]} of ${#scenarios[@]} client scenarios failed: ${failed[*]}" >&2
  exit 1
fi
echo "conformance: all ${#scenarios[@]} client scenarios passed"
