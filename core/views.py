"""Error pages in the site's layout (handler404 and handler500 of config/urls.py)."""

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import timezone


def minimal_context(request) -> dict:
    """Context for error pages that must render without touching the database."""
    return {
        "request": request,
        "minimal": True,
        "site_name": settings.SITE_NAME,
        "today": timezone.localdate(),
    }


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # The 500 page must render even when the database is the problem: no sidebar.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render(minimal_context(request)))
