"""schema.org JSON-LD for an article page: our page is an excerpt *based on* another outlet's
article, so the original's URL, publisher and authors are named as that work's."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

# The escapes of Django's `json_script`: no "<", ">" or "&" can end the script element early.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def article_json_ld(article, request) -> dict:
    authors = [{"@type": "Person", "name": author.name} for author in article.author_list]
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        # From SITE_URL, not the request's Host: canonical and og:url name one address.
        "url": settings.SITE_URL + article.get_absolute_url(),
        "datePublished": article.published_at,
        "dateModified": article.updated_at,
        "description": description(article),
        "keywords": [tag.name for tag in article.tags.all()],
        "isBasedOn": {
            "@type": "NewsArticle",
            "url": article.original_url,
            "headline": article.title,
            "datePublished": article.original_date,
            "author": authors,
            "publisher": {
                "@type": "Organization",
                "name": article.source.name,
                **({"url": article.source.home_page} if article.source.home_page else {}),
            },
        },
    }


def description(article) -> str:
    text = article.pull_quote or strip_tags(article.excerpt)
    return Truncator(" ".join(text.split())).chars(200)


def ld_json_script(data: dict) -> SafeString:
    """A `<script type="application/ld+json">` data block (never executed, so CSP allows it),
    escaped like `json_script`."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308
