"""RSS and Atom feeds of the published briefings, each item carrying the whole briefing."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from briefing.models import Briefing
from briefing.views import entries_prefetch, render_body, with_other_coverage
from core import site_settings
from core.text import absolute_links


class BriefingRssFeed(Feed):
    link = reverse_lazy("briefing:archive")
    description = "Each day's briefing: excerpts of the world's press, credited to their sources."

    def title(self):
        return site_settings.current().name

    def items(self):
        briefings = Briefing.objects.published().prefetch_related(entries_prefetch())[:20]
        return with_other_coverage(list(briefings))

    def item_title(self, briefing):
        return str(briefing)

    def item_description(self, briefing):
        # Feed readers have no page address to resolve "/articles/…" against.
        return absolute_links(render_body(briefing), settings.SITE_URL)

    def item_pubdate(self, briefing):
        return briefing.published_at

    def item_updateddate(self, briefing):
        return briefing.updated_at


class BriefingAtomFeed(BriefingRssFeed):
    feed_type = Atom1Feed
    subtitle = BriefingRssFeed.description
