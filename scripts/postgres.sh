#!/usr/bin/env bash
# PostgreSQL 15 and pgvector for the pgvector backend's tests (docs/pgvector.md). Debian 12 packages PostgreSQL 15 but
# not pgvector, so pgvector 0.8.0 is built from Debian trixie's own source package, fetched through a scratch apt
# configuration that adds only that deb-src line: the system's sources stay as they are. Nothing runs here; the tests
# start their own server on a free port in a temporary folder.
set -euo pipefail

pg=/usr/lib/postgresql/15
if [ -f "$pg/lib/vector.so" ] && [ -f /usr/share/postgresql/15/extension/vector.control ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "PostgreSQL 15 with pgvector is missing; run this script as root (it uses apt-get)." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if [ ! -x "$pg/bin/initdb" ] || [ ! -f /usr/include/postgresql/15/server/postgres.h ] || ! command -v make >/dev/null || ! command -v dpkg-source >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-server-dev-15 make gcc dpkg-dev >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/parts"
echo "deb-src http://deb.debian.org/debian trixie main" > "$work/sources.list"
apt=(-o Dir::Etc::sourcelist="$work/sources.list" -o Dir::Etc::sourceparts="$work/parts"
     -o Dir::State::Lists="$work/lists" -o Dir::Cache="$work/cache" -o APT::Sandbox::User=root)
apt-get "${apt[@]}" update -qq
(cd "$work" && apt-get "${apt[@]}" source -qq --download-only pgvector=0.8.0-1 >/dev/null \
  || apt-get "${apt[@]}" source -qq --download-only pgvector >/dev/null)
(cd "$work" && dpkg-source -x --no-check ./pgvector_*.dsc src >/dev/null)
make -s -C "$work/src" PG_CONFIG="$pg/bin/pg_config" OPTFLAGS="" with_llvm=no >/dev/null
make -s -C "$work/src" PG_CONFIG="$pg/bin/pg_config" OPTFLAGS="" with_llvm=no install >/dev/null
echo "pgvector $(sed -n "s/^default_version = '\(.*\)'/\1/p" /usr/share/postgresql/15/extension/vector.control) installed into PostgreSQL 15"
