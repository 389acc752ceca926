"""The product's figures, read from the database at each scrape: whatever process did the
work (a web worker, any db_worker, a cron sweep), the rows say what happened. Each query is
bounded by an index or by a handful of recent sends, so a scrape stays cheap."""

from datetime import timedelta

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from core.queue import tasks_waiting
from core.signals import metrics_collect
from subscribers.models import BriefingSend, Delivery, DeliveryEvent, Subscriber

RECENT_SENDS = 5  # besides every unfinished one


def age_seconds(now, moment) -> float:
    return max((now - moment).total_seconds(), 0.0) if moment else 0.0


class ProductCollector(Collector):
    def collect(self):
        now = timezone.now()
        yield from self.deliveries(now)
        yield from self.tasks(now)
        yield from self.subscribers(now)
        for _receiver, families in metrics_collect.send(sender=self.__class__):
            yield from families or ()

    def deliveries(self, now):
        unfinished = list(BriefingSend.objects.unfinished().values_list("pk", flat=True))
        recent = BriefingSend.objects.order_by("-started_at")[:RECENT_SENDS]
        sends = dict(
            BriefingSend.objects.filter(
                Q(pk__in=unfinished) | Q(pk__in=recent.values("pk"))
            ).values_list("pk", "briefing__date")
        )
        per_send = GaugeMetricFamily(
            "briefing_send_deliveries",
            f"Deliveries of each unfinished and of the {RECENT_SENDS} latest sends, by state "
            "(send = the briefing's date).",
            labels=["send", "status"],
        )
        counts = {(pk, status): 0 for pk in sends for status in Delivery.Status.values}
        rows = Delivery.objects.filter(send_id__in=sends).values_list("send_id", "status")
        for pk, status, n in rows.annotate(n=Count("pk")).order_by():
            counts[(pk, status)] = n
        for (pk, status), n in sorted(counts.items()):
            per_send.add_metric([sends[pk].isoformat(), status], n)
        yield per_send

        confirmations = GaugeMetricFamily(
            "briefing_confirmation_deliveries",
            "Confirmation requests, by state.",
            labels=["status"],
        )
        by_status = dict(
            Delivery.objects.confirmations()
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for status in Delivery.Status.values:
            confirmations.add_metric([status], by_status.get(status, 0))
        yield confirmations

        waiting = Delivery.objects.unfinished().filter(
            Q(send_id__in=unfinished) | Q(kind=Delivery.Kind.CONFIRMATION)
        )
        oldest = waiting.aggregate(oldest=Min("created_at"))["oldest"]
        yield GaugeMetricFamily(
            "briefing_delivery_oldest_pending_age_seconds",
            "Age of the oldest delivery not yet sent, failed or skipped (0 when none).",
            value=age_seconds(now, oldest),
        )
        minute_ago = now - timedelta(seconds=60)
        sent = Delivery.objects.filter(send_id__in=unfinished, status=Delivery.Status.SENT)
        yield GaugeMetricFamily(
            "briefing_send_rate_per_second",
            "Briefing emails sent in the last minute, per second, over the unfinished sends "
            "(rate(briefing_deliveries_recorded_total[5m]) gives it from the workers' counter).",
            value=sent.filter(sent_at__gte=minute_ago).count() / 60,
        )

    def tasks(self, now):
        queue = (
            tasks_waiting()
            .values_list("queue_name")
            .annotate(n=Count("pk"), oldest=Min("waiting_since"))
        )
        depth = GaugeMetricFamily(
            "briefing_task_queue_depth", "Tasks due and waiting for a worker.", labels=["queue"]
        )
        oldest = GaugeMetricFamily(
            "briefing_task_oldest_waiting_age_seconds",
            "How long the oldest due task has waited for a worker.",
            labels=["queue"],
        )
        for name, n, first in queue:
            depth.add_metric([name], n)
            oldest.add_metric([name], age_seconds(now, first))
        yield depth
        yield oldest
        yield GaugeMetricFamily(
            "briefing_tasks_running",
            "Tasks a worker has taken and not finished.",
            DBTaskResult.objects.running().count(),
        )

    def subscribers(self, now):
        by_status = dict(
            Subscriber.objects.values_list("status").annotate(n=Count("pk")).order_by()
        )
        family = GaugeMetricFamily(
            "briefing_subscribers",
            "Subscribers by status (bounced: past the bounce threshold; a status added later, "
            "such as complaints, appears here by itself).",
            labels=["status"],
        )
        for status in sorted({*Subscriber.Status.values, *by_status}):
            family.add_metric([status], by_status.get(status, 0))
        yield family

        day_ago = now - timedelta(days=1)
        events = Subscriber.objects.aggregate(
            signup=Count("pk", filter=Q(created_at__gte=day_ago)),
            confirmation=Count("pk", filter=Q(confirmed_at__gte=day_ago)),
            unsubscribe=Count("pk", filter=Q(unsubscribed_at__gte=day_ago)),
            soft_bounces=Sum("bounce_count", filter=~Q(status=Subscriber.Status.BOUNCED)),
        )
        last_day = GaugeMetricFamily(
            "briefing_subscriber_events_last_24h",
            "Signups, confirmations and unsubscribes in the last 24 hours.",
            labels=["event"],
        )
        for event in ("signup", "confirmation", "unsubscribe"):
            last_day.add_metric([event], events[event])
        yield last_day
        yield GaugeMetricFamily(
            "briefing_subscriber_bounces_pending",
            "Permanent failures counted against still-mailed subscribers (reset by a delivery).",
            value=events["soft_bounces"] or 0,
        )
        yield from self.provider_events(day_ago)

    def provider_events(self, day_ago):
        """What the mail provider's webhooks reported: bounces, complaints, rejections..."""
        rows = {
            kind: (kept, last_day)
            for kind, kept, last_day in DeliveryEvent.objects.values_list("type")
            .annotate(kept=Count("pk"), last_day=Count("pk", filter=Q(received_at__gte=day_ago)))
            .order_by()
        }  # fmt: skip
        kept = GaugeMetricFamily(
            "briefing_provider_events",
            "Events the mail provider reported (webhooks), by type: bounced, complained...",
            labels=["type"],
        )
        last_day = GaugeMetricFamily(
            "briefing_provider_events_last_24h",
            "Events the mail provider reported in the last 24 hours, by type.",
            labels=["type"],
        )
        for kind in DeliveryEvent.Type.values:
            kept.add_metric([kind], rows.get(kind, (0, 0))[0])
            last_day.add_metric([kind], rows.get(kind, (0, 0))[1])
        yield kept
        yield last_day
