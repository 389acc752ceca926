"""gunicorn settings for Briefing; every value can be overridden from the environment."""

import multiprocessing
import os

from gunicorn.http import wsgi as _wsgi

# No "Server: gunicorn" header: gunicorn has no setting for it, so its default headers are
# taken without that line (the proxy in front may add its own, or not).
_default_headers = _wsgi.Response.default_headers


def _headers_without_server(self):
    return [line for line in _default_headers(self) if not line.startswith("Server:")]


_wsgi.Response.default_headers = _headers_without_server

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Sync workers, cores + 1: a readers' page spends 8-12 ms on the CPU and 1-2 ms waiting for
# PostgreSQL (bench/profile_pages.py), so more workers than cores only take turns on them.
# On 2 cores under bench/load_test.py: 3 workers 197-201 requests/s, p99 491-493 ms; 4: 204,
# 483 ms; 5 (gunicorn's 2 x cores + 1, for I/O-bound pages): 172-179 requests/s, 539-564 ms.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so a slow leak can never take the site down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# One JSON object per line, tokens masked (config/logging.py).
logger_class = "config.logging.JSONAccessLogger"
# No control socket under ~/.gunicorn: containers and CI have no use for it.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# One JSON object per line: gunicorn's own events through the app's formatter; access lines
# are already JSON (JSONAccessLogger).
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "config.logging.JSONFormatter"},
        "raw": {"format": "%(message)s"},
    },
    "handlers": {
        "error_console": {"class": "logging.StreamHandler", "formatter": "json"},
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "raw",
            "stream": "ext://sys.stdout",
        },
    },
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}

# Prometheus multiprocess mode (README "Monitoring"): each worker keeps its values in a file
# under METRICS_DIR/web, which /metrics adds up. The folder is emptied when the master starts
# (files of an earlier run would be counted again), and a dead worker's live gauges are dropped.
metrics_dir = os.environ.get("METRICS_DIR", "")
if metrics_dir:
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", os.path.join(metrics_dir, "web"))


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def worker_exit(server, worker):
    # A worker's requests of its last second are still in its memory (core/metrics.py).
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from core import metrics

        metrics.flush()
