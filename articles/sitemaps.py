from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles import owners
from articles.models import Article


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    limit = 10000

    def items(self):
        return (
            Article.objects.published().order_by("-published_at", "-id").only("slug", "updated_at")
        )

    def lastmod(self, article):
        return article.updated_at


class IndexSitemap(Sitemap):
    """The indexes of sources, authors and tags."""

    changefreq = "daily"
    priority = 0.5

    def items(self):
        return ["articles:source_index", "articles:author_index", "articles:tag_index"]

    def location(self, name):
        return reverse(name)


class _OwnerSitemap(Sitemap):
    """Sources, authors and tags that have at least one published article."""

    changefreq = "daily"
    priority = 0.4
    limit = 10000
    kind = ""

    def items(self):
        return owners.BROWSABLE[self.kind]().order_by("name", "pk").only("slug")

    def location(self, owner):
        return reverse(f"articles:{self.kind}_detail", kwargs={"slug": owner.slug})


class SourceSitemap(_OwnerSitemap):
    kind = "source"


class AuthorSitemap(_OwnerSitemap):
    kind = "author"


class TagSitemap(_OwnerSitemap):
    kind = "tag"


sitemaps = {
    "articles": ArticleSitemap,
    "indexes": IndexSitemap,
    "sources": SourceSitemap,
    "authors": AuthorSitemap,
    "tags": TagSitemap,
}
