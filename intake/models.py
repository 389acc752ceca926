from django.db import models

from articles.models import Article


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

    def __str__(self):
        return f"Snapshot of {self.url} ({self.captured_at:%Y-%m-%d})"

    @property
    def word_count(self) -> int:
        return len(self.body_text.split())
