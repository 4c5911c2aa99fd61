#!/usr/bin/env bash
# The CMU Face Images (Tom Mitchell, CMU; UCI Machine Learning Repository, donated 1999): 20 persons x 4 expressions
# (neutral, happy, sad, angry), each in 4 head poses with and without sunglasses, 128x120 grey photos in an office:
# 624 usable of 640. Its terms (UCI's page): "You may use this material free of charge for any educational purpose,
# provided attribution is given in any lectures or publications that make use of this material." This project only
# measures on it (docs/accuracy.md gives the attribution) and never commits its images.
#
# Usage: scripts/datasets/cmu-faces.sh [--from ZIP_TARBALL_OR_FOLDER] [TARGET]
# Downloads UCI's archive (or takes a copy you have), checks it and writes TARGET (default ../shared/data/cmu-faces):
# PNG images and a manifest.csv with the facets person and expression, which `train --data TARGET` reads.
set -euo pipefail
cd "$(dirname "$0")/../.."

url=https://archive.ics.uci.edu/static/public/124/cmu+face+images.zip
# The pixels of the 624 images as measured for docs/accuracy.md (a copy on GitHub; UCI's own archive was not reachable
# from the machine that measured). A different digest means different photos: the figures would not compare.
pixels_sha256=67154068e80307f80c83370f890e05c551aa5acb5da105aecb37c62211e5184f

from=""
if [ "${1:-}" = "--from" ]; then from=$2; shift 2; fi
target=${1:-../shared/data/cmu-faces}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$from" ]; then
  echo "Downloading $url"
  curl -fsSL --retry 3 -o "$work/cmu.zip" "$url"
  from="$work/cmu.zip"
fi
mkdir -p "$work/source"
# Unpacks an archive, then the archives inside it (UCI's zip holds tarballs).
unpack() {
  case "$1" in
    *.zip)
      command -v unzip >/dev/null || { sudo apt-get update -qq && sudo apt-get install -y -qq unzip >/dev/null; }
      unzip -q -o "$1" -d "$2" ;;
    *.tar.gz | *.tgz | *.tar.Z | *.tar) tar xf "$1" -C "$2" ;;
    *) echo "Not an archive: $1" >&2; return 1 ;;
  esac
}
if [ -d "$from" ]; then
  cp -r "$from"/. "$work/source"
else
  unpack "$from" "$work/source"
fi
find "$work/source" -type f \( -name '*.tar.gz' -o -name '*.tgz' -o -name '*.tar.Z' -o -name '*.tar' \) | while read -r inner; do
  unpack "$inner" "$(dirname "$inner")"
done

rm -rf "$target.partial"
summary=$(node scripts/datasets/pgm-to-png.mjs "$work/source" "$target.partial")
echo "$summary"
if ! grep -q '"images":624,"persons":20,"expressions":4' <<<"$summary"; then
  echo "The copy does not hold the set's 624 usable photos of 20 persons x 4 expressions; $target is left as it was." >&2
  rm -rf "$target.partial"
  exit 1
fi
grep -q "\"pixels_sha256\":\"$pixels_sha256\"" <<<"$summary" ||
  echo "Warning: the photos' pixels differ from those docs/accuracy.md measured on; its figures will not compare." >&2
rm -rf "$target"
mv "$target.partial" "$target"
echo "CMU Face Images in $target ($(($(wc -l <"$target/manifest.csv") - 1)) images)"
