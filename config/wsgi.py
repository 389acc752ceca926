import os

from django.core.wsgi import get_wsgi_application

from config.production import require_production_environment

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
require_production_environment()
application = get_wsgi_application()
