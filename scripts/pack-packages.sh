#!/usr/bin/env bash
# Builds every public package (packages/*) and packs it with `pnpm pack`, the release path: publishConfig
# swaps in the built exports, `workspace:` ranges become real versions. Usage: scripts/pack-packages.sh DEST
# Prints one tarball path a line. Used by `pnpm release` and by scripts/consumer-matrix.sh.
set -euo pipefail
dest=${1:?usage: scripts/pack-packages.sh DEST}
cd "$(dirname "$0")/.."
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
rm -f "$dest"/*.tgz
log=$(mktemp)
if ! pnpm run build >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; exit 1; fi
rm -f "$log"
for dir in packages/*/; do
  (cd "$dir" && pnpm pack --pack-destination "$dest" >/dev/null)
done
ls "$dest"/*.tgz
