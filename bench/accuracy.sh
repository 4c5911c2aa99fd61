#!/usr/bin/env bash
# Accuracy benchmark (docs/accuracy.md): trains each configuration below on the drawn faces and on the Yale faces
# (../shared/data/yalefaces), keeps each report.json under bench/results/, then writes the table.
#   bash bench/accuracy.sh            all runs (several hours on 2 cores)
#   bash bench/accuracy.sh quick      the default configuration on the drawn faces, one seed
#   bash bench/accuracy.sh NAME...    just the runs named (names as in the list below)
# Runs whose result exists are skipped: delete bench/results/NAME.json to repeat one.
set -euo pipefail
# The braces make bash read the whole script before running any of it, so editing this file while a run is under way
# cannot change what that run does next.
{
cd "$(dirname "$0")/.."
yale="${YALE:-../shared/data/yalefaces}"
results=bench/results
mkdir -p "$results"
dotnet build src/TrainingJob -c Release -nologo -clp:ErrorsOnly
job=src/TrainingJob/bin/Release/net10.0/linux-x64/FaceFunctions.TrainingJob.dll

runs=(
  # name | data | arguments; run in this order, most telling first. "-learned" runs publish the facet vectors the
  # composition objective learned (the default); the others take medians of each value's images.
  "drawn-resnet18-composition+triplet-learned-s1|synthetic|--backbone resnet18 --objective composition+triplet --seed 1 --held-out-folds 3"
)
if [ "${1:-}" != quick ]; then
  runs+=(
    "yale-resnet18-composition+triplet-learned-lr3e-4-s1|$yale|--backbone resnet18 --objective composition+triplet --learning-rate 3e-4 --seed 1 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-160px-s1|$yale|--backbone resnet18 --objective composition+triplet --image-size 160 --seed 1 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-192px-s1|$yale|--backbone resnet18 --objective composition+triplet --image-size 192 --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-e45-s1|synthetic|--backbone resnet18 --objective composition+triplet --epochs 45 --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-160px-s1|synthetic|--backbone resnet18 --objective composition+triplet --image-size 160 --seed 1 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-192px-s2|$yale|--backbone resnet18 --objective composition+triplet --image-size 192 --seed 2 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-192px-s3|$yale|--backbone resnet18 --objective composition+triplet --image-size 192 --seed 3 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-160px-e45-s1|synthetic|--backbone resnet18 --objective composition+triplet --image-size 160 --epochs 45 --seed 1 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-160px-s2|$yale|--backbone resnet18 --objective composition+triplet --image-size 160 --seed 2 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-160px-s2|synthetic|--backbone resnet18 --objective composition+triplet --image-size 160 --seed 2 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-frozen2-s1|$yale|--backbone resnet18 --objective composition+triplet --frozen-stages 2 --seed 1 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-frozen2-s2|$yale|--backbone resnet18 --objective composition+triplet --frozen-stages 2 --seed 2 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-frozen3-s1|$yale|--backbone resnet18 --objective composition+triplet --frozen-stages 3 --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-frozen2-s1|synthetic|--backbone resnet18 --objective composition+triplet --frozen-stages 2 --seed 1 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-noflip-s1|$yale|--backbone resnet18 --objective composition+triplet --no-flip --seed 1 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-s1|$yale|--backbone resnet18 --objective composition+triplet --seed 1 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-s2|$yale|--backbone resnet18 --objective composition+triplet --seed 2 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-e45-s1|$yale|--backbone resnet18 --objective composition+triplet --epochs 45 --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-s2|synthetic|--backbone resnet18 --objective composition+triplet --seed 2 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-flr1e-2-s1|synthetic|--backbone resnet18 --objective composition+triplet --facet-learning-rate 0.01 --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-s1|synthetic|--backbone resnet18 --facet-vectors median --objective composition+triplet --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-s2|synthetic|--backbone resnet18 --facet-vectors median --objective composition+triplet --seed 2 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-e20-s1|synthetic|--backbone resnet18 --facet-vectors median --objective composition+triplet --seed 1 --epochs 20 --held-out-folds 3"
    "yale-resnet18-composition+triplet-s1|$yale|--backbone resnet18 --facet-vectors median --objective composition+triplet --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition-s1|synthetic|--backbone resnet18 --facet-vectors median --objective composition --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition-s2|synthetic|--backbone resnet18 --facet-vectors median --objective composition --seed 2 --held-out-folds 3"
    "drawn-resnet18-composition-s3|synthetic|--backbone resnet18 --facet-vectors median --objective composition --seed 3 --held-out-folds 3"
    "drawn-mobilenet_v2-triplet-s1|synthetic|--backbone mobilenet_v2 --objective triplet --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-s3|synthetic|--backbone resnet18 --facet-vectors median --objective composition+triplet --seed 3 --held-out-folds 3"
    "yale-resnet18-composition-s1|$yale|--backbone resnet18 --facet-vectors median --objective composition --seed 1 --held-out-folds 3"
    "drawn-resnet18-triplet-s1|synthetic|--backbone resnet18 --objective triplet --seed 1 --held-out-folds 3"
    "yale-mobilenet_v2-triplet-s1|$yale|--backbone mobilenet_v2 --objective triplet --seed 1"
    "drawn-resnet18-composition+triplet-s1-224px|synthetic|--backbone resnet18 --facet-vectors median --objective composition+triplet --seed 1 --image-size 224"
    "drawn-mobilenet_v2-composition-s1|synthetic|--backbone mobilenet_v2 --facet-vectors median --objective composition --seed 1 --held-out-folds 3"
    "drawn-mobilenet_v2-composition+triplet-s1|synthetic|--backbone mobilenet_v2 --facet-vectors median --objective composition+triplet --seed 1 --held-out-folds 3"
  )
fi

chosen=" $* "
for run in "${runs[@]}"; do
  IFS='|' read -r name data arguments <<<"$run"
  if [ $# -gt 0 ] && [ "$1" != quick ] && [[ "$chosen" != *" $name "* ]]; then continue; fi
  [ -f "$results/$name.json" ] && { echo "skip $name (done)"; continue; }
  echo "== $name"
  out=$(mktemp -d)
  start=$(date +%s)
  # shellcheck disable=SC2086
  dotnet "$job" train --data "$data" --output "$out/model" $arguments >"$results/$name.log" 2>&1 \
    || { echo "failed: see $results/$name.log"; tail -3 "$results/$name.log"; continue; }
  echo "wall seconds (training, evaluation, held-out folds): $(( $(date +%s) - start ))" >>"$results/$name.log"
  cp "$out/model/report.json" "$results/$name.json"
  cp "$out/model/loss.png" "$results/$name-loss.png"
  rm -rf "$out" "$out.previous"
  grep -E "^(seed protocol|unseen|transform)" "$results/$name.log" | sed 's/^/   /'
done
node bench/summarize.mjs "$results" > docs/accuracy-results.md
echo "wrote docs/accuracy-results.md"
exit
}
