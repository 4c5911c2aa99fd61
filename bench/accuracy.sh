#!/usr/bin/env bash
# Accuracy benchmark (docs/accuracy.md): trains each configuration below on the drawn faces, the Yale faces
# (../shared/data/yalefaces) and the CMU Face Images (../shared/data/cmu-faces, from scripts/datasets/cmu-faces.sh),
# keeps each report.json under bench/results/, then writes the table.
#   bash bench/accuracy.sh            all runs in the list below (several hours on 2 cores)
#   bash bench/accuracy.sh quick      the default configuration on the drawn faces, one seed
#   bash bench/accuracy.sh NAME...    just the runs named (names as in the list below)
#   bash bench/accuracy.sh matrix     every backbone x objective x seed 1-3 on both datasets at 128 and 192 px, 30 epochs
#                                     (72 runs; meant for a GPU node, docs/gpu.md); names after "matrix" pick from those
# Runs whose result exists are skipped: delete bench/results/NAME.json to repeat one.
# Environment: RESULTS (folder, default bench/results), PARALLEL (runs at a time, default 1), DEVICE (auto, cpu or
# cuda), JOB (a built FaceFunctions.TrainingJob.dll: skips the build, for a node with the .NET runtime but no SDK).
set -euo pipefail
# The braces make bash read the whole script before running any of it, so editing this file while a run is under way
# cannot change what that run does next.
{
cd "$(dirname "$0")/.."
yale="${YALE:-../shared/data/yalefaces}"
cmu="${CMU:-../shared/data/cmu-faces}"
results="${RESULTS:-bench/results}"
mkdir -p "$results"
job="${JOB:-}"
if [ -z "$job" ]; then
  dotnet build src/TrainingJob -c Release -nologo -clp:ErrorsOnly
  job=src/TrainingJob/bin/Release/net10.0/linux-x64/FaceFunctions.TrainingJob.dll
fi

runs=(
  # name | data | arguments; run in this order, most telling first. "-learned" runs publish the facet vectors the
  # composition objective learned (the default); the others take medians of each value's images.
  # The first is today's default configuration (issue 17) on the drawn faces, its settings named so that the run
  # stays what it was: the face step, the transform term, every image but one of each cell, 45 epochs (90 passes
  # over one image of each cell).
  "drawn-issue17-default-s1|synthetic|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --epochs 45 --seed 1 --held-out-folds 3"
)
if [ "${1:-}" != quick ]; then
  runs+=(
    # Issue 17's levers, each named in full (docs/accuracy.md, "Unseen combinations: the levers of issue 17"). On
    # Yale's one image a cell, first-of-each-cell at 90 epochs is what today's default trains.
    "drawn-issue17-default-s2|synthetic|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --epochs 45 --seed 2 --held-out-folds 3"
    "drawn-issue17-default-s3|synthetic|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --epochs 45 --seed 3 --held-out-folds 3"
    "drawn-issue17-face-s1|synthetic|--face detect --transform-weight 0 --train-on first-of-each-cell --epochs 90 --seed 1 --held-out-folds 3"
    "drawn-issue17-face-s2|synthetic|--face detect --transform-weight 0 --train-on first-of-each-cell --epochs 90 --seed 2 --held-out-folds 3"
    "drawn-issue17-face-s3|synthetic|--face detect --transform-weight 0 --train-on first-of-each-cell --epochs 90 --seed 3 --held-out-folds 3"
    "drawn-issue17-face-term-s1|synthetic|--face detect --transform-weight 1 --train-on first-of-each-cell --epochs 90 --seed 1 --held-out-folds 3"
    "drawn-issue17-face-term-s2|synthetic|--face detect --transform-weight 1 --train-on first-of-each-cell --epochs 90 --seed 2 --held-out-folds 3"
    "drawn-issue17-face-term-s3|synthetic|--face detect --transform-weight 1 --train-on first-of-each-cell --epochs 90 --seed 3 --held-out-folds 3"
    "drawn-issue17-face-split-s1|synthetic|--face detect --transform-weight 0 --train-on all-but-one-of-each-cell --epochs 90 --seed 1 --held-out-folds 3"
    "drawn-issue17-face-split-s2|synthetic|--face detect --transform-weight 0 --train-on all-but-one-of-each-cell --epochs 90 --seed 2 --held-out-folds 3"
    "drawn-issue17-face-split-s3|synthetic|--face detect --transform-weight 0 --train-on all-but-one-of-each-cell --epochs 90 --seed 3 --held-out-folds 3"
    "drawn-issue17-face-term-split-e90-s1|synthetic|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --epochs 90 --seed 1 --held-out-folds 3"
    "drawn-issue17-face-term-split-e90-s2|synthetic|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --epochs 90 --seed 2 --held-out-folds 3"
    "drawn-issue17-face-term-split-e90-s3|synthetic|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --epochs 90 --seed 3 --held-out-folds 3"
    "yale-issue17-term-s1|$yale|--face none --transform-weight 1 --train-on first-of-each-cell --epochs 90 --seed 1 --held-out-folds 3"
    "yale-issue17-term-s2|$yale|--face none --transform-weight 1 --train-on first-of-each-cell --epochs 90 --seed 2 --held-out-folds 3"
    "yale-issue17-term-s3|$yale|--face none --transform-weight 1 --train-on first-of-each-cell --epochs 90 --seed 3 --held-out-folds 3"
    "yale-issue17-face-term-s1|$yale|--face detect --transform-weight 1 --train-on first-of-each-cell --epochs 90 --seed 1 --held-out-folds 3"
    "yale-issue17-term-t005-s1|$yale|--face none --transform-weight 1 --train-on first-of-each-cell --epochs 90 --temperature 0.05 --seed 1 --held-out-folds 3"
    "yale-issue17-term-t02-s1|$yale|--face none --transform-weight 1 --train-on first-of-each-cell --epochs 90 --temperature 0.2 --seed 1 --held-out-folds 3"
    "yale-issue17-term-t02-s2|$yale|--face none --transform-weight 1 --train-on first-of-each-cell --epochs 90 --temperature 0.2 --seed 2 --held-out-folds 3"
    "yale-issue17-term-t02-s3|$yale|--face none --transform-weight 1 --train-on first-of-each-cell --epochs 90 --temperature 0.2 --seed 3 --held-out-folds 3"
    # Issue 29: the original experiment's recipe on the quantised ImageNet stand-in (../shared/weights), 128 px for
    # time on two cores and 256 px as it ran, beside today's default on the same protocols (experiment_protocol).
    # The recipe as issue 29 wrote it: the four points issue 44 found (below) each set as it had them.
    "drawn-issue29-experiment-128-s1|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --triplet-positive other --image-size 128 --seed 1"
    "drawn-issue29-experiment-128-s2|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --triplet-positive other --image-size 128 --seed 2"
    "drawn-issue29-experiment-128-s3|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --triplet-positive other --image-size 128 --seed 3"
    "yale-issue29-experiment-128-s1|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --triplet-positive other --image-size 128 --seed 1"
    "yale-issue29-experiment-128-s2|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --triplet-positive other --image-size 128 --seed 2"
    "yale-issue29-experiment-128-s3|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --triplet-positive other --image-size 128 --seed 3"
    "drawn-issue29-default-s1|synthetic|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --seed 1"
    "drawn-issue29-default-s2|synthetic|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --seed 2"
    "drawn-issue29-default-s3|synthetic|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --seed 3"
    "yale-issue29-default-s1|$yale|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --seed 1"
    "drawn-issue29-experiment-256-s1|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --triplet-positive other --seed 1"
    "yale-issue29-experiment-256-s1|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --triplet-positive other --seed 1"
    # Issue 44: the recipe's four points as the notebook ran them (BatchNorm by each image's statistics at embedding,
    # input in [0, 1], numpy's median height first, the positive drawn from every image), each alone beside issue 29's
    # recipe ("none": its settings on today's code, whose figures moved from issue 29's runs) and all four (the recipe
    # today), 128 px, three seeds.
    "drawn-issue44-none-128-s1|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --triplet-positive other --image-size 128 --seed 1"
    "drawn-issue44-all-128-s1|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --image-size 128 --seed 1"
    "drawn-issue44-all-128-s2|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --image-size 128 --seed 2"
    "drawn-issue44-all-128-s3|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --image-size 128 --seed 3"
    "drawn-issue44-none-128-s2|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --triplet-positive other --image-size 128 --seed 2"
    "drawn-issue44-none-128-s3|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --triplet-positive other --image-size 128 --seed 3"
    "drawn-issue44-norm-128-s1|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --input-scale backbone --median lower --triplet-positive other --image-size 128 --seed 1"
    "drawn-issue44-norm-128-s2|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --input-scale backbone --median lower --triplet-positive other --image-size 128 --seed 2"
    "drawn-issue44-norm-128-s3|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --input-scale backbone --median lower --triplet-positive other --image-size 128 --seed 3"
    "drawn-issue44-scale-128-s1|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --median lower --triplet-positive other --image-size 128 --seed 1"
    "drawn-issue44-scale-128-s2|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --median lower --triplet-positive other --image-size 128 --seed 2"
    "drawn-issue44-scale-128-s3|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --median lower --triplet-positive other --image-size 128 --seed 3"
    "drawn-issue44-median-128-s1|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --triplet-positive other --image-size 128 --seed 1"
    "drawn-issue44-median-128-s2|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --triplet-positive other --image-size 128 --seed 2"
    "drawn-issue44-median-128-s3|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --triplet-positive other --image-size 128 --seed 3"
    "drawn-issue44-positive-128-s1|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --image-size 128 --seed 1"
    "drawn-issue44-positive-128-s2|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --image-size 128 --seed 2"
    "drawn-issue44-positive-128-s3|synthetic|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --image-size 128 --seed 3"
    "yale-issue44-all-128-s1|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --image-size 128 --seed 1"
    "yale-issue44-all-128-s2|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --image-size 128 --seed 2"
    "yale-issue44-all-128-s3|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --image-size 128 --seed 3"
    "yale-issue44-none-128-s1|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --triplet-positive other --image-size 128 --seed 1"
    "yale-issue44-none-128-s2|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --triplet-positive other --image-size 128 --seed 2"
    "yale-issue44-none-128-s3|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --triplet-positive other --image-size 128 --seed 3"
    "yale-issue44-norm-128-s1|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --input-scale backbone --median lower --triplet-positive other --image-size 128 --seed 1"
    "yale-issue44-scale-128-s1|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --median lower --triplet-positive other --image-size 128 --seed 1"
    "yale-issue44-median-128-s1|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --triplet-positive other --image-size 128 --seed 1"
    "yale-issue44-positive-128-s1|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --image-size 128 --seed 1"
    "yale-issue44-norm-128-s2|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --input-scale backbone --median lower --triplet-positive other --image-size 128 --seed 2"
    "yale-issue44-scale-128-s2|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --median lower --triplet-positive other --image-size 128 --seed 2"
    "yale-issue44-median-128-s2|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --triplet-positive other --image-size 128 --seed 2"
    "yale-issue44-positive-128-s2|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --image-size 128 --seed 2"
    "yale-issue44-norm-128-s3|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --input-scale backbone --median lower --triplet-positive other --image-size 128 --seed 3"
    "yale-issue44-scale-128-s3|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --median lower --triplet-positive other --image-size 128 --seed 3"
    "yale-issue44-median-128-s3|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --triplet-positive other --image-size 128 --seed 3"
    "yale-issue44-positive-128-s3|$yale|--recipe original-experiment --weights ../shared/weights/mobilenetv2-7.quant.onnx --embedding-norm running --input-scale backbone --median lower --image-size 128 --seed 3"
    # Issue 30: the enrolled-values protocol on today's default: persons trained without (half the drawn persons at a
    # time, a third of Yale's subjects), enrolled from their images as the API enrols them, composed and transformed.
    "drawn-issue30-enrolled-s1|synthetic|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --seed 1 --enrolled-folds 2"
    "yale-issue30-enrolled-s1|$yale|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --seed 1 --enrolled-folds 3"
    "drawn-issue30-enrolled-s2|synthetic|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --seed 2 --enrolled-folds 2"
    "yale-issue30-enrolled-s2|$yale|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --seed 2 --enrolled-folds 3"
    "drawn-issue30-enrolled-s3|synthetic|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --seed 3 --enrolled-folds 2"
    "yale-issue30-enrolled-s3|$yale|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --seed 3 --enrolled-folds 3"
    # Issue 31: today's default (issue 31's colour cast and greyscale named) on every real set, three seeds: Yale, and
    # the CMU Face Images (scripts/datasets/cmu-faces.sh puts them in ../shared/data/cmu-faces).
    "yale-issue31-default-s1|$yale|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --colour-cast 0.15 --greyscale 0.2 --seed 1 --held-out-folds 3"
    "yale-issue31-default-s2|$yale|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --colour-cast 0.15 --greyscale 0.2 --seed 2 --held-out-folds 3"
    "yale-issue31-default-s3|$yale|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --colour-cast 0.15 --greyscale 0.2 --seed 3 --held-out-folds 3"
    "cmu-issue31-default-s1|$cmu|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --colour-cast 0.15 --greyscale 0.2 --seed 1 --held-out-folds 3"
    "cmu-issue31-default-s2|$cmu|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --colour-cast 0.15 --greyscale 0.2 --seed 2 --held-out-folds 3"
    "cmu-issue31-default-s3|$cmu|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --colour-cast 0.15 --greyscale 0.2 --seed 3 --held-out-folds 3"
    # Issue 31's levers for the expression facet: nothing frozen (the default keeps resnet18's first two stages).
    "cmu-issue31-frozen0-s1|$cmu|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --colour-cast 0.15 --greyscale 0.2 --frozen-stages 0 --seed 1 --held-out-folds 3"
    "cmu-issue31-frozen0-s2|$cmu|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --colour-cast 0.15 --greyscale 0.2 --frozen-stages 0 --seed 2 --held-out-folds 3"
    "cmu-issue31-frozen0-s3|$cmu|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --colour-cast 0.15 --greyscale 0.2 --frozen-stages 0 --seed 3 --held-out-folds 3"
    # A sharper composition objective: temperature 0.05 (the default 0.1).
    "yale-issue31-temp005-s1|$yale|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --colour-cast 0.15 --greyscale 0.2 --temperature 0.05 --seed 1 --held-out-folds 3"
    "yale-issue31-temp005-s2|$yale|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --colour-cast 0.15 --greyscale 0.2 --temperature 0.05 --seed 2 --held-out-folds 3"
    "yale-issue31-temp005-s3|$yale|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --colour-cast 0.15 --greyscale 0.2 --temperature 0.05 --seed 3 --held-out-folds 3"
    # A larger input (160 px, the default 128) with today's default.
    "yale-issue31-160px-s1|$yale|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --colour-cast 0.15 --greyscale 0.2 --image-size 160 --seed 1 --held-out-folds 3"
    "yale-issue31-160px-s2|$yale|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --colour-cast 0.15 --greyscale 0.2 --image-size 160 --seed 2 --held-out-folds 3"
    "yale-issue31-160px-s3|$yale|--face detect --transform-weight 1 --train-on all-but-one-of-each-cell --colour-cast 0.15 --greyscale 0.2 --image-size 160 --seed 3 --held-out-folds 3"
    # The default configuration of its time before issue 17 (resnet18 on ImageNet weights, its first two stages
    # frozen, composition, 90 epochs, 128 px) on whole images, without the transform term, on the first image of
    # each cell (run_one adds what it needs), with nothing else but the seed and the folds given.
    "drawn-resnet18-composition-learned-e90-frozen2-s1|synthetic|--seed 1 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-s1|synthetic|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition-learned-e75-s1|synthetic|--backbone resnet18 --frozen-stages 0 --objective composition --epochs 75 --seed 1 --held-out-folds 3"
    "yale-resnet18-composition-learned-e75-s1|$yale|--backbone resnet18 --frozen-stages 0 --objective composition --epochs 75 --seed 1 --held-out-folds 3"
    "yale-resnet18-composition-learned-e90-s1|$yale|--backbone resnet18 --frozen-stages 0 --objective composition --epochs 90 --seed 1 --held-out-folds 3"
    "yale-resnet18-composition-learned-e90-s2|$yale|--backbone resnet18 --frozen-stages 0 --objective composition --epochs 90 --seed 2 --held-out-folds 3"
    "yale-resnet18-composition-learned-e90-frozen2-s1|$yale|--backbone resnet18 --objective composition --epochs 90 --frozen-stages 2 --seed 1 --held-out-folds 3"
    "yale-resnet18-composition-learned-e90-frozen2-s2|$yale|--backbone resnet18 --objective composition --epochs 90 --frozen-stages 2 --seed 2 --held-out-folds 3"
    "drawn-resnet18-composition-learned-e90-frozen2-s2|synthetic|--backbone resnet18 --objective composition --epochs 90 --frozen-stages 2 --seed 2 --held-out-folds 3"
    "yale-resnet18-composition-learned-e90-frozen2-s3|$yale|--backbone resnet18 --objective composition --epochs 90 --frozen-stages 2 --seed 3 --held-out-folds 3"
    "drawn-resnet18-composition-learned-e90-frozen2-s3|synthetic|--backbone resnet18 --objective composition --epochs 90 --frozen-stages 2 --seed 3 --held-out-folds 3"
    "drawn-resnet18-composition-learned-e90-frozen2-192px-s1|synthetic|--image-size 192 --seed 1 --held-out-folds 3"
    "yale-resnet18-composition-learned-e90-frozen2-192px-s1|$yale|--image-size 192 --seed 1 --held-out-folds 3"
    "yale-resnet18-composition-learned-e90-s3|$yale|--backbone resnet18 --frozen-stages 0 --objective composition --epochs 90 --seed 3 --held-out-folds 3"
    "drawn-resnet18-composition-learned-e90-s1|synthetic|--backbone resnet18 --frozen-stages 0 --objective composition --epochs 90 --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition-learned-e90-s2|synthetic|--backbone resnet18 --frozen-stages 0 --objective composition --epochs 90 --seed 2 --held-out-folds 3"
    "drawn-resnet18-composition-learned-e90-s3|synthetic|--backbone resnet18 --frozen-stages 0 --objective composition --epochs 90 --seed 3 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-lr3e-4-s1|$yale|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --learning-rate 3e-4 --seed 1 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-160px-s1|$yale|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --image-size 160 --seed 1 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-192px-s1|$yale|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --image-size 192 --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-e45-s1|synthetic|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --epochs 45 --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-160px-s1|synthetic|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --image-size 160 --seed 1 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-192px-s2|$yale|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --image-size 192 --seed 2 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-192px-s3|$yale|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --image-size 192 --seed 3 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-160px-e45-s1|synthetic|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --image-size 160 --epochs 45 --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-160px-e45-s2|synthetic|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --image-size 160 --epochs 45 --seed 2 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-160px-e45-s3|synthetic|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --image-size 160 --epochs 45 --seed 3 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-160px-e60-s1|synthetic|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --image-size 160 --epochs 60 --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-160px-e60-s2|synthetic|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --image-size 160 --epochs 60 --seed 2 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-160px-e60-s3|synthetic|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --image-size 160 --epochs 60 --seed 3 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-160px-s2|$yale|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --image-size 160 --seed 2 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-160px-s2|synthetic|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --image-size 160 --seed 2 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-frozen2-s1|$yale|--backbone resnet18 --objective composition+triplet --frozen-stages 2 --seed 1 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-frozen2-s2|$yale|--backbone resnet18 --objective composition+triplet --frozen-stages 2 --seed 2 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-frozen3-s1|$yale|--backbone resnet18 --objective composition+triplet --frozen-stages 3 --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-frozen2-s1|synthetic|--backbone resnet18 --objective composition+triplet --frozen-stages 2 --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-frozen2-s2|synthetic|--backbone resnet18 --objective composition+triplet --frozen-stages 2 --seed 2 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-noflip-s1|$yale|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --no-flip --seed 1 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-s1|$yale|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --seed 1 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-s2|$yale|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --seed 2 --held-out-folds 3"
    "yale-resnet18-composition+triplet-learned-e45-s1|$yale|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --epochs 45 --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-s2|synthetic|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --seed 2 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-learned-flr1e-2-s1|synthetic|--backbone resnet18 --frozen-stages 0 --objective composition+triplet --facet-learning-rate 0.01 --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-s1|synthetic|--backbone resnet18 --frozen-stages 0 --facet-vectors median --objective composition+triplet --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-s2|synthetic|--backbone resnet18 --frozen-stages 0 --facet-vectors median --objective composition+triplet --seed 2 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-e20-s1|synthetic|--backbone resnet18 --frozen-stages 0 --facet-vectors median --objective composition+triplet --seed 1 --epochs 20 --held-out-folds 3"
    "yale-resnet18-composition+triplet-s1|$yale|--backbone resnet18 --frozen-stages 0 --facet-vectors median --objective composition+triplet --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition-s1|synthetic|--backbone resnet18 --frozen-stages 0 --facet-vectors median --objective composition --epochs 30 --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition-s2|synthetic|--backbone resnet18 --frozen-stages 0 --facet-vectors median --objective composition --epochs 30 --seed 2 --held-out-folds 3"
    "drawn-resnet18-composition-s3|synthetic|--backbone resnet18 --frozen-stages 0 --facet-vectors median --objective composition --epochs 30 --seed 3 --held-out-folds 3"
    "drawn-mobilenet_v2-triplet-s1|synthetic|--backbone mobilenet_v2 --objective triplet --seed 1 --held-out-folds 3"
    "drawn-resnet18-composition+triplet-s3|synthetic|--backbone resnet18 --frozen-stages 0 --facet-vectors median --objective composition+triplet --seed 3 --held-out-folds 3"
    "yale-resnet18-composition-s1|$yale|--backbone resnet18 --frozen-stages 0 --facet-vectors median --objective composition --epochs 30 --seed 1 --held-out-folds 3"
    "drawn-resnet18-triplet-s1|synthetic|--backbone resnet18 --frozen-stages 0 --objective triplet --seed 1 --held-out-folds 3"
    "yale-mobilenet_v2-triplet-s1|$yale|--backbone mobilenet_v2 --objective triplet --seed 1"
    "drawn-resnet18-composition+triplet-s1-224px|synthetic|--backbone resnet18 --frozen-stages 0 --facet-vectors median --objective composition+triplet --seed 1 --image-size 224"
    "drawn-mobilenet_v2-composition-s1|synthetic|--backbone mobilenet_v2 --facet-vectors median --objective composition --epochs 30 --seed 1 --held-out-folds 3"
    "drawn-mobilenet_v2-composition+triplet-s1|synthetic|--backbone mobilenet_v2 --facet-vectors median --objective composition+triplet --seed 1 --held-out-folds 3"
  )
fi

if [ "${1:-}" = matrix ]; then
  shift
  runs=()
  for size in 128 192; do for seed in 1 2 3; do for data in yale drawn; do
    for backbone in resnet18 mobilenet_v2; do for objective in composition+triplet composition triplet; do
      # "-learned": the composition objectives publish the facet vectors they learned; the triplet loss has none.
      facets=""; [ "$objective" != triplet ] && facets="-learned"
      size_name=""; [ "$size" != 128 ] && size_name="-${size}px"
      folder=synthetic; [ "$data" = yale ] && folder="$yale"
      # Every objective at 30 epochs with nothing frozen, as the H100 ran it (docs/accuracy.md): equal epochs.
      runs+=("$data-$backbone-$objective$facets$size_name-s$seed|$folder|--backbone $backbone --objective $objective --epochs 30 --frozen-stages 0 --image-size $size --seed $seed --held-out-folds 3")
    done; done
  done; done; done
fi

# One run: train, keep report.json, the loss curve and the log under $results.
run_one() {
  IFS='|' read -r name data arguments <<<"$1"
  # Every run listed here measured whole images, before the face step became the default: they keep doing so, so
  # that their results reproduce (the face step's own benchmark is bench phones, docs/accuracy.md).
  [[ "$arguments" == *--face* ]] || arguments="$arguments --face none"
  # Likewise before issue 17's defaults (the transform term; every image but one of each cell, epochs counted per
  # image of a cell): runs that name neither keep the settings of their time.
  [[ "$arguments" == *--transform-weight* ]] || arguments="$arguments --transform-weight 0"
  [[ "$arguments" == *--train-on* ]] || arguments="$arguments --train-on first-of-each-cell"
  echo "== $name"
  out=$(mktemp -d)
  start=$(date +%s)
  # shellcheck disable=SC2086
  dotnet "$job" train --data "$data" --output "$out/model" --device "${DEVICE:-auto}" $arguments >"$results/$name.log" 2>&1 \
    || { echo "failed: see $results/$name.log"; tail -3 "$results/$name.log"; rm -rf "$out" "$out.previous"; return 0; }
  echo "wall seconds (training, evaluation, held-out folds): $(( $(date +%s) - start ))" >>"$results/$name.log"
  cp "$out/model/report.json" "$results/$name.json"
  cp "$out/model/loss.png" "$results/$name-loss.png"
  rm -rf "$out" "$out.previous"
  grep -E "^(seed protocol|experiment's protocol|unseen|transform)" "$results/$name.log" | sed "s/^/   $name: /"
}
export -f run_one
export job results

chosen=" $* "
selected=()
for run in "${runs[@]}"; do
  name="${run%%|*}"
  if [ $# -gt 0 ] && [ "$1" != quick ] && [[ "$chosen" != *" $name "* ]]; then continue; fi
  [ -f "$results/$name.json" ] && { echo "skip $name (done)"; continue; }
  selected+=("$run")
done
if [ ${#selected[@]} -gt 0 ]; then
  printf '%s\0' "${selected[@]}" | xargs -0 -n 1 -P "${PARALLEL:-1}" bash -c 'run_one "$1"' _
fi
table=docs/accuracy-results.md
[ "$results" != bench/results ] && table="docs/accuracy-results-$(basename "$results" | sed 's/^results-//').md"
node bench/summarize.mjs "$results" > "$table"
echo "wrote $table"
exit
}
