#!/usr/bin/env bash
# The PostgreSQL tests start a throwaway cluster with Debian's server binaries; nothing is
# downloaded by a test tool. With DATABASE_URL set they use that database instead.
set -euo pipefail
[ -n "${DATABASE_URL:-}" ] && exit 0
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's postgresql for the database tests…"
  apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
else
  echo "The database tests need PostgreSQL's server: run 'sudo apt-get install -y postgresql' (or set DATABASE_URL)." >&2
  exit 1
fi
