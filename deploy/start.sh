#!/bin/sh
# The one start script: apply migrations, then serve with gunicorn (gunicorn.conf.py).
set -eu
cd "$(dirname "$0")/.."
python -m config.production  # refuses to start without DATABASE_URL and SITE_URL
python manage.py migrate --noinput
# With METRICS_DIR set, gunicorn.conf.py empties METRICS_DIR/web as the master starts and
# drops a dead worker's live values (Prometheus multiprocess mode, README "Monitoring").
exec gunicorn config.wsgi:application --config gunicorn.conf.py --no-control-socket "$@"
