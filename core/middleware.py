"""Site-wide middleware: health check, headers Django has no setting for, outages, batches."""

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponseBadRequest, QueryDict
from django.template.response import SimpleTemplateResponse

from core import deferred
from core.health import healthz
from core.views import minimal_context


class HealthCheckMiddleware:
    """Answer /healthz before host validation and HTTPS redirects, so that a container's
    HEALTHCHECK and a load balancer can call it on any address, over plain HTTP. This is the
    only route to it: no URL pattern is needed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return healthz(request)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Django has no setting for Permissions-Policy; deny the powerful features we never use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """While the database is down, readers get a clear 503 page instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if "statement timeout" in str(exception):
            return None  # a slow query is our bug, not an outage: let it be a logged 500
        response = SimpleTemplateResponse("503.html", minimal_context(request), status=503)
        response["Retry-After"] = "30"
        return response.render()


class DeferredUpdatesMiddleware:
    """Each request is one batch of derived updates (core/deferred.py): an article saved with
    three authors and three tags refreshes its search data once, after the view's transaction
    has committed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with deferred.batch():
            return self.get_response(request)


class RejectNulMiddleware:
    """A NUL character is never meaningful in a request, and PostgreSQL refuses it in any query
    (a 500 anyone could trigger, through an admin filter, a search or an autocomplete term). In
    the path or a posted form it is a plain 400; in a query string it is dropped, so a search
    for "a\x00b" is a search for "ab" and still gets its page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.POST):
            return HttpResponseBadRequest("Bad request: NUL character.")
        if _has_nul(request.GET):
            request.GET = _without_nul(request.GET)
        return self.get_response(request)


def _has_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in v for v in query.getlist(key)) for key in query)


def _without_nul(query) -> QueryDict:
    cleaned = QueryDict(mutable=True)
    for key in query:
        cleaned.setlist(
            key.replace("\x00", ""), [v.replace("\x00", "") for v in query.getlist(key)]
        )
    cleaned._mutable = False
    return cleaned
