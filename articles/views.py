"""Readers' pages of the archive: recent articles, one article, a source, an author, a tag,
and the search."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles.forms import SearchForm, source_choices
from articles.models import Article, Author, ListingEntry, Source
from articles.page_sections import article_page_sections
from articles.pagination import BoundedPaginator
from articles.search import CANDIDATES, corrected_query, headlines, ranked_ids
from articles.structured_data import article_json_ld
from core.previews import noindex, previewed_object


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
        return super().get_context_data(
            json_ld=article_json_ld(self.object, self.request),
            sections=article_page_sections(),  # what the apps above add (page_sections.py)
            **kwargs,
        )


class ArticlePreviewView(ArticleDetailView):
    """A draft as readers will see it, through a shared preview link (core/previews.py)."""

    def get_object(self, queryset=None):
        return previewed_object(self.kwargs["token"], Article.objects.with_related())

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=True, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        return noindex(super().render_to_response(context, **response_kwargs))


class _FilteredArticleList(ArticleListView):
    """Articles of one source, author or tag: a page of ids from the listing entries (an
    index-only scan, whatever the owner's size), then those articles."""

    model_of_owner = None
    kind = None
    owner_kind = ""

    def get_owner(self):
        return get_object_or_404(self.model_of_owner, slug=self.kwargs["slug"])

    def get_queryset(self):
        self.owner = self.get_owner()
        entries = ListingEntry.objects.filter(kind=self.kind, owner_id=self.owner.pk)
        return entries.order_by("-published_at", "-article").values_list("article", flat=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ids = list(context["object_list"])
        by_id = Article.objects.with_related().in_bulk(ids)
        context.update(
            object_list=[by_id[pk] for pk in ids if pk in by_id],
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
    kind = ListingEntry.Kind.SOURCE
    owner_kind = "source"

    def heading(self):
        return f"Articles from {self.owner.name}"


class AuthorDetailView(_FilteredArticleList):
    model_of_owner = Author
    kind = ListingEntry.Kind.AUTHOR
    owner_kind = "author"

    def heading(self):
        return f"Articles by {self.owner.name}"


class TagDetailView(_FilteredArticleList):
    model_of_owner = Tag
    kind = ListingEntry.Kind.TAG
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


class SearchView(ListView):
    """`/search/?q=...`: ranked matches with highlighted snippets, filters, pagination. Bad
    input (any length, any characters) gets the form back with a message, never an error.

    Pages through a bounded list of ids (one query), then loads one page of articles."""

    paginate_by = 20
    template_name = "articles/search.html"

    def get_queryset(self):
        self.form = SearchForm(self.request.GET or None)
        if not self.form.is_valid() or not self.form.has_criteria:
            return []
        query = self.form.cleaned_data["q"]
        if query:
            filters = self.form.search_filters()
            ids = ranked_ids(query, filters)
            self.corrected = None if ids else corrected_query(query)
            if self.corrected:  # nothing found: the archive's closest words instead
                ids = ranked_ids(self.corrected, filters)
        else:
            queryset = self.form.filter(Article.objects.published())
            ids = list(queryset.recent().values_list("id", flat=True)[: CANDIDATES + 1])
        self.more = len(ids) > CANDIDATES
        return ids[:CANDIDATES]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(form=self.form, **kwargs)
        query = self.form.cleaned_data.get("q", "") if self.form.is_bound else ""
        ids = list(context["object_list"])
        by_id = Article.objects.with_byline().in_bulk(ids)
        page = [by_id[pk] for pk in ids if pk in by_id]
        corrected = getattr(self, "corrected", None)
        snippets = headlines(page, corrected or query) if query else {}
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(
            results=[(article, snippets.get(article.id)) for article in page],
            query=query,
            corrected=corrected,
            searched=self.form.is_bound,
            more_than=CANDIDATES if getattr(self, "more", False) else None,
            query_string=params.urlencode(),
            source_choices=source_choices(),
        )
        return context
