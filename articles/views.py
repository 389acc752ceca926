from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles.forms import SearchForm
from articles.models import Article, Author, Source
from articles.pagination import BoundedPaginator
from articles.search import headlines, search_articles
from articles.structured_data import article_json_ld
from briefing.models import Briefing


class ArticleListView(ListView):
    paginate_by = 20
    paginator_class = BoundedPaginator
    template_name = "articles/article_list.html"

    def get_queryset(self):
        return Article.objects.published().recent().with_related()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Recent articles",
            feed_title="Recent articles",
            feed_rss=reverse("articles:feed_rss"),
            feed_atom=reverse("articles:feed_atom"),
            **kwargs,
        )


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return Article.objects.published().with_related()

    def get_context_data(self, **kwargs):
        article = self.object
        briefings = Briefing.objects.published().filter(entries__article=article).distinct()
        return super().get_context_data(
            briefings=list(briefings.order_by("-date")),
            json_ld=article_json_ld(article, self.request),
            **kwargs,
        )


class _FilteredArticleList(ArticleListView):
    """Articles of one source, author or tag."""

    model_of_owner = None
    lookup = ""
    owner_kind = ""

    def get_owner(self):
        return get_object_or_404(self.model_of_owner, slug=self.kwargs["slug"])

    def get_queryset(self):
        self.owner = self.get_owner()
        return super().get_queryset().filter(**{self.lookup: self.owner})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            owner=self.owner,
            owner_kind=self.owner_kind,
            heading=self.heading(),
            feed_rss=None,
        )
        return context

    def heading(self) -> str:
        return str(self.owner)


class SourceDetailView(_FilteredArticleList):
    model_of_owner = Source
    lookup = "source"
    owner_kind = "source"

    def heading(self):
        return f"Articles from {self.owner.name}"


class AuthorDetailView(_FilteredArticleList):
    model_of_owner = Author
    lookup = "authors"
    owner_kind = "author"

    def heading(self):
        return f"Articles by {self.owner.name}"


class TagDetailView(_FilteredArticleList):
    model_of_owner = Tag
    lookup = "tags"
    owner_kind = "tag"

    def heading(self):
        return f"Articles tagged “{self.owner.name}”"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slug = {"slug": self.owner.slug}
        context.update(
            feed_title=context["heading"],
            feed_rss=reverse("articles:tag_feed_rss", kwargs=slug),
            feed_atom=reverse("articles:tag_feed_atom", kwargs=slug),
        )
        return context


class SearchView(ArticleListView):
    """`/search/?q=...`: ranked matches with highlighted snippets, filters, pagination. Bad
    input (any length, any characters) gets the form back with a message, never an error."""

    template_name = "articles/search.html"

    def get_queryset(self):
        self.form = SearchForm(self.request.GET or None)
        if not self.form.is_valid() or not self.form.has_criteria:
            return Article.objects.none()
        queryset = self.form.filter(Article.objects.published())
        query = self.form.cleaned_data["q"]
        queryset = search_articles(queryset, query) if query else queryset.recent()
        return queryset.with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(form=self.form, **kwargs)
        query = self.form.cleaned_data.get("q", "") if self.form.is_bound else ""
        page = context["object_list"]
        snippets = headlines(page, query) if query else {}
        context["results"] = [(article, snippets.get(article.id)) for article in page]
        context["query"] = query
        context["searched"] = self.form.is_bound
        params = self.request.GET.copy()
        params.pop("page", None)
        context["query_string"] = params.urlencode()
        return context
