"""Shareable preview links of drafts: signed, expiring (PREVIEW_LINK_DAYS), revocable, and
marked `noindex`. The link carries the signed key of a PreviewLink row; the row says what it
shows and whether it still may."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import models
from django.http import Http404
from django.utils import timezone

from core.models import PreviewLink

SALT = "core.previews"
NOINDEX_HEADERS = {"X-Robots-Tag": "noindex, nofollow", "Cache-Control": "private, no-store"}


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def preview_link_create(*, obj: models.Model, user=None) -> PreviewLink:
    expires = timezone.now() + datetime.timedelta(days=settings.PREVIEW_LINK_DAYS)
    return PreviewLink.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        created_by=user,
        expires_at=expires,
    )


def preview_link_revoke(*, link: PreviewLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])


def preview_token(link: PreviewLink) -> str:
    return _signer().sign(link.key)


def previewed_object(token: str, queryset: models.QuerySet) -> models.Model:
    """The object a valid, unexpired, unrevoked link shows; 404 for anything else."""
    max_age = datetime.timedelta(days=settings.PREVIEW_LINK_DAYS)
    try:
        key = _signer().unsign(token, max_age=max_age)
    except signing.BadSignature as error:  # SignatureExpired is one
        raise Http404("This preview link is not valid or has expired.") from error
    link = PreviewLink.objects.active().filter(key=key).first()
    if link is None or link.content_type.model_class() is not queryset.model:
        raise Http404("This preview link has expired or was revoked.")
    obj = queryset.filter(pk=link.object_id).first()
    if obj is None:
        raise Http404("What this preview link showed no longer exists.")
    return obj


def noindex(response):
    for header, value in NOINDEX_HEADERS.items():
        response[header] = value
    return response
