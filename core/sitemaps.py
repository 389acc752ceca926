"""Sitemap addresses from SITE_URL, never from the request's Host header (which, with more than
one allowed host, a client chooses)."""

from urllib.parse import urlsplit

from django.conf import settings


class SiteURLSitemap:
    def get_urls(self, page=1, site=None, protocol=None):
        address = urlsplit(settings.SITE_URL)
        return self._urls(page, address.scheme, address.netloc)


def from_site_url(sitemaps: dict) -> dict:
    """The same sitemaps, each giving its locations under SITE_URL."""
    return {
        name: type(sitemap.__name__, (SiteURLSitemap, sitemap), {})
        for name, sitemap in sitemaps.items()
    }
