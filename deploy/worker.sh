#!/bin/sh
# A background worker: runs queued tasks (sending email, scheduled publishing). Run as many as you like.
set -eu
cd "$(dirname "$0")/.."
exec python manage.py db_worker "$@"
