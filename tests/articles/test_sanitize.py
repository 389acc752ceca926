"""Every rich-text field is cleaned on save against a corpus of XSS payloads."""

import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from briefing.models import Briefing
from briefing.sanitize import ALLOWED_TAGS, LINK_REL, clean_html
from tests.articles.factories import ArticleFactory

CORPUS = Path(__file__).with_name("xss_payloads.txt")
PAYLOADS = [
    line
    for line in CORPUS.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("# ")
]
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")
UNSAFE_CSS = ("position", "display", "visibility", "z-index", "url(", "expression", "binding")


class DangerFinder(HTMLParser):
    """Collects anything in cleaned HTML that a browser could run or use to hide content."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.dangers = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.dangers.append(f"<{tag}>")
        for name, value in attrs:
            value = "".join((value or "").split()).lower()
            if name.startswith("on"):
                self.dangers.append(f"{name}=")
            if name in {"href", "src", "cite", "action", "formaction"} and value.startswith(
                UNSAFE_SCHEMES
            ):
                self.dangers.append(f"{name}={value}")
            if name == "style" and any(word in value for word in UNSAFE_CSS):
                self.dangers.append(f"style={value}")
            if name == "target":
                self.dangers.append("target=")
        if tag == "a" and dict(attrs).get("href") and dict(attrs).get("rel") != LINK_REL:
            self.dangers.append("a without rel=nofollow noopener")


def dangers_in(html: str) -> list[str]:
    finder = DangerFinder()
    finder.feed(html)
    finder.close()
    return finder.dangers


def test_the_corpus_has_at_least_fifty_payloads():
    assert len(PAYLOADS) >= 50


@pytest.mark.parametrize("payload", PAYLOADS)
def test_clean_html_leaves_nothing_that_can_run(payload):
    assert dangers_in(clean_html(payload)) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_clean_html_is_stable_when_cleaned_again(payload):
    once = clean_html(payload)
    assert clean_html(once) == once


@pytest.mark.django_db
def test_article_excerpt_is_cleaned_on_save_for_every_payload():
    articles = [ArticleFactory(excerpt=payload) for payload in PAYLOADS]
    for article in articles:
        article.refresh_from_db()
        assert dangers_in(article.excerpt) == [], article.excerpt


@pytest.mark.django_db
def test_briefing_intro_is_cleaned_on_save_for_every_payload():
    day = datetime.date(2020, 1, 1)
    for offset, payload in enumerate(PAYLOADS):
        briefing = Briefing(date=day + datetime.timedelta(days=offset), intro=payload)
        briefing.save()
        briefing.refresh_from_db()
        assert dangers_in(briefing.intro) == [], briefing.intro


def test_safe_formatting_and_links_survive():
    html = clean_html(
        '<p>Read <a href="https://example.org/a" target="_blank">this</a>, '
        "<strong>now</strong> <em>please</em>.</p>"
    )
    assert html == (
        '<p>Read <a href="https://example.org/a" rel="nofollow noopener">this</a>, '
        "<strong>now</strong> <em>please</em>.</p>"
    )


def test_non_breaking_spaces_are_kept_as_typed():
    assert clean_html("<p>\u00a0A Russian\u00a0group</p>") == "<p>\u00a0A Russian\u00a0group</p>"


@pytest.mark.parametrize(
    "style", ["color: #fff", "display:none", "position:fixed", "font-size:0", "opacity:0"]
)
def test_styles_that_could_hide_text_are_dropped(style):
    assert clean_html(f'<p style="{style}">text</p>') == '<p style="">text</p>'


def test_typographic_styles_are_kept():
    assert clean_html('<p style="text-align: center">t</p>') == (
        '<p style="text-align: center;">t</p>'
    )
