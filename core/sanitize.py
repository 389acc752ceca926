"""The one place editors' HTML is cleaned, on write, before it is stored (nh3, i.e. Ammonia).

Templates mark only fields that went through `clean_html` as safe. The allow-list is explicit
and shared with the desk's rich-text editor (core/editor.py builds its toolbar from it): anything
not named here (scripts, event handlers, `javascript:`/`data:` URLs, styles that could hide or
overlay content) is removed. The text inside `<script>`, `<style>` and the like goes with the
element, so no "alert(1)" is left for readers. Text is never turned into links.

Images are kept only when they were uploaded through the desk (`DESK_IMAGE_DIR` of the default
storage, see core/uploads.py); any other image is removed, and `images_removed` says how many, so
the desk can tell the editor.
"""

import re

import nh3
from django.core.files.storage import default_storage

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "cite", "code", "em", "h2", "h3", "h4", "hr",
        "i", "img", "li", "ol", "p", "q", "s", "small", "span", "strong", "sub", "sup", "u",
        "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "img": {"src", "alt", "width", "height"},
    "p": {"style"},
    "span": {"style"},
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Only typographic properties: nothing that positions, hides, resizes or overlays. Not even
# `color`: white on white hides text as well as `display: none` does.
ALLOWED_CSS_PROPERTIES = frozenset({"font-style", "font-weight", "text-align", "text-decoration"})
LINK_REL = "nofollow noopener"
# Elements removed together with their text: what they hold is code or markup, never prose.
REMOVED_WITH_CONTENT = frozenset(
    {"script", "style", "template", "noscript", "iframe", "object", "textarea", "title"}
)
DESK_IMAGE_DIR = "desk-images"
_IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
_IMAGE = re.compile(r"<img[\s>/]", re.IGNORECASE)
_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
_IGNORABLE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")


def desk_image_prefix() -> str:
    """Where images uploaded through the desk are served from (any storage backend)."""
    return default_storage.url(f"{DESK_IMAGE_DIR}/x")[:-1]


def _checked_url(tag: str, attribute: str, value: str) -> str | None:
    """Drop images not uploaded through the desk, and URLs whose scheme, once the spaces and
    control characters a browser or a mail client might skip are gone, is not allowed
    ("java script:" reads as a relative path to Ammonia)."""
    if attribute in _URL_ATTRIBUTES:
        scheme = _SCHEME.match(_IGNORABLE.sub("", value).lower())
        if scheme and scheme.group(1) not in ALLOWED_PROTOCOLS:
            return None
    if tag == "img" and attribute == "src":
        prefix = desk_image_prefix()
        uploaded = value.startswith(prefix) and ".." not in value
        return value if uploaded else None
    return value


def _cleaner(**options) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_PROTOCOLS),
        filter_style_properties=set(ALLOWED_CSS_PROPERTIES),
        link_rel=LINK_REL,
        strip_comments=True,
        **options,
    )


_strict = _cleaner(attribute_filter=_checked_url)
_any_image = _cleaner()  # counts the images offered


# Spaces (often a pasted no-break space) opening a paragraph, a list item or a heading: the
# text would start indented by one space.
LEADING_SPACE = re.compile(r"(<(?:p|li|h[2-4]|blockquote)(?:\s[^>]*)?>)(?:\s|&nbsp;|&#160;|\xa0)+")


def clean_html(html: str) -> str:
    """Return editor HTML reduced to the allow-list, safe to render as is."""
    if not html:
        return ""
    cleaned = _IMAGE_WITHOUT_SOURCE.sub("", _strict.clean(html))
    return LEADING_SPACE.sub(r"\1", cleaned).strip()


def images_removed(html: str) -> int:
    """How many images of `html` `clean_html` drops (not uploaded through the desk)."""
    if not html or not _IMAGE.search(html):
        return 0
    offered = len(_IMAGE.findall(_any_image.clean(html)))
    return offered - len(_IMAGE.findall(clean_html(html)))
