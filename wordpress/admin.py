"""The desk's view of an import: every WordPress item and what became of it, and on the
articles list a filter for what an import left for review ("no source line", ...)."""

from django.contrib import admin
from django.db.models import Q

from articles.models import Article
from wordpress.models import ImportedArticle, ImportedPost, LegacyRedirect


class ImportReviewFilter(admin.SimpleListFilter):
    title = "WordPress import: to review"
    parameter_name = "wp_review"

    def lookups(self, request, model_admin):
        reasons = (
            ImportedArticle.objects.exclude(review_reason="")
            .order_by("review_reason")
            .values_list("review_reason", flat=True)
            .distinct()
        )
        return [("any", "Any reason"), *((reason, reason) for reason in reasons)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "any":
            return queryset.filter(~Q(wordpress_origin__review_reason=""))
        if value:
            return queryset.filter(wordpress_origin__review_reason=value)
        return queryset


# The article admin as the apps below made it (the same-story panel included), with the filter.
ArticleAdminBase = type(admin.site._registry[Article])
admin.site.unregister(Article)


@admin.register(Article)
class ArticleWithImportAdmin(ArticleAdminBase):
    list_filter = [*ArticleAdminBase.list_filter, ImportReviewFilter]


class ImportedArticleInline(admin.TabularInline):
    model = ImportedArticle
    fields = ["position", "article", "review_reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ImportedPost)
class ImportedPostAdmin(admin.ModelAdmin):
    list_display = ["title", "post_type", "wp_status", "outcome", "reason", "posted_at"]
    list_filter = ["outcome", "reason", "post_type", "wp_status"]
    search_fields = ["title", "link", "guid", "=wp_id"]
    date_hierarchy = "posted_at"
    inlines = [ImportedArticleInline]
    readonly_fields = [f.name for f in ImportedPost._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LegacyRedirect)
class LegacyRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "new_path"]
    search_fields = ["old_path", "new_path"]
