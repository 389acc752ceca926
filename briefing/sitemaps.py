from django.contrib.sitemaps import Sitemap

from briefing.models import Briefing


class BriefingSitemap(Sitemap):
    changefreq = "never"

    def items(self):
        return Briefing.objects.published().only("date", "updated_at")

    def lastmod(self, briefing):
        return briefing.updated_at


sitemaps = {"briefings": BriefingSitemap}
