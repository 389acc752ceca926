"""The one place editors' HTML is cleaned, on write, before it is stored.

Templates mark only fields that went through `clean_html` as safe. The allow-list is explicit:
anything not named here (scripts, event handlers, `javascript:`/`data:` URLs, styles that could
hide or overlay content) is removed.
"""

from functools import partial

import bleach
from bleach.css_sanitizer import CSSSanitizer
from bleach.linkifier import LinkifyFilter

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "cite", "code", "em", "h2", "h3", "h4", "hr",
        "i", "li", "ol", "p", "q", "s", "small", "span", "strong", "sub", "sup", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    "blockquote": ["cite"],
    "q": ["cite"],
    "p": ["style"],
    "span": ["style"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Only typographic properties: nothing that positions, hides, resizes or overlays. Not even
# `color`: white on white hides text as well as `display: none` does.
ALLOWED_CSS_PROPERTIES = frozenset({"font-style", "font-weight", "text-align", "text-decoration"})
LINK_REL = "nofollow noopener"


def _set_link_rel(attrs, new=False):
    href_key = (None, "href")
    if href_key not in attrs:
        return attrs
    attrs[(None, "rel")] = LINK_REL
    attrs.pop((None, "target"), None)
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    css_sanitizer=CSSSanitizer(allowed_css_properties=ALLOWED_CSS_PROPERTIES),
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_set_link_rel], parse_email=False)],
)


def clean_html(html: str) -> str:
    """Return editor HTML reduced to the allow-list, safe to render as is."""
    if not html:
        return ""
    return _cleaner.clean(html).strip()
