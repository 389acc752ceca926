"""The site's settings as pages and emails use them: what an admin saved in the desk
(core.models.SiteSettings), else the environment's defaults. Cached until the next save."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.models import SiteSettings

CACHE_KEY = "core:site-settings:v1"


@dataclass(frozen=True)
class Site:
    name: str
    tagline: str
    logo_url: str
    donation_text: str
    donation_url: str
    membership_text: str
    membership_url: str
    email_subject: str
    footer_text: str

    @property
    def support_links(self) -> list[dict]:
        """The donation and supporting-member box (a link without an address is left out)."""
        links = [
            (self.donation_url, self.donation_text, "donate"),
            (self.membership_url, self.membership_text, "membership"),
        ]
        return [{"url": url, "text": text, "kind": kind} for url, text, kind in links if url]


def _resolved(row: SiteSettings | None) -> Site:
    def pick(field: str, default: str) -> str:
        return (getattr(row, field) if row else "") or default

    return Site(
        name=pick("site_name", settings.SITE_NAME),
        tagline=pick("tagline", getattr(settings, "SITE_TAGLINE", "")),
        logo_url=row.logo.url if row and row.logo else "",
        donation_text=pick("donation_text", settings.DONATION_TEXT),
        donation_url=pick("donation_url", settings.DONATION_URL),
        membership_text=pick("membership_text", settings.MEMBERSHIP_TEXT),
        membership_url=pick("membership_url", settings.MEMBERSHIP_URL),
        email_subject=pick("email_subject", settings.BRIEFING_EMAIL_SUBJECT),
        footer_text=pick("footer_text", ""),
    )


def current() -> Site:
    """The site's settings: one cache read, one query after a save."""
    site = cache.get(CACHE_KEY)
    if site is None:
        site = _resolved(SiteSettings.objects.filter(pk=1).first())
        cache.set(CACHE_KEY, site, None)
    return site


@receiver(post_save, sender=SiteSettings, dispatch_uid="core_site_settings_saved")
@receiver(post_delete, sender=SiteSettings, dispatch_uid="core_site_settings_deleted")
def forget(sender, **kwargs):
    cache.delete(CACHE_KEY)
