"""The desk's page for a draft's shareable preview links: create one, see the live ones,
revoke them. A ModelAdmin using the mixin names the readers' route of its previews."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core.models import PreviewLink
from core.previews import preview_link_create, preview_link_revoke, preview_token


class PreviewLinksAdminMixin:
    preview_link_route = ""  # e.g. "articles:article_preview_link" (takes the token)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view(self.preview_links_view)
        return [
            path(
                "<path:object_id>/preview-links/", view, name="{}_{}_preview_links".format(*info)
            ),
            *super().get_urls(),
        ]

    @property
    def _preview_links_name(self) -> str:
        return f"admin:{self.opts.app_label}_{self.opts.model_name}_preview_links"

    def preview_link_url(self, request, link: PreviewLink) -> str:
        path_ = reverse(self.preview_link_route, args=[preview_token(link)])
        return request.build_absolute_uri(path_)

    @admin.display(description="preview link")
    def share_preview(self, obj):
        """A read-only field of the change form leading to the preview links page."""
        if obj is None or obj.pk is None:
            return "Save first to share a preview."
        url = reverse(self._preview_links_name, args=[obj.pk])
        return format_html('<a href="{}">Share a preview link (no login needed)</a>', url)

    def preview_links_view(self, request, object_id):
        obj = get_object_or_404(self.model, pk=object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        here = reverse(self._preview_links_name, args=[obj.pk])
        if request.method == "POST":
            if "_revoke" in request.POST:
                link = get_object_or_404(
                    PreviewLink.objects.for_object(obj), pk=request.POST["_revoke"]
                )
                preview_link_revoke(link=link)
                messages.success(request, "The preview link is revoked: it no longer opens.")
            else:
                link = preview_link_create(obj=obj, user=request.user)
                messages.success(request, "A new preview link is ready to share.")
            return HttpResponseRedirect(here)
        links = [
            (link, self.preview_link_url(request, link))
            for link in PreviewLink.objects.for_object(obj).active().select_related("created_by")
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "links": links,
            "title": f"Preview links of “{obj}”",
            "change_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
            ),
        }
        return TemplateResponse(request, "core/admin/preview_links.html", context)
