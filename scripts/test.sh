#!/usr/bin/env bash
# The test command: installs what the tests need (Azurite and the OpenAPI linters from npm, the client generators and NuGet packages,
# PostgreSQL with pgvector, Chromium), checks the Bicep, runs every test.
# The tests start Azurite and PostgreSQL themselves (127.0.0.1, free ports, temporary folders) and train a tiny model on the drawn faces.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund --loglevel=error
# Kiota and NSwag (dotnet-tools.json): the generated-client tests run them.
dotnet tool restore
bash scripts/face-detector.sh
# PostgreSQL 15 and pgvector for the pgvector backend's tests (apt-get and a 30 s build, the first time only).
bash scripts/postgres.sh
# Chromium for the page's browser tests (Playwright drives Debian's package).
bash scripts/chromium.sh
dotnet build FaceFunctions.sln -c Release -nologo -clp:ErrorsOnly
dotnet build infra/bicep/Bicep.csproj -nologo -clp:ErrorsOnly
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Every process the tests start inherits this mark, so any that outlives them can be found (below).
run_mark="FACEFUNCTIONS_TEST_RUN=$(cat /proc/sys/kernel/random/uuid)"
set +e
env "$run_mark" dotnet test FaceFunctions.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# The build servers the tests' `dotnet publish` started carry the mark too, and idle on by design: stop them first.
env "$run_mark" dotnet build-server shutdown >/dev/null 2>&1 || true
sleep 2
leftovers=$(grep -lsz --fixed-strings "$run_mark" /proc/[0-9]*/environ | cut -d/ -f3 || true)
if [ -n "$leftovers" ]; then
  echo "Processes the tests started outlived them (a fixture did not stop what it started):"
  for pid in $leftovers; do echo "  $pid: $(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)"; done
  kill -9 $leftovers 2>/dev/null || true
  status=1
fi
# One plain closing line for CI: "N passed, N failed, N skipped".
summary=$(grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" | tail -n 1)
if [ -n "$summary" ]; then
  failed=$(sed -E 's/Failed: +([0-9]+).*/\1/' <<<"$summary")
  passed=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$summary")
  skipped=$(sed -E 's/.*Skipped: +([0-9]+)/\1/' <<<"$summary")
  echo "$passed passed, $failed failed, $skipped skipped"
fi
exit "$status"
