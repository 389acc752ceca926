"""Test data for the daily briefing: sources, articles, briefings and their entries."""

import datetime

import factory
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author, Source
from briefing.models import Briefing, BriefingEntry


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.Sequence(lambda n: f"outlet-{n}")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Writer {n}")
    slug = factory.Sequence(lambda n: f"writer-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Headline number {n}")
    slug = factory.Sequence(lambda n: f"headline-{n}")
    source = factory.SubFactory(SourceFactory)
    original_date = datetime.date(2024, 8, 30)
    original_url = factory.Sequence(lambda n: f"https://news.example.org/story/{n}")
    pull_quote = "A quotable sentence."
    excerpt = factory.Sequence(lambda n: f"<p>Excerpt of story {n}.</p>")
    status = Article.Status.PUBLISHED

    @factory.post_generation
    def authors(self, create, names, **kwargs):
        for position, name in enumerate(names or []):
            author = AuthorFactory(name=name)
            ArticleAuthor.objects.create(article=self, author=author, position=position)


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
