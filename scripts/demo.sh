#!/usr/bin/env bash
# The main job end to end on the embedded default: Azurite up, train on the drawn faces, publish the model to
# Azurite, serve it with the local API host, answer sample compose and search queries.
# EPOCHS, IMAGE_SIZE, AZURITE_PORT and API_PORT override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

azurite_port="${AZURITE_PORT:-10000}"
api_port="${API_PORT:-7071}"
connection="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:${azurite_port}/devstoreaccount1;"

npm ci --no-audit --no-fund --loglevel=error
bash scripts/face-detector.sh
dotnet build FaceFunctions.sln -c Release -nologo -clp:ErrorsOnly

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

mkdir -p .azurite
node_modules/.bin/azurite-blob --blobHost 127.0.0.1 --blobPort "$azurite_port" --location .azurite \
  --skipApiVersionCheck --disableTelemetry --silent &
pids+=($!)
echo "Azurite (Blob) on 127.0.0.1:${azurite_port}, data in .azurite/"

# The connection string travels in the environment, not on the command line where the process list shows it.
export Storage__ConnectionString="$connection"
dotnet run -c Release --no-build --project src/TrainingJob -- train --data synthetic --output out/model \
  ${EPOCHS:+--epochs "$EPOCHS"} ${IMAGE_SIZE:+--image-size "$IMAGE_SIZE"}

# Open to callers without credentials: this API listens on 127.0.0.1 only (docs/access.md).
dotnet run -c Release --no-build --project src/LocalHost -- --urls "http://127.0.0.1:${api_port}" \
  --Auth:AnonymousPermissions "Read, Write" --Logging:LogLevel:Default Warning &
pids+=($!)

node scripts/sample-queries.mjs "http://127.0.0.1:${api_port}"
