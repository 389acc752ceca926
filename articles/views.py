from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles.models import Article, Author, Source


class ArticleListView(ListView):
    paginate_by = 20
    template_name = "articles/article_list.html"

    def get_queryset(self):
        return Article.objects.published().recent().with_related()


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return Article.objects.published().with_related()


class _FilteredArticleList(ArticleListView):
    """Articles of one source, author or tag."""

    model_of_owner = None
    lookup = ""

    def get_owner(self):
        return get_object_or_404(self.model_of_owner, slug=self.kwargs["slug"])

    def get_queryset(self):
        self.owner = self.get_owner()
        return super().get_queryset().filter(**{self.lookup: self.owner})

    def get_context_data(self, **kwargs):
        return super().get_context_data(owner=self.owner, **kwargs)


class SourceDetailView(_FilteredArticleList):
    model_of_owner = Source
    lookup = "source"


class AuthorDetailView(_FilteredArticleList):
    model_of_owner = Author
    lookup = "authors"


class TagDetailView(_FilteredArticleList):
    model_of_owner = Tag
    lookup = "tags"
