"""Site settings in the desk: one page, for admins only (superusers)."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse

from core.models import SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    fieldsets = [
        (None, {"fields": ["site_name", "tagline", "logo", "footer_text"]}),
        (
            "Donation and supporting-member box (under each briefing)",
            {"fields": ["donation_text", "donation_url", "membership_text", "membership_url"]},
        ),
        ("Email", {"fields": ["email_subject"]}),
    ]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return self.has_module_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """One row: the list is its form (created on first visit)."""
        if not self.has_module_permission(request):
            return super().changelist_view(request, extra_context)
        row, _ = SiteSettings.objects.get_or_create(pk=1)
        return HttpResponseRedirect(reverse("admin:core_sitesettings_change", args=[row.pk]))
