"""The test data of every app: factories for the models, and builders for the seed documents
and the labelled same-story pairs. Fixtures that use them are in tests/conftest.py."""

import datetime
import json
from pathlib import Path

import factory
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article, ArticleAuthor, Author, Source
from briefing.models import Briefing, BriefingEntry
from subscribers.models import Subscriber

ROOT = Path(settings.BASE_DIR)
SEEDS = ROOT / "fixtures" / "seeds"  # the two documents the product grew from
PAIRS = ROOT / "stories" / "evaluation" / "pairs.json"
EDITOR_PASSWORD = "right-horse-battery"
SEED_SLUG = (
    "leaked-us-military-document-reveals-russias-wagner-mercenary-group-tried-to-buy-weapons"
    "-from-nato-member"
)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Source {n}")
    slug = factory.Sequence(lambda n: f"source-{n}")
    home_page = factory.Sequence(lambda n: f"https://source{n}.example.org/")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-number-{n}")
    source = factory.SubFactory(SourceFactory)
    original_date = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(n))
    original_url = factory.Sequence(lambda n: f"https://news.example.org/story/{n}")
    pull_quote = "A line worth quoting."
    excerpt = "<p>An excerpt of the original.</p>"
    status = Article.Status.PUBLISHED
    # Newer with each article, and never in the future however many a test session makes.
    published_at = factory.Sequence(
        lambda n: timezone.now() - datetime.timedelta(days=30) + datetime.timedelta(seconds=n)
    )

    @factory.post_generation
    def authors(self, create, names, **kwargs):
        for position, name in enumerate(names or []):
            author = AuthorFactory(name=name)
            ArticleAuthor.objects.create(article=self, author=author, position=position)

    @factory.post_generation
    def tag_names(self, create, names, **kwargs):
        if names:
            self.tags.add(*names)


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


def briefing_form_data(briefing=None, *, articles=(), sections=None, **fields):
    """The change form as an editor submits it: the briefing's fields and its entries."""
    existing = list(briefing.entries.all()) if briefing else []
    data = {
        "date": (briefing.date if briefing else datetime.date(2024, 9, 10)).isoformat(),
        "title": briefing.title if briefing else "Daily Briefing",
        "intro": "",
        "email_subscribers": "",
        "publish_at_0": "",
        "publish_at_1": "",
        "expected_version": briefing.version if briefing else "",
        "entries-TOTAL_FORMS": len(existing) + len(articles),
        "entries-INITIAL_FORMS": len(existing),
        "entries-MIN_NUM_FORMS": 0,
        "entries-MAX_NUM_FORMS": 1000,
    }
    sections = sections or {}
    for i, entry in enumerate(existing):
        data |= {
            f"entries-{i}-id": entry.pk,
            f"entries-{i}-briefing": briefing.pk,
            f"entries-{i}-article": entry.article_id,
            f"entries-{i}-section": entry.section,
            f"entries-{i}-position": entry.position,
        }
    for j, article in enumerate(articles, start=len(existing)):
        data |= {
            f"entries-{j}-article": article.pk,
            f"entries-{j}-section": sections.get(article.pk, ""),
            f"entries-{j}-position": j + 1,
        }
    return data | fields


def briefing_change_url(briefing):
    return f"/admin/briefing/briefing/{briefing.pk}/change/"


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    name = factory.Sequence(lambda n: f"Reader {n}")
    status = Subscriber.Status.ACTIVE
    confirmed_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


def seed_page_lines() -> list[str]:
    """The seed page as a reader sees it (fixtures/seeds/daily-briefing-page.txt), by line."""
    return (SEEDS / "daily-briefing-page.txt").read_text(encoding="utf-8").split("\n")


def evaluation_article(title: str) -> dict:
    """One article of the labelled same-story pairs (stories/evaluation/pairs.json)."""
    for pair in json.loads(PAIRS.read_text())["pairs"]:
        for side in ("a", "b"):
            if pair[side]["title"] == title:
                return pair[side]
    raise LookupError(title)


def archive(data: dict, **fields) -> Article:
    """An article of the evaluation set, saved as an editor would (signals run)."""
    source, _ = Source.objects.get_or_create(
        name=data["outlet"], defaults={"slug": data["outlet"].lower().replace(" ", "-")}
    )
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in data["text"].split("\n\n"))
    values = {
        "title": data["title"],
        "slug": data["url"].rstrip("/").rsplit("/", 1)[-1][:50],
        "source": source,
        "original_date": datetime.date.fromisoformat(data["date"]),
        "original_url": data["url"],
        "excerpt": paragraphs,
        "status": Article.Status.PUBLISHED,
    }
    return Article.objects.create(**{**values, **fields})
