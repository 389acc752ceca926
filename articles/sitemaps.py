from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.urls import reverse
from taggit.models import Tag, TaggedItem

from articles.models import Article, ArticleAuthor, Author, Source


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    limit = 10000

    def items(self):
        return (
            Article.objects.published().order_by("-published_at", "-id").only("slug", "updated_at")
        )

    def lastmod(self, article):
        return article.updated_at


class _OwnerSitemap(Sitemap):
    """Sources, authors and tags that have at least one published article."""

    changefreq = "daily"
    priority = 0.4
    limit = 10000

    def published(self):
        return Article.objects.published()


class SourceSitemap(_OwnerSitemap):
    def items(self):
        return Source.objects.filter(Exists(self.published().filter(source=OuterRef("pk")))).only(
            "slug"
        )


class AuthorSitemap(_OwnerSitemap):
    def items(self):
        bylines = ArticleAuthor.objects.filter(author=OuterRef("pk"), article__in=self.published())
        return Author.objects.filter(Exists(bylines)).only("slug")


class TagSitemap(_OwnerSitemap):
    def items(self):
        tagged = TaggedItem.objects.filter(
            tag=OuterRef("pk"),
            content_type__app_label="articles",
            content_type__model="article",
            object_id__in=self.published().values("id"),
        )
        return Tag.objects.filter(Exists(tagged)).order_by("name").only("slug")

    def location(self, tag):
        return reverse("articles:tag_detail", kwargs={"slug": tag.slug})


sitemaps = {
    "articles": ArticleSitemap,
    "sources": SourceSitemap,
    "authors": AuthorSitemap,
    "tags": TagSitemap,
}
