#!/usr/bin/env bash
# The test command: installs what the tests need (Azurite from npm, NuGet packages), checks the Bicep, runs every test.
# The tests start Azurite themselves (127.0.0.1, a free port) and train a tiny model on the drawn faces.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund --loglevel=error
dotnet build FaceFunctions.sln -c Release -nologo -clp:ErrorsOnly
dotnet build infra/bicep/Bicep.csproj -nologo -clp:ErrorsOnly
dotnet test FaceFunctions.sln -c Release --no-build -nologo "$@"
