"""RSS and Atom feeds of recent articles and of each tag (published articles only)."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from taggit.models import Tag

from articles.models import Article
from articles.structured_data import description

FEED_ITEMS = 30


class RecentArticlesFeed(Feed):
    title = "Recent articles"
    description = "The latest excerpts added to the archive."

    def link(self):
        return reverse("articles:article_list")

    def items(self):
        return Article.objects.published().recent().with_related()[:FEED_ITEMS]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        # RSS descriptions and Atom summaries (type="html") are read as HTML: the plain-text
        # pull quote or excerpt is escaped, so what an editor typed shows as text.
        return escape(description(article))

    def item_author_name(self, article):
        return article.byline or article.source.name

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_categories(self, article):
        return [tag.name for tag in article.tags.all()]


class RecentArticlesAtomFeed(RecentArticlesFeed):
    feed_type = Atom1Feed
    subtitle = RecentArticlesFeed.description


class TagFeed(RecentArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, tag):
        return f"Articles tagged “{tag.name}”"

    def description(self, tag):
        return f"The latest excerpts tagged “{tag.name}”."

    def link(self, tag):
        return reverse("articles:tag_detail", kwargs={"slug": tag.slug})

    def items(self, tag):
        return Article.objects.published().tagged(tag).recent().with_related()[:FEED_ITEMS]


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed

    def subtitle(self, tag):
        return self.description(tag)
