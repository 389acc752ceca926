"""`wordpress_import`: a whole WordPress export into the archive, in chunks.

Each chunk of posts is one transaction: an interrupted run keeps the chunks it committed and
the next run finds them unchanged (keyed by post id, or guid) and goes on from there. New
posts are written in bulk (a few queries per chunk, not per post); changed ones through the
ORM, as an editor's save would. Either way the articles' search vectors and same-story
fingerprints are refreshed by the same code as for articles added by hand (the
`articles_changed` signal; for new posts a chunk behind, see wordpress/refresh.py), and an
original URL already in the archive is never added twice.
"""

import contextlib
import datetime
import functools
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles.models import Article, ArticleAuthor, Author, Source
from articles.normalize import normalize_url
from briefing.models import Briefing, BriefingEntry
from core import page_cache
from core.db import insert_objects, insert_rows
from core.deferred import batch
from core.sanitize import clean_html
from stories.models import Fingerprint, Keyword, TermStat
from wordpress import plan as rules
from wordpress import wxr
from wordpress.archive import archive_redirects
from wordpress.media import Media, uploads_path
from wordpress.models import ImportedArticle, ImportedPost, LegacyRedirect
from wordpress.redirects import legacy_key
from wordpress.refresh import Refresher, missing
from wordpress.report import Report
from wordpress.shortcodes import Shortcodes

UNKNOWN_SOURCE = "Source to check (WordPress import)"
# The tables an import grows. Their planner statistics are refreshed each time the import has
# doubled the articles (autovacuum may be slow, or off): a plan made for an empty table (a
# sequential scan of the keywords to delete a chunk's) would make the import quadratic.
GROWN = [
    Article, ArticleAuthor, TaggedItem, BriefingEntry, Briefing, ImportedPost, ImportedArticle,
    LegacyRedirect, Fingerprint, Keyword, TermStat,
]  # fmt: skip
FIRST_ANALYZE = 1000
Outcome = ImportedPost.Outcome
# Each excerpt's original URL is looked up, compared and stored: normalised once (a chunk's).
url_key = functools.lru_cache(maxsize=4096)(normalize_url)


def wordpress_import(
    *, path: Path | str, options: rules.Options, progress: Callable[[int, int], None] = None
) -> Report:
    """Import the export at `path`; returns the reconciliation report."""
    report = Report(in_file=wxr.count_items(path), dry_run=options.dry_run)
    refresher = Refresher.for_import(dry_run=options.dry_run)
    importer = Importer(options=options, report=report, site=wxr.site_url(path), refresh=refresher)
    # Each chunk commits on its own (an interrupted run resumes); a dry run is one
    # transaction, rolled back at the end.
    with transaction.atomic() if options.dry_run else contextlib.nullcontext():
        try:
            refresher.submit(missing())
            _read(path, importer, progress)
            importer.flush()
        finally:
            refresher.close()
        importer.finish()
        if options.dry_run:
            transaction.set_rollback(True)
    return report


def _read(path, importer: "Importer", progress) -> None:
    done = 0
    for record in wxr.read(path):
        if isinstance(record, wxr.Item):
            importer.add(record)
            done += 1
            if progress:
                progress(done, importer.report.in_file)
        elif isinstance(record, wxr.Term):
            importer.terms.append(record)
        else:
            importer.authors.append(record)


class Importer:
    def __init__(self, *, options: rules.Options, report: Report, site: str, refresh: Refresher):
        self.options, self.report, self.site, self.refresh = options, report, site, refresh
        self.media = Media(options.media_dir, dry_run=options.dry_run, report=report)
        self.shortcodes = Shortcodes(gallery_links=self._gallery)
        self.terms: list[wxr.Term] = []
        self.authors: list[wxr.Author] = []
        self.chunk: list[wxr.Item] = []
        self.days: set[datetime.date] = set()
        self.attachments: dict[int, tuple[list[str], int]] = {}  # id: (old keys, parent)
        self.attachment_urls: dict[str, str] = {}
        self.sections: dict[datetime.date, str] = {}  # the section each day's last post opened
        self.redirects: dict[str, str] = {}
        self.ids = {"source": {}, "author": {}, "tag": {}}
        self.content_type = ContentType.objects.get_for_model(Article)
        self.created, self.analyze_at = 0, FIRST_ANALYZE

    # --- Reading -------------------------------------------------------------------------------

    def add(self, item: wxr.Item) -> None:
        self.report.by_type[f"{item.post_type}/{item.status or 'none'}"] += 1
        self.report.comments_not_imported += item.comments
        self.chunk.append(item)
        if len(self.chunk) >= self.options.chunk_size:
            self.flush()

    def flush(self) -> None:
        items, self.chunk = self.chunk, []
        if not items:
            return
        with transaction.atomic(), batch():
            known = self._known(items)
            new, created_ids, seen = [], [], set()
            for item in items:
                if item.wp_id in seen:  # a file that holds a post twice: the first counts
                    self.report.skipped["the same post id twice in the export"] += 1
                    continue
                seen.add(item.wp_id)
                self._remember(item)
                record = known.get(("id", item.wp_id)) or known.get(("guid", item.guid))
                digest = rules.checksum(item, self.options)
                if record is not None and record.checksum == digest:
                    self.report.unchanged += 1
                    continue
                plan = self._plan(item)
                if record is None:
                    new.append((item, plan, digest))
                else:
                    created_ids += self._update(record, item, plan, digest)
            created_ids += self._create(new)
            self._save_redirects()
        self.refresh.submit(created_ids)  # committed: refreshed while the next chunk is read
        self.created += len(created_ids)
        if self.created >= self.analyze_at:
            self.analyze_at *= 2
            self._analyze()

    @staticmethod
    def _analyze() -> None:
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in GROWN)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")

    def _known(self, items) -> dict:
        records = ImportedPost.objects.filter(
            Q(wp_id__in=[item.wp_id for item in items]) | Q(guid__in=[i.guid for i in items])
        )
        known = {}
        for record in records:
            known[("id", record.wp_id)] = record
            known.setdefault(("guid", record.guid), record)
        return known

    def _remember(self, item: wxr.Item) -> None:
        if item.post_type == "post" and rules.rule_for(item, self.options).published:
            self.days.add(item.post_date.date())

    def _plan(self, item: wxr.Item) -> rules.Plan:
        plan = rules.rule_for(item, self.options)
        if plan.kind == "attachment":
            return self._plan_attachment(item, plan)
        if plan.kind != "post":
            return plan
        content = self.media.rewrite(self.shortcodes.expand(item.content))
        plan = rules.plan_post(item, content, self.options, self._absolute(item.link))
        for excerpt in plan.excerpts:
            excerpt.pull_quote = self.shortcodes.expand(excerpt.pull_quote)
        return plan

    def _plan_attachment(self, item: wxr.Item, plan: rules.Plan) -> rules.Plan:
        rel = uploads_path(item.attachment_url or item.guid)
        keys = [legacy_key(item.link), f"/?attachment_id={item.wp_id}"]
        self.attachments[item.wp_id] = (keys, item.parent)
        if self.options.media_dir is None:
            return rules.Plan("skip", "attachment (no --media-dir given)")
        url = self.media.store(rel) if rel else None
        if url is None:
            return rules.Plan("skip", "attachment (file not found under --media-dir)")
        self.attachment_urls[str(item.wp_id)] = url
        self.redirects[legacy_key(item.attachment_url)] = url
        return plan

    def _gallery(self, ids: list[str]) -> list[str]:
        return [self.attachment_urls[i] for i in ids if i in self.attachment_urls]

    def _absolute(self, link: str) -> str:
        if link.startswith(("http://", "https://")):
            return link
        return f"{self.site or 'https://wordpress.invalid'}/{link.lstrip('/')}"

    # --- Writing new posts in bulk -----------------------------------------------------------

    @staticmethod
    def _outcome(plan: rules.Plan) -> tuple[str, str]:
        if plan.kind == "skip":
            return Outcome.SKIPPED, plan.rule
        return (Outcome.REVIEW, plan.rule) if plan.rule else (Outcome.IMPORTED, "")

    def _count_new(self, outcome: str, reason: str) -> None:
        if outcome == Outcome.SKIPPED:
            self.report.skipped[reason] += 1
        elif outcome == Outcome.REVIEW:
            self.report.review[reason] += 1
        else:
            self.report.imported += 1

    def _create(self, new) -> list[int]:
        if not new:
            return []
        excerpts = [e for _, plan, _ in new if plan.kind == "post" for e in plan.excerpts]
        self._ensure_names(excerpts, [tag for _, plan, _ in new for tag in plan.tags])
        existing = {
            key: Article(pk=pk, slug=slug, status=status)
            for key, pk, slug, status in Article.objects.filter(
                url_key__in=[url_key(e.original_url) for e in excerpts]
            ).values_list("url_key", "id", "slug", "status")
        }
        slugs = self._free_slugs(new)
        records, articles, links = [], [], []
        for item, plan, digest in new:
            outcome, reason = self._outcome(plan)
            self._count_new(outcome, reason)
            record = self._record(item, digest, outcome, reason)
            if reason != rules.OUT_OF_RANGE:  # a later run with other dates takes it
                records.append(record)
            for position, excerpt in enumerate(plan.excerpts if plan.kind == "post" else []):
                key = url_key(excerpt.original_url)
                if key in existing:
                    links.append((record, item, plan, position, existing[key], None))
                    self._duplicate(item, excerpt)
                    continue
                article = self._article(item, plan, excerpt, slugs[(item.wp_id, position)])
                existing[key] = article
                articles.append((article, excerpt, plan))
                links.append((record, item, plan, position, article, excerpt))
        insert_objects(records)
        insert_objects([article for article, _, _ in articles])
        self.report.articles_created += len(articles)
        self._bylines_and_tags(articles)
        insert_rows(
            ImportedArticle,
            ("post", "article", "position", "review_reason"),
            [
                (record.pk, article.pk, position, plan.rule)
                for record, _, plan, position, article, excerpt in links
                if excerpt is not None
            ],
        )
        self._entries([(item, plan, pos, article.pk) for _, item, plan, pos, article, _ in links])
        by_post: dict[int, list[Article]] = {}
        for _, item, _, _, article, _ in links:
            by_post.setdefault(item.wp_id, []).append(article)
        for item, plan, _ in new:
            self._post_redirects(item, plan, by_post.get(item.wp_id, []))
        return [article.pk for article, _, _ in articles]

    def _record(self, item, digest, outcome, reason) -> ImportedPost:
        return ImportedPost(
            wp_id=item.wp_id,
            guid=item.guid[:2000],
            post_type=item.post_type[:40],
            wp_status=item.status[:20],
            title=item.title[:500],
            link=item.link[:2000],
            posted_at=rules.posted_at(item),
            checksum=digest,
            outcome=outcome,
            reason=reason[:200],
        )

    def _duplicate(self, item: wxr.Item, excerpt) -> None:
        self.report.duplicate_urls += 1
        self.report.note(
            f"post {item.wp_id} ({item.title!r}): {excerpt.original_url} is already in the "
            "archive; that article was put in the day's briefing instead of a second copy"
        )

    def _article(self, item, plan, excerpt, slug) -> Article:
        status = Article.Status.PUBLISHED if plan.published and not plan.rule else "draft"
        when = rules.posted_at(item)
        return Article(
            title=excerpt.title[:300],
            slug=slug,
            source_id=self.ids["source"][excerpt.source or UNKNOWN_SOURCE],
            label=excerpt.label[:50],
            original_date=excerpt.original_date,
            original_url=excerpt.original_url[:2000],
            url_key=url_key(excerpt.original_url),
            pull_quote=excerpt.pull_quote,
            excerpt=clean_html(excerpt.body),
            status=status,
            published_at=when if status == Article.Status.PUBLISHED else None,
        )

    def _bylines_and_tags(self, articles) -> None:
        insert_rows(
            ArticleAuthor,
            ("article", "author", "position"),
            [
                (article.pk, self.ids["author"][name], i)
                for article, excerpt, _ in articles
                for i, name in enumerate(dict.fromkeys(excerpt.authors))
            ],
            ignore_conflicts=True,
        )
        insert_rows(
            TaggedItem,
            ("content_type", "object_id", "tag"),
            [
                (self.content_type.pk, article.pk, self.ids["tag"][name])
                for article, _, plan in articles
                for name in plan.tags
            ],
            ignore_conflicts=True,
        )

    def _ensure_names(self, excerpts, tags) -> None:
        sources = {e.source or UNKNOWN_SOURCE for e in excerpts}
        self._ensure(Source, "source", sources, key="name")
        self._ensure(Author, "author", {n for e in excerpts for n in e.authors}, key="slug")
        self._ensure(Tag, "tag", set(tags), key="name")

    def _ensure(self, model, kind: str, names: set[str], *, key: str) -> None:
        """The ids of these sources, authors or tags, creating the missing ones in bulk (a
        name whose slug another one holds is made on its own, with a free slug)."""
        known = self.ids[kind]
        wanted = {name for name in names if name and name not in known}
        if not wanted:
            return
        by_key = {(slugify(n)[:190] or "x") if key == "slug" else n: n for n in wanted}
        self._fetch(model, key, by_key, known)
        missing = {n: slugify(n)[:190] or "x" for n in wanted - known.keys()}
        if missing:
            fresh = [model(name=n, slug=slug) for n, slug in missing.items()]
            model.objects.bulk_create(fresh, ignore_conflicts=True)
            self._fetch(model, key, by_key, known)
        for name in wanted - known.keys():
            known[name] = self._create_named(model, name).pk

    @staticmethod
    def _fetch(model, key: str, by_key: dict[str, str], known: dict) -> None:
        for row in model.objects.filter(**{f"{key}__in": list(by_key)}).values("id", key):
            known[by_key[row[key]]] = row["id"]

    @staticmethod
    def _create_named(model, name: str):
        base = slugify(name)[:190] or "x"
        lookup = {"slug": base} if model is Author else {"name": name}
        found = model.objects.filter(**lookup).first()
        if found:
            return found
        slug, n = base, 1
        while model.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return model.objects.create(name=name, slug=slug)

    def _free_slugs(self, new) -> dict[tuple[int, int], str]:
        wanted = {}
        for item, plan, _ in new:
            for position, excerpt in enumerate(plan.excerpts if plan.kind == "post" else []):
                wanted[(item.wp_id, position)] = slugify(excerpt.title)[:200] or "article"
        taken = set(
            Article.objects.filter(slug__in=set(wanted.values())).values_list("slug", flat=True)
        )
        slugs = {}
        for (wp_id, position), base in wanted.items():
            slug = base
            if slug in taken:
                slug = f"{base}-{wp_id}" + (f"-{position}" if position else "")
            while slug in taken:
                slug += "-wp"
            taken.add(slug)
            slugs[(wp_id, position)] = slug
        return slugs

    # --- Briefings -------------------------------------------------------------------------

    def _briefings(self, days: set[datetime.date], first_at: dict) -> dict:
        found = dict(Briefing.objects.filter(date__in=days).values_list("date", "id"))
        missing = [
            Briefing(
                date=day,
                status=Briefing.Status.PUBLISHED,
                published_at=first_at.get(day),
                email_subscribers=False,  # the archive is not news: never emailed again
                version=1,
            )
            for day in sorted(days - found.keys())
        ]
        Briefing.objects.bulk_create(missing)
        self.report.briefings_created += len(missing)
        return found | {b.date: b.pk for b in missing}

    def _entries(self, rows) -> None:
        """One briefing per day, each post's articles in the order they were published."""
        rows = [r for r in rows if r[1].published and r[0].post_date]
        if not rows:
            return
        first_at = {}
        for item, *_ in rows:
            first_at.setdefault(item.post_date.date(), rules.posted_at(item))
        briefings = self._briefings({r[0].post_date.date() for r in rows}, first_at)
        entries = []
        for item, plan, position, article_id in sorted(rows, key=lambda r: (r[0].post_date, r[2])):
            day = item.post_date.date()
            section = self._section(day, plan.section) if position == 0 else ""
            entries.append((briefings[day], article_id, section, _position(item, position)))
        fields = ("briefing", "article", "section", "position")
        insert_rows(BriefingEntry, fields, entries, ignore_conflicts=True)

    def _section(self, day: datetime.date, section: str) -> str:
        """A region's heading opens its section once, not above every post of it."""
        if section and self.sections.get(day) != section:
            self.sections[day] = section
            return section
        return ""

    # --- Updating a changed post -----------------------------------------------------------

    def _update(self, record: ImportedPost, item, plan, digest) -> list[int]:
        outcome, reason = self._outcome(plan)
        self.report.updated += 1
        fresh = self._record(item, digest, outcome, reason)
        for name in ("wp_id", "guid", "post_type", "wp_status", "title", "link", "posted_at"):
            setattr(record, name, getattr(fresh, name))
        record.checksum, record.outcome, record.reason = digest, outcome, reason[:200]
        record.save()
        excerpts = plan.excerpts if plan.kind == "post" else []
        self._ensure_names(excerpts, plan.tags)
        links = {link.position: link for link in record.excerpts.select_related("article")}
        own = [link.article_id for link in links.values()]
        articles, created = [], []
        for position, excerpt in enumerate(excerpts):
            link = links.pop(position, None)
            article = link.article if link else None
            clash = Article.objects.filter(url_key=url_key(excerpt.original_url))
            clash = clash.exclude(pk=article.pk) if article else clash
            clash = clash.only("slug", "status").first()
            if clash is not None:
                self._duplicate(item, excerpt)
                articles.append(clash)
                continue
            if article is None:
                slug = self._free_slugs([(item, rules.Plan("post", excerpts=[excerpt]), "")])
                article = self._article(item, plan, excerpt, slug[(item.wp_id, 0)])
                created.append(article)
            else:
                self.report.articles_updated += 1
            self._apply(article, item, plan, excerpt)
            ImportedArticle.objects.update_or_create(
                post=record, position=position,
                defaults={"article": article, "review_reason": plan.rule[:200]},
            )  # fmt: skip
            articles.append(article)
        for link in links.values():  # excerpts no longer in the post: back to the desk
            link.article.status = Article.Status.DRAFT
            link.article.save()
            link.review_reason = "no longer in the WordPress post"
            link.save()
        BriefingEntry.objects.filter(article_id__in=own).delete()
        self._entries([(item, plan, pos, article.pk) for pos, article in enumerate(articles)])
        self._post_redirects(item, plan, articles)
        self.report.articles_created += len(created)
        return []  # saved through the ORM: their signals refresh them

    def _apply(self, article: Article, item, plan, excerpt) -> None:
        fresh = self._article(item, plan, excerpt, article.slug)
        for name in (
            "title", "source_id", "label", "original_date", "original_url", "pull_quote",
            "excerpt", "status",
        ):  # fmt: skip
            setattr(article, name, getattr(fresh, name))
        if article.status == Article.Status.PUBLISHED:
            article.published_at = article.published_at or fresh.published_at
        article.save()
        ArticleAuthor.objects.filter(article=article).delete()
        ArticleAuthor.objects.bulk_create(
            [
                ArticleAuthor(article=article, author_id=self.ids["author"][name], position=i)
                for i, name in enumerate(dict.fromkeys(excerpt.authors))
            ]
        )
        article.tags.set(plan.tags)

    # --- Old addresses ---------------------------------------------------------------------

    def _post_redirects(self, item: wxr.Item, plan: rules.Plan, articles: list[Article]) -> None:
        keys = [f"/?p={item.wp_id}"] if item.post_type == "post" else [f"/?page_id={item.wp_id}"]
        if item.link and "?" not in item.link:
            keys.append(legacy_key(item.link))
        if item.guid and urlsplit(item.guid).path not in ("", "/"):
            keys.append(legacy_key(item.guid))
        if plan.kind == "skip" and item.post_type == "page" and item.status == "publish":
            target = "/"
        elif plan.kind == "post" and plan.published and item.post_date:
            target = self._post_target(item, plan, articles)
        else:
            return  # drafts and private posts had no public address
        for key in keys:
            self.redirects[key] = target

    @staticmethod
    def _post_target(item, plan, articles: list[Article]) -> str:
        """A post of one published article: that article's page; else the day's briefing."""
        day = item.post_date.date()
        if len(articles) == 1 and not plan.rule and articles[0].status == "published":
            return reverse("articles:article_detail", kwargs={"slug": articles[0].slug})
        return reverse("briefing:briefing_day", args=[day.year, day.month, day.day])

    def _save_redirects(self) -> None:
        pending, self.redirects = self.redirects, {}
        if not pending:
            return
        existing = dict(
            LegacyRedirect.objects.filter(old_path__in=list(pending)).values_list(
                "old_path", "new_path"
            )
        )
        new = [(k, v) for k, v in pending.items() if k not in existing]
        changed = [k for k, v in pending.items() if k in existing and existing[k] != v]
        insert_rows(LegacyRedirect, ("old_path", "new_path"), new)
        for key in changed:
            LegacyRedirect.objects.filter(old_path=key).update(new_path=pending[key])
        self.report.redirects_created += len(new)
        self.report.redirects_updated += len(changed)

    def finish(self) -> None:
        """The addresses that are not posts: archives, categories, tags, authors, feeds."""
        with transaction.atomic():
            self.redirects |= archive_redirects(self)
            self._save_redirects()
        self.report.shortcodes = self.shortcodes.counts
        page_cache.invalidate()


def _position(item: wxr.Item, index: int) -> int:
    """Published order within the day, whatever order the chunks come in."""
    when = item.post_date
    return ((when.hour * 60 + when.minute) * 60 + when.second) * 100 + min(index, 99)
