#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into a fresh database.
#
#   deploy/restore.sh FILE postgres://user@host:5432/briefing_restored
#
# The target database is created when it does not exist; one that already has tables is refused
# (restore into a new database, check it, then point DATABASE_URL at it). Stops at the first
# error. The site then needs no migration: the dump holds the schema and its migration history.
set -euo pipefail

file="${1:?usage: deploy/restore.sh FILE TARGET_DATABASE_URL}"
target="${2:?usage: deploy/restore.sh FILE TARGET_DATABASE_URL}"
[ -f "$file" ] || { echo "restore.sh: no backup file $file" >&2; exit 2; }
case "$target" in
  postgres://*|postgresql://*) ;;
  *) echo "restore.sh: the target is not a PostgreSQL URL" >&2; exit 2 ;;
esac

# postgres://user@host:port/NAME?options -> NAME, and the same server's maintenance database.
without_query="${target%%\?*}"
query=""
[ "$without_query" != "$target" ] && query="?${target#*\?}"
name="${without_query##*/}"
server="${without_query%/*}/postgres$query"
[[ "$name" =~ ^[A-Za-z0-9_]+$ ]] || { echo "restore.sh: unusual database name '$name'" >&2; exit 2; }

exists=$(psql "$server" -XtAc "SELECT 1 FROM pg_database WHERE datname = '$name'")
if [ "$exists" = 1 ]; then
  tables=$(psql "$target" -XtAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
  if [ "$tables" != 0 ]; then
    echo "restore.sh: database $name already has $tables tables; restore into a new one" >&2
    exit 1
  fi
else
  psql "$server" -Xqc "CREATE DATABASE \"$name\""
fi
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$target" "$file"
echo "restored $file into $name"
