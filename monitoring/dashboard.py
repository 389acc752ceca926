"""The figures of the desk's dashboard: counts only, never a subscriber's address or name.
A fixed handful of queries whatever the period holds (one per series)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone

from articles.models import Article
from core.charts import Chart, bar_chart
from subscribers.models import BriefingSend, Delivery, Subscriber

DAYS, WEEKS, SENDS, SOURCES = 30, 12, 12, 5


@dataclass
class Section:
    """Charts of one subject and the table of their numbers (rows: a day, a send, a week)."""

    title: str
    charts: list[Chart]
    row_heading: str
    columns: list[str]
    rows: list[tuple[str, list[int]]]


def per_day(queryset, field: str, since) -> dict[datetime.date, int]:
    rows = (
        queryset.filter(**{f"{field}__gte": since})
        .annotate(day=TruncDate(field))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def subscribers_section(today: datetime.date) -> Section:
    days = [today - datetime.timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    since = timezone.make_aware(datetime.datetime.combine(days[0], datetime.time()))
    failed = Delivery.objects.filter(status=Delivery.Status.FAILED)
    series = {
        "Signups": per_day(Subscriber.objects.all(), "created_at", since),
        "Confirmations": per_day(Subscriber.objects.all(), "confirmed_at", since),
        "Unsubscribes": per_day(Subscriber.objects.all(), "unsubscribed_at", since),
        "Bounces": per_day(failed, "updated_at", since),
    }
    scale = max([max(s.values(), default=0) for s in series.values()])
    charts = [
        bar_chart(
            name,
            f"subscribers-{name.lower()}",
            [(d.isoformat(), s.get(d, 0)) for d in days],
            scale=scale,
        )
        for name, s in series.items()
    ]
    rows = [(d.isoformat(), [s.get(d, 0) for s in series.values()]) for d in reversed(days)]
    return Section(f"Subscribers, last {DAYS} days", charts, "Day", list(series), rows)


def sends_section() -> Section:
    sends = list(
        BriefingSend.objects.select_related("briefing")
        .annotate(
            delivered=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
            failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
        )
        .order_by("-started_at")[:SENDS]
    )
    sends.reverse()
    points = {
        "Delivered": [(s.briefing.date.isoformat(), s.delivered) for s in sends],
        "Failed": [(s.briefing.date.isoformat(), s.failed) for s in sends],
    }
    charts = [bar_chart(name, f"sends-{name.lower()}", p) for name, p in points.items()]
    rows = [(s.briefing.date.isoformat(), [s.delivered, s.failed]) for s in reversed(sends)]
    return Section(f"Sends, last {SENDS} briefings", charts, "Briefing", list(points), rows)


def archive_section(today: datetime.date) -> Section:
    monday = today - datetime.timedelta(days=today.weekday())
    weeks = [monday - datetime.timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    since = timezone.make_aware(datetime.datetime.combine(weeks[0], datetime.time()))
    rows = (
        Article.objects.published()
        .filter(published_at__gte=since)
        .annotate(week=TruncWeek("published_at"))
        .values_list("week", "source__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[str, dict[datetime.date, int]] = {}
    for week, source, n in rows:
        counts.setdefault(source, {})[week.date()] = n
    ranked = sorted(counts, key=lambda s: (-sum(counts[s].values()), s))
    sources, others = ranked[:SOURCES], ranked[SOURCES:]
    if others:
        merged: dict[datetime.date, int] = {}
        for source in others:
            for week, n in counts[source].items():
                merged[week] = merged.get(week, 0) + n
        counts["Other sources"] = merged
        sources.append("Other sources")
    scale = max([max(counts[s].values()) for s in sources] or [0])
    charts = [
        bar_chart(
            s, f"archive-{i}", [(w.isoformat(), counts[s].get(w, 0)) for w in weeks], scale=scale
        )
        for i, s in enumerate(sources)
    ]
    table = [(w.isoformat(), [counts[s].get(w, 0) for s in sources]) for w in reversed(weeks)]
    return Section(
        f"Archive, articles published per week, last {WEEKS} weeks", charts, "Week", sources, table
    )


def dashboard_sections() -> list[Section]:
    today = timezone.localdate()
    return [subscribers_section(today), sends_section(), archive_section(today)]
