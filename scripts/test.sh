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
set +e
dotnet test FaceFunctions.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One plain closing line for CI: "N passed, N failed, N skipped".
summary=$(grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" | tail -n 1)
if [ -n "$summary" ]; then
  failed=$(sed -E 's/Failed: +([0-9]+).*/\1/' <<<"$summary")
  passed=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$summary")
  skipped=$(sed -E 's/.*Skipped: +([0-9]+)/\1/' <<<"$summary")
  echo "$passed passed, $failed failed, $skipped skipped"
fi
exit "$status"
