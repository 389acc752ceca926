"""The editors' desk for the archive: sources, authors and articles."""

import datetime

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from taggit import admin as taggit_admin
from taggit.models import Tag

from articles.models import Article, ArticleAuthor, Author, Source
from articles.normalize import normalize_url
from core.admin_widgets import OneLookupFormSet, SafeAutocompleteMixin


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


class ArticleAdminForm(forms.ModelForm):
    """Validation in words an editor understands."""

    class Meta:
        model = Article
        fields = [
            "title", "slug", "source", "label", "original_date", "original_url",
            "pull_quote", "excerpt", "tags", "status",
        ]  # fmt: skip
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


@admin.register(Article)
class ArticleAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    """The stories app adds its same-story panel to this form (stories/admin.py)."""

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
    search_fields = ["title", "pull_quote", "source__name", "url_key"]
    date_hierarchy = "original_date"
    autocomplete_fields = ["source"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["excerpt_preview", "added_by", "created_at", "updated_at", "published_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "source", "label", "original_date", "original_url"]}),
        ("Text", {"fields": ["pull_quote", "excerpt", "excerpt_preview"]}),
        ("Publishing", {"fields": ["tags", "status", "published_at"]}),
        ("History", {"classes": ["collapse"], "fields": ["added_by", "created_at", "updated_at"]}),
    ]

    @admin.display(description="excerpt as readers see it")
    def excerpt_preview(self, article):
        if not article.excerpt:
            return "Save the article to see the cleaned excerpt."
        # The stored excerpt went through core.sanitize.clean_html on save.
        return format_html('<div class="excerpt-preview">{}</div>', mark_safe(article.excerpt))  # noqa: S308

    def save_model(self, request, obj, form, change):
        if not change and obj.added_by_id is None:
            obj.added_by = request.user
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
