"""The state of each article's "read the full article" link, and of its archived copy."""

from django.db import models
from django.utils import timezone

from articles.models import Article


class ArticleLinkQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(next_check_at__lte=now)

    def dead(self):
        """Links whose readers get the archived copy instead of the original."""
        return self.filter(status__in=ArticleLink.DEAD)


class ArticleLink(models.Model):
    """One article's original address as the checker last found it (linkhealth/checker.py).
    Made for every article, however it was added (a WordPress import bulk-inserts)."""

    class Status(models.TextChoices):
        UNCHECKED = "unchecked", "Not checked yet"
        OK = "ok", "OK"
        MOVED = "moved", "Moved (permanent redirect)"
        FAILING = "failing", "Failing"
        GONE = "gone", "Gone"
        CHANGED = "changed", "Changed"
        BLOCKED = "blocked", "Paywalled or blocked"

    class Archive(models.TextChoices):
        NONE = "", "Not submitted"
        PENDING = "pending", "To submit to the Wayback Machine"
        SUBMITTED = "submitted", "Capture in progress"
        SAVED = "saved", "Archived"
        FAILED = "failed", "Could not be archived"

    DEAD = (Status.GONE, Status.CHANGED)

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="link")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNCHECKED)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.URLField(
        max_length=2000, blank=True, help_text="Where a permanent redirect now leads."
    )
    similarity = models.FloatField(
        null=True, blank=True, help_text="Share of the snapshot's text still on the page."
    )
    detail = models.CharField(max_length=500, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(default=timezone.now, db_index=True)
    not_found_since = models.DateTimeField(null=True, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    archive_status = models.CharField(
        max_length=10, choices=Archive.choices, default=Archive.NONE, blank=True, db_index=True
    )
    archive_url = models.URLField(max_length=2100, blank=True)
    archive_captured_at = models.DateTimeField(null=True, blank=True)
    archive_job_id = models.CharField(max_length=100, blank=True)
    archive_attempts = models.PositiveSmallIntegerField(default=0)
    archive_next_at = models.DateTimeField(null=True, blank=True)
    archive_error = models.CharField(max_length=500, blank=True)

    objects = ArticleLinkQuerySet.as_manager()

    class Meta:
        verbose_name = "article link"
        verbose_name_plural = "link health"
        ordering = ["-checked_at", "-pk"]
        indexes = [models.Index(fields=["status"], name="articlelink_status")]

    def __str__(self):
        return self.article.original_url

    @property
    def is_dead(self) -> bool:
        return self.status in self.DEAD
