"""A URLconf with views that fail, to see the 500 page, the error log line, and what a failed
request that had committed a write leaves behind."""

from django.urls import include, path

from articles.models import Article


def broken_view(request):
    raise RuntimeError("the editor's draft exploded")


def retitle_then_fail(request, pk):
    """Commits a new title (no transaction around the request), then fails."""
    article = Article.objects.get(pk=pk)
    article.title = request.GET["title"]
    article.save()
    raise RuntimeError("failed after saving")


urlpatterns = [
    path("broken/", broken_view),
    path("retitle-then-fail/<int:pk>/", retitle_then_fail),
    path("", include("config.urls")),
]

handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
