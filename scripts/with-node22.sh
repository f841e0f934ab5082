#!/usr/bin/env bash
# Runs one command with Node 22 first on PATH, for the few tools that need it (the MCP
# conformance suite uses fs.globSync); the project itself stays on Node 20.
#   scripts/with-node22.sh PREFIX COMMAND [ARGS...]
# PREFIX is a throwaway directory (CI's tmp dir): Node 22 comes from the npm package `node`
# (its binaries ship inside npm packages), installed there once and reused by later calls.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 PREFIX COMMAND [ARGS...]" >&2
  exit 2
fi
prefix=$1
shift
bin="$prefix/node22/node_modules/.bin"
if [ ! -x "$bin/node" ]; then
  mkdir -p "$prefix/node22"
  npm install --prefix "$prefix/node22" --no-save --no-audit --no-fund --loglevel=error node@22.23.3 </dev/null >&2
fi
PATH="$bin:$PATH" exec "$@"
