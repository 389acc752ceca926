from django.db.models import Prefetch
from django.views.generic import DateDetailView, TemplateView

from articles.models import Article
from briefing.models import Briefing, BriefingEntry


def _entries():
    articles = Article.objects.published().with_related()
    return Prefetch(
        "entries",
        queryset=BriefingEntry.objects.filter(article__in=articles)
        .select_related("article__source")
        .prefetch_related("article__article_authors__author"),
    )


class HomeView(TemplateView):
    template_name = "briefing/home.html"

    def get_context_data(self, **kwargs):
        briefing = Briefing.objects.published().prefetch_related(_entries()).first()
        return super().get_context_data(briefing=briefing, **kwargs)


class BriefingDayView(DateDetailView):
    template_name = "briefing/briefing_detail.html"
    date_field = "date"
    month_format = "%m"
    allow_future = True

    def get_queryset(self):
        return Briefing.objects.published().prefetch_related(_entries())
