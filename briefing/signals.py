"""The briefing's own event, and what keeps the readers' cache fresh.

`briefing_published` is sent inside the transaction that publishes a briefing, so a receiver's
writes (the mailing list creates its send) commit with it or not at all. The cache is
invalidated once per batch (core/deferred.py) after any change readers could see: a briefing,
an entry, an article, a byline, a source, a story.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from articles.signals import articles_changed
from briefing.models import Briefing, BriefingEntry
from core import page_cache
from core.deferred import run_once
from core.models import SiteSettings
from stories.signals import story_changed

# kwargs: briefing (just published, in the publishing transaction).
briefing_published = Signal()


def _invalidate(_keys=frozenset()) -> None:
    page_cache.invalidate()


@receiver(post_save, sender=Briefing, dispatch_uid="briefing_cache_briefing_saved")
@receiver(post_delete, sender=Briefing, dispatch_uid="briefing_cache_briefing_deleted")
@receiver(post_save, sender=BriefingEntry, dispatch_uid="briefing_cache_entry_saved")
@receiver(post_delete, sender=BriefingEntry, dispatch_uid="briefing_cache_entry_deleted")
@receiver(articles_changed, dispatch_uid="briefing_cache_articles_changed")
@receiver(story_changed, dispatch_uid="briefing_cache_story_changed")
@receiver(post_save, sender=SiteSettings, dispatch_uid="briefing_cache_site_settings_saved")
def readers_pages_changed(sender, **kwargs):
    run_once(_invalidate)
