"""Model behaviour every app may share, and the site-wide preview links."""

import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


def _new_key() -> str:
    return secrets.token_urlsafe(24)


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
