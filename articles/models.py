from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GistIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem

from articles.normalize import normalize_url
from articles.tags import BulkTaggableManager
from core.models import LoadedRelationsMixin
from core.sanitize import clean_html
from core.slugs import unique_slug
from core.text import without_surrounding_quotes

http_url = URLValidator(schemes=["http", "https"])


class Source(models.Model):
    """A publication we excerpt from: "CNN", "WSJ", "Times of Israel"."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    home_page = models.URLField(blank=True, validators=[http_url])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:source_detail", kwargs={"slug": self.slug})


class Author(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author_detail", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one definition of "visible to readers"."""
        return self.filter(status=Article.Status.PUBLISHED)

    def recent(self):
        return self.order_by("-published_at", "-id")

    def tagged(self, tag: Tag):
        """Articles carrying `tag`. A subquery on plain ids, not taggit's join: that join
        casts the generic `object_id` and hides the tag's frequency from the planner, which
        then walks every item of a common tag on a large archive."""
        items = TaggedItem.objects.filter(
            tag_id=tag.pk, content_type=ContentType.objects.get_for_model(Article)
        )
        return self.filter(id__in=items.values("object_id"))

    def with_byline(self):
        """What an article's byline and date line need: two queries for any number."""
        return self.select_related("source").prefetch_related(
            Prefetch(
                "article_authors",
                queryset=ArticleAuthor.objects.select_related("author").order_by("position"),
            )
        )

    def with_related(self):
        """The byline, the date line and the tags, in a fixed number of queries."""
        return self.with_byline().prefetch_related("tags")


class Article(LoadedRelationsMixin, models.Model):
    """An attributed excerpt of another outlet's article."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=255, unique=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="articles")
    authors = models.ManyToManyField(
        Author, through="ArticleAuthor", related_name="articles", blank=True
    )
    label = models.CharField(
        max_length=50, blank=True, help_text='Optional: "Editorial", "Op-Ed", "Analysis".'
    )
    original_date = models.DateField(help_text="When the source published the original.")
    original_url = models.URLField(
        "original URL",
        max_length=2000,
        validators=[http_url],
        help_text='The "read the full article" link (http or https).',
    )
    url_key = models.CharField(max_length=2000, unique=True, editable=False)
    pull_quote = models.TextField(
        blank=True,
        help_text="Plain text, without quotation marks: readers see it in quotation marks.",
    )
    excerpt = models.TextField(help_text="Rich text; cleaned of anything unsafe on save.")
    tags = TaggableManager(blank=True, manager=BulkTaggableManager)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            # Lists and counts of recent published articles read this index alone.
            models.Index(
                fields=["-published_at", "-id"],
                condition=models.Q(status="published"),
                name="article_published_recent",
            ),
            models.Index(fields=["original_date"], name="article_original_date"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.excerpt = clean_html(self.excerpt)
        self.pull_quote = without_surrounding_quotes(self.pull_quote)
        if not self.slug:
            self.slug = unique_slug(Article, self.title, exclude_pk=self.pk)
        self.url_key = normalize_url(self.original_url)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:article_detail", kwargs={"slug": self.slug})

    @property
    def autocomplete_label(self) -> str:
        """How pickers tell two articles apart: "Title — CNN, Apr 12, 2023" (needs `source`)."""
        day = self.original_date
        return f"{self.title} — {self.source.name}, {day:%b} {day.day}, {day.year}"

    @property
    def author_list(self) -> list["Author"]:
        return [link.author for link in self.article_authors.all()]

    @property
    def byline(self) -> str:
        """ "A", "A and B", "A, B and C"."""
        names = [author.name for author in self.author_list]
        if len(names) <= 1:
            return "".join(names)
        return f"{', '.join(names[:-1])} and {names[-1]}"


class ArticleAuthor(LoadedRelationsMixin, models.Model):
    """An author's place in an article's byline."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="article_authors")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="unique_article_author")
        ]

    def __str__(self):
        return f"{self.author} ({self.position})"


class SearchEntry(models.Model):
    """A published article as the search reads it: its vector in the row (not TOASTed) beside
    what the filters and the order need, in a table partitioned by the year of `published_at`
    (made by migration 0007 in SQL; Django cannot declare partitions). Kept by
    `articles.search.update_search_vectors`, the only writer."""

    article = models.OneToOneField(
        Article,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    published_at = models.DateTimeField()
    original_date = models.DateField()
    source = models.ForeignKey(
        Source, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    vector = SearchVectorField()

    class Meta:
        verbose_name_plural = "search entries"

    def __str__(self):
        return f"search entry of article {self.article_id}"


class ListingEntry(models.Model):
    """One line of a source's, an author's or a tag's page: that page's articles, newest
    first, read from this table's primary key alone whatever the owner's size."""

    class Kind(models.IntegerChoices):
        SOURCE = 1
        AUTHOR = 2
        TAG = 3

    pk = models.CompositePrimaryKey("kind", "owner_id", "published_at", "article")
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    owner_id = models.BigIntegerField()
    published_at = models.DateTimeField()
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name_plural = "listing entries"

    def __str__(self):
        return f"{self.get_kind_display()} {self.owner_id}: article {self.article_id}"


class SearchWord(models.Model):
    """A word of the archive's titles and pull quotes and how many articles use it: what
    "did you mean" proposes for a word that finds nothing (trigram similarity)."""

    word = models.CharField(max_length=100, primary_key=True)
    articles = models.PositiveIntegerField()

    class Meta:
        indexes = [GistIndex(OpClass("word", name="gist_trgm_ops"), name="search_word_trigram")]

    def __str__(self):
        return self.word
