"""Stories (articles confirmed to report the same news), the fingerprints used to find them,
and the editors' verdicts on proposed pairs."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q


class Story(models.Model):
    """A cluster of articles that editors (or the backfill, above its high threshold) confirmed
    as the same story told by different outlets."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "stories"

    def __str__(self):
        return f"Story #{self.pk}"


class StoryArticle(models.Model):
    """An article's place in a story: an article belongs to at most one story."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="members")
    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, related_name="story_link"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.article} in {self.story}"


class PairDecision(models.Model):
    """An editor's verdict on a proposed pair, stored once per unordered pair (low id first) so
    a dismissed pair is never proposed again, from either side."""

    class Verdict(models.TextChoices):
        SAME = "same", "Same story"
        DIFFERENT = "different", "Not the same"

    first = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    score = models.FloatField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="unique_pair_decision"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="pair_ordered"),
        ]

    def __str__(self):
        return f"{self.first_id} / {self.second_id}: {self.get_verdict_display()}"


class Fingerprint(models.Model):
    """What the same-story search knows of one article, kept current on save.

    `vector` holds the stemmed content words with their positions (PostgreSQL's English
    text-search configuration); `keywords` the article's most distinctive stems, also stored
    one per row in `Keyword` for the candidate stage."""

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="fingerprint"
    )
    original_date = models.DateField()
    vector = SearchVectorField()
    keywords = ArrayField(models.TextField(), default=list)
    # Whether `cluster_stories` has linked this article since its fingerprint last changed.
    clustered = models.BooleanField(db_default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["original_date"], name="fingerprint_date"),
            models.Index(
                fields=["original_date", "article"],
                name="fingerprint_unclustered",
                condition=Q(clustered=False),
            ),
        ]

    def __str__(self):
        return f"Fingerprint of article {self.article_id}"


class Keyword(models.Model):
    """One of an article's distinctive stems, dated: the candidate stage looks up (stem, date
    range) pairs in one B-tree, so a common stem costs only the articles of the window."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    term = models.TextField()  # byte-wise "C" collation (migration 0002)
    original_date = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["term", "original_date", "article"], name="keyword_term_date"),
        ]

    def __str__(self):
        return f"{self.term} ({self.article_id})"


class TermStat(models.Model):
    """Document frequency of one stem across the archive's fingerprints; the row whose term is
    the empty string counts the fingerprints themselves (no stem is empty)."""

    term = models.TextField(primary_key=True)
    df = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.term}: {self.df}"
