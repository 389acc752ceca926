"""The desk's link-health page: every article's link with its state, filters by state, source
and year, the figures by year and source above the list, and "check again"."""

from django.contrib import admin, messages
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.html import format_html

from linkhealth import services
from linkhealth.desk import health_summary
from linkhealth.models import ArticleLink


class YearFilter(admin.SimpleListFilter):
    title = "year of the original"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            ArticleLink.objects.annotate(year=ExtractYear("article__original_date"))
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )
        return [(str(year), str(year)) for year in years if year]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(article__original_date__year=int(self.value()))
        return queryset


@admin.register(ArticleLink)
class ArticleLinkAdmin(admin.ModelAdmin):
    change_list_template = "admin/linkhealth/articlelink/change_list.html"
    list_display = ["article_title", "source", "original_date", "status", "http_status",
                    "checked_at", "archived_copy", "detail"]  # fmt: skip
    list_filter = [
        "status",
        "archive_status",
        ("article__source", admin.RelatedOnlyFieldListFilter),
        YearFilter,
    ]
    list_display_links = None  # the article's title links to the article
    list_select_related = ["article__source"]
    search_fields = ["article__title", "article__original_url", "article__source__name"]
    actions = ["check_again"]
    list_per_page = 50
    readonly_fields = [field.name for field in ArticleLink._meta.fields]

    def has_add_permission(self, request):
        return False  # every article gets its record from the checker

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="article", ordering="article__title")
    def article_title(self, link):
        url = reverse("admin:articles_article_change", args=[link.article_id])
        return format_html('<a href="{}">{}</a>', url, link.article.title)

    @admin.display(description="source", ordering="article__source__name")
    def source(self, link):
        return link.article.source.name

    @admin.display(description="original", ordering="article__original_date")
    def original_date(self, link):
        return link.article.original_date

    @admin.display(description="archived copy")
    def archived_copy(self, link):
        if link.archive_url:
            day = link.archive_captured_at
            label = f"{day:%Y-%m-%d}" if day else "copy"
            return format_html('<a href="{}" rel="noopener">{}</a>', link.archive_url, label)
        return link.get_archive_status_display() if link.archive_status else "—"

    @admin.action(description="Check the selected links again", permissions=["view"])
    def check_again(self, request, queryset):
        count = services.links_check_again(
            article_ids=list(queryset.values_list("article_id", flat=True))
        )
        self.message_user(
            request, f"{count} link(s) will be checked again in a moment.", messages.SUCCESS
        )

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {**(extra_context or {}), "health": health_summary()}
        )
