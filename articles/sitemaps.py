from django.contrib.sitemaps import Sitemap

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


sitemaps = {"articles": ArticleSitemap}
