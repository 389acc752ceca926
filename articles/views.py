"""Readers' pages of the archive: recent articles, one article, a source, an author, a tag,
the indexes of sources, authors and tags, and the search.

Anonymous readers get every page but the search from the readers' page cache
(core/page_cache.py), the briefing pages' cache: one generation, invalidated by any change."""

from urllib.parse import quote

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles import owners
from articles.forms import SearchForm, source_choices
from articles.models import Article, Author, Source
from articles.page_sections import article_page_sections, read_more_template
from articles.pagination import BoundedPaginator
from articles.search import CANDIDATES, headlines, ranked_ids
from articles.structured_data import article_json_ld
from core.page_cache import CachedPageMixin
from core.previews import noindex, previewed_object


class ArticleListView(CachedPageMixin, ListView):
    paginate_by = 20
    paginator_class = BoundedPaginator
    template_name = "articles/article_list.html"

    def get_queryset(self):
        # The summaries show no tags: prefetching them costs taggit a queryset per article.
        return Article.objects.published().recent().with_byline()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Recent articles",
            feed_title="Recent articles",
            feed_rss=reverse("articles:feed_rss"),
            feed_atom=reverse("articles:feed_atom"),
            **kwargs,
        )


class ArticleDetailView(CachedPageMixin, DetailView):
    template_name = "articles/article_detail.html"
    cache_parameters = ()

    def get_queryset(self):
        return Article.objects.published().with_related()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            json_ld=article_json_ld(self.object, self.request),
            sections=article_page_sections(),  # what the apps above add (page_sections.py)
            read_more=read_more_template(),
            **kwargs,
        )


class ArticlePreviewView(ArticleDetailView):
    """A draft as readers will see it, through a shared preview link (core/previews.py)."""

    cache_for_anonymous = False

    def get_object(self, queryset=None):
        return previewed_object(self.kwargs["token"], Article.objects.with_related())

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=True, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        return noindex(super().render_to_response(context, **response_kwargs))


class _FilteredArticleList(ArticleListView):
    """Articles of one source, author or tag."""

    model_of_owner = None
    lookup = ""
    owner_kind = ""

    def get_owner(self):
        return get_object_or_404(self.model_of_owner, slug=self.kwargs["slug"])

    def get_queryset(self):
        self.owner = self.get_owner()
        return self.filter_by_owner(super().get_queryset())

    def filter_by_owner(self, queryset):
        return queryset.filter(**{self.lookup: self.owner})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            owner=self.owner,
            owner_kind=self.owner_kind,
            heading=self.heading(),
            feed_rss=None,
            index_url=reverse(f"articles:{self.owner_kind}_index"),
            index_title=f"All {self.owner_kind}s",
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
    owner_kind = "tag"

    def filter_by_owner(self, queryset):
        return queryset.tagged(self.owner)

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


class _OwnerIndex(CachedPageMixin, ListView):
    """`/sources/`, `/authors/`, `/tags/`: those with a published article, alphabetical, each
    with its number of articles; `?letter=B` keeps the names opening with B (`#`: any other
    opening), the bar of initials links only those some name opens with."""

    kind = ""
    heading = ""
    paginate_by = 60
    template_name = "articles/owner_index.html"
    cache_parameters = ("letter", "page")

    def get_queryset(self):
        self.letter = self.request.GET.get("letter", "").upper()
        if self.letter and self.letter not in owners.INITIALS:
            raise Http404("No such letter.")
        return owners.alphabetical(owners.BROWSABLE[self.kind](), self.letter)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = list(context["object_list"])
        counts = owners.published_counts(self.kind, [owner.pk for owner in page])
        detail = f"articles:{self.kind}_detail"
        present = owners.initials(owners.BROWSABLE[self.kind]())
        context.update(
            heading=self.heading,
            rows=[
                (owner.name, reverse(detail, kwargs={"slug": owner.slug}), counts.get(owner.pk))
                for owner in page
            ],
            letter=self.letter,
            initials=[(initial, initial in present) for initial in owners.INITIALS],
            query_string=f"letter={quote(self.letter)}" if self.letter else "",
            previous_label="← Previous",
            next_label="Next →",
        )
        return context


class SourceIndexView(_OwnerIndex):
    kind, heading = "source", "Sources"


class AuthorIndexView(_OwnerIndex):
    kind, heading = "author", "Authors"


class TagIndexView(_OwnerIndex):
    kind, heading = "tag", "Tags"


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
        queryset = self.form.filter(Article.objects.published())
        query = self.form.cleaned_data["q"]
        if query:
            ids = ranked_ids(queryset, query)
        else:
            ids = list(queryset.recent().values_list("id", flat=True)[: CANDIDATES + 1])
        self.more = len(ids) > CANDIDATES
        return ids[:CANDIDATES]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(form=self.form, **kwargs)
        query = self.form.cleaned_data.get("q", "") if self.form.is_bound else ""
        ids = list(context["object_list"])
        by_id = Article.objects.with_byline().in_bulk(ids)
        page = [by_id[pk] for pk in ids if pk in by_id]
        snippets = headlines(page, query) if query else {}
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(
            results=[(article, snippets.get(article.id)) for article in page],
            query=query,
            searched=self.form.is_bound,
            more_than=CANDIDATES if getattr(self, "more", False) else None,
            query_string=params.urlencode(),
            source_choices=source_choices(),
        )
        return context
