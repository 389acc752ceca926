"""The mailing list's part of the briefing desk: publishing with email asks first ("Email
12,408 subscribers now?"), for the change form's button and the bulk action alike, and the
briefing's page then shows its send to editors (subscribers/progress.py: never an address)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from briefing.models import Briefing
from subscribers import services
from subscribers.models import BriefingSend
from subscribers.progress import send_progress


def emails_on_publish(briefing: Briefing) -> bool:
    return briefing.email_subscribers and not briefing.is_published


def recipient_count() -> dict:
    """How many subscribers a send made now reaches (the rule the send itself uses)."""
    count = services.briefing_send_recipients().count()
    return {"recipients": count, "recipients_display": f"{count:,}"}


class PublishWithEmailAdminMixin:
    change_form_template = "subscribers/admin/briefing_change_form.html"

    def get_urls(self):
        confirm = self.admin_site.admin_view(self.publish_confirm_view)
        return [
            path("<path:object_id>/publish/", confirm, name="briefing_briefing_publish_confirm"),
            *super().get_urls(),
        ]

    def _after_save(self, request, briefing):
        if "_publish" in request.POST and emails_on_publish(briefing):
            self._warn_about_other_briefings(request, briefing)
            url = reverse("admin:briefing_briefing_publish_confirm", args=[briefing.pk])
            return HttpResponseRedirect(url)
        return super()._after_save(request, briefing)

    def publish_confirm_view(self, request, object_id):
        briefing = get_object_or_404(Briefing, pk=object_id)
        if not self.has_change_permission(request, briefing):
            raise PermissionDenied
        change_url = reverse("admin:briefing_briefing_change", args=[briefing.pk])
        if request.method == "POST" and "_confirm" in request.POST:
            try:
                self._publish(request, briefing)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), "error")
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "briefing": briefing,
            "briefings": [briefing],
            **recipient_count(),
            "change_url": change_url,
            "title": "Publish and email this briefing?",
        }
        return TemplateResponse(request, "subscribers/admin/publish_confirm.html", context)

    def _publish(self, request, briefing):
        super()._publish(request, briefing)
        send = BriefingSend.objects.filter(briefing=briefing).first()
        if send is not None:
            total = send.deliveries.count()
            self.message_user(
                request,
                f"Emailing {total:,} subscribers: the send's progress is shown on the "
                "briefing's page.",
            )

    @admin.action(description="Publish the selected briefings now", permissions=["change"])
    def publish_selected(self, request, queryset):
        emailing = [b for b in queryset if emails_on_publish(b)]
        if emailing and request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "briefings": list(queryset),
                "emailing": emailing,
                **recipient_count(),
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                "action": request.POST.get("action", "publish_selected"),
                "change_url": reverse("admin:briefing_briefing_changelist"),
                "title": "Publish and email the selected briefings?",
            }
            return TemplateResponse(request, "subscribers/admin/publish_confirm.html", context)
        return super().publish_selected(request, queryset)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        send = BriefingSend.objects.filter(briefing=obj).first() if obj is not None else None
        if send is not None:
            context["email_send"] = send_progress(send)
            if request.user.has_perm("subscribers.view_briefingsend"):
                context["email_send_url"] = reverse(
                    "admin:subscribers_briefingsend_change", args=[send.pk]
                )
        return super().render_change_form(request, context, add, change, form_url, obj)
