from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models import Article
from articles.normalize import normalize_url


class ArticleSnapshot(models.Model):
    """The original's full text as the desk read it when the article was imported: what the
    excerpt is measured against, and a record of the page should the link rot."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="snapshot")
    url = models.URLField(max_length=2000, help_text="The address the editor imported.")
    final_url = models.URLField(max_length=2000, blank=True, help_text="After redirects.")
    title = models.CharField(max_length=500, blank=True)
    body_text = models.TextField(help_text="The original's text, as extracted.")
    captured_at = models.DateTimeField()

    class Meta:
        verbose_name = "snapshot of the original"
        verbose_name_plural = "snapshots of the originals"

    def __str__(self):
        return f"Snapshot of {self.url} ({self.captured_at:%Y-%m-%d})"

    @property
    def word_count(self) -> int:
        return len(self.body_text.split())


class FeedQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(status=Feed.Status.ACTIVE, next_poll_at__lte=now)


class Feed(models.Model):
    """A source's RSS, Atom or JSON Feed, polled by the worker (intake/polling.py)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Polled"
        STOPPED = "stopped", "Stopped"

    source = models.ForeignKey("articles.Source", on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField(max_length=2000, unique=True, verbose_name="feed address")
    title = models.CharField(max_length=300, blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField(
        max_length=500, blank=True, help_text="Why the feed is not polled, when it is stopped."
    )
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    failures = models.PositiveIntegerField(default=0, editable=False)
    last_error = models.CharField(max_length=500, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeedQuerySet.as_manager()

    class Meta:
        ordering = ["source__name", "url"]

    def __str__(self):
        return self.title or self.url


class FeedItemQuerySet(models.QuerySet):
    def inbox(self):
        """What editors see: not dismissed, newest first."""
        return self.filter(dismissed_at__isnull=True).order_by("-published_at", "-pk")


class FeedItem(models.Model):
    """One entry of a feed, waiting in the editors' inbox until excerpted or dismissed."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="items")
    guid = models.CharField(max_length=1000)
    url = models.URLField(max_length=2000)
    url_key = models.CharField(max_length=2000, db_index=True, editable=False)
    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True, help_text="Plain text, from the feed.")
    published_at = models.DateTimeField(db_index=True)
    fetched_at = models.DateTimeField(auto_now_add=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = FeedItemQuerySet.as_manager()

    class Meta:
        verbose_name = "inbox item"
        verbose_name_plural = "inbox items"
        constraints = [
            models.UniqueConstraint(fields=["feed", "guid"], name="unique_feed_item_guid")
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.url_key = normalize_url(self.url)  # (the poller's bulk insert sets it itself)
        super().save(*args, **kwargs)
