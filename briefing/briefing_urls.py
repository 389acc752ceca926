"""Readers' URLs of the daily briefing (the project's own URLs are in briefing/urls.py)."""

from django.urls import path

from briefing import briefing_views as views
from briefing import feeds

app_name = "briefing"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("briefings/", views.ArchiveView.as_view(), name="archive"),
    path("briefings/feed/rss/", feeds.BriefingRssFeed(), name="feed_rss"),
    path("briefings/feed/atom/", feeds.BriefingAtomFeed(), name="feed_atom"),
    path("briefings/<int:year>/", views.YearView.as_view(), name="archive_year"),
    path("briefings/<int:year>/<int:month>/", views.MonthView.as_view(), name="archive_month"),
    path(
        "briefings/<int:year>/<int:month>/<int:day>/",
        views.BriefingDayView.as_view(),
        name="briefing_day",
    ),
]
