"""Settings for Briefing, read from the environment.

Development gets safe defaults (an embedded PostgreSQL under var/, a development SECRET_KEY only
when DEBUG is on); production (DEBUG off) refuses to start without its secrets. README.md lists
every variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG off) refuses to start without it; "
            "set SECRET_KEY, or DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "Daily Briefing")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "adminsortable2",
    "axes",
    "django_prose_editor",
    "reversion",
    "reversion_compare",
    "anymail",
    # Ours, lowest layer first: each imports only those above it (tests/core/test_layers.py).
    "core",
    "articles",
    "stories",
    "intake",
    "linkhealth",
    "briefing",
    "subscribers",
    "wordpress",
    "monitoring",
]

MIDDLEWARE = [
    "monitoring.middleware.metrics_middleware",  # first: times everything, answers /metrics
    "core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.DeferredUpdatesMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "wordpress.middleware.LegacyRedirectMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "core.context_processors.site",
            ],
        },
    },
]

# Database: DATABASE_URL (production, CI), or the embedded PostgreSQL under var/postgres/ that
# development and tests start on their first connection (config/embedded_postgres/).
VAR_DIR.mkdir(exist_ok=True)
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_URL must name a PostgreSQL database (postgres://...); unset it to use "
            "the embedded PostgreSQL of development."
        )
else:
    from config.embedded_postgres import server as embedded_postgres

    DATABASES = {"default": embedded_postgres.settings()}
DATABASES["default"].update(CONN_MAX_AGE=env_int("CONN_MAX_AGE", 60), CONN_HEALTH_CHECKS=True)
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
# Reads and writes of a request are cheap and many; fail fast rather than queue forever.
# No JIT: at a million articles a search's estimated cost passes jit_above_cost, and compiling
# its plan took 200 ms of a 400 ms query (bench/README-articles.md).
DATABASES["default"]["OPTIONS"].setdefault(
    "options",
    f"-c statement_timeout={os.environ.get('DB_STATEMENT_TIMEOUT_MS', '30000')} -c jit=off",
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by every worker), otherwise local memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "briefing"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Static files: hashed names and precompressed copies, served by whitenoise with
# far-future caching.
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# Uploaded files (the old site's media, moved in by import_wordpress); served by the web server.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (the site logo, images in excerpts): under MEDIA_ROOT, served at MEDIA_URL (by the
# development server with DEBUG; in production by the web server in front, or a storage backend).
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
DESK_IMAGE_MAX_BYTES = env_int("DESK_IMAGE_MAX_BYTES", 2 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Email: EMAIL_URL (smtp://user:pass@host:port, smtp+tls://, smtp+ssl://, console://) or EMAIL_*.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Daily Briefing <briefing@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
from config.email import email_settings  # noqa: E402

globals().update(email_settings(os.environ, debug=DEBUG))

# Security. HTTPS (default: on in production) turns on redirects and secure cookies.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
BEHIND_PROXY = env_bool("BEHIND_PROXY", True)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)

# Content-Security-Policy (django-csp 4): no inline scripts anywhere; the admin's styles
# need inline style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "https:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.logging.JSONFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
    },
}

# Subscribers and the briefing email (subscribers app); README.md lists each variable.
BRIEFING_EMAIL_SUBJECT = os.environ.get(
    "BRIEFING_EMAIL_SUBJECT", "{title} — {weekday}, {month} {day}, {year}"
)
UNSUBSCRIBE_MAILTO = os.environ.get("UNSUBSCRIBE_MAILTO", "")
LIST_ID = os.environ.get("LIST_ID", "")
# How long a shared preview link of a draft stays readable (days; the desk can revoke it).
PREVIEW_LINK_DAYS = env_int("PREVIEW_LINK_DAYS", 7)
SUBSCRIBER_CONFIRM_MAX_AGE = env_int("SUBSCRIBER_CONFIRM_MAX_AGE", 3 * 86400)
PENDING_SIGNUP_PURGE_AFTER = env_int("PENDING_SIGNUP_PURGE_AFTER", 7 * 86400)
SUBSCRIBE_RATE_PER_ADDRESS = os.environ.get("SUBSCRIBE_RATE_PER_ADDRESS", "3/3600")
SUBSCRIBE_RATE_PER_CLIENT = os.environ.get("SUBSCRIBE_RATE_PER_CLIENT", "20/3600")
# The mail provider's tracking webhooks (django-anymail, /anymail/<provider>/tracking/): the
# shared secret, "user:password", that the provider sends as HTTP basic auth (give it the URL
# https://user:password@your-site/anymail/amazon_ses/tracking/), and Mailgun's signing key.
ANYMAIL = {
    "WEBHOOK_SECRET": os.environ.get("ANYMAIL_WEBHOOK_SECRET", ""),
    "MAILGUN_WEBHOOK_SIGNING_KEY": os.environ.get("MAILGUN_WEBHOOK_SIGNING_KEY", ""),
}
# The welcome email after a subscriber confirms (on unless turned off).
SUBSCRIBER_WELCOME_EMAIL = env_bool("SUBSCRIBER_WELCOME_EMAIL", True)
DELIVERY_BATCH_SIZE = env_int("DELIVERY_BATCH_SIZE", 100)
DELIVERY_LEASE_SECONDS = env_int("DELIVERY_LEASE_SECONDS", 300)
DELIVERY_MAX_ATTEMPTS = env_int("DELIVERY_MAX_ATTEMPTS", 8)
DELIVERY_RETRY_BACKOFF_SECONDS = env_int("DELIVERY_RETRY_BACKOFF_SECONDS", 60)
SUBSCRIBER_BOUNCE_THRESHOLD = env_int("SUBSCRIBER_BOUNCE_THRESHOLD", 3)
DELIVERY_PIPELINE_WRITES = env_bool("DELIVERY_PIPELINE_WRITES", True)

LOGIN_URL = "admin:login"

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is refused, even with the right password, for
# LOGIN_COOLOFF_MINUTES (or until `manage.py axes_reset`).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_VERBOSE = False  # no start-up banner in every command's stdout (dumpdata > file)
# The client address (core/net.py): behind our proxy, the right-most X-Forwarded-For entry
# (the one the proxy appended; anything left of it is client-supplied), after skipping
# TRUSTED_PROXY_COUNT further proxies of ours (a CDN in front of the proxy). Login throttling
# and the signup limits both use it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", env_int("LOGIN_PROXY_COUNT", 0))
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"

# The daily briefing: the reader-page cache (seconds; 0 turns it off) and the donation and
# supporting-member box under each briefing (the box is left out when its URL is empty).
BRIEFING_CACHE_SECONDS = env_int("BRIEFING_CACHE_SECONDS", 600)
DONATION_URL = os.environ.get("DONATION_URL", "")
DONATION_TEXT = os.environ.get("DONATION_TEXT", "Donate")
MEMBERSHIP_URL = os.environ.get("MEMBERSHIP_URL", "")
MEMBERSHIP_TEXT = os.environ.get("MEMBERSHIP_TEXT", "Become a Supporting Member!")

# Same-story detection (stories app): the score at which an archived article is proposed to
# editors as the same story, the higher score at which `cluster_stories` links a pair by
# itself, and how many days around an article's original date are searched. A pair whose
# articles report the same event facts (stage, day, figures; stories/verdicts.py) is proposed
# from the lower corroborated score.
STORIES_THRESHOLD = env_float("STORIES_THRESHOLD", 0.25)
STORIES_CORROBORATED_THRESHOLD = env_float("STORIES_CORROBORATED_THRESHOLD", 0.15)
STORIES_AUTO_LINK_THRESHOLD = env_float("STORIES_AUTO_LINK_THRESHOLD", 0.5)
STORIES_WINDOW_DAYS = env_int("STORIES_WINDOW_DAYS", 30)

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Monitoring (monitoring app, README "Monitoring"): /metrics for Prometheus, the worker check
# of /healthz, error reports to Sentry.
METRICS_ENABLED = env_bool("METRICS_ENABLED", True)
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128")
METRICS_DIR = os.environ.get("METRICS_DIR", "")
WORKER_STALL_SECONDS = env_int("WORKER_STALL_SECONDS", 300)
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from config.sentry import sentry_init  # noqa: E402

    sentry_init(
        SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "development" if DEBUG else "production"),
        release=os.environ.get("SENTRY_RELEASE", ""),
    )

# Editors' intake (intake/): importing an article from its address, and the sources' feeds.
INTAKE_EXCERPT_WORDS = env_int("INTAKE_EXCERPT_WORDS", 120)
INTAKE_TIMEOUT = env_float("INTAKE_TIMEOUT", 10.0)
INTAKE_MAX_BYTES = env_int("INTAKE_MAX_BYTES", 5 * 1024 * 1024)
INTAKE_USER_AGENT = os.environ.get("INTAKE_USER_AGENT", "")
# Host names that may resolve to internal addresses (a newsroom's intranet; tests use loopback).
INTAKE_ALLOWED_HOSTS = env_list("INTAKE_ALLOWED_HOSTS")
# The excerpt guard warns (never blocks) above these: see README "Excerpt guard".
INTAKE_EXCERPT_WARN_WORDS = env_int("INTAKE_EXCERPT_WARN_WORDS", 150)
INTAKE_EXCERPT_WARN_SHARE = env_float("INTAKE_EXCERPT_WARN_SHARE", 0.15)
INTAKE_FEED_INTERVAL = env_int("INTAKE_FEED_INTERVAL", 1800)
INTAKE_FEED_TICK = env_int("INTAKE_FEED_TICK", 60)
INTAKE_FEED_CONCURRENCY = env_int("INTAKE_FEED_CONCURRENCY", 8)
INTAKE_FEED_MAX_BACKOFF = env_int("INTAKE_FEED_MAX_BACKOFF", 86400)
INTAKE_FEED_GIVE_UP_DAYS = env_float("INTAKE_FEED_GIVE_UP_DAYS", 3.0)

# Link health (linkhealth/): the read-full links checked politely, and archived copies.
LINKHEALTH_PERIOD_DAYS = env_float("LINKHEALTH_PERIOD_DAYS", 7.0)  # the whole archive, once
LINKHEALTH_TICK = env_int("LINKHEALTH_TICK", 300)  # seconds between the worker's rounds
LINKHEALTH_RUN_SECONDS = env_int("LINKHEALTH_RUN_SECONDS", 240)  # one round's time budget
LINKHEALTH_CONCURRENCY = env_int("LINKHEALTH_CONCURRENCY", 8)  # hosts checked at once
LINKHEALTH_HOST_DELAY = env_float(
    "LINKHEALTH_HOST_DELAY", 2.0
)  # seconds between two requests to a host
LINKHEALTH_TIMEOUT = env_float("LINKHEALTH_TIMEOUT", 15.0)
LINKHEALTH_GONE_CONFIRM_DAYS = env_float("LINKHEALTH_GONE_CONFIRM_DAYS", 2.0)
LINKHEALTH_FAILING_GONE_DAYS = env_float("LINKHEALTH_FAILING_GONE_DAYS", 30.0)
LINKHEALTH_RETRY_DAYS = env_float("LINKHEALTH_RETRY_DAYS", 1.0)
LINKHEALTH_CHANGED_BELOW = env_float("LINKHEALTH_CHANGED_BELOW", 0.5)
LINKHEALTH_OWN_SNAPSHOT = env_bool("LINKHEALTH_OWN_SNAPSHOT", False)  # see README: copyright
WAYBACK_SUBMIT = env_bool("WAYBACK_SUBMIT", False)
WAYBACK_ACCESS_KEY = os.environ.get("WAYBACK_ACCESS_KEY", "")
WAYBACK_SECRET_KEY = os.environ.get("WAYBACK_SECRET_KEY", "")
WAYBACK_SAVE_URL = os.environ.get("WAYBACK_SAVE_URL", "https://web.archive.org/save")
WAYBACK_AVAILABILITY_URL = os.environ.get(
    "WAYBACK_AVAILABILITY_URL", "https://archive.org/wayback/available"
)
WAYBACK_SNAPSHOT_BASE = os.environ.get("WAYBACK_SNAPSHOT_BASE", "https://web.archive.org/web/")
WAYBACK_PER_MINUTE = min(env_float("WAYBACK_PER_MINUTE", 6.0), 15.0)  # SPN2's published limits
WAYBACK_MAX_ATTEMPTS = env_int("WAYBACK_MAX_ATTEMPTS", 6)
