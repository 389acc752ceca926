"""The editors' desk for the archive: sources, authors and articles."""

import datetime

import reversion
from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from reversion_compare.admin import CompareVersionAdmin
from taggit import admin as taggit_admin
from taggit.models import Tag

from articles.models import Article, ArticleAuthor, Author, Source
from articles.normalize import normalize_url
from core.admin_previews import PreviewLinksAdminMixin
from core.admin_uploads import DeskImageUploadAdminMixin
from core.admin_widgets import OneLookupFormSet, SafeAutocompleteMixin
from core.editor import RichTextWidget, warn_about_removed_images
from core.slugs import unique_slug


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "home_page"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class BylineFormSet(OneLookupFormSet):
    """An article's bylines: the chosen authors load in one query and new bylines go in with
    one insert. (Their post_save is not sent: the article's own save, which the admin always
    makes first, refreshes its search data.)"""

    def save(self, commit=True):
        instances = super().save(commit=False)
        if not commit:
            return instances
        for byline in self.deleted_objects:
            byline.delete()
        for byline in instances:
            if not byline._state.adding:
                byline.save()
        self.model.objects.bulk_create([b for b in instances if b._state.adding])
        return instances


class ArticleAuthorInline(SafeAutocompleteMixin, admin.TabularInline):
    model = ArticleAuthor
    formset = BylineFormSet
    autocomplete_fields = ["author"]
    extra = 1
    verbose_name = "author"
    verbose_name_plural = "authors (in byline order; none for an editorial)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class ArticleAdminForm(forms.ModelForm):
    """Validation in words an editor understands."""

    class Meta:
        model = Article
        fields = [
            "title", "slug", "source", "label", "original_date", "original_url",
            "pull_quote", "excerpt", "tags", "status",
        ]  # fmt: skip
        widgets = {"excerpt": RichTextWidget}
        error_messages = {
            "source": {
                "required": "Choose the publication this article comes from "
                "(use + to add a new one)."
            },
            "original_url": {
                "invalid": "Enter the full address of the original article, starting with "
                "http:// or https://.",
                "required": "Enter the address of the original article: readers need the "
                "link to read it in full.",
            },
            "excerpt": {"required": "Paste the excerpt readers will see."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = (
            "The article's address. Left empty, or already taken, it is made from the title "
            "(“…-2” when another article has that title)."
        )

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or self.data.get("title", "")
        return unique_slug(Article, slug, exclude_pk=self.instance.pk)

    def validate_unique(self):
        # clean_slug made the slug unique already: no second query for it.
        exclude = {*self._get_validation_exclusions(), "slug"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)

    def clean_original_date(self):
        day = self.cleaned_data["original_date"]
        if day > datetime.date.today() + datetime.timedelta(days=1):
            raise forms.ValidationError("The original date cannot be in the future.")
        if day.year < 1800:
            raise forms.ValidationError("Enter the date the original was published.")
        return day

    def clean_original_url(self):
        url = self.cleaned_data["original_url"]
        existing = (
            Article.objects.filter(url_key=normalize_url(url))
            .exclude(pk=self.instance.pk)
            .only("title")
            .first()
        )
        if existing:
            link = reverse("admin:articles_article_change", args=[existing.pk])
            raise forms.ValidationError(
                format_html(
                    'This article is already in the archive: <a href="{}">{}</a>.',
                    link,
                    existing.title,
                ),
                code="duplicate",
            )
        return url


# Revisions (History: compare, restore) keep what an editor writes, bylines included; not
# the derived search data.
reversion.register(ArticleAuthor)
reversion.register(Article, follow=["article_authors"], exclude=["search_vector"])


@admin.register(Article)
class ArticleAdmin(
    DeskImageUploadAdminMixin, PreviewLinksAdminMixin, SafeAutocompleteMixin, CompareVersionAdmin
):
    """The stories app adds its same-story panel to this form (stories/admin.py)."""

    history_latest_first = True
    preview_link_route = "articles:article_preview_link"

    form = ArticleAdminForm
    inlines = [ArticleAuthorInline]
    list_display = ["title", "source", "original_date", "status", "published_at"]
    list_filter = [
        "status",
        ("source", admin.RelatedOnlyFieldListFilter),
        "tags",
        "original_date",
    ]
    list_select_related = ["source"]
    search_fields = [
        "title", "article_authors__author__name", "source__name", "excerpt", "pull_quote",
        "url_key",
    ]  # fmt: skip
    date_hierarchy = "original_date"
    autocomplete_fields = ["source"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "excerpt_preview", "share_preview", "added_by", "created_at", "updated_at",
        "published_at",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["title", "slug", "source", "label", "original_date", "original_url"]}),
        ("Text", {"fields": ["pull_quote", "excerpt", "excerpt_preview"]}),
        ("Publishing", {"fields": ["tags", "status", "published_at", "share_preview"]}),
        ("History", {"classes": ["collapse"], "fields": ["added_by", "created_at", "updated_at"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        # The briefing's article picker labels each result with its source and date.
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.select_related("source"), duplicates

    @admin.display(description="excerpt as readers see it")
    def excerpt_preview(self, article):
        if not article.excerpt:
            return "Save the article to see the cleaned excerpt."
        # The stored excerpt went through core.sanitize.clean_html on save.
        return format_html('<div class="excerpt-preview">{}</div>', mark_safe(article.excerpt))  # noqa: S308

    def save_model(self, request, obj, form, change):
        if not change and obj.added_by_id is None:
            obj.added_by = request.user
        warn_about_removed_images(request, obj.excerpt)
        super().save_model(request, obj, form, change)


# django-taggit's own Tag admin has an inline of every tagged item, of any content type, with
# a free object id, labelled with the tagged object: through it an editor could read any
# subscriber's address or staff username ("alice@example.org tagged with x"). Tags are edited
# here without it, and deleting one lists only the tags, never what they tag.
admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(taggit_admin.TagAdmin):
    inlines = []

    def get_deleted_objects(self, objs, request):
        _, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        return [str(tag) for tag in objs], model_count, perms_needed, protected
