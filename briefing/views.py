"""Readers' pages of the daily briefing: today's briefing, one day, the archive by date.

Anonymous readers get the briefing pages from the cache (core/page_cache.py), and the
briefings' data too, so that the home page and a day share it.
"""

import calendar
import datetime

from django.db.models import Prefetch
from django.http import Http404, HttpResponsePermanentRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.generic import (
    ArchiveIndexView,
    MonthArchiveView,
    TemplateView,
    YearArchiveView,
)

from articles.models import ArticleAuthor
from briefing.models import Briefing, BriefingEntry
from core import page_cache, site_settings
from core.previews import noindex, previewed_object
from stories.coverage import other_coverage_for


def entries_prefetch(*, published_only: bool = True) -> Prefetch:
    """The entries with all their article needs, in a fixed number of queries."""
    entries = BriefingEntry.objects.published() if published_only else BriefingEntry.objects
    return Prefetch(
        "entries",
        queryset=entries.select_related("article__source").prefetch_related(
            Prefetch(
                "article__article_authors",
                queryset=ArticleAuthor.objects.select_related("author").order_by("position"),
            )
        ),
    )


def with_other_coverage(briefings: list[Briefing]) -> list[Briefing]:
    """Load the other coverage of every entry of these briefings in one query."""
    other_coverage_for([entry.article for b in briefings for entry in b.entries.all()])
    return briefings


def render_body(briefing: Briefing) -> str:
    """The briefing as readers see it, without the page around it (also the feeds' item).
    Call `with_other_coverage` first, or each entry costs a query."""
    return render_to_string("briefing/includes/briefing_body.html", {"briefing": briefing})


def day_page_data(briefing: Briefing | None) -> dict | None:
    """What a briefing page shows: the briefing, its rendered body, its neighbours."""
    if briefing is None:
        return None
    published = Briefing.objects.published().only("date")
    previous = published.filter(date__lt=briefing.date).order_by("-date").first()
    following = published.filter(date__gt=briefing.date).order_by("date").first()
    body = render_body(with_other_coverage([briefing])[0])
    briefing._prefetched_objects_cache = {}  # cache the page data, not the rows behind it
    return {"briefing": briefing, "body": body, "previous": previous, "next": following}


def support_box() -> list[dict]:
    """The donation and supporting-member links of the site settings (may be empty)."""
    return site_settings.current().support_links


class _BriefingPage(page_cache.CachedPageMixin, TemplateView):
    cache_parameters = ()

    def get_data(self) -> dict | None:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        data = self.get_data()
        return super().get_context_data(page=data, support_links=support_box(), **kwargs)


class HomeView(_BriefingPage):
    """The latest published briefing, or a friendly empty state."""

    template_name = "briefing/home.html"

    def get_data(self):
        def latest():
            briefing = Briefing.objects.published().prefetch_related(entries_prefetch()).first()
            return day_page_data(briefing)

        return page_cache.cached("home", latest)


class BriefingDayView(_BriefingPage):
    template_name = "briefing/briefing_detail.html"

    def get(self, request, *args, **kwargs):
        # One address per day: /briefings/2024/9/1/ moves to /briefings/2024/09/01/.
        day = self.date()
        canonical = reverse("briefing:briefing_day", args=[day.year, day.month, day.day])
        if request.path != canonical:
            return HttpResponsePermanentRedirect(canonical)
        return super().get(request, *args, **kwargs)

    def date(self) -> datetime.date:
        try:
            return datetime.date(self.kwargs["year"], self.kwargs["month"], self.kwargs["day"])
        except (ValueError, OverflowError) as error:
            raise Http404("No such date.") from error

    def get_data(self):
        date = self.date()

        def day():
            briefing = (
                Briefing.objects.published()
                .filter(date=date)
                .prefetch_related(entries_prefetch())
                .first()
            )
            return day_page_data(briefing)

        data = page_cache.cached(f"day:{date.isoformat()}", day)
        if data is None:
            raise Http404("No briefing was published on that day.")
        return data


class _Archive:
    date_field = "date"
    allow_future = True
    month_format = "%m"

    def get_queryset(self):
        return Briefing.objects.published().only("date", "title")


class ArchiveView(_Archive, ArchiveIndexView):
    """Every year with a briefing, and the latest briefings."""

    template_name = "briefing/archive.html"
    date_list_period = "year"
    allow_empty = True
    paginate_by = 31


class YearView(_Archive, YearArchiveView):
    template_name = "briefing/archive_year.html"
    make_object_list = False


class MonthView(_Archive, MonthArchiveView):
    """A calendar of the month, each day with a briefing linked."""

    template_name = "briefing/archive_month.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        by_day = {briefing.date: briefing for briefing in context["object_list"]}
        month = context["month"]
        weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
            month.year, month.month
        )
        context["weeks"] = [
            [{"date": d, "in_month": d.month == month.month, "briefing": by_day.get(d)} for d in w]
            for w in weeks
        ]
        context["weekdays"] = [calendar.day_abbr[(i) % 7] for i in range(7)]
        return context


def briefing_preview_link(request, token: str):
    """A draft briefing as readers will see it, through a shared preview link."""
    queryset = Briefing.objects.prefetch_related(entries_prefetch(published_only=False))
    briefing = previewed_object(token, queryset)
    context = {"page": day_page_data(briefing), "support_links": support_box(), "preview": True}
    response = TemplateResponse(request, "briefing/briefing_detail.html", context)
    return noindex(response.render())
