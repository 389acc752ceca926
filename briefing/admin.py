"""The editorial desk: compose, order, preview, schedule and publish the daily briefing."""

import datetime

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

from articles.models import Article
from briefing import services
from briefing.forms import BriefingAdminForm
from briefing.models import Briefing, BriefingEntry
from briefing.views import day_page_data, entries_prefetch, support_box
from core.admin_widgets import OneLookupFormSet, SafeAutocompleteMixin


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
        return super().get_queryset(request).select_related("article")

    @admin.display(description="status")
    def article_status(self, entry):
        return entry.article.get_status_display() if entry.article_id else ""


@admin.register(Briefing)
class BriefingAdmin(SortableAdminBase, admin.ModelAdmin):
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
        ("Publishing", {"fields": ["status", "publish_at", "published_at", "email_subscribers"]}),
    ]
    readonly_fields = ["status", "published_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entry_total=Count("entries"))

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

    @admin.action(description="Publish the selected briefings now", permissions=["change"])
    def publish_selected(self, request, queryset):
        for briefing in queryset:
            try:
                self._publish(request, briefing)
            except ValidationError as error:
                self.message_user(
                    request, f"{briefing}: {' '.join(error.messages)}", messages.ERROR
                )
