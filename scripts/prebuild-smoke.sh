#!/usr/bin/env bash
# CI: builds the Linux prebuild of @nightjar/native-es (prebuildify), packs the workspace packages, installs
# the tarballs into an empty project with no C/C++ compiler on PATH, and runs `nightjar watch --backend linux`
# from there: the prebuilt addon must load with nothing to compile. Needs root (the linux backend), a
# build (tsc -b) and registry access for the third-party dependencies.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

# The headers installed with node (no download from nodejs.org), as scripts/install.cjs does.
NODE_PREFIX="$(dirname "$(dirname "$(command -v node)")")"
[ -e "$NODE_PREFIX/include/node/common.gypi" ] && export npm_config_nodedir="$NODE_PREFIX"
(cd packages/native-es && npx -y pnpm@10 run prebuild)
ls packages/native-es/prebuilds/*/
# Every published workspace package (so a new dependency of the CLI is never left out), the addon included.
for d in packages/*/; do
  node -e 'process.exit(require(process.argv[1]).private ? 1 : 0)' "$ROOT/${d}package.json" || continue
  (cd "$d" && npx -y pnpm@10 pack --pack-destination "$OUT/tgz" >/dev/null)
done

# A PATH with node, npm and sh only: no cc, c++, gcc, g++, clang, make or python.
mkdir -p "$OUT/bin" "$OUT/project"
for t in node npm npx sh; do ln -s "$(command -v "$t")" "$OUT/bin/$t"; done
cd "$OUT/project"
echo '{"name":"prebuild-smoke","private":true}' >package.json
PATH="$OUT/bin" npm install --no-audit --no-fund "$OUT"/tgz/*.tgz 2>&1 | tee "$OUT/install.log"
if grep -q 'no prebuilt binary' "$OUT/install.log"; then echo "the prebuild was not used"; exit 1; fi
test ! -e node_modules/@nightjar/native-es/build || { echo "the install compiled the addon"; exit 1; }
# 0: no alert, 1: alerts (the bundled rules may fire on this machine); anything else is a failure.
# A crash once left nothing to go on (exit 139, seen in one CI run in many): keep a core, and print
# every thread's stack from it when gdb is there.
ulimit -c unlimited 2>/dev/null || true
code=0
PATH="$OUT/bin" npx nightjar watch --backend linux --duration 2 --status-interval 0 -o "$OUT/alerts.jsonl" </dev/null || code=$?
if [ "$code" -gt 1 ]; then
  echo "watch --backend linux exited $code"
  core="$(ls -t core* 2>/dev/null | head -1 || true)"
  if [ -n "$core" ] && command -v gdb >/dev/null 2>&1; then
    gdb -batch -ex 'thread apply all bt' "$(command -v node)" "$core" 2>&1 | tail -120 || true
  else
    echo "no core file here (kernel.core_pattern: $(cat /proc/sys/kernel/core_pattern 2>/dev/null)) or no gdb"
  fi
  exit 1
fi
echo "prebuild smoke: ok"
