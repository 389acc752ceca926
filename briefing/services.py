"""Side effects of the daily briefing: publishing, scheduling, filling a briefing."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from articles.models import Article
from briefing.models import Briefing, BriefingEntry
from briefing.signals import briefing_published
from briefing.tasks import publish_due_briefings
from linkhealth.models import ArticleLink

logger = logging.getLogger(__name__)


def briefing_publish(*, briefing: Briefing, user=None) -> list[Article]:
    """Publish the briefing now, with its draft articles; return the articles published with it.

    Idempotent: publishing a published briefing changes nothing. An empty briefing is refused.
    """
    with transaction.atomic():
        locked = Briefing.objects.select_for_update().get(pk=briefing.pk)
        if locked.is_published:
            return []
        published_with_it = _publish(locked)
    briefing.refresh_from_db()
    return published_with_it


def briefing_publish_due(*, now: datetime.datetime | None = None) -> list[Briefing]:
    """Publish every scheduled briefing whose time has come, each exactly once.

    Safe from cron on several machines at once: each briefing is claimed with
    SELECT ... FOR UPDATE SKIP LOCKED, and re-checked under the lock.
    """
    now = now or timezone.now()
    published = []
    while True:
        with transaction.atomic():
            due = (
                Briefing.objects.select_for_update(skip_locked=True)
                .filter(status=Briefing.Status.SCHEDULED, publish_at__lte=now)
                .order_by("publish_at", "pk")
                .first()
            )
            if due is None:
                return published
            try:
                _publish(due)
            except ValidationError as error:
                # An empty scheduled briefing goes back to draft rather than block the queue.
                logger.warning("scheduled briefing %s not published: %s", due.pk, error)
                due.status = Briefing.Status.DRAFT
                due.save()
                continue
            published.append(due)


def _publish(briefing: Briefing) -> list[Article]:
    """Publish a locked briefing inside the caller's transaction."""
    entries = list(briefing.entries.select_related("article"))
    if not entries:
        raise ValidationError("An empty briefing cannot be published: add at least one article.")
    drafts = [e.article for e in entries if e.article.status == Article.Status.DRAFT]
    for article in drafts:
        article.status = Article.Status.PUBLISHED
        article.save()
    briefing.status = Briefing.Status.PUBLISHED
    briefing.published_at = timezone.now()
    briefing.save()  # its post_save refreshes the readers' cache (briefing/signals.py)
    # In the same transaction: the mailing list creates its send here (when the briefing is
    # meant for email), so the briefing is published if and only if its send exists.
    briefing_published.send(sender=Briefing, briefing=briefing)
    return drafts


def briefing_schedule(*, briefing: Briefing, publish_at: datetime.datetime, user=None) -> None:
    """Schedule the briefing; the worker task and `publish_due_briefings` publish it then."""
    if briefing.is_published:
        raise ValidationError("This briefing is already published.")
    if not briefing.entries.exists():
        raise ValidationError("An empty briefing cannot be scheduled: add at least one article.")
    briefing.status = Briefing.Status.SCHEDULED
    briefing.publish_at = publish_at
    briefing.save()
    transaction.on_commit(
        lambda: publish_due_briefings.using(run_after=publish_at).enqueue(),
        robust=True,
    )


def briefing_unschedule(*, briefing: Briefing, user=None) -> None:
    if briefing.status == Briefing.Status.SCHEDULED:
        briefing.status = Briefing.Status.DRAFT
        briefing.save()


def briefing_unpublish(*, briefing: Briefing, user=None) -> None:
    """Take a briefing off the site (its articles stay published)."""
    if briefing.is_published:
        briefing.status = Briefing.Status.DRAFT
        briefing.save()


def briefing_add_recent_articles(*, briefing: Briefing, days: int = 7) -> list[Article]:
    """Append the articles added in the last `days` days that are in no briefing yet."""
    since = timezone.now() - datetime.timedelta(days=days)
    articles = list(
        Article.objects.filter(created_at__gte=since, briefing_entries__isnull=True).order_by(
            "created_at", "pk"
        )
    )
    start = briefing.entries.aggregate(last=Max("position"))["last"] or 0
    BriefingEntry.objects.bulk_create(
        BriefingEntry(briefing=briefing, article=article, position=start + index)
        for index, article in enumerate(articles, start=1)
    )
    if articles:
        briefing.save()  # a new version: an editor's open form must not drop these entries
    return articles


def entries_with_dead_links(*, briefing: Briefing) -> list[BriefingEntry]:
    """Entries whose article's original is gone or changed (linkhealth): readers of the
    briefing would follow a dead link."""
    return list(
        BriefingEntry.objects.filter(briefing=briefing, article__link__status__in=ArticleLink.DEAD)
        .select_related("article__link")
        .order_by("position", "pk")
    )


def entries_in_other_briefings(*, briefing: Briefing) -> list[BriefingEntry]:
    """Entries of other briefings holding one of this briefing's articles."""
    return list(
        BriefingEntry.objects.filter(article__briefing_entries__briefing=briefing)
        .exclude(briefing=briefing)
        .select_related("briefing", "article")
        .order_by("article__title", "briefing__date")
    )
