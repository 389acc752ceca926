"""Template helpers for articles: the seed's date style, the sidebar, JSON-LD."""

import functools
import html
import re

from django import template
from django.core.cache import cache
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from articles.models import Article
from articles.signals import SIDEBAR_CACHE_KEY
from articles.structured_data import ld_json_script
from core import text

register = template.Library()

# Month abbreviations as the seed page writes them ("Apr. 12, 2023", "July 5, 2024").
MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.",
          "Nov.", "Dec."]  # fmt: skip
SIDEBAR_SIZE = 5
SIDEBAR_SECONDS = 60


@register.filter
def short_date(value) -> str:
    """A date as the seed page shows it: "Apr. 12, 2023", "Sept. 1, 2024"."""
    if not value:
        return ""
    return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"


@register.filter
def shorten(value: str, limit: int) -> str:
    """Plain text cut at a word boundary, with "…" when cut (never mid-word)."""
    return text.shortened(value, int(limit))


# Excerpts are sanitized on save (core/sanitize.py): their tags can be read with a pattern.
# Django's strip_tags (an HTML parser, run to a fixed point) was most of a list page's CPU.
_BLOCK_TAG = re.compile(r"</?(?:p|li|ul|ol|h[2-4]|blockquote|br|hr)\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*(?:>|$)")


@register.filter
def summary(excerpt_html: str, limit: int = 280) -> str:
    """The opening of an excerpt as plain text, for lists of articles."""
    limit = int(limit)
    opening = _BLOCK_TAG.sub(" ", (excerpt_html or "")[: limit * 4])
    return text.shortened(html.unescape(_ANY_TAG.sub("", opening)), limit)


@register.filter
def quoted(words: str) -> str:
    """A reader's query in quotation marks, unless it brings its own."""
    return text.quoted(words)


@register.simple_tag
def recent_articles(count: int = SIDEBAR_SIZE) -> list:
    """The latest published articles for the sidebar: two queries, or none when cached.
    Any write to an article, its byline or source clears the cache (see signals)."""
    articles = cache.get(SIDEBAR_CACHE_KEY)
    if articles is None:
        articles = list(Article.objects.published().recent().with_byline()[:SIDEBAR_SIZE])
        cache.set(SIDEBAR_CACHE_KEY, articles, SIDEBAR_SECONDS)
    return articles[:count]


@register.simple_tag
def json_ld(data: dict):
    return ld_json_script(data)


@register.simple_tag
def source_options(choices: list[tuple[str, str]], selected: str | None):
    """The search form's menu of sources, built in Python: hundreds of options rendered
    through the template engine cost more than the search itself. Built once per list of
    sources (per process); the reader's choice is marked on a copy."""
    options = _options_html(tuple(choices))
    if not selected:
        return options
    chosen = format_html('<option value="{}">', selected)
    return mark_safe(options.replace(chosen, f"{chosen[:-1]} selected>", 1))  # noqa: S308


@functools.lru_cache(maxsize=4)
def _options_html(choices: tuple[tuple[str, str], ...]) -> str:
    return format_html_join("", '<option value="{}">{}</option>', choices)
