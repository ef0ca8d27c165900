#!/usr/bin/env bash
# Builds the examples (examples/vanilla, examples/vite, examples/nextjs) and tests them end to end
# in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core), plus the SDK's
# runtime checks (Node, browser-platform bundle, edge-style sandbox). See examples/README.md.
#
#   bash scripts/examples.sh                  # everything (after `npm ci` at the root)
#   EXAMPLES=vanilla,vite bash scripts/examples.sh   # a subset (skips the slow Next.js build)
#
# Needs /usr/bin/chromium (`apt-get install -y chromium`; .ci/run installs it when missing).
# Screenshots and timings go to test-artifacts/examples/.
set -euo pipefail
cd "$(dirname "$0")/.."

EXAMPLES="${EXAMPLES:-vanilla,vite,nextjs}"
export EXAMPLES NEXT_TELEMETRY_DISABLED=1
CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM_PATH" ]; then
  echo "examples: $CHROMIUM_PATH is missing; install Debian's chromium (apt-get install -y chromium)" >&2
  exit 1
fi
mkdir -p test-artifacts/examples
timings=test-artifacts/examples/timings.txt
: > "$timings"

step() {
  local label="$1"
  shift
  echo "::: $label"
  local start=$SECONDS
  "$@"
  local took=$((SECONDS - start))
  printf '%-32s %4ds\n' "$label" "$took" | tee -a "$timings"
}

# The examples install the SDK and the proxy from this checkout (file:../.. with install-links),
# packed from their dist/: build both first.
step "build @visgate_ai/client" npm run build --silent
step "build @visgate_ai/server-proxy" bash -c "cd server-proxy && npm run build --silent"

IFS=, read -r -a selected <<< "$EXAMPLES"
for dir in e2e "${selected[@]}"; do
  if stale=$(node scripts/examples-lock-check.mjs "examples/$dir"); then
    step "install $dir" bash -c "cd examples/$dir && npm ci --no-audit --no-fund --loglevel=error"
  else
    # The SDK's or the proxy's dependencies changed since the lock was written: refresh their
    # entries (other pins are kept) and say so, so that the new lock gets committed.
    echo "WARNING: refreshing examples/$dir/package-lock.json for $stale; commit it" >&2
    step "install $dir (lock refreshed)" bash -c "cd examples/$dir && npm ci --no-audit --no-fund --loglevel=error && npm install --no-audit --no-fund --loglevel=error $stale"
    node scripts/examples-lock-check.mjs "examples/$dir" > /dev/null
  fi
done
for dir in "${selected[@]}"; do
  step "build $dir" bash -c "cd examples/$dir && npm run build"
done

step "test (node --test)" bash -c "cd examples/e2e && node --test --test-concurrency=1 runtime.test.mjs examples.test.mjs"
echo "::: timings"
cat "$timings"
