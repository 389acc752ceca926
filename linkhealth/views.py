"""Our own copy of an original's text, for readers once the original is gone — only where the
site owner turned it on (LINKHEALTH_OWN_SNAPSHOT; off by default, see README: copyright)."""

from django.conf import settings
from django.http import Http404
from django.views.generic import DetailView

from core.previews import noindex
from intake.models import ArticleSnapshot
from linkhealth.models import ArticleLink


class SnapshotView(DetailView):
    template_name = "linkhealth/snapshot.html"
    context_object_name = "snapshot"

    def get_object(self, queryset=None):
        if not settings.LINKHEALTH_OWN_SNAPSHOT:
            raise Http404("Archived copies are not shown on this site.")
        snapshot = (
            ArticleSnapshot.objects.select_related("article__source")
            .filter(
                article__slug=self.kwargs["slug"],
                article__status="published",
                article__link__status__in=ArticleLink.DEAD,
            )
            .first()
        )
        if snapshot is None:
            raise Http404("No archived copy of this article is shown.")
        return snapshot

    def render_to_response(self, context, **response_kwargs):
        return noindex(super().render_to_response(context, **response_kwargs))
