import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, Max, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.html import format_html, format_html_join

from briefing.admin import BriefingAdmin
from briefing.models import Briefing
from subscribers import services
from subscribers.desk import PublishWithEmailAdminMixin
from subscribers.models import BriefingSend, Delivery, DeliveryEvent, Subscriber


def count_of(queryset, group_by: str) -> Coalesce:
    """COUNT(*) of a subquery correlated on `group_by`, as an annotation: no join, so two
    counts never multiply each other's rows."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class Echo:
    """A write-only file for csv.writer that hands each line back to the streaming response."""

    def write(self, value):
        return value


def csv_response(queryset, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(Echo())
    rows = (writer.writerow(row) for row in services.subscribers_export_rows(queryset))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ImportForm(forms.Form):
    csv_file = forms.FileField(
        label="CSV file",
        help_text="Columns: email, name (a header row is required); a Gravity Forms entries "
        "export or a Mailchimp audience export (subscribed, unsubscribed or cleaned) as they "
        "are. Imported addresses are treated as already confirmed; unsubscribed and bounced "
        "addresses are never re-added, and those the old list had unsubscribed or bounced "
        "stay so.",
    )


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "status", "created_at", "confirmed_at", "bounce_count"]
    list_filter = ["status"]
    search_fields = ["email", "name"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
        "bounce_count",
    ]
    actions = ["export_csv"]
    change_list_template = "subscribers/admin/subscriber_change_list.html"

    def get_urls(self):
        urls = [
            path(
                "export/", self.admin_site.admin_view(self.export_all), name="subscribers_export"
            ),
            path(
                "import/", self.admin_site.admin_view(self.import_csv), name="subscribers_import"
            ),
        ]
        return urls + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        counts = dict(Subscriber.objects.values_list("status").annotate(n=Count("id")))
        status_counts = [
            (label, counts.get(value, 0)) for value, label in Subscriber.Status.choices
        ]
        extra_context = {**(extra_context or {}), "status_counts": status_counts}
        return super().changelist_view(request, extra_context=extra_context)

    @admin.action(description="Export selected subscribers as CSV")
    def export_csv(self, request, queryset):
        return csv_response(queryset, "subscribers-selected.csv")

    def export_all(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return csv_response(self.get_queryset(request), "subscribers.csv")

    def import_csv(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            raw = form.cleaned_data["csv_file"].read()
            report = services.subscribers_import(csv_text=raw.decode("utf-8-sig", "replace"))
            self.message_user(
                request,
                f"Imported: {report.created} added, {report.updated} already subscribed, "
                f"{report.kept_unsubscribed} kept unsubscribed or bounced, "
                f"{len(report.errors)} rejected."
                + (
                    f" From the old list: {report.unsubscribed} unsubscribed and "
                    f"{report.bounced} bounced addresses, kept so."
                    if report.unsubscribed or report.bounced
                    else ""
                ),
            )
            for error in report.errors[:20]:
                self.message_user(request, error, level=messages.WARNING)
            return redirect("admin:subscribers_subscriber_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.opts}
        context["title"] = "Import subscribers"
        return render(request, "subscribers/admin/import.html", context)


# Gmail's and Yahoo's rule for bulk senders (2024): spam complaints under 0.3 % of the emails.
COMPLAINT_RATE_LIMIT = 0.003
COMPLAINT_RATE_SENDS = 10  # the sends the rate on the list of sends is taken over


def complaint_rate_text(complaints: int, sent: int) -> str:
    if not sent:
        return "—"
    rate = complaints / sent
    verdict = "over the 0.3 % limit" if rate >= COMPLAINT_RATE_LIMIT else "under 0.3 %"
    return f"{rate:.2%} ({complaints} of {sent:,}; {verdict})"


@admin.register(BriefingSend)
class BriefingSendAdmin(admin.ModelAdmin):
    list_display = ["briefing", "started_at", "finished_at", "state_counts", "rate", "complaints"]
    readonly_fields = [
        "briefing",
        "started_at",
        "finished_at",
        "state_counts",
        "rate",
        "complaints",
        "failures",
        "provider_events",
    ]
    actions = ["retry_failed"]
    change_list_template = "subscribers/admin/briefingsend_change_list.html"

    def changelist_view(self, request, extra_context=None):
        recent = self.get_queryset(request).order_by("-started_at")[:COMPLAINT_RATE_SENDS]
        totals = {"complaints": 0, "sent": 0}
        for send in recent:
            totals["complaints"] += send.complaint_count
            totals["sent"] += send.sent_count
        extra_context = {
            **(extra_context or {}),
            "complaint_rate": complaint_rate_text(totals["complaints"], totals["sent"]),
            "complaint_rate_over": bool(totals["sent"])
            and totals["complaints"] / totals["sent"] >= COMPLAINT_RATE_LIMIT,
            "complaint_rate_sends": len(recent),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # its deliveries are the proof of who was mailed: deleting invites doubles

    def get_queryset(self, request):
        deliveries = Delivery.objects.filter(send=OuterRef("pk"))
        complaints = DeliveryEvent.objects.filter(
            delivery__send=OuterRef("pk"), type=DeliveryEvent.Type.COMPLAINED
        )
        return (
            super()
            .get_queryset(request)
            .select_related("briefing")
            .annotate(
                sent_count=count_of(deliveries.filter(status=Delivery.Status.SENT), "send"),
                complaint_count=count_of(complaints, "delivery__send"),
            )
        )

    @admin.display(description="Spam complaints")
    def complaints(self, send):
        return complaint_rate_text(send.complaint_count, send.sent_count)

    @admin.display(description="Deliveries by state")
    def state_counts(self, send):
        counts = dict(send.deliveries.values_list("status").annotate(n=Count("id")))
        return ", ".join(
            f"{label}: {counts.get(value, 0)}" for value, label in Delivery.Status.choices
        )

    @admin.display(description="Rate (emails/minute)")
    def rate(self, send):
        sent = send.deliveries.filter(status=Delivery.Status.SENT)
        span = sent.aggregate(first=Min("sent_at"), last=Max("sent_at"), n=Count("id"))
        if not span["n"] or span["first"] == span["last"]:
            return "—"
        seconds = (span["last"] - span["first"]).total_seconds()
        return f"{span['n'] * 60 / seconds:,.0f}"

    @admin.display(description="Failures (the 100 most recent)")
    def failures(self, send):
        failed = (
            send.deliveries.filter(status=Delivery.Status.FAILED)
            .select_related("subscriber")
            .order_by("-updated_at")[:100]
        )
        rows = format_html_join(
            "",
            "<li><strong>{}</strong> — {} attempt(s), {}: {}</li>",
            ((d.subscriber.email, d.attempts, d.updated_at, d.last_error) for d in failed),
        )
        return format_html("<ul>{}</ul>", rows) if rows else "None"

    @admin.display(description="Bounces and complaints from the provider (the 100 most recent)")
    def provider_events(self, send):
        events = (
            DeliveryEvent.objects.filter(delivery__send=send)
            .exclude(type=DeliveryEvent.Type.DELIVERED)
            .select_related("subscriber")
            .order_by("-received_at")[:100]
        )
        rows = format_html_join(
            "",
            "<li><strong>{}</strong> — {} ({}, {}): {}</li>",
            (
                (
                    e.subscriber.email if e.subscriber else "?",
                    e.get_type_display(),
                    e.provider,
                    e.occurred_at or e.received_at,
                    e.description,
                )
                for e in events
            ),
        )
        return format_html("<ul>{}</ul>", rows) if rows else "None"

    @admin.action(description="Retry failed deliveries")
    def retry_failed(self, request, queryset):
        total = sum(services.briefing_send_retry_failed(send=send) for send in queryset)
        self.message_user(request, f"{total} failed deliveries queued again.")


# The briefing desk, with the mailing list's part (subscribers/desk.py).
admin.site.unregister(Briefing)


@admin.register(Briefing)
class EmailingBriefingAdmin(PublishWithEmailAdminMixin, BriefingAdmin):
    pass
