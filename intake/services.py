"""Importing an article from its address: fetch, extract, match what the archive already knows
(source by domain, authors by name, tags by word), and keep the original's text as a snapshot."""

import datetime
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from articles.models import Article, ArticleAuthor, Author, Source
from articles.normalize import normalize_url
from core.sanitize import clean_html
from intake import extract as extraction
from intake.fetch import FetchError, fetch
from intake.models import ArticleSnapshot, FeedItem

MIN_ARTICLE_WORDS = 60
LOGIN_WORDS = re.compile(
    r"\b(subscribe to (continue|read)|log ?in to (continue|read)|sign in to (continue|read)"
    r"|create an account|already a subscriber|subscribers only)\b",
    re.IGNORECASE,
)


class NotAnArticle(FetchError):
    """The page was fetched but is no article to excerpt."""


@dataclass
class Intake:
    """What an import found, JSON-serialisable (it waits in the editor's session)."""

    url: str
    final_url: str
    canonical_url: str
    title: str
    authors: list[str]
    author_ids: list[int | None]
    source: str
    domain: str
    source_id: int | None
    date: str | None
    excerpt_html: str
    body_text: str
    pull_quote_candidates: list[str]
    language: str
    tag_names: list[str] = field(default_factory=list)
    duplicate_id: int | None = None
    duplicate_title: str = ""
    captured_at: str = ""

    @property
    def proposed_authors(self) -> list[str]:
        return [n for n, i in zip(self.authors, self.author_ids, strict=True) if i is None]

    @property
    def proposed_source(self) -> str:
        return "" if self.source_id else (self.source or self.domain)

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "authors": self.authors,
            "source": self.source or self.domain,
            "date": self.date,
            "excerpt_html": self.excerpt_html,
            "body_text": self.body_text,
            "pull_quote_candidates": self.pull_quote_candidates,
            "canonical_url": self.canonical_url,
            "language": self.language,
        }


def excerpt_words() -> int:
    return int(getattr(settings, "INTAKE_EXCERPT_WORDS", 120))


def source_for_domain(domain: str) -> Source | None:
    """The source whose home page is on this domain (or a parent domain of it)."""
    if not domain:
        return None
    best = None
    for source in Source.objects.exclude(home_page="").only("name", "home_page"):
        host = (urlsplit(source.home_page).hostname or "").lower().removeprefix("www.")
        on_host = host and (domain == host or domain.endswith("." + host))
        if on_host and (best is None or len(host) > best[0]):
            best = (len(host), source)
    return best[1] if best else None


def authors_by_name(names: list[str]) -> list[int | None]:
    found = {}
    for author in Author.objects.filter(name__in=names).only("name"):
        found.setdefault(author.name.lower(), author.pk)
    lowered = [n.lower() for n in names]
    if len(found) < len(set(lowered)):
        for author in Author.objects.filter(name__iregex=_any_of(names)).only("name"):
            found.setdefault(author.name.lower(), author.pk)
    return [found.get(n) for n in lowered]


def _any_of(names: list[str]) -> str:
    return "^(" + "|".join(re.escape(n) for n in names) + ")$" if names else "^$"


def suggested_tags(text: str, limit: int = 5) -> list[str]:
    """Existing tags whose name occurs in the text as words, the most mentioned first."""
    lowered = " " + " ".join(extraction.words(text.lower())) + " "
    counts = []
    for name in Tag.objects.values_list("name", flat=True):
        phrase = " ".join(extraction.words(name.lower()))
        if phrase:
            count = lowered.count(f" {phrase} ")
            if count:
                counts.append((-count, name))
    return [name for _count, name in sorted(counts)[:limit]]


def intake_from_html(*, html: str, url: str, final_url: str = "") -> Intake:
    """Extract and match, without touching the network or writing anything."""
    found = extraction.extract(html, final_url or url)
    words = len(extraction.words(found.body_text))
    if words < MIN_ARTICLE_WORDS:
        if LOGIN_WORDS.search(html) or 'type="password"' in html:
            raise NotAnArticle(
                "This looks like a login or subscription page, not the article: "
                "open it in your browser and paste the excerpt by hand."
            )
        raise NotAnArticle(
            f"This page does not look like an article (only {words} words of text found)."
        )
    source = source_for_domain(found.domain)
    key = normalize_url(url)
    duplicate = (
        Article.objects.filter(url_key__in={key, normalize_url(found.canonical_url)})
        .only("title")
        .first()
    )
    excerpt = extraction.opening_html(
        html, final_url or url, keep=found.paragraphs, max_words=excerpt_words()
    )
    return Intake(
        url=url,
        final_url=final_url or url,
        canonical_url=found.canonical_url,
        title=found.title,
        authors=found.authors,
        author_ids=authors_by_name(found.authors),
        source=source.name if source else found.source,
        domain=found.domain,
        source_id=source.pk if source else None,
        date=found.date.isoformat() if found.date else None,
        excerpt_html=clean_html(excerpt),
        body_text=found.body_text,
        pull_quote_candidates=found.pull_quote_candidates,
        language=found.language,
        tag_names=suggested_tags(f"{found.title}\n{found.body_text}"),
        duplicate_id=duplicate.pk if duplicate else None,
        duplicate_title=duplicate.title if duplicate else "",
        captured_at=timezone.now().isoformat(),
    )


def intake_from_url(url: str) -> Intake:
    """Fetch the page (safely, intake/fetch.py) and extract it; FetchError says what failed."""
    url = url.strip()
    page = fetch(url)
    if page.status == 404 or page.status == 410:
        raise FetchError(f"The page was not found (HTTP {page.status}): check the address.")
    if page.status in (401, 402, 403):
        raise FetchError(
            f"The site refused to show the page (HTTP {page.status}): it may be behind a "
            "login or paywall. Paste the excerpt by hand."
        )
    if page.status >= 400:
        raise FetchError(f"The site answered with an error (HTTP {page.status}).")
    content_type = page.headers.get("content-type", "text/html")
    if "html" not in content_type:
        raise NotAnArticle(f"The address is not a web page ({content_type.split(';')[0]}).")
    return intake_from_html(html=page.text, url=url, final_url=page.url)


def intake_from_dict(data: dict) -> Intake:
    return Intake(**data)


@transaction.atomic
def intake_proposals_create(*, intake: Intake) -> Intake:
    """Create the proposed source and authors, then match again."""
    if not intake.source_id:
        name = intake.proposed_source
        source = Source.objects.filter(name__iexact=name).first()
        if source is None:
            home_page = f"https://{intake.domain}/" if intake.domain else ""
            source = Source(name=name, slug=free_slug(Source, name), home_page=home_page)
            source.full_clean()
            source.save()
        intake.source_id, intake.source = source.pk, source.name
    for name in intake.proposed_authors:
        author = Author(name=name, slug=free_slug(Author, name))
        author.full_clean()
        author.save()
    intake.author_ids = authors_by_name(intake.authors)
    return intake


def free_slug(model, name: str) -> str:
    base = slugify(name)[:180] or "untitled"
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def snapshot_save(*, article: Article, intake: Intake) -> ArticleSnapshot:
    """Keep the original's text with the article (replacing an older snapshot)."""
    captured = datetime.datetime.fromisoformat(intake.captured_at) if intake.captured_at else None
    snapshot, _created = ArticleSnapshot.objects.update_or_create(
        article=article,
        defaults={
            "url": intake.url,
            "final_url": intake.final_url,
            "title": intake.title[:500],
            "body_text": intake.body_text,
            "captured_at": captured or timezone.now(),
        },
    )
    return snapshot


@transaction.atomic
def article_import(*, intake: Intake, user=None) -> Article:
    """A draft article from an import (the shell's `import_article`), with its snapshot."""
    if intake.duplicate_id:
        raise NotAnArticle(f"This article is already in the archive: “{intake.duplicate_title}”.")
    if not intake.date:
        raise NotAnArticle("No publication date was found: add the article in the admin.")
    intake = intake_proposals_create(intake=intake)
    article = Article(
        title=intake.title[:300],
        slug=free_slug(Article, intake.title)[:255],
        source_id=intake.source_id,
        original_date=datetime.date.fromisoformat(intake.date),
        original_url=intake.url,
        excerpt=intake.excerpt_html,
        pull_quote=(intake.pull_quote_candidates or [""])[0],
        added_by=user,
    )
    article.full_clean(exclude=["url_key"])
    article.save()
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=article, author_id=author_id, position=position)
        for position, author_id in enumerate(intake.author_ids)
        if author_id
    )
    if intake.tag_names:
        article.tags.add(*intake.tag_names)
    snapshot_save(article=article, intake=intake)
    return article


def feed_items_dismiss(*, items: list[int], user) -> int:
    """Hide these inbox items for every editor."""
    return FeedItem.objects.filter(pk__in=items, dismissed_at__isnull=True).update(
        dismissed_at=timezone.now(), dismissed_by=user
    )
