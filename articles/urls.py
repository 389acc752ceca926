from django.urls import path

from articles import feeds, views
from core.page_cache import cached_feed

app_name = "articles"

urlpatterns = [
    path("articles/", views.ArticleListView.as_view(), name="article_list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path(
        "preview/articles/<str:token>/",
        views.ArticlePreviewView.as_view(),
        name="article_preview_link",
    ),
    path("sources/", views.SourceIndexView.as_view(), name="source_index"),
    path("authors/", views.AuthorIndexView.as_view(), name="author_index"),
    path("tags/", views.TagIndexView.as_view(), name="tag_index"),
    path("sources/<slug:slug>/", views.SourceDetailView.as_view(), name="source_detail"),
    path("authors/<slug:slug>/", views.AuthorDetailView.as_view(), name="author_detail"),
    path("tags/<slug:slug>/", views.TagDetailView.as_view(), name="tag_detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feeds/articles/rss/", cached_feed(feeds.RecentArticlesFeed()), name="feed_rss"),
    path("feeds/articles/atom/", cached_feed(feeds.RecentArticlesAtomFeed()), name="feed_atom"),
    path("feeds/tags/<slug:slug>/rss/", cached_feed(feeds.TagFeed()), name="tag_feed_rss"),
    path("feeds/tags/<slug:slug>/atom/", cached_feed(feeds.TagAtomFeed()), name="tag_feed_atom"),
]
