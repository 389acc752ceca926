"""What becomes of each item of the export: the stated rules, in one place.

- a published post of the seed's shape: its excerpts become published articles, in that day's
  briefing (one briefing per day, in the order the posts were published);
- a published post the importer cannot read: one draft article holding the whole text, in that
  day's briefing (hidden from readers until the desk publishes it), with the reason;
- a draft, pending, scheduled or private post: draft articles (never in a briefing), reason
  "draft in WordPress" (etc.), so nothing the desk wrote is lost and nothing private shows;
- a post in the trash, or one outside --since/--until: skipped;
- a page: skipped (its address redirects to the home page), as are menus, revisions,
  templates and the like;
- an attachment: its file is stored when found under --media-dir, else skipped;
- comments: counted, not imported (the briefing has no comments).

Categories and tags become tags; a category that names a region ("Israel", "Ukraine") also
opens a section of the briefing with the post's first article.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.utils import timezone

from wordpress import layout
from wordpress.wxr import Item

IMPORTER_VERSION = "1"
REGIONS = {
    "africa", "americas", "asia", "europe", "middle east", "latin america", "north america",
    "south america", "gulf", "the gulf", "west bank", "gaza", "judea and samaria",
    "afghanistan", "algeria", "argentina", "armenia", "australia", "azerbaijan", "bahrain",
    "belarus", "brazil", "britain", "canada", "china", "cyprus", "egypt", "ethiopia",
    "france", "georgia", "germany", "greece", "hungary", "india", "indonesia", "iran",
    "iraq", "ireland", "israel", "italy", "japan", "jordan", "kazakhstan", "korea",
    "north korea", "south korea", "kuwait", "lebanon", "libya", "mexico", "morocco",
    "netherlands", "nigeria", "oman", "pakistan", "palestinian authority", "poland", "qatar",
    "russia", "saudi arabia", "spain", "sudan", "sweden", "syria", "taiwan", "tunisia",
    "turkey", "türkiye", "ukraine", "united arab emirates", "uae", "united kingdom", "uk",
    "united states", "usa", "us", "u.s.", "america", "venezuela", "yemen",
}  # fmt: skip
OUT_OF_RANGE = "outside --since/--until"
IGNORED_CATEGORIES = {"uncategorized", "uncategorised"}
DRAFT_STATUSES = {"draft", "pending", "future", "private", "auto-draft"}
FURNITURE = {
    "nav_menu_item", "revision", "custom_css", "customize_changeset", "oembed_cache",
    "user_request", "wp_block", "wp_template", "wp_template_part", "wp_global_styles",
    "wp_navigation", "wp_font_family", "wp_font_face", "feedback", "wpcf7_contact_form",
}  # fmt: skip


@dataclass
class Options:
    since: datetime.date | None = None
    until: datetime.date | None = None
    media_dir: str | None = None
    dry_run: bool = False
    sections: set[str] | None = None  # category names that open sections (else REGIONS)
    chunk_size: int = 500


@dataclass
class Plan:
    """An item's fate: `kind` is "post", "attachment" or "skip"."""

    kind: str
    rule: str = ""  # why skipped, or why the desk must review
    published: bool = False
    excerpts: list[layout.Excerpt] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    section: str = ""


def checksum(item: Item, options: Options) -> str:
    parts = [
        IMPORTER_VERSION, item.title, item.content, item.status, item.post_type, item.link,
        item.guid, str(item.post_date), str(item.post_date_gmt), item.attachment_url,
        str(item.parent), repr(sorted(item.terms)), repr(sorted(options.sections or ())),
        str(bool(options.media_dir)),
    ]  # fmt: skip
    return hashlib.sha1("\x00".join(parts).encode(), usedforsecurity=False).hexdigest()


def posted_at(item: Item) -> datetime.datetime | None:
    if item.post_date_gmt:
        return item.post_date_gmt.replace(tzinfo=datetime.UTC)
    if item.post_date:
        return timezone.make_aware(item.post_date)
    return None


def rule_for(item: Item, options: Options) -> Plan:
    """The rule an item falls under, before its text is read."""
    if item.post_type == "attachment":
        return Plan("attachment")
    if item.post_type == "page":
        return Plan("skip", "page (not an article; a published page's address redirects home)")
    if item.post_type in FURNITURE:
        return Plan("skip", f"site furniture ({item.post_type})")
    if item.post_type != "post":
        return Plan("skip", f"post type {item.post_type!r} is not imported")
    if item.status == "trash":
        return Plan("skip", "in the WordPress trash")
    day = item.post_date.date() if item.post_date else None
    if (options.since and (day is None or day < options.since)) or (
        options.until and (day is None or day > options.until)
    ):
        return Plan("skip", OUT_OF_RANGE)
    if item.status == "publish" and item.password:
        return Plan("post", "password-protected in WordPress")
    if item.status == "publish":
        return Plan("post", published=True)
    if item.status in DRAFT_STATUSES:
        return Plan("post", f"{item.status} in WordPress")
    return Plan("post", f"status {item.status!r} in WordPress")


def terms_of(item: Item, options: Options) -> tuple[list[str], str]:
    """(tags, section) from the post's categories and tags."""
    regions = {name.lower() for name in options.sections} if options.sections else REGIONS
    tags, section = [], ""
    for domain, _slug, name in item.terms:
        if not name or (domain == "category" and name.lower() in IGNORED_CATEGORIES):
            continue
        if domain in ("category", "post_tag"):
            tags.append(name[:100])
        if domain == "category" and not section and name.lower() in regions:
            section = name[:100]
    return list(dict.fromkeys(tags)), section


def whole_text(item: Item, content: str, url: str) -> layout.Excerpt:
    """The draft that keeps an unreadable post whole for the desk."""
    day = (item.post_date or datetime.datetime(1970, 1, 1)).date()
    return layout.Excerpt(
        title=(item.title or f"WordPress post {item.wp_id}")[:300],
        authors=[],
        source="",
        label="",
        original_date=day,
        original_url=url,
        pull_quote="",
        body=layout.autop(content) or "<p>(The WordPress post was empty.)</p>",
    )


def plan_post(item: Item, content: str, options: Options, old_url: str) -> Plan:
    """The plan of a post, its text (shortcodes expanded, links rewritten) read."""
    plan = rule_for(item, options)
    plan.tags, plan.section = terms_of(item, options)
    try:
        plan.excerpts = layout.excerpts(content, title=item.title)
    except layout.Unreadable as unreadable:
        plan.rule = f"{plan.rule}, {unreadable.reason}" if plan.rule else unreadable.reason
        plan.excerpts = [whole_text(item, content, old_url)]
    return plan
