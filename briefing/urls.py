"""Readers' URLs of the daily briefing (the site's root URLs are in config/urls.py)."""

from django.urls import path, register_converter

from briefing import feeds, views
from core.page_cache import cached_feed


class TwoDigits:
    """A month or a day: read as "9" or "09", always written "09" (one address per day)."""

    regex = "[0-9]{1,2}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return f"{int(value):02d}"


register_converter(TwoDigits, "dd")

app_name = "briefing"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("briefings/", views.ArchiveView.as_view(), name="archive"),
    path("briefings/feed/rss/", cached_feed(feeds.BriefingRssFeed()), name="feed_rss"),
    path("briefings/feed/atom/", cached_feed(feeds.BriefingAtomFeed()), name="feed_atom"),
    path(
        "preview/briefings/<str:token>/",
        views.briefing_preview_link,
        name="briefing_preview_link",
    ),
    path("briefings/<int:year>/", views.YearView.as_view(), name="archive_year"),
    path("briefings/<int:year>/<dd:month>/", views.MonthView.as_view(), name="archive_month"),
    path(
        "briefings/<int:year>/<dd:month>/<dd:day>/",
        views.BriefingDayView.as_view(),
        name="briefing_day",
    ),
]
