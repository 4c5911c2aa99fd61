#!/usr/bin/env bash
# Two builds of the local host, one after the other, on one model in one Azurite: cold start (process start to the
# first answered search) and compose p50 over loopback, three rounds each, alternating. For a change that should not
# move serving's speed (docs/performance.md, "Two builds compared").
#   bash bench/compare-builds.sh OLD_CHECKOUT NEW_CHECKOUT MODEL_FOLDER
# Each checkout must be built (dotnet build -c Release FaceFunctions.sln); the model folder is one `train` wrote.
set -euo pipefail
old="$1"; new="$2"; model="$3"
data=$(mktemp -d); port=10099; api=5099; host=""
"$new/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort $port --location "$data" --skipApiVersionCheck --disableTelemetry --silent &
azurite=$!
trap 'kill $host $azurite 2>/dev/null; wait 2>/dev/null; rm -rf "$data"' EXIT
sleep 3
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
storage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;"
dotnet "$new/src/TrainingJob/bin/Release/net10.0/linux-x64/FaceFunctions.TrainingJob.dll" publish --model "$model" --storage-connection-string "$storage" >/dev/null
image=$(find "$model/images" -name "*.png" -print -quit)
for round in 1 2 3; do
  for which in old new; do
    root=$([ $which = old ] && echo "$old" || echo "$new")
    start=$(date +%s.%N)
    # Both names of the retry setting: each build reads its own.
    ASPNETCORE_URLS=http://127.0.0.1:$api dotnet "$root/src/LocalHost/bin/Release/net10.0/linux-x64/FaceFunctions.LocalHost.dll" \
      --Storage:ConnectionString "$storage" --Serving:LoadRetrySeconds 0.05 --Serving:LoadRetryInterval 00:00:00.05 \
      --Auth:AnonymousPermissions "Read, Write" >/dev/null 2>&1 &
    host=$!
    for _ in $(seq 1 1200); do
      code=$(curl -s -o /dev/null -w "%{http_code}" -H "Content-Type: image/png" --data-binary @"$image" "http://127.0.0.1:$api/api/search?wholeImage=true" || true)
      [ "$code" = 200 ] && break
      sleep 0.05
    done
    cold=$(echo "$(date +%s.%N) - $start" | bc)
    compose=$(python3 - "$api" <<'PY'
import http.client, json, statistics, sys, time
conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
conn.request("GET", "/api/labels")
facets = json.loads(conn.getresponse().read())["facets"]
body = json.dumps({"add": {facets[0]["name"]: facets[0]["values"][0]["value"], facets[1]["name"]: facets[1]["values"][1]["value"]}, "k": 5})
times = []
for i in range(600):
    start = time.perf_counter()
    conn.request("POST", "/api/compose", body, {"Content-Type": "application/json"})
    response = conn.getresponse(); response.read()
    if response.status != 200: sys.exit(f"compose answered {response.status}")
    if i >= 100: times.append((time.perf_counter() - start) * 1000)
print(f"{statistics.median(times):.2f}")
PY
)
    echo "$which, round $round: cold start $(printf '%.2f' "$cold") s, compose p50 $compose ms"
    kill $host; wait $host 2>/dev/null || true
    host=""
  done
done
