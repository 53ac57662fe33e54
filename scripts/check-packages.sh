#!/usr/bin/env bash
# Packs every publishable workspace package the way `pnpm publish` would and checks the tarball:
# - no test, fake or TypeScript build-info file is shipped;
# - publint (package.json fields against the files actually packed);
# - @arethetypeswrong/cli --profile esm-only (the types resolve for ESM consumers under node16/bundler).
# Usage: scripts/check-packages.sh [package-dir...]   (default: every non-private packages/*)
# Needs a build (tsc -b) first; run from anywhere. Exit status 1 when any package fails any check.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

if [ "$#" -gt 0 ]; then
  dirs=("$@")
else
  dirs=()
  for pj in packages/*/package.json; do
    node -e 'process.exit(require(process.argv[1]).private ? 1 : 0)' "$ROOT/$pj" && dirs+=("$(dirname "$pj")")
  done
fi

# Shipped files must not include tests, test doubles or tsc's incremental-build state.
FORBIDDEN='(^|/)(test|tests|__tests__|testing)/|fake|\.test\.[cm]?[jt]s$|\.tsbuildinfo$'

failed=()
for dir in "${dirs[@]}"; do
  name="$(node -p 'require(process.argv[1]).name' "$ROOT/$dir/package.json")"
  echo "=== $name ($dir)"
  before="$(ls "$OUT")"
  if ! (cd "$dir" && npx -y pnpm@10 pack --pack-destination "$OUT" >"$OUT/pack.log" 2>&1); then
    cat "$OUT/pack.log"
    failed+=("$name: pack")
    continue
  fi
  tgz="$(comm -13 <(echo "$before" | sort) <(ls "$OUT" | sort) | grep '\.tgz$' | head -1)"
  tgz="$OUT/$tgz"
  entries="$(tar tzf "$tgz")"
  echo "$(echo "$entries" | wc -l) files, $(du -k "$tgz" | cut -f1) KiB packed"
  bad="$(echo "$entries" | sed 's|^package/||' | grep -E "$FORBIDDEN" || true)"
  if [ -n "$bad" ]; then
    echo "forbidden files in the tarball ($(echo "$bad" | wc -l)):"
    echo "$bad" | sed 's/^/  /' | head -40
    failed+=("$name: test/fake/tsbuildinfo files shipped")
  fi
  echo "--- publint"
  npx publint run "$tgz" --strict || failed+=("$name: publint")
  echo "--- attw --profile esm-only"
  npx attw "$tgz" --profile esm-only --format ascii || failed+=("$name: attw")
done

echo
if [ "${#failed[@]}" -gt 0 ]; then
  echo "package checks FAILED:"
  printf '  %s\n' "${failed[@]}"
  exit 1
fi
echo "package checks passed: ${dirs[*]}"
