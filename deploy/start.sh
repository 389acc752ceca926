#!/bin/sh
# The one start script: apply migrations, then serve with gunicorn (gunicorn.conf.py).
set -eu
cd "$(dirname "$0")/.."
python manage.py migrate --noinput
exec gunicorn config.wsgi:application --config gunicorn.conf.py --no-control-socket "$@"
