#!/usr/bin/env bash
# The function app under the real Azure Functions host, as `func start` runs it: publishes src/Functions, then runs
# `func start --enableAuth` where the Core Tools are installed (on PATH or in node_modules/.bin), else the host of ../shared/functions-host (or the
# folder or .tar.gz that FACEFUNCTIONS_FUNCTIONS_HOST names). The API's service key (Auth:Keys:local, reading and
# writing; docs/access.md) and the host's own master key are kept in .functions-host/secrets; the service key is printed. Storage comes from the environment as in Azure: Storage__ConnectionString, Storage__ServiceUri or
# Storage__Folder (default: out/model, which scripts/demo.sh writes). PORT overrides 7071.
set -euo pipefail
cd "$(dirname "$0")/.."

port="${PORT:-7071}"
work="$(pwd)/.functions-host"
app="$work/app"
secrets="$work/secrets"
mkdir -p "$work" "$secrets"
dotnet publish src/Functions -c Release -o "$app" -nologo -clp:ErrorsOnly

if [ -z "${Storage__ConnectionString:-}${Storage__ServiceUri:-}${Storage__Folder:-}" ]; then
  export Storage__Folder="$(pwd)/out/model"
fi
export AzureWebJobsScriptRoot="$app" FUNCTIONS_WORKER_RUNTIME=dotnet-isolated
export AzureWebJobsSecretStorageType=files FUNCTIONS_SECRETS_PATH="$secrets"
export DOTNET_ROLL_FORWARD=Major ASPNETCORE_URLS="http://127.0.0.1:${port}"

if [ ! -f "$secrets/host.json" ]; then
  key() { head -c 30 /dev/urandom | base64 | tr '+/' '-_'; }
  printf '{"masterKey":{"name":"master","value":"%s","encrypted":false},"functionKeys":[{"name":"default","value":"%s","encrypted":false}],"systemKeys":[]}\n' \
    "$(key)" "$(key)" > "$secrets/host.json"
fi
if [ ! -f "$secrets/service-key" ]; then
  head -c 30 /dev/urandom | base64 | tr '+/' '-_' > "$secrets/service-key"
fi
export Auth__Keys__local__Secret="$(cat "$secrets/service-key")" Auth__Keys__local__Permissions="Read, Write"
echo "Service key (reads and writes): $Auth__Keys__local__Secret"
echo "Serving on http://127.0.0.1:${port}/api/ (send the key in x-functions-key or ?code=, or a token where Auth__Issuers__0__* are set)"

# The Core Tools: on PATH, or where `npm ci` put them (an optional dependency, present where their download worked).
PATH="$PATH:$(pwd)/node_modules/.bin"
if command -v func >/dev/null; then
  cd "$app"
  exec func start --port "$port" --enableAuth
fi
source="${FACEFUNCTIONS_FUNCTIONS_HOST:-../shared/functions-host/functions-host-4.1037.0.tar.gz}"
if [ -d "$source" ]; then
  host="$source"
elif [ -f "$source" ]; then
  host="$work/host/functions-host"
  [ -f "$host/Microsoft.Azure.WebJobs.Script.WebHost.dll" ] || { mkdir -p "$work/host"; tar xzf "$source" -C "$work/host"; }
else
  echo "No Azure Functions host: install the Core Tools (func), or set FACEFUNCTIONS_FUNCTIONS_HOST to the host's folder or .tar.gz." >&2
  exit 1
fi
mkdir -p "$host/workers"
# These machines set CONTAINER_NAME; with it the host acts as in Azure's Linux hosting.
exec env -u CONTAINER_NAME dotnet "$host/Microsoft.Azure.WebJobs.Script.WebHost.dll"
