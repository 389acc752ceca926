"""The editorial desk: compose, order, preview, schedule and publish the daily briefing."""

import datetime

import reversion
from adminsortable2.admin import (
    CustomInlineFormSetMixin,
    SortableAdminBase,
    SortableTabularInline,
)
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from reversion_compare.admin import CompareVersionAdmin

from articles.models import Article
from briefing import services
from briefing.forms import BriefingAdminForm
from briefing.models import Briefing, BriefingEntry
from briefing.views import day_page_data, entries_prefetch, support_box
from core.admin_previews import PreviewLinksAdminMixin
from core.admin_widgets import OneLookupFormSet, SafeAutocompleteMixin
from core.editor import warn_about_removed_images


def _long_date(day: datetime.date) -> str:
    return f"{day:%A, %B} {day.day}, {day.year}"


class EntryFormSet(CustomInlineFormSetMixin, OneLookupFormSet):
    """Rows that drag into order, whose articles load in one query whatever their number."""


class BriefingEntryInline(SafeAutocompleteMixin, SortableTabularInline):
    model = BriefingEntry
    formset = EntryFormSet
    fields = ["article", "section", "article_status"]
    readonly_fields = ["article_status"]
    extra = 0
    verbose_name = "article"
    verbose_name_plural = "articles (drag to reorder; a section heading opens a section)"

    def get_autocomplete_fields(self, request):
        # Autocomplete needs the articles' admin (with search_fields); until then a select.
        return ["article"] if admin.site.is_registered(Article) else []

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article__source")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article":
            # Chosen articles are labelled with their source and date (choice_label).
            kwargs["queryset"] = Article.objects.select_related("source")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="status")
    def article_status(self, entry):
        return entry.article.get_status_display() if entry.article_id else ""


# Revisions (History: compare, restore) of a briefing's text and its entries: order, sections.
reversion.register(BriefingEntry)
reversion.register(Briefing, follow=["entries"])
# What restoring an old revision keeps as it is now: it never publishes or unpublishes, and
# the version number only grows (an editor's open form must still notice the restore).
PUBLISHING_STATE = ["status", "published_at", "publish_at", "email_subscribers", "version"]


@admin.register(Briefing)
class BriefingAdmin(PreviewLinksAdminMixin, SortableAdminBase, CompareVersionAdmin):
    history_latest_first = True
    preview_link_route = "briefing:briefing_preview_link"
    form = BriefingAdminForm
    change_form_template = "admin/briefing/briefing/change_form.html"
    inlines = [BriefingEntryInline]
    list_display = ["date", "title", "status", "publish_at", "published_at", "entry_count"]
    list_filter = ["status", "email_subscribers"]
    search_fields = ["title", "intro", "entries__article__title"]
    date_hierarchy = "date"
    actions = ["publish_selected"]
    fieldsets = [
        (None, {"fields": ["date", "title", "intro", "expected_version"]}),
        (
            "Publishing",
            {
                "fields": [
                    "status", "publish_at", "published_at", "email_subscribers", "share_preview",
                ]
            },
        ),
    ]  # fmt: skip
    readonly_fields = ["status", "published_at", "share_preview"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entry_total=Count("entries"))

    def save_model(self, request, obj, form, change):
        warn_about_removed_images(request, obj.intro)
        for field, value in getattr(request, "briefing_publishing_state", {}).items():
            setattr(obj, field, value)
        super().save_model(request, obj, form, change)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore a revision's text and entries (order, sections), not its publishing state."""
        current = Briefing.objects.filter(pk=object_id).values(*PUBLISHING_STATE).first()
        request.briefing_publishing_state = current or {}
        return super().revision_view(request, object_id, version_id, extra_context)

    @admin.display(description="articles", ordering="entry_total")
    def entry_count(self, briefing):
        return briefing.entry_total

    def get_changeform_initial_data(self, request):
        """A new briefing is for the first day from today that has none."""
        taken = set(
            Briefing.objects.filter(date__gte=timezone.localdate()).values_list("date", flat=True)
        )
        day = timezone.localdate()
        while day in taken:
            day += datetime.timedelta(days=1)
        return {"date": day, **super().get_changeform_initial_data(request)}

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<int:object_id>/preview/", preview, name="briefing_briefing_preview"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        briefing = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if briefing is not None:
            extra_context["in_other_briefings"] = services.entries_in_other_briefings(
                briefing=briefing
            )
            extra_context["dead_links"] = services.entries_with_dead_links(briefing=briefing)
        return super().change_view(request, object_id, form_url, extra_context)

    def preview_view(self, request, object_id):
        """Exactly the readers' page, for drafts too (staff with view permission only)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        briefing = get_object_or_404(
            Briefing.objects.prefetch_related(entries_prefetch(published_only=False)),
            pk=object_id,
        )
        context = {
            "page": day_page_data(briefing),
            "support_links": support_box(),
            "preview": True,
        }
        return TemplateResponse(request, "briefing/briefing_detail.html", context)

    # The change form's buttons: save first (with the version check), then act.

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_save(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self._after_save(request, obj) or super().response_change(request, obj)

    def _after_save(self, request, briefing):
        actions = {
            "_publish": self._publish,
            "_schedule": self._schedule,
            "_unschedule": self._unschedule,
            "_unpublish": self._unpublish,
            "_add_recent": self._add_recent,
        }
        action = next((a for name, a in actions.items() if name in request.POST), None)
        self._warn_about_other_briefings(request, briefing)
        self._warn_about_dead_links(request, briefing)
        if action is None:
            return None
        try:
            action(request, briefing)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:briefing_briefing_change", args=[briefing.pk]))

    def _publish(self, request, briefing):
        articles = services.briefing_publish(briefing=briefing, user=request.user)
        message = f"The briefing of {_long_date(briefing.date)} is published."
        if articles:
            titles = "; ".join(f"“{a.title}”" for a in articles)
            message += f" These draft articles were published with it: {titles}."
        self.message_user(request, message, messages.SUCCESS)

    def _schedule(self, request, briefing):
        if briefing.publish_at is None:
            raise ValidationError("Set “Publish at” to schedule the briefing.")
        services.briefing_schedule(
            briefing=briefing, publish_at=briefing.publish_at, user=request.user
        )
        when = timezone.localtime(briefing.publish_at)
        self.message_user(
            request,
            f"Scheduled: the briefing will be published on {_long_date(when.date())} "
            f"at {when:%H:%M} ({when.tzname()}), with any draft articles in it.",
            messages.SUCCESS,
        )

    def _unschedule(self, request, briefing):
        services.briefing_unschedule(briefing=briefing, user=request.user)
        self.message_user(request, "The briefing is back to draft.", messages.SUCCESS)

    def _unpublish(self, request, briefing):
        services.briefing_unpublish(briefing=briefing, user=request.user)
        self.message_user(
            request, "The briefing is off the site and back to draft.", messages.WARNING
        )

    def _add_recent(self, request, briefing):
        added = services.briefing_add_recent_articles(briefing=briefing)
        if added:
            self.message_user(
                request, f"Added {len(added)} article(s) from this week.", messages.SUCCESS
            )
        else:
            self.message_user(
                request, "Every article of this week is already in a briefing.", messages.INFO
            )

    def _warn_about_other_briefings(self, request, briefing):
        for entry in services.entries_in_other_briefings(briefing=briefing):
            self.message_user(
                request,
                f"“{entry.article.title}” is also in the briefing of "
                f"{_long_date(entry.briefing.date)}.",
                messages.WARNING,
            )

    def _warn_about_dead_links(self, request, briefing):
        for entry in services.entries_with_dead_links(briefing=briefing):
            link = entry.article.link
            self.message_user(
                request,
                f"The original of “{entry.article.title}” is {link.get_status_display().lower()}"
                f" ({link.detail or 'checked'}): readers get the archived copy"
                f"{'' if link.archive_url else ', when one is found'}.",
                messages.WARNING,
            )

    @admin.action(description="Publish the selected briefings now", permissions=["change"])
    def publish_selected(self, request, queryset):
        for briefing in queryset:
            try:
                self._publish(request, briefing)
            except ValidationError as error:
                self.message_user(
                    request, f"{briefing}: {' '.join(error.messages)}", messages.ERROR
                )
