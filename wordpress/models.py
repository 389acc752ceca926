"""What an import from WordPress remembers: each item of the export (so a second run updates
and creates nothing new), the articles each post became, and the old site's links."""

from django.db import models

from articles.models import Article


class ImportedPost(models.Model):
    """One item of a WordPress export, keyed by its post id (and its guid, should the ids of
    a re-installed site have changed)."""

    class Outcome(models.TextChoices):
        IMPORTED = "imported", "Imported"
        REVIEW = "review", "Imported as draft for review"
        SKIPPED = "skipped", "Skipped by rule"

    wp_id = models.PositiveBigIntegerField("WordPress post id", unique=True)
    guid = models.CharField(max_length=2000, db_index=True)
    post_type = models.CharField(max_length=40)
    wp_status = models.CharField("WordPress status", max_length=20)
    title = models.CharField(max_length=500, blank=True)
    link = models.CharField("old permalink", max_length=2000, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    checksum = models.CharField(max_length=40, editable=False)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.CharField(max_length=200, blank=True, db_index=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-posted_at", "-wp_id"]
        verbose_name = "WordPress item"

    def __str__(self):
        return f"{self.post_type} {self.wp_id}: {self.title}"


class ImportedArticle(models.Model):
    """An article made from an excerpt of a post (a post holding a day's briefing makes
    several); `review_reason` says why the desk must look at it before it is published."""

    post = models.ForeignKey(ImportedPost, on_delete=models.CASCADE, related_name="excerpts")
    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="wordpress_origin"
    )
    position = models.PositiveSmallIntegerField(default=0)
    review_reason = models.CharField(max_length=200, blank=True, db_index=True)

    class Meta:
        ordering = ["post", "position"]
        constraints = [
            models.UniqueConstraint(fields=["post", "position"], name="unique_post_excerpt")
        ]

    def __str__(self):
        return f"{self.post_id}#{self.position}: {self.article_id}"


class LegacyRedirect(models.Model):
    """An old address of the WordPress site and the page that answers for it now.

    `old_path` is normalised by `wordpress.redirects.legacy_key` (lower case, trailing slash,
    the one query parameter WordPress read), so a request is looked up by one unique key."""

    old_path = models.CharField(max_length=2000, unique=True)
    new_path = models.CharField(max_length=2000)

    class Meta:
        ordering = ["old_path"]

    def __str__(self):
        return f"{self.old_path} → {self.new_path}"
