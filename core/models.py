"""Model behaviour every app may share, and the site-wide preview links."""

import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


def _new_key() -> str:
    return secrets.token_urlsafe(24)


LOGO_MAX_BYTES = 1024 * 1024
SUBJECT_SAMPLE = {
    "title": "Daily Briefing", "weekday": "Monday", "month": "July", "day": 1, "year": 2024,
    "site_name": "Daily Briefing",
}  # fmt: skip


def validate_logo_size(file) -> None:
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError("The logo is larger than 1 MB: export it smaller.")


def validate_subject_pattern(pattern: str) -> None:
    try:
        pattern.format(**SUBJECT_SAMPLE)
    except (KeyError, IndexError, ValueError) as error:
        raise ValidationError(
            "Use only {title}, {weekday}, {month}, {day}, {year} and {site_name} in braces."
        ) from error


class LoadedRelationsMixin:
    """Model validation looks up each foreign key to check that its object exists, even when a
    form field has just loaded that very object (every admin form does). A relation whose
    object is loaded already is not looked up a second time."""

    def clean_fields(self, exclude=None):
        exclude = set(exclude or ())
        for field in self._meta.concrete_fields:
            if field.many_to_one and field.is_cached(self):
                related = field.get_cached_value(self)
                loaded = related is not None and related.pk is not None
                if loaded and related.pk == getattr(self, field.attname):
                    exclude.add(field.name)
        super().clean_fields(exclude)


class PreviewLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class PreviewLink(models.Model):
    """A shareable link to a draft (briefing or article), readable without a login until it
    expires or is revoked (core/previews.py)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    key = models.CharField(max_length=64, unique=True, default=_new_key, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="previewlink_object")]

    def __str__(self):
        return f"Preview link of {self.content_type.model} {self.object_id}"


class SiteSettings(models.Model):
    """What an admin sets for the whole site in the desk; a blank field falls back to the
    environment's default (config/settings.py). One row; read through core/site_settings.py,
    which caches it until the next save."""

    site_name = models.CharField(max_length=100, blank=True)
    tagline = models.CharField(max_length=200, blank=True)
    logo = models.ImageField(
        upload_to="site/",
        blank=True,
        validators=[validate_logo_size],
        help_text="PNG, JPEG or WebP, at most 1 MB; shown beside the site name.",
    )
    donation_text = models.CharField("donation box text", max_length=200, blank=True)
    donation_url = models.URLField("donation box link", blank=True)
    membership_text = models.CharField("supporting-member box text", max_length=200, blank=True)
    membership_url = models.URLField("supporting-member box link", blank=True)
    email_subject = models.CharField(
        "email subject pattern",
        max_length=200,
        blank=True,
        help_text="With {title}, {weekday}, {month}, {day}, {year}, {site_name}.",
        validators=[validate_subject_pattern],
    )
    footer_text = models.TextField(blank=True, help_text="Plain text under every page.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "site settings"

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        self.pk = 1  # the one row
        super().save(*args, **kwargs)


class CacheGeneration(models.Model):
    """The readers' page cache generation, for caches local to each process (core/page_cache.py).

    Its table keeps the name it had when the briefing app held it."""

    value = models.PositiveBigIntegerField(default=1)

    class Meta:
        db_table = "briefing_cachegeneration"

    def __str__(self):
        return f"generation {self.value}"
