#!/usr/bin/env bash
# `make setup` on a machine whose Node.js is older than 20 (stock Debian 12's nodejs is 18), forced here
# with WATCHFLOOR_LOCAL_NODE=1 so that it runs on any machine: the pinned Node.js 22 from the npm registry
# goes into a temporary WATCHFLOOR_NODE_DIR, and every later step finds it first on PATH.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/ops/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=$tmp/node/node_modules/.bin

first=$(make --no-print-directory setup WATCHFLOOR_LOCAL_NODE=1 WATCHFLOOR_NODE_DIR="$tmp/node" 2>&1)
rc=$?
echo "$first" | sed 's/^/    /'
check "make setup with an old system Node.js succeeds" test "$rc" -eq 0
check "it installs Node.js 20 or newer" \
  "$bin/node" -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'
npm_version=$(PATH="$bin:$PATH" npm --version 2>&1)
check "its npm runs (npm --version: $npm_version)" grep -Eqx '[0-9]+\.[0-9]+\.[0-9]+' <<<"$npm_version"
check "every make recipe runs that Node.js" \
  grep -qxF "make: Node.js $("$bin/node" --version) at $bin/node" <<<"$first"
script_node=$(cd web && PATH="$bin:$PATH" npm exec --offline -c 'node -p process.execPath' 2>&1)
check "npm scripts in web/ run that Node.js too" test "$script_node" = "$(readlink -f "$bin/node")"
second=$(make --no-print-directory setup WATCHFLOOR_LOCAL_NODE=1 WATCHFLOOR_NODE_DIR="$tmp/node" 2>&1)
check "a second make setup installs nothing again" test "$(grep -c 'local-node: installing' <<<"$second")" -eq 0
finish
