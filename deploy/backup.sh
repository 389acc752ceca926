#!/usr/bin/env bash
# Back up the site's PostgreSQL database (DATABASE_URL) to one file, in pg_dump's custom format
# (compressed; restored with deploy/restore.sh, table by table, into a fresh database).
#
#   DATABASE_URL=postgres://user@host:5432/briefing deploy/backup.sh [FILE]
#
# FILE defaults to backups/briefing-YYYYmmdd-HHMMSS.dump. The dump is written beside FILE and
# renamed only when complete, so a FILE that exists is always a whole backup. Prints its path.
# pg_dump takes a consistent snapshot while the site keeps running: no downtime needed.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?set DATABASE_URL=postgres://user@host:port/name}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL is not a PostgreSQL URL (SQLite: copy the file instead)" >&2; exit 2 ;;
esac

file="${1:-backups/briefing-$(date -u +%Y%m%d-%H%M%S).dump}"
mkdir -p "$(dirname "$file")"
partial="$file.partial"
trap 'rm -f "$partial"' EXIT
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$partial" "$DATABASE_URL"
mv "$partial" "$file"
echo "$file"
