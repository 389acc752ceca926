"""The old site's addresses that are not posts: date archives, categories, tags, authors,
feeds and attachment pages, each pointed at the page that answers for it now."""

from urllib.parse import urlsplit

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.text import slugify
from taggit.models import Tag

from briefing.models import Briefing, BriefingEntry
from wordpress.models import LegacyRedirect
from wordpress.redirects import legacy_key

FEEDS = ("feed", "feed/rss", "feed/rss2", "feed/atom", "feed/rdf", "comments/feed", "rss")


def archive_redirects(importer) -> dict[str, str]:
    prefix = urlsplit(importer.site).path.rstrip("/")
    redirects = {}
    redirects |= _days(importer.days, prefix)
    redirects |= _terms(importer.terms, prefix)
    redirects |= _feeds(prefix)
    home = reverse("briefing:archive")
    for author in importer.authors:
        redirects[legacy_key(f"{prefix}/author/{slugify(author.login)}/")] = home
        redirects[f"/?author={author.author_id}"] = home
    redirects |= _attachment_pages(importer.attachments, importer.redirects)
    return redirects


def _days(days, prefix: str) -> dict[str, str]:
    """Briefings of imported days with nothing for readers go back to draft; the days that
    do show get their /YYYY/MM/DD/, /YYYY/MM/ and /YYYY/ archives (and ?m=)."""
    if not days:
        return {}
    visible = BriefingEntry.objects.published().filter(briefing=OuterRef("pk"))
    briefings = Briefing.objects.filter(date__in=days).annotate(shown=Exists(visible))
    empty = [b.date for b in briefings if not b.shown and b.status == Briefing.Status.PUBLISHED]
    Briefing.objects.filter(date__in=empty, email_subscribers=False).update(
        status=Briefing.Status.DRAFT
    )
    redirects = {}
    for briefing in Briefing.objects.published().filter(date__in=days).only("date"):
        day = briefing.date
        months = reverse("briefing:archive_month", args=[day.year, day.month])
        years = reverse("briefing:archive_year", args=[day.year])
        for key, target in (
            (f"{day:%Y/%m/%d}", briefing.get_absolute_url()),
            (f"{day:%Y/%m}", months),
            (f"{day:%Y}", years),
        ):
            redirects[legacy_key(f"{prefix}/{key}/")] = target
            redirects[f"/?m={key.replace('/', '')}"] = target
    # A day with nothing to show (its posts all went to review) and its address point home.
    for day in empty:
        for key in (f"{day:%Y/%m/%d}", f"{day:%Y/%m}", f"{day:%Y}"):
            redirects.setdefault(legacy_key(f"{prefix}/{key}/"), "/")
            redirects.setdefault(f"/?m={key.replace('/', '')}", "/")
    gone = [Briefing(date=day).get_absolute_url() for day in empty]
    if gone:
        LegacyRedirect.objects.filter(new_path__in=gone).update(new_path="/")
    return redirects


def _terms(terms, prefix: str) -> dict[str, str]:
    tags = dict(
        Tag.objects.filter(name__in=[t.name[:100] for t in terms]).values_list("name", "slug")
    )
    parents = {t.slug: t.parent for t in terms if t.kind == "category"}
    redirects = {}
    for term in terms:
        slug = tags.get(term.name[:100])
        page = reverse("articles:tag_detail", kwargs={"slug": slug}) if slug else "/"
        feed = reverse("articles:tag_feed_rss", kwargs={"slug": slug}) if slug else "/"
        if term.kind == "category":
            path, seen = [term.slug], {term.slug}
            while parents.get(path[0]) and parents[path[0]] not in seen:
                seen.add(parents[path[0]])
                path.insert(0, parents[path[0]])
            base, query = f"{prefix}/category/{'/'.join(path)}/", f"/?cat={term.term_id}"
        elif term.kind == "post_tag":
            base, query = f"{prefix}/tag/{term.slug}/", f"/?tag={term.slug}"
        else:
            continue
        redirects[legacy_key(base)] = page
        redirects[legacy_key(base + "feed/")] = feed
        redirects[legacy_key(query)] = page
    return redirects


def _feeds(prefix: str) -> dict[str, str]:
    rss, atom = reverse("briefing:feed_rss"), reverse("briefing:feed_atom")
    redirects = {legacy_key(f"{prefix}/{path}/"): rss for path in FEEDS}
    redirects[legacy_key(f"{prefix}/feed/atom/")] = atom
    for name in ("rss", "rss2", "rdf", "comments-rss2"):
        redirects[f"/?feed={name}"] = rss
    redirects["/?feed=atom"] = atom
    return redirects


def _attachment_pages(attachments, pending: dict[str, str]) -> dict[str, str]:
    """An attachment's page points where its post does (the home page if it had none)."""
    parents = {f"/?p={parent}" for _, parent in attachments.values() if parent}
    targets = dict(
        LegacyRedirect.objects.filter(old_path__in=parents).values_list("old_path", "new_path")
    )
    targets |= {key: pending[key] for key in parents if key in pending}
    redirects = {}
    for keys, parent in attachments.values():
        for key in keys:
            redirects[key] = targets.get(f"/?p={parent}", "/")
    return redirects
