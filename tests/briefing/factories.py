"""Test data for the daily briefing: briefings and their entries (articles: tests/articles)."""

import datetime

import factory
from django.utils import timezone

from briefing.models import Briefing, BriefingEntry
from tests.articles.factories import ArticleFactory  # noqa: F401  (the briefing tests' import)


class BriefingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Briefing

    date = factory.Sequence(lambda n: datetime.date(2024, 9, 1) + datetime.timedelta(days=n))
    status = Briefing.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    email_subscribers = False


def briefing_of(articles, **fields) -> Briefing:
    """A briefing holding these articles in this order."""
    briefing = BriefingFactory(**fields)
    for position, article in enumerate(articles, start=1):
        BriefingEntry.objects.create(briefing=briefing, article=article, position=position)
    return briefing
