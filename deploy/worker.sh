#!/bin/sh
# A background worker: runs queued tasks (sending email, scheduled publishing). Run as many as you like.
set -eu
cd "$(dirname "$0")/.."
# db_worker exits when its database goes away (django-tasks-db re-raises connection errors), so
# a database restart would stop the queue for good: start it again after a pause. SIGTERM or
# SIGINT stops the worker (it finishes its current task) and this loop.
# Prometheus multiprocess mode (README "Monitoring"): this script's workers keep their values
# under METRICS_DIR in a folder of their own, emptied now and removed on the way out, so that
# neither another worker script nor gunicorn (METRICS_DIR/web) ever empties it under them.
if [ -n "${METRICS_DIR:-}" ]; then
    PROMETHEUS_MULTIPROC_DIR="$METRICS_DIR/worker-$(hostname 2>/dev/null || echo host)-$$"
    export PROMETHEUS_MULTIPROC_DIR
    rm -rf "$PROMETHEUS_MULTIPROC_DIR"
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
fi
cleanup() { if [ -n "${METRICS_DIR:-}" ]; then rm -rf "$PROMETHEUS_MULTIPROC_DIR"; fi; }
python -m config.production  # refuses to start without DATABASE_URL and SITE_URL
child=""
trap 'trap - TERM INT; kill -TERM "$child" 2>/dev/null || true; wait || true; cleanup; exit 0' TERM INT
while :; do
    python manage.py db_worker "$@" &
    child=$!
    status=0
    wait "$child" || status=$?
    [ "$status" -eq 0 ] && { cleanup; exit 0; }
    echo "db_worker exited with status $status; restarting in ${WORKER_RESTART_DELAY:-5} s" >&2
    sleep "${WORKER_RESTART_DELAY:-5}" &
    child=$!
    wait "$child" || true
done
