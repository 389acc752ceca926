"""/metrics for Prometheus, and the desk's dashboard."""

import hmac
import ipaddress
import os
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from core.metrics import flush
from monitoring.collectors import ProductCollector
from monitoring.dashboard import dashboard_sections


def scrape_allowed(request) -> bool:
    """With METRICS_TOKEN set, only `Authorization: Bearer <token>` is let in. Without it, only
    clients on METRICS_ALLOWED_NETWORKS, and never a request that came through a proxy (one
    carrying X-Forwarded-For): a proxy on this host would make every visitor look local."""
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        return hmac.compare_digest(given.encode(), token.encode())
    if "X-Forwarded-For" in request.headers:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net) for net in settings.METRICS_ALLOWED_NETWORKS)


class ProcessFilesCollector:
    """The values of every process that wrote under METRICS_DIR (one folder per gunicorn
    master and per worker script) or PROMETHEUS_MULTIPROC_DIR, added up."""

    def __init__(self, folders: list[Path]):
        self.folders = folders

    def collect(self):
        files = [str(f) for folder in self.folders for f in sorted(folder.glob("*.db"))]
        return MultiProcessCollector.merge(files, accumulate=True)


def metric_folders() -> list[Path]:
    if settings.METRICS_DIR and Path(settings.METRICS_DIR).is_dir():
        return sorted(p for p in Path(settings.METRICS_DIR).iterdir() if p.is_dir())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return [Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])]
    return []


def metrics_view(request):
    if not scrape_allowed(request):
        return HttpResponseForbidden("metrics: not allowed from here\n", content_type="text/plain")
    flush()  # this process's own latest requests (other processes write theirs each second)
    registry = CollectorRegistry(auto_describe=False)
    folders = metric_folders()
    # One process (runserver, tests): its own registry holds the values.
    registry.register(ProcessFilesCollector(folders) if folders else REGISTRY)
    registry.register(ProductCollector())
    response = HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


def dashboard(request):
    """The desk's dashboard (wrapped by admin.site.admin_view in config/urls.py: staff only)."""
    context = {
        **admin.site.each_context(request),
        "title": "Dashboard",
        "sections": dashboard_sections(),
    }
    return render(request, "monitoring/dashboard.html", context)
