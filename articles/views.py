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
from articles.models import Article, Author, ListingEntry, Source
from articles.page_sections import article_page_sections, read_more_template
from articles.pagination import BoundedPaginator
from articles.search import CANDIDATES, corrected_query, headlines, ranked_ids
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
        # The summaries show no tags: prefetching them (taggit builds a queryset per article)
        # took uncached tag pages from 12 to 15 ms of CPU (bench/profile_pages.py).
        by_id = Article.objects.with_byline().in_bulk(ids)
        context.update(
            object_list=[by_id[pk] for pk in ids if pk in by_id],
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
