"""Images uploaded through the desk, for excerpts: checked (a real PNG, JPEG, GIF or WebP, at
most DESK_IMAGE_MAX_BYTES) and stored with the default storage under `DESK_IMAGE_DIR`, the
only place the sanitizer (core/sanitize.py) accepts images from."""

import secrets

from django import forms
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from core.sanitize import DESK_IMAGE_DIR

FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}


class DeskImageForm(forms.Form):
    image = forms.ImageField(help_text="PNG, JPEG, GIF or WebP.")
    alt = forms.CharField(
        label="Description", max_length=200, help_text="What the image shows, for screen readers."
    )

    def clean_image(self):
        image = self.cleaned_data["image"]
        limit = settings.DESK_IMAGE_MAX_BYTES
        if image.size > limit:
            raise forms.ValidationError(f"The image is larger than {limit // 1024 // 1024} MB.")
        if getattr(image, "image", None) is None or image.image.format not in FORMATS:
            raise forms.ValidationError("Upload a PNG, JPEG, GIF or WebP image.")
        return image


def desk_image_store(*, image) -> str:
    """Store an uploaded image; return the URL to use in an excerpt."""
    extension = FORMATS[image.image.format]
    name = f"{DESK_IMAGE_DIR}/{timezone.now():%Y/%m}/{secrets.token_hex(8)}.{extension}"
    image.seek(0)
    return default_storage.url(default_storage.save(name, image))
