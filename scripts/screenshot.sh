#!/usr/bin/env bash
# README's picture of the product: runs the page's browser tests (they train the tests' small model, serve it, and
# write screenshots at phone and desktop size to artifacts/ui/), then copies the desktop one to docs/images/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/chromium.sh
npm ci --no-audit --no-fund --loglevel=error
dotnet build tests/FaceFunctions.Tests -c Release -nologo -clp:ErrorsOnly
dotnet test tests/FaceFunctions.Tests -c Release --no-build -nologo --filter "FullyQualifiedName~PageTests.The_page_fits_the_screen"
mkdir -p docs/images
cp artifacts/ui/page-desktop.png docs/images/page-desktop.png
echo "docs/images/page-desktop.png updated from the test run (artifacts/ui/ holds the phone one too)."
