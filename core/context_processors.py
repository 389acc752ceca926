from django.conf import settings
from django.utils import timezone

from core.site_settings import current


def site(request):
    """The site's name and settings (as set in the desk) and today's date, for every page."""
    site_settings = current()
    return {
        "site": site_settings,
        "site_name": site_settings.name,
        "site_url": settings.SITE_URL,
        "today": timezone.localdate(),
    }
