"""Reading a WordPress eXtended RSS export (WXR 1.0–1.2, WordPress 3.x–6.x) as a stream.

`read(path)` yields the channel's authors and terms, then each item, parsing one element at a
time and freeing it (and the siblings before it) once read, so memory stays flat however large
the file. Namespaces are matched by what they are, not by their version number.
"""

import datetime
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

from lxml import etree


@dataclass
class Term:
    kind: str  # "category" or "post_tag" (or another taxonomy's name)
    term_id: int
    slug: str
    name: str
    parent: str = ""  # the parent category's slug


@dataclass
class Author:
    author_id: int
    login: str
    display_name: str


@dataclass
class Item:
    wp_id: int
    guid: str
    title: str
    link: str
    creator: str
    content: str
    excerpt: str
    post_name: str
    post_type: str
    status: str
    post_date: datetime.datetime | None  # the site's local time, as the old site showed it
    post_date_gmt: datetime.datetime | None
    parent: int
    attachment_url: str
    password: str
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, slug, name)
    comments: int = 0


@functools.lru_cache(maxsize=256)  # a file has a few dozen tag names, read millions of times
def _kind(tag: str) -> tuple[str, str]:
    """("wp", "post_id") for "{http://wordpress.org/export/1.2/}post_id"."""
    if not tag.startswith("{"):
        return "", tag
    namespace, _, local = tag[1:].partition("}")
    if "wordpress.org/export" in namespace:
        return ("excerpt" if "excerpt" in namespace else "wp"), local
    if "purl.org/rss/1.0/modules/content" in namespace:
        return "content", local
    if "purl.org/dc/elements" in namespace:
        return "dc", local
    return namespace, local


def _children(element) -> dict[tuple[str, str], str]:
    return {
        _kind(child.tag): (child.text or "") for child in element if isinstance(child.tag, str)
    }


def _int(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        return 0


def _when(value: str) -> datetime.datetime | None:
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def _item(element) -> Item:
    fields = _children(element)
    terms = [
        (child.get("domain", ""), child.get("nicename", ""), unescape(child.text or "").strip())
        for child in element
        if child.tag == "category"
    ]
    comments = sum(1 for child in element if _kind(child.tag) == ("wp", "comment"))
    return Item(
        wp_id=_int(fields.get(("wp", "post_id"), "")),
        guid=fields.get(("", "guid"), "").strip(),
        title=fields.get(("", "title"), "").strip(),
        link=fields.get(("", "link"), "").strip(),
        creator=fields.get(("dc", "creator"), "").strip(),
        content=fields.get(("content", "encoded"), ""),
        excerpt=fields.get(("excerpt", "encoded"), ""),
        post_name=fields.get(("wp", "post_name"), "").strip(),
        post_type=fields.get(("wp", "post_type"), "post").strip() or "post",
        status=fields.get(("wp", "status"), "").strip(),
        post_date=_when(fields.get(("wp", "post_date"), "")),
        post_date_gmt=_when(fields.get(("wp", "post_date_gmt"), "")),
        parent=_int(fields.get(("wp", "post_parent"), "0")),
        attachment_url=fields.get(("wp", "attachment_url"), "").strip(),
        password=fields.get(("wp", "post_password"), ""),
        terms=terms,
        comments=comments,
    )


def _term(local: str, element) -> Term:
    fields = _children(element)
    if local == "category":
        return Term(
            "category",
            _int(fields.get(("wp", "term_id"), "")),
            fields.get(("wp", "category_nicename"), "").strip(),
            unescape(fields.get(("wp", "cat_name"), "")).strip(),
            fields.get(("wp", "category_parent"), "").strip(),
        )
    if local == "tag":
        return Term(
            "post_tag",
            _int(fields.get(("wp", "term_id"), "")),
            fields.get(("wp", "tag_slug"), "").strip(),
            unescape(fields.get(("wp", "tag_name"), "")).strip(),
        )
    return Term(
        fields.get(("wp", "term_taxonomy"), "").strip(),
        _int(fields.get(("wp", "term_id"), "")),
        fields.get(("wp", "term_slug"), "").strip(),
        unescape(fields.get(("wp", "term_name"), "")).strip(),
        fields.get(("wp", "term_parent"), "").strip(),
    )


def _author(element) -> Author:
    fields = _children(element)
    return Author(
        _int(fields.get(("wp", "author_id"), "")),
        fields.get(("wp", "author_login"), "").strip(),
        fields.get(("wp", "author_display_name"), "").strip(),
    )


def _free(element) -> None:
    element.clear()
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


def read(path: Path | str) -> Iterator[Item | Term | Author]:
    """The export's authors, terms and items, in file order, one at a time."""
    for _, element in etree.iterparse(
        str(path), events=("end",), huge_tree=True, recover=True, resolve_entities=False
    ):
        if not isinstance(element.tag, str):
            continue
        namespace, local = _kind(element.tag)
        parent = element.getparent()
        at_channel = parent is not None and parent.tag == "channel"
        if not at_channel:
            continue
        if element.tag == "item":
            yield _item(element)
        elif namespace == "wp" and local in ("category", "tag", "term"):
            yield _term(local, element)
        elif namespace == "wp" and local == "author":
            yield _author(element)
        _free(element)


def count_items(path: Path | str) -> int:
    """The number of items in the file, counted on the raw lines (WordPress writes each
    `<item>` on a line of its own): a check on the parser, the report must add up to it."""
    with open(path, "rb") as file:
        return sum(1 for line in file if line.strip() == b"<item>")


def site_url(path: Path | str) -> str:
    """The old site's address (`wp:base_blog_url`, else the channel's link), read from the head."""
    for _, element in etree.iterparse(str(path), events=("end",), recover=True):
        if not isinstance(element.tag, str):
            continue
        if _kind(element.tag) == ("wp", "base_blog_url") or (
            element.tag == "link" and element.getparent().tag == "channel"
        ):
            return (element.text or "").strip().rstrip("/")
        if element.tag == "item":
            break
    return ""
