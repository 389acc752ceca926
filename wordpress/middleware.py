"""Old WordPress links answer a permanent redirect to the page that replaced them.

Only requests that would otherwise fail are looked up (one query on the unique key): pages
that answer (404 aside) cost nothing more, and the home page only when it carries one of
WordPress's own parameters (/?p=12).
"""

from django.http import HttpResponsePermanentRedirect

from wordpress.redirects import QUERY_KEYS, WORDPRESS_HOME, legacy_target


class LegacyRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reading = request.method in ("GET", "HEAD")
        home = request.path in WORDPRESS_HOME
        if reading and home and any(request.GET.get(k) for k in QUERY_KEYS):
            target = legacy_target(request.path, request.META.get("QUERY_STRING", ""))
            if target:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code == 404 and reading:
            target = legacy_target(request.path, request.META.get("QUERY_STRING", ""))
            if target:
                return HttpResponsePermanentRedirect(target)
        return response
