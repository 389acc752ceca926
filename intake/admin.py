"""The desk's intake: "Import from URL" on the article add form (and /admin/…/import/?url=…,
which the bookmarklet opens), the snapshot on the article form, and the feeds inbox.

The article admin is extended here as the stories app extends it (a mixin and a re-register),
so articles/admin.py knows nothing of intake."""

import dataclasses
import datetime
import secrets
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

from articles.admin import ArticleAuthorInline
from articles.models import Article
from intake import guard, inbox, services, tasks
from intake.fetch import FetchError
from intake.models import ArticleSnapshot, Feed, FeedItem
from stories import panel
from stories.admin import ArticleWithSameStoryAdmin

SESSION_PREFIX = "intake:"
IMPORT_FIELD = "_import"


def _intake(request) -> services.Intake | None:
    """The import this add form was opened with (token in the query or the posted form)."""
    token = request.POST.get(IMPORT_FIELD) or request.GET.get(IMPORT_FIELD)
    data = request.session.get(SESSION_PREFIX + token) if token else None
    return services.intake_from_dict(data) if data else None


class ImportedBylineInline(ArticleAuthorInline):
    """The byline rows, one per matched author when the form comes from an import."""

    def get_extra(self, request, obj=None, **kwargs):
        adding = obj is None or obj.pk is None
        intake = _intake(request) if adding and request.method == "GET" else None
        matched = [i for i in intake.author_ids if i] if intake else []
        return max(len(matched), super().get_extra(request, obj, **kwargs))


class ArticleImportMixin:
    """Adds the import view, fills the add form from an import, and keeps the snapshot."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "import/<str:token>/create-proposed/",
                self.admin_site.admin_view(self.import_proposals_view),
                name="{}_{}_import_proposals".format(*info),
            ),
            *super().get_urls(),
        ]

    def _add_url(self, **query) -> str:
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_add")
        return f"{url}?{urlencode(query)}" if query else url

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        url = (request.GET.get("url") or "").strip()
        if not url:
            messages.info(request, "Paste the original article's address to import it.")
            return HttpResponseRedirect(self._add_url())
        try:
            intake = services.intake_from_url(url)
        except FetchError as error:
            self.message_user(
                request,
                format_html(
                    "Could not import {}: {} The form is yours to fill in by hand.", url, error
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(self._add_url(original_url=url))
        token = secrets.token_urlsafe(12)
        request.session[SESSION_PREFIX + token] = dataclasses.asdict(intake)
        return HttpResponseRedirect(self._add_url(**{IMPORT_FIELD: token}))

    def import_proposals_view(self, request, token):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        data = request.session.get(SESSION_PREFIX + token)
        if not data:
            messages.warning(request, "That import has expired: import the address again.")
            return HttpResponseRedirect(self._add_url())
        intake = services.intake_proposals_create(intake=services.intake_from_dict(data))
        request.session[SESSION_PREFIX + token] = dataclasses.asdict(intake)
        messages.success(request, "The proposed source and authors were added to the archive.")
        return HttpResponseRedirect(self._add_url(**{IMPORT_FIELD: token}))

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        intake = _intake(request)
        if intake is None:
            return initial
        initial.update(
            title=intake.title,
            slug=services.free_slug(Article, intake.title)[:255],
            original_url=intake.url,
            excerpt=intake.excerpt_html,
            tags=", ".join(intake.tag_names),
        )
        if intake.date:
            initial["original_date"] = intake.date
        if intake.source_id:
            initial["source"] = intake.source_id
        return initial

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        intake = _intake(request) if request.method == "GET" and obj.pk is None else None
        if intake is not None and isinstance(inline, ArticleAuthorInline):
            matched = [author_id for author_id in intake.author_ids if author_id]
            kwargs["initial"] = [
                {"author": author_id, "position": position}
                for position, author_id in enumerate(matched)
            ]
        return kwargs

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        intake = _intake(request) if add else None
        info = self.opts.app_label, self.opts.model_name
        context["intake"] = intake
        context["intake_token"] = request.POST.get(IMPORT_FIELD) or request.GET.get(IMPORT_FIELD)
        context["intake_import_url"] = reverse("admin:{}_{}_import".format(*info))
        context["intake_bookmarklet"] = bookmarklet(request, context["intake_import_url"])
        if intake is not None and intake.date and not intake.duplicate_id:
            unsaved = Article(
                title=intake.title,
                excerpt=intake.excerpt_html,
                original_date=datetime.date.fromisoformat(intake.date),
                original_url=intake.url,
            )
            context["import_same_story"] = panel.same_story_panel(unsaved, opts=self.opts)
        snapshot = _snapshot(obj)
        if snapshot is not None or intake is not None:
            body = snapshot.body_text if snapshot else intake.body_text
            form = context.get("adminform").form
            excerpt = form["excerpt"].value() or ""
            context["excerpt_guard"] = guard.measure(excerpt_html=excerpt, original_text=body)
        context["snapshot"] = snapshot
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        intake = _intake(request) if not change else None
        if intake is not None:
            services.snapshot_save(article=obj, intake=intake)

    def response_add(self, request, obj, post_url_continue=None):
        token = request.POST.get(IMPORT_FIELD)
        if token:
            request.session.pop(SESSION_PREFIX + token, None)
        return super().response_add(request, obj, post_url_continue)


def _snapshot(article):
    if article is None or article.pk is None:
        return None
    return ArticleSnapshot.objects.filter(article=article).first()


def bookmarklet(request, import_path: str) -> str:
    """A "javascript:" link an editor drags to the bookmarks bar: on any page it opens the
    import of that page's address on this desk."""
    target = request.build_absolute_uri(import_path) + "?url="
    return f"javascript:location.href='{target}'+encodeURIComponent(location.href)"


admin.site.unregister(Article)


@admin.register(Article)
class ArticleIntakeAdmin(ArticleImportMixin, ArticleWithSameStoryAdmin):
    """The archive's article admin with the same-story panel and the import from URL."""

    change_form_template = "intake/admin/article_change_form.html"
    inlines = [
        ImportedBylineInline if inline is ArticleAuthorInline else inline
        for inline in ArticleWithSameStoryAdmin.inlines
    ]

    class Media:
        js = ["intake/import.js"]
        css = {"all": ["intake/intake.css"]}


@admin.register(ArticleSnapshot)
class ArticleSnapshotAdmin(admin.ModelAdmin):
    list_display = ["article", "url", "captured_at"]
    search_fields = ["article__title", "url"]
    list_select_related = ["article"]
    readonly_fields = ["article", "url", "final_url", "title", "body_text", "captured_at"]

    def has_add_permission(self, request):
        return False  # snapshots are taken by imports only


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    """A source's feeds; a stopped feed says why, and saving it as "Polled" starts it again."""

    list_display = ["__str__", "source", "status", "last_success_at", "problem"]
    list_filter = ["status", ("source", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["source"]
    search_fields = ["url", "title", "source__name"]
    autocomplete_fields = ["source"]
    readonly_fields = ["title", "last_polled_at", "last_success_at", "failing_since",
                       "failures", "last_error", "next_poll_at"]  # fmt: skip
    fields = ["source", "url", "status", "status_reason", *readonly_fields]

    @admin.display(description="problem")
    def problem(self, feed):
        return feed.status_reason or feed.last_error or "—"

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data and obj.status == Feed.Status.ACTIVE:
            obj.failures, obj.failing_since, obj.status_reason = 0, None, ""
            obj.next_poll_at = timezone.now()
        super().save_model(request, obj, form, change)
        transaction.on_commit(tasks.schedule_next)


class InArchiveFilter(admin.SimpleListFilter):
    title = "in the archive"
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("yes", "Already in the archive"), ("no", "Not yet")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(in_archive=self.value() == "yes")
        return queryset


@admin.register(FeedItem)
class InboxAdmin(admin.ModelAdmin):
    """The editors' inbox: new items of every feed, newest first, the same story together."""

    list_display = ["headline", "source", "published_at", "archived", "actions_column"]
    list_display_links = None
    list_filter = [("feed__source", admin.RelatedOnlyFieldListFilter), "published_at",
                   InArchiveFilter]  # fmt: skip
    search_fields = ["title", "summary"]
    date_hierarchy = "published_at"
    list_per_page = 50
    actions = ["dismiss_selected"]
    change_list_template = "intake/admin/inbox.html"

    def get_queryset(self, request):
        articles = Article.objects.filter(url_key=OuterRef("url_key"))
        return (
            FeedItem.objects.inbox()
            .select_related("feed__source")
            .annotate(in_archive=Exists(articles))
            .defer("guid")
        )

    def has_add_permission(self, request):
        return False  # items come from the feeds

    def has_delete_permission(self, request, obj=None):
        return False  # dismissed, not deleted: a deleted item would come back with the feed

    def get_urls(self):
        return [
            path(
                "<int:item_id>/dismiss/",
                self.admin_site.admin_view(self.dismiss_view),
                name="intake_feeditem_dismiss",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            changelist.result_list = inbox.group_same_story(list(changelist.result_list))
        return response

    @admin.display(description="item")
    def headline(self, item):
        story = ""
        if getattr(item, "same_story_as", None) is not None:
            story = format_html('<span class="inbox-same-story">Same story as above · </span>')
        elif getattr(item, "story_size", 1) > 1:
            story = format_html(
                '<span class="inbox-story-lead">{} items on this story · </span>', item.story_size
            )
        return format_html(
            '{}<a href="{}" rel="noopener noreferrer">{}</a>', story, item.url, item.title
        )

    @admin.display(description="source", ordering="feed__source__name")
    def source(self, item):
        return item.feed.source.name

    @admin.display(description="in the archive", boolean=True, ordering="in_archive")
    def archived(self, item):
        return item.in_archive

    @admin.display(description="actions")
    def actions_column(self, item):
        import_url = reverse("admin:articles_article_import") + "?" + urlencode({"url": item.url})
        dismiss_url = reverse("admin:intake_feeditem_dismiss", args=[item.pk])
        return format_html(
            '<a class="button" href="{}">Excerpt this</a> '
            '<button type="submit" class="button" formmethod="post" formaction="{}" '
            'aria-label="Dismiss: {}">Dismiss</button>',
            import_url,
            dismiss_url,
            item.title,
        )

    def dismiss_view(self, request, item_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        item = FeedItem.objects.filter(pk=item_id).first()
        if item is not None:
            services.feed_items_dismiss(items=[item.pk], user=request.user)
            self.message_user(request, f"“{item.title}” was dismissed for everyone.")
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = reverse("admin:intake_feeditem_changelist")
        return HttpResponseRedirect(back)

    @admin.action(description="Dismiss the selected items (for everyone)")
    def dismiss_selected(self, request, queryset):
        count = services.feed_items_dismiss(
            items=list(queryset.values_list("pk", flat=True)), user=request.user
        )
        self.message_user(request, f"{count} item(s) dismissed for everyone.")
