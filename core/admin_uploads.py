"""The desk's "Upload an image" page: the only way an image gets into an excerpt."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html

from core.uploads import DeskImageForm, desk_image_store


class DeskImageUploadAdminMixin:
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view(self.upload_image_view)
        return [
            path("upload-image/", view, name="{}_{}_upload_image".format(*info)),
            *super().get_urls(),
        ]

    def upload_image_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = DeskImageForm(request.POST or None, request.FILES or None)
        uploaded = None
        if request.method == "POST" and form.is_valid():
            url = desk_image_store(image=form.cleaned_data["image"])
            uploaded = {"url": url, "alt": form.cleaned_data["alt"]}
            messages.success(
                request,
                format_html("Uploaded. Insert it with the editor's image button: {}", url),
            )
            form = DeskImageForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "uploaded": uploaded,
            "title": "Upload an image for an excerpt",
        }
        return TemplateResponse(request, "core/admin/upload_image.html", context)
