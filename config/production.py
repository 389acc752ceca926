"""What production (DEBUG off) must be told before it serves or sends anything.

The settings module keeps development defaults (a local database, http://127.0.0.1:8000 as the
site's address) so that `manage.py check --deploy`, collectstatic in the image build and a
first `make run` need nothing. The processes that serve readers or mail subscribers refuse to
start on those defaults: gunicorn (config/wsgi.py, config/asgi.py) and deploy/start.sh and
deploy/worker.sh, which run `python -m config.production` first.
"""

import os
import sys

from django.core.exceptions import ImproperlyConfigured

REQUIRED = {
    "DATABASE_URL": "the database (otherwise the embedded one of development would be "
    "started, silently)",
    "SITE_URL": "the public address in links, emails, canonical links and sitemaps "
    "(otherwise http://127.0.0.1:8000)",
}


def require_production_environment(environ=os.environ) -> None:
    debug = environ.get("DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}
    missing = [name for name in REQUIRED if not environ.get(name, "").strip()]
    if debug or not missing:
        return
    reasons = "; ".join(f"{name}: {REQUIRED[name]}" for name in missing)
    raise ImproperlyConfigured(
        f"Production (DEBUG off) refuses to start without {', '.join(missing)}. {reasons}. "
        "Set them, or DEBUG=true for local development."
    )


if __name__ == "__main__":
    try:
        require_production_environment()
    except ImproperlyConfigured as error:
        sys.exit(str(error))
