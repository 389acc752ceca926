"""The daily briefing: one briefing per day, an ordered list of entries, each an article."""

from django.db import models
from django.urls import reverse

from articles.models import Article
from core.models import LoadedRelationsMixin
from core.sanitize import clean_html


class BriefingQuerySet(models.QuerySet):
    def published(self):
        """The one definition of a briefing visible to readers."""
        return self.filter(status=Briefing.Status.PUBLISHED)


class Briefing(models.Model):
    """One day's briefing: an ordered list of excerpted articles."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

    date = models.DateField(unique=True)
    title = models.CharField(max_length=200, default="Daily Briefing")
    intro = models.TextField("introduction", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    email_subscribers = models.BooleanField(
        default=True, help_text="Email this briefing to subscribers when it is published."
    )
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BriefingQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        get_latest_by = "date"
        indexes = [models.Index(fields=["status", "-date"], name="briefing_status_date")]

    def __str__(self):
        return f"{self.title} — {self.date:%A, %B} {self.date.day}, {self.date.year}"

    def save(self, *args, **kwargs):
        self.intro = clean_html(self.intro)
        # Every save is a new version: an editor holding an older one is told (optimistic lock).
        self.version = (self.version or 0) + 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version", "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        day = self.date
        return reverse("briefing:briefing_day", args=[day.year, day.month, day.day])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class BriefingEntryQuerySet(models.QuerySet):
    def published(self):
        """Entries readers see: those whose article is published."""
        return self.filter(article__in=Article.objects.published())


class BriefingEntry(LoadedRelationsMixin, models.Model):
    """An article's place in a briefing, optionally opening a section ("Israel", "Ukraine")."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="entries")
    article = models.ForeignKey(
        "articles.Article", on_delete=models.PROTECT, related_name="briefing_entries"
    )
    section = models.CharField(
        max_length=100,
        blank=True,
        help_text='Optional heading ("Israel", "Ukraine") that opens a section with this entry.',
    )
    position = models.PositiveIntegerField(default=0, db_index=True)

    objects = BriefingEntryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(fields=["briefing", "article"], name="unique_briefing_article")
        ]

    def __str__(self):
        # As revisions compare entries: place, article and the section it opens.
        section = f" (opens “{self.section}”)" if self.section else ""
        return f"{self.position}. {self.article}{section}"
