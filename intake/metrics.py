"""The feeds' figures on /metrics (through core.signals.metrics_collect): feeds by state, those
failing now, and the inbox waiting for the desk. The polls themselves are counted as they
happen (core.metrics.FEED_POLLS, by the worker that polls)."""

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from intake.models import Feed, FeedItem


def feed_figures(sender, **kwargs) -> list[GaugeMetricFamily]:
    by_status = dict(Feed.objects.values_list("status").annotate(n=Count("pk")).order_by())
    feeds = GaugeMetricFamily(
        "briefing_feeds", "Sources' feeds by state (stopped: failed for days).", labels=["status"]
    )
    for status in Feed.Status.values:
        feeds.add_metric([status], by_status.get(status, 0))
    failing = GaugeMetricFamily(
        "briefing_feeds_failing", "Polled feeds whose last poll failed (retried with backoff)."
    )
    failing.add_metric([], Feed.objects.filter(status=Feed.Status.ACTIVE, failures__gt=0).count())
    inbox = GaugeMetricFamily(
        "briefing_feed_inbox_items", "Feed items waiting in the editors' inbox."
    )
    inbox.add_metric([], FeedItem.objects.inbox().count())
    return [feeds, failing, inbox]
