#!/usr/bin/env bash
# The consumer matrix: packs every public package (scripts/pack-packages.sh, the release path), installs the
# tarballs with npm into fresh temporary projects outside the workspace, one per module system, and in each
# typechecks (TypeScript projects) and runs a small app that uses requireAuth against a mock issuer
# (@jwks-kit/testing on a free port): 200 with the claims, 401 for a tampered token.
# Fails if any combination breaks. Fixtures: scripts/consumer-matrix/. Run by .ci/run.
#
#   project            package "type"  TypeScript                                   express
#   esm-js             module          (none: plain import)                         5
#   cjs-js             commonjs        (none: plain require; + dual-copy errors, bin) 5
#   ts-nodenext-esm    module          module/moduleResolution nodenext             5
#   ts-node16-esm      module          node16                                       5
#   ts-node16-cjs      commonjs        node16                                       5
#   ts-bundler         module          module esnext, moduleResolution bundler      5
#   ts-nest-commonjs   commonjs        module commonjs, node10, no esModuleInterop   4 (NestJS 10's default)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
fixtures=$repo/scripts/consumer-matrix
start=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/jwks-kit-consumers.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "consumer matrix: packing into $work/tarballs"
"$repo/scripts/pack-packages.sh" "$work/tarballs" >"$work/tarballs.txt"
mapfile -t tarballs <"$work/tarballs.txt"
(cd "$repo" && node "$fixtures/check-tarballs.mjs" "${tarballs[@]}")

ts_version=$(node -p "require('$repo/node_modules/typescript/package.json').version")

# project name, package type, express major, tsconfig compilerOptions (JSON; empty: a JavaScript project)
projects=(
  "esm-js|module|5|"
  "cjs-js|commonjs|5|"
  'ts-nodenext-esm|module|5|{"module":"nodenext","moduleResolution":"nodenext"}'
  'ts-node16-esm|module|5|{"module":"node16","moduleResolution":"node16"}'
  'ts-node16-cjs|commonjs|5|{"module":"node16","moduleResolution":"node16"}'
  'ts-bundler|module|5|{"module":"esnext","moduleResolution":"bundler"}'
  'ts-nest-commonjs|commonjs|4|{"module":"commonjs","moduleResolution":"node10","esModuleInterop":false,"allowSyntheticDefaultImports":true,"experimentalDecorators":true,"emitDecoratorMetadata":true,"target":"ES2021"}'
)

# Writes one project: package.json with the tarballs and registry packages, the app, tsconfig when TypeScript.
write_project() {
  local name=$1 type=$2 express=$3 compiler=$4 dir=$work/$name
  mkdir -p "$dir"
  node - "$dir" "$type" "$express" "$compiler" "$ts_version" "${tarballs[@]}" <<'NODE'
const fs = require('node:fs');
const [dir, type, express, compiler, tsVersion, ...tarballs] = process.argv.slice(2);
// ioredis only in the TypeScript projects: the JavaScript ones show that no subpath loads it before it is used.
const dependencies = { express: `^${express}`, ...(compiler ? { ioredis: '^5.4.0' } : {}) };
for (const t of tarballs) dependencies[`@jwks-kit/${/jwks-kit-([a-z-]+)-\d/.exec(t)[1]}`] = `file:${t}`;
const devDependencies = compiler ? { typescript: tsVersion, '@types/express': `^${express}`, '@types/node': '^20.19.0' } : {};
fs.writeFileSync(`${dir}/package.json`, JSON.stringify({ name: 'consumer', private: true, type, dependencies, devDependencies }, null, 2));
if (compiler) {
  const compilerOptions = { target: 'ES2022', strict: true, esModuleInterop: true, skipLibCheck: false, outDir: 'dist', rootDir: '.', types: ['node'], ...JSON.parse(compiler) };
  fs.writeFileSync(`${dir}/tsconfig.json`, JSON.stringify({ compilerOptions, files: ['app.ts'] }, null, 2));
}
NODE
  cp "$fixtures/probe.mjs" "$dir/"
  if [ -z "$compiler" ]; then
    if [ "$type" = module ]; then cp "$fixtures/app.mjs" "$dir/"; else cp "$fixtures/app.cjs" "$fixtures/dual-copies.cjs" "$dir/"; fi
  else
    cp "$fixtures/app.ts" "$dir/app.ts"
    if [ "$name" = ts-nest-commonjs ]; then
      sed -i "s|^import express from 'express';$|import * as express from 'express';|" "$dir/app.ts"
      grep -q "^import \* as express from 'express';$" "$dir/app.ts"
    fi
  fi
}

# Installs, typechecks and runs one project; its output goes to $work/<name>.log, its seconds to <name>.time.
run_project() {
  local name=$1 type=$2 compiler=$4 dir=$work/$1 began=$SECONDS
  cd "$dir"
  npm install --no-audit --no-fund --prefer-offline --loglevel=error
  if [ -n "$compiler" ]; then
    npx --no-install tsc -p tsconfig.json
    node probe.mjs dist/app.js
  elif [ "$type" = module ]; then
    node probe.mjs app.mjs
  else
    node probe.mjs app.cjs
    node dual-copies.cjs @jwks-kit/verifier @jwks-kit/issuer @jwks-kit/issuer/sessions @jwks-kit/denylist @jwks-kit/cli
    ./node_modules/.bin/jwks-kit --help >/dev/null
  fi
  echo $((SECONDS - began)) >"$work/$name.time"
}

pids=()
for spec in "${projects[@]}"; do
  IFS='|' read -r name type express compiler <<<"$spec"
  write_project "$name" "$type" "$express" "$compiler"
  (run_project "$name" "$type" "$express" "$compiler" >"$work/$name.log" 2>&1) &
  pids+=("$!")
done

failed=0
for i in "${!projects[@]}"; do
  name=${projects[$i]%%|*}
  if wait "${pids[$i]}"; then
    echo "  ok    $name ($(cat "$work/$name.time") s)"
  else
    failed=$((failed + 1))
    echo "  FAIL  $name"
    sed 's/^/        /' "$work/$name.log"
  fi
done
grep -h '^dual copies' "$work"/cjs-js.log || true
passed=$((${#projects[@]} - failed))
echo "consumer matrix: $passed passed, $failed failed ($((SECONDS - start)) s)"
[ "$failed" = 0 ]
