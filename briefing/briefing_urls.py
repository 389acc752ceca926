"""Readers' URLs of the daily briefing (the project's own URLs are in briefing/urls.py)."""

from django.urls import path

from briefing import briefing_views as views

app_name = "briefing"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "briefings/<int:year>/<str:month>/<str:day>/",
        views.BriefingDayView.as_view(),
        name="briefing_day",
    ),
]
