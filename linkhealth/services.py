"""What the link checker and the archiving do to the records: who is due, what an answer means
over days (a 404 twice days apart is "gone", failures over weeks are), and the Wayback Machine
submissions, one at a time at the rate the archive publishes."""

import datetime
import math
import time
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.html import strip_tags

from articles.models import Article
from core import page_cache
from intake.models import ArticleSnapshot
from linkhealth import wayback
from linkhealth.checker import NOT_FOUND, Outcome, Target, check_many
from linkhealth.models import ArticleLink

Status, Archive = ArticleLink.Status, ArticleLink.Archive
CHUNK = 1000  # targets read (with their snapshot's text) at a time
LEASE = datetime.timedelta(hours=1)  # a claimed check not recorded by then is due again


def _days(name: str) -> datetime.timedelta:
    return datetime.timedelta(days=float(getattr(settings, name)))


def links_enroll() -> int:
    """A record for every article that has none yet: new captures, and imports that bulk-insert
    articles (no signal fires for those). Each is due at once; with WAYBACK_SUBMIT on, it is
    queued for the Wayback Machine."""
    missing = Article.objects.filter(~Exists(ArticleLink.objects.filter(article=OuterRef("pk"))))
    archive = Archive.PENDING if settings.WAYBACK_SUBMIT else Archive.NONE
    now = timezone.now()
    ids = list(missing.order_by("pk").values_list("pk", flat=True))
    made = 0
    for start in range(0, len(ids), 5000):
        records = [
            ArticleLink(article_id=pk, next_check_at=now, archive_status=archive)
            for pk in ids[start : start + 5000]
        ]
        made += len(ArticleLink.objects.bulk_create(records, ignore_conflicts=True))
    return made


def round_quota() -> int:
    """Checks one round must do for the whole archive to be checked within
    LINKHEALTH_PERIOD_DAYS, whatever its size (10 % spare for rechecks of failing links)."""
    rounds = _days("LINKHEALTH_PERIOD_DAYS").total_seconds() / max(1, settings.LINKHEALTH_TICK)
    return max(10, math.ceil(ArticleLink.objects.count() / max(rounds, 1) * 1.1))


def _targets(links: list[ArticleLink]) -> list[Target]:
    texts = dict(
        ArticleSnapshot.objects.filter(
            article_id__in=[link.article_id for link in links]
        ).values_list("article_id", "body_text")
    )
    return [
        Target(
            link_id=link.pk,
            url=link.article.original_url,
            reference=texts.get(link.article_id) or strip_tags(link.article.excerpt),
            etag=link.etag,
            last_modified=link.last_modified,
        )
        for link in links
    ]


CHECK_FIELDS = ["status", "http_status", "final_url", "similarity", "detail", "checked_at",
                "next_check_at", "not_found_since", "failing_since", "etag",
                "last_modified"]  # fmt: skip
WRITE_EVERY = 100  # checks written in one transaction (one commit, not a hundred)


def link_record(*, link: ArticleLink, outcome: Outcome, now: datetime.datetime) -> ArticleLink:
    """One check's answer, on the record (saved by `_write`). A 404/410 is "gone" when a check
    at least LINKHEALTH_GONE_CONFIRM_DAYS after the first agrees; failures (5xx, timeouts) are
    retried every LINKHEALTH_RETRY_DAYS and "gone" after LINKHEALTH_FAILING_GONE_DAYS of them."""
    link.checked_at, link.http_status, link.detail = now, outcome.http_status, outcome.detail
    link.similarity = outcome.similarity
    link.etag, link.last_modified = outcome.etag, outcome.last_modified
    next_check = now + _days("LINKHEALTH_PERIOD_DAYS")
    if outcome.status == NOT_FOUND:
        link.failing_since = None
        link.not_found_since = link.not_found_since or now
        if now - link.not_found_since >= _days("LINKHEALTH_GONE_CONFIRM_DAYS"):
            link.status = Status.GONE
        elif link.status != Status.GONE:
            link.status = Status.FAILING
            link.detail = f"{outcome.detail} Checked again in a few days before it counts as gone."
            next_check = now + _days("LINKHEALTH_GONE_CONFIRM_DAYS")
    elif outcome.status == Status.FAILING:
        link.not_found_since = None
        link.failing_since = link.failing_since or now
        if now - link.failing_since >= _days("LINKHEALTH_FAILING_GONE_DAYS"):
            link.status = Status.GONE
        elif link.status != Status.GONE:
            link.status = Status.FAILING
            next_check = now + _days("LINKHEALTH_RETRY_DAYS")
    else:
        link.status, link.not_found_since, link.failing_since = outcome.status, None, None
    link.final_url = outcome.final_url if link.status == Status.MOVED else ""
    link.next_check_at = next_check
    return link


def readers_line(link: ArticleLink) -> tuple:
    """What the article's read-full line shows readers of this record (see the template tag):
    when it changes, cached pages that show the old line are out of date."""
    return (link.is_dead, link.final_url, link.archive_url)


def _write(links: list[ArticleLink]) -> None:
    ArticleLink.objects.bulk_update(links, CHECK_FIELDS, batch_size=WRITE_EVERY)
    links.clear()


def archived_copy_find(*, link: ArticleLink) -> bool:
    """The Wayback Machine's capture closest to the day we captured the page (availability API),
    for a dead link that has no archived copy stored yet."""
    snapshot = ArticleSnapshot.objects.filter(article_id=link.article_id).first()
    near = snapshot.captured_at.date() if snapshot else link.article.original_date
    try:
        capture = wayback.closest(link.article.original_url, near)
    except wayback.WaybackError as error:
        link.archive_error = str(error)[:500]
        link.save(update_fields=["archive_error"])
        return False
    if capture is None:
        return False
    link.archive_url, link.archive_captured_at = capture.url, capture.captured_at
    link.save(update_fields=["archive_url", "archive_captured_at"])
    return True


def links_check(
    *,
    limit: int | None = None,
    source: str | None = None,
    article_ids: list[int] | None = None,
    seconds: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    dry_run: bool = False,
) -> dict:
    """Check the links that are due, oldest first: at most `limit` (one round's quota when
    None) and for at most `seconds` (LINKHEALTH_RUN_SECONDS). Resumable: checks are recorded
    as they end (a hundred at a time), and what was not reached stays due."""
    links_enroll()
    now = timezone.now()
    due = ArticleLink.objects.select_related("article").order_by("next_check_at", "pk")
    due = due.due(now) if article_ids is None else due.filter(article_id__in=article_ids)
    if source:
        due = due.filter(article__source__slug=source)
    ids = list(
        due.values_list("pk", flat=True)[: limit or (None if article_ids else round_quota())]
    )
    counts = {"due": len(ids), "checked": 0, "archived_found": 0, **{s: 0 for s in Status.values}}
    if dry_run or not ids:
        return counts
    ArticleLink.objects.filter(pk__in=ids).update(next_check_at=now + LEASE)  # claimed
    deadline = time.monotonic() + (seconds or settings.LINKHEALTH_RUN_SECONDS)
    last_request: dict[str, float] = {}
    readers_changed = False
    for start in range(0, len(ids), CHUNK):
        chunk = ArticleLink.objects.select_related("article").filter(
            pk__in=ids[start : start + CHUNK]
        )
        links = {link.pk: link for link in chunk}
        dead, unwritten = [], []
        seen_before = {pk: readers_line(link) for pk, link in links.items()}
        for target, outcome in check_many(
            _targets(list(links.values())), deadline=deadline, last=last_request
        ):
            link = link_record(link=links[target.link_id], outcome=outcome, now=timezone.now())
            readers_changed |= readers_line(link) != seen_before[link.pk]
            unwritten.append(link)
            if len(unwritten) >= WRITE_EVERY:
                _write(unwritten)
            counts["checked"] += 1
            counts[link.status] += 1
            if link.is_dead and not link.archive_url:
                dead.append(link)
            if progress:
                progress(counts["checked"], len(ids))
        _write(unwritten)
        for link in dead:
            found = archived_copy_find(link=link)
            counts["archived_found"] += found
            readers_changed |= found
        if time.monotonic() >= deadline:
            break
    if readers_changed:  # once a round, and only when some reader's line is different
        page_cache.invalidate()
    unreached = ArticleLink.objects.filter(pk__in=ids, next_check_at=now + LEASE)
    unreached.update(next_check_at=now)  # due again at once: the next round starts with them
    return counts


def links_check_again(*, article_ids: list[int]) -> int:
    """Editors' "check again": due now, and checked by the worker right away."""
    from linkhealth.tasks import check_links_now  # the task calls these services

    count = ArticleLink.objects.filter(article_id__in=article_ids).update(
        next_check_at=timezone.now()
    )
    transaction.on_commit(lambda: check_links_now.enqueue(article_ids=list(article_ids)))
    return count


def archive_interval() -> float:
    """Seconds between two submissions: WAYBACK_PER_MINUTE (6, at most SPN2's 15 a minute)."""
    return 60.0 / max(0.1, min(float(settings.WAYBACK_PER_MINUTE), 15.0))


def _archive_retry(link: ArticleLink, error: wayback.WaybackError, now) -> None:
    """Back off (1, 2, 4 … minutes, at most a day); give up after WAYBACK_MAX_ATTEMPTS."""
    link.archive_attempts += 1
    link.archive_error = str(error)[:500]
    link.archive_job_id = ""
    if error.final or link.archive_attempts >= settings.WAYBACK_MAX_ATTEMPTS:
        link.archive_status = Archive.FAILED
    else:
        link.archive_status = Archive.PENDING
        backoff = min(86400, 60 * 2 ** (link.archive_attempts - 1))
        link.archive_next_at = now + datetime.timedelta(
            seconds=max(backoff, error.retry_after or 0)
        )


def _archive_poll(link: ArticleLink, now) -> None:
    try:
        capture = wayback.status(link.archive_job_id)
    except wayback.WaybackError as error:
        if error.retry_after is not None:
            raise
        _archive_retry(link, error, now)
    else:
        if capture is None:  # still capturing
            link.archive_next_at = now + datetime.timedelta(seconds=archive_interval())
        else:
            link.archive_status, link.archive_error = Archive.SAVED, ""
            link.archive_url, link.archive_captured_at = capture.url, capture.captured_at
            if link.is_dead:  # its readers are shown this copy from now on
                page_cache.invalidate()
    link.save()


def _archive_submit(link: ArticleLink, now) -> None:
    try:
        link.archive_job_id = wayback.save(link.article.original_url)
    except wayback.WaybackError as error:
        if error.retry_after is not None:
            raise
        _archive_retry(link, error, now)
    else:
        link.archive_status = Archive.SUBMITTED
        link.archive_next_at = now + datetime.timedelta(seconds=archive_interval())
    link.save()


def archive_step() -> float:
    """One step of the Wayback Machine queue: read the status of one capture in progress, or
    submit one page. Returns the seconds to wait before the next step: the submission
    interval, or what a 429's Retry-After asked for. Idempotent: a saved link is never sent
    again, one in progress is polled rather than sent again."""
    links_enroll()
    now = timezone.now()
    ready = ArticleLink.objects.select_related("article").filter(
        Q(archive_next_at__isnull=True) | Q(archive_next_at__lte=now)
    )
    link = (
        ready.filter(archive_status=Archive.SUBMITTED).order_by("archive_next_at").first()
        or ready.filter(archive_status=Archive.PENDING).order_by("archive_next_at", "pk").first()
    )
    if link is None:
        return max(archive_interval(), float(settings.LINKHEALTH_TICK))
    try:
        if link.archive_status == Archive.SUBMITTED:
            _archive_poll(link, now)
        else:
            _archive_submit(link, now)
    except wayback.WaybackError as error:  # 429: the whole queue waits, as asked
        link.archive_error = str(error)[:500]
        link.save(update_fields=["archive_error"])
        return max(archive_interval(), error.retry_after)
    return archive_interval()
