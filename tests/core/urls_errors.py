"""A URLconf with a view that fails, to see the 500 page and the error log line."""

from django.urls import include, path


def broken_view(request):
    raise RuntimeError("the editor's draft exploded")


urlpatterns = [path("broken/", broken_view), path("", include("config.urls"))]

handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
