from django.conf import settings
from django.utils import timezone


def site(request):
    """The site's name and today's date, for the header of every page."""
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "today": timezone.localdate(),
    }
