"""The link checker's figures on /metrics (through core.signals.metrics_collect): links by
state, links overdue (a period late: the checker is not keeping up) and the Wayback queue."""

import datetime

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from linkhealth.models import ArticleLink


def link_figures(sender, **kwargs) -> list[GaugeMetricFamily]:
    links = GaugeMetricFamily(
        "briefing_article_links", "Read-full links by state.", labels=["status"]
    )
    for status, count in (
        ArticleLink.objects.values_list("status").annotate(n=Count("pk")).order_by()
    ):
        links.add_metric([status], count)
    late = timezone.now() - datetime.timedelta(days=settings.LINKHEALTH_PERIOD_DAYS)
    overdue = GaugeMetricFamily(
        "briefing_article_links_overdue", "Links due for a check for longer than a period."
    )
    overdue.add_metric([], ArticleLink.objects.filter(next_check_at__lt=late).count())
    queue = GaugeMetricFamily(
        "briefing_wayback_links", "Links by Wayback Machine state.", labels=["archive_status"]
    )
    for state, count in (
        ArticleLink.objects.exclude(archive_status="").values_list("archive_status")
        .annotate(n=Count("pk")).order_by()
    ):  # fmt: skip
        queue.add_metric([state], count)
    return [links, overdue, queue]
