"""`manage.py import_wordpress` on real WordPress exports (tests/data/wordpress/, made by
WordPress 6.1 from Debian's packages with its own exporter: see build.sh there)."""

import datetime
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from lxml import etree

from articles.models import Article, SearchEntry
from briefing.models import Briefing
from linkhealth.models import ArticleLink
from stories.fingerprints import fingerprints_forget
from stories.search import scored_candidates
from wordpress.models import ImportedPost, LegacyRedirect

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data" / "wordpress"
EXPORT = DATA / "export.xml"
EDITED = DATA / "export-edited.xml"
UPLOADS = DATA / "uploads"
SEED_TITLE = (
    "Leaked US Military Document Reveals Russia’s Wagner Mercenary Group Tried to Buy "
    "Weapons from NATO Member"
)
SEED_QUOTE = (
    "Representatives from the Wagner Group appear to have met with their Turkish contacts "
    "just one month after Erdogan’s calls with Putin and Zelensky took place, according to "
    "the leaked Pentagon document."
)
CNN = "https://www.cnn.com/2023/04/12/politics/wagner-turkey-weapons-leaked-documents/index.html"


def run_import(tmp_path, export=EXPORT, *args):
    out, report = StringIO(), tmp_path / "report.json"
    call_command(
        "import_wordpress", str(export), "--media-dir", str(UPLOADS), "--report", str(report),
        *args, stdout=out, stderr=StringIO(),
    )  # fmt: skip
    return json.loads(report.read_text()), out.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def imported(media, tmp_path):
    report, _ = run_import(tmp_path)
    return report


def test_the_seed_article_arrives_with_its_byline_source_date_quote_and_link(imported, client):
    article = Article.objects.get(title=SEED_TITLE)
    assert article.status == Article.Status.PUBLISHED
    assert [author.name for author in article.author_list] == [
        "Zachary Cohen",
        "Jennifer Hansler",
    ]
    assert (article.source.name, article.label) == ("CNN", "")
    assert article.original_date == datetime.date(2023, 4, 12)
    assert article.pull_quote == SEED_QUOTE
    assert article.original_url == CNN
    # The export's leading no-break space is the editor's; whitespace aside, the excerpt
    # opens the story.
    assert re.match(
        r"<p>(\s|&nbsp;)*A Russian paramilitary group fighting in Ukraine", article.excerpt
    )
    assert "complicate Ankara’s relationship with other NATO members.</p>" in article.excerpt
    assert "To read the full article" not in article.excerpt
    assert sorted(article.tags.names()) == ["NATO", "Turkey", "Ukraine", "Wagner"]
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert "Zachary Cohen" in page.text and "Jennifer Hansler" in page.text


def test_a_classic_editor_post_keeps_its_label_and_loses_its_shortcodes(imported, client):
    article = Article.objects.get(title="Britain Moves Left, But How Far?")
    assert (article.source.name, article.label) == ("WSJ", "Editorial")
    assert article.original_date == datetime.date(2024, 7, 5)
    assert article.author_list == []
    assert article.pull_quote.startswith("Their failures created an opening for Reform UK")
    assert "<p><small>The constituencies that changed hands.</small></p>" in article.excerpt
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in article.excerpt
    assert "[" not in article.excerpt
    assert imported["shortcodes"] == {
        "caption": 1, "embed": 1, "gallery": 1, "tweet": 1,
    }  # fmt: skip


def test_a_post_holding_a_whole_day_becomes_one_article_per_excerpt(imported, client):
    briefing = Briefing.objects.get(date=datetime.date(2024, 9, 3))
    entries = list(briefing.entries.select_related("article__source").order_by("position"))
    titles = [entry.article.title for entry in entries if entry.article.status == "published"]
    assert titles == [
        "Day 5 of the War: Israel Internalizes the Horrors, and Knows Its Survival Is at Stake",
        "Sukkah in the Skies with Diamonds",
        "Why Iran Is Betting on Its Proxies",
    ]
    day5, sukkah, iran = (entry.article for entry in entries[:3])
    assert (day5.byline, day5.source.name) == ("David Horovitz", "Times of Israel")
    assert day5.original_date == datetime.date(2023, 10, 11)
    assert sukkah.source.name == "The Forward"
    assert iran.byline == "Suzanne Maloney, Ray Takeyh and Dalia Dassa Kaye"
    assert (iran.label, iran.source.name) == ("Analysis", "Foreign Affairs")
    assert iran.original_url == "https://www.foreignaffairs.com/iran/why-iran-betting-its-proxies"
    assert entries[0].section == "Israel" and entries[1].section == ""
    page = client.get(briefing.get_absolute_url()).text
    positions = [page.index(title) for title in titles]
    assert positions == sorted(positions)
    assert '<h2 class="section-heading">Israel</h2>' in page


def test_posts_make_one_briefing_a_day_in_published_order(imported):
    published = Briefing.objects.published().order_by("date")
    assert [b.date.isoformat() for b in published] == [
        "2024-09-01", "2024-09-02", "2024-09-03", "2024-09-04",
    ]  # fmt: skip
    first = published[0].entries.order_by("position").values_list("article__title", flat=True)
    assert list(first) == [SEED_TITLE, "Britain Moves Left, But How Far?"]
    # The archive is not news: an imported briefing is never emailed.
    assert not Briefing.objects.filter(email_subscribers=True).exists()
    # WordPress's own "Hello world!" day has nothing readers can see: not published.
    assert Briefing.objects.get(date=datetime.date(2024, 8, 1)).status == "draft"


def test_the_report_accounts_for_every_item_and_adds_up(imported):
    assert imported["export"] == {
        "items_in_file": 14,
        "items_read": 14,
        "by_type_and_status": {
            "attachment/inherit": 1, "page/draft": 1, "page/publish": 2,
            "post/draft": 1, "post/private": 1, "post/publish": 8,
        },
    }  # fmt: skip
    assert imported["items"] == {
        "imported": 6,
        "updated": 0,
        "unchanged": 0,
        "imported_as_draft_for_review": {
            "draft in WordPress": 1,
            "no read-full link": 2,
            "private in WordPress, no read-full link": 1,
            "two candidate dates": 1,
        },
        "skipped": {"page (not an article; a published page's address redirects home)": 3},
        "total": 14,
    }
    assert imported["articles"] == {"created": 11, "updated": 0, "duplicate_original_url": 1}
    assert imported["media"] == {"stored": 1, "not_found": 0}
    assert imported["comments_not_imported"] == 1
    assert imported["adds_up"] is True


def test_the_printed_report_gives_the_same_numbers(media, tmp_path):
    _, printed = run_import(tmp_path)
    assert "Export: 14 items in the file, 14 read" in printed
    assert "Imported as draft for review: 5" in printed
    assert "Total: 14 of 14 items — they add up" in printed


def test_the_progress_bar_counts_every_item_of_the_export(media, tmp_path):
    progress = StringIO()
    call_command("import_wordpress", str(EXPORT), "--media-dir", str(UPLOADS), stderr=progress,
                 stdout=StringIO())  # fmt: skip
    last = progress.getvalue().strip().splitlines()[-1]
    assert re.match(r"Importing \[#{30}\] 14/14 items \(", last), last


def test_an_export_of_wordpress_3_in_wxr_1_1_imports_the_same(media, tmp_path):
    """WordPress 3.x writes WXR 1.1: the same elements under the 1.1 namespaces."""
    old = tmp_path / "export-wxr-1.1.xml"
    text = EXPORT.read_text().replace("/export/1.2/", "/export/1.1/")
    old.write_text(text.replace("<wp:wxr_version>1.2<", "<wp:wxr_version>1.1<"))
    report, _ = run_import(tmp_path, old)
    assert report["articles"] == {"created": 11, "updated": 0, "duplicate_original_url": 1}
    assert report["adds_up"] is True


def test_unreadable_posts_become_drafts_with_their_whole_text_and_a_reason(imported):
    note = Article.objects.get(title="A Note from the Editors")
    assert note.status == Article.Status.DRAFT
    assert note.wordpress_origin.review_reason == "no read-full link"
    assert "takes a break for the holiday" in note.excerpt
    assert "Thank you for reading" in note.excerpt
    talks = Article.objects.get(title="Ceasefire Talks Resume in Cairo")
    assert talks.wordpress_origin.review_reason == "two candidate dates"
    assert "Haaretz, Sept. 3, 2024, updated Sept. 4, 2024" in talks.excerpt
    assert "Negotiators returned to Cairo on Tuesday." in talks.excerpt


def test_the_desk_filters_the_articles_to_review_by_reason(imported, superuser_client):
    page = superuser_client.get(
        "/admin/articles/article/", {"wp_review": "two candidate dates"}
    ).text
    assert "Ceasefire Talks Resume in Cairo" in page
    assert "A Note from the Editors" not in page
    every = superuser_client.get("/admin/articles/article/", {"wp_review": "any"}).text
    assert "A Note from the Editors" in every and "Hezbollah Moves Rockets South" in every
    assert SEED_TITLE not in every
    items = superuser_client.get("/admin/wordpress/importedpost/", {"outcome": "skipped"}).text
    assert "About the Daily Briefing" in items


def test_drafts_and_private_posts_stay_off_the_site_and_pages_are_not_articles(imported):
    draft = Article.objects.get(title="Hezbollah Moves Rockets South")
    assert draft.status == Article.Status.DRAFT
    assert draft.byline == "Seth J. Frantzman" and draft.source.name == "Jerusalem Post"
    assert not draft.briefing_entries.exists()
    private = Article.objects.get(title="Supporting Members: September Update")
    assert private.status == Article.Status.DRAFT and not private.briefing_entries.exists()
    assert not Article.objects.filter(title__in=["About the Daily Briefing", "Sample Page"])


def test_the_same_story_from_another_outlet_is_proposed_as_for_hand_added(imported):
    seed = Article.objects.get(title=SEED_TITLE)
    rewrite = Article.objects.get(source__name="IntegrityPress.org")
    assert rewrite.pk in [pk for pk, _ in scored_candidates(seed)]


def test_an_original_already_in_the_archive_is_not_added_twice(imported):
    assert Article.objects.filter(url_key__contains="wagner-turkey-weapons").count() == 1
    again = Briefing.objects.get(date=datetime.date(2024, 9, 4))
    assert SEED_TITLE in again.entries.values_list("article__title", flat=True)
    assert any("already in the archive" in note for note in imported["notes"])


def test_attachments_are_stored_and_their_links_point_at_the_copy(imported, media, client):
    name = "wordpress/2024/09/map-of-the-region.png"
    assert default_storage.exists(name)
    assert (media / name).read_bytes() == (UPLOADS / "2024/09/map-of-the-region.png").read_bytes()
    sukkah = Article.objects.get(title="Sukkah in the Skies with Diamonds")
    assert f'href="{default_storage.url(name)}"' in sukkah.excerpt
    old = client.get("/wp-content/uploads/2024/09/map-of-the-region.png")
    assert (old.status_code, old["Location"]) == (301, default_storage.url(name))


def snapshot():
    return {
        "articles": list(Article.objects.order_by("pk").values_list("pk", "updated_at")),
        "briefings": list(Briefing.objects.order_by("pk").values_list("pk", "updated_at")),
        "items": list(ImportedPost.objects.order_by("pk").values_list("pk", "updated_at")),
        "redirects": list(LegacyRedirect.objects.order_by("pk").values_list()),
    }


def test_a_second_run_changes_nothing(imported, tmp_path):
    before = snapshot()
    again, _ = run_import(tmp_path)
    assert snapshot() == before
    assert again["items"]["unchanged"] == 14 and again["items"]["total"] == 14
    assert again["articles"]["created"] == 0
    assert again["redirects"] == {"created": 0, "updated": 0}


def test_an_edited_post_is_updated_and_nothing_is_created(imported, tmp_path):
    counts = Article.objects.count(), Briefing.objects.count(), LegacyRedirect.objects.count()
    again, _ = run_import(tmp_path, EDITED)
    assert (again["items"]["updated"], again["items"]["unchanged"]) == (1, 13)
    article = Article.objects.get(title="Britain Moves Left, But How Far?")
    assert "the size of its majority hides" in article.excerpt
    assert counts == (
        Article.objects.count(),
        Briefing.objects.count(),
        LegacyRedirect.objects.count(),
    )


def test_an_interrupted_run_finishes_on_the_next(media, tmp_path, monkeypatch):
    from wordpress import services

    chunks, flush = [], services.Importer.flush

    def failing_flush(self):
        chunks.append(len(self.chunk))
        if len(chunks) == 3:
            raise KeyboardInterrupt
        flush(self)

    monkeypatch.setattr(services.Importer, "flush", failing_flush)
    with pytest.raises(KeyboardInterrupt):
        run_import(tmp_path, EXPORT, "--chunk-size", "3")
    assert ImportedPost.objects.count() == 6  # two chunks of three committed
    monkeypatch.setattr(services.Importer, "flush", flush)
    report, _ = run_import(tmp_path, EXPORT, "--chunk-size", "3")
    assert report["items"]["unchanged"] == 6 and report["items"]["total"] == 14
    assert ImportedPost.objects.count() == 14
    assert Article.objects.filter(title=SEED_TITLE).count() == 1


def found_by_search(client, article, words="Wagner mercenary") -> bool:
    return article.get_absolute_url() in client.get("/search/", {"q": words}).text


@pytest.mark.django_db(transaction=True)
def test_a_committed_import_is_searchable_and_a_stopped_refresh_is_caught_up(
    media, tmp_path, client
):
    # Outside a test's transaction each chunk commits and its search data is refreshed on a
    # second connection (wordpress/refresh.py).
    run_import(tmp_path, EXPORT, "--chunk-size", "3")
    seed = Article.objects.get(title=SEED_TITLE)
    rewrite = Article.objects.get(source__name="IntegrityPress.org")
    assert found_by_search(client, seed)
    assert rewrite.pk in [pk for pk, _ in scored_candidates(seed)]
    # A run stopped after a chunk committed, before its refresh: the next run catches up.
    Article.objects.filter(pk__in=[seed.pk, rewrite.pk]).update(search_vector=None)
    SearchEntry.objects.filter(article__in=[seed.pk, rewrite.pk]).delete()
    fingerprints_forget(article_ids=[seed.pk, rewrite.pk])
    assert not found_by_search(client, seed)
    report, _ = run_import(tmp_path)
    assert report["items"]["unchanged"] == 14
    assert found_by_search(client, seed)
    assert rewrite.pk in [pk for pk, _ in scored_candidates(seed)]


def test_a_dry_run_reports_and_saves_nothing(media, tmp_path):
    report, _ = run_import(tmp_path, EXPORT, "--dry-run")
    assert report["dry_run"] is True and report["items"]["imported"] == 6
    assert not Article.objects.exists() and not LegacyRedirect.objects.exists()
    assert not default_storage.exists("wordpress/2024/09/map-of-the-region.png")


def test_since_and_until_import_only_those_days_and_a_later_run_takes_the_rest(media, tmp_path):
    report, _ = run_import(tmp_path, EXPORT, "--since", "2024-09-02", "--until", "2024-09-03")
    assert report["items"]["skipped"]["outside --since/--until"] == 6
    assert not Article.objects.filter(title=SEED_TITLE).exists()
    report, _ = run_import(tmp_path)
    assert Article.objects.filter(title=SEED_TITLE).exists()
    assert "outside --since/--until" not in report["items"]["skipped"]


def test_the_command_fails_when_the_numbers_do_not_add_up(media, tmp_path):
    broken = tmp_path / "broken.xml"
    text = EXPORT.read_text()
    # An item commented out: the file's lines show 15 items, the parser reads 14.
    hidden = "<!--\n\t<item>\n\t\t<title>Lost</title>\n\t</item>\n-->\n\t<item>"
    broken.write_text(text.replace("\t<item>", hidden, 1))
    with pytest.raises(CommandError, match="do not add up"):
        run_import(tmp_path, broken)


# --- Old links ---------------------------------------------------------------------------------

WP = "{http://wordpress.org/export/1.2/}"
QUERY_OF = {"post": "p", "page": "page_id", "attachment": "attachment_id"}


def old_addresses(export: Path) -> list[str]:
    """Every public address of the old site the export shows (read independently of the
    importer): published items' permalinks and ?p= links, categories, tags, authors, feeds
    and the date archives of the published posts."""
    channel = etree.parse(str(export), etree.XMLParser(resolve_entities=False)).find("channel")
    site = channel.findtext("link")
    paths = ["/feed/", "/comments/feed/", "/?feed=rss2"]
    for item in channel.iter("item"):
        if item.findtext(f"{WP}status") not in ("publish", "inherit"):
            continue
        kind, wp_id = item.findtext(f"{WP}post_type"), item.findtext(f"{WP}post_id")
        paths.append(item.findtext("link").removeprefix(site))
        paths.append(item.findtext("guid").removeprefix(site) or "/")
        paths.append(f"/?{QUERY_OF[kind]}={wp_id}")
        if kind == "post":
            day = item.findtext(f"{WP}post_date")[:10].replace("-", "/")
            paths += [f"/{day}/", f"/{day[:7]}/", f"/{day[:4]}/", f"/?m={day.replace('/', '')}"]
    for category in channel.iter(f"{WP}category"):
        slug, term_id = (
            category.findtext(f"{WP}category_nicename"),
            category.findtext(f"{WP}term_id"),
        )
        paths += [f"/category/{slug}/", f"/category/{slug}/feed/", f"/?cat={term_id}"]
    for tag in channel.iter(f"{WP}tag"):
        slug = tag.findtext(f"{WP}tag_slug")
        paths += [f"/tag/{slug}/", f"/tag/{slug}/feed/", f"/?tag={slug}"]
    for author in channel.iter(f"{WP}author"):
        login, author_id = author.findtext(f"{WP}author_login"), author.findtext(f"{WP}author_id")
        paths += [f"/author/{login}/", f"/?author={author_id}"]
    return list(dict.fromkeys(paths))


def test_every_old_address_redirects_permanently_to_a_page_that_answers(imported, client):
    addresses = old_addresses(EXPORT)
    assert len(addresses) > 40
    for address in addresses:
        if address.startswith("/wp-content/"):
            continue  # the file itself: test_attachments_are_stored...
        response = client.get(address)
        assert response.status_code == 301, address
        target = client.get(response["Location"])
        assert target.status_code == 200, (address, response["Location"])


def test_old_post_addresses_lead_to_the_article_or_the_day(imported, client):
    seed = Article.objects.get(title=SEED_TITLE)
    old = "/2024/09/01/leaked-us-military-document-reveals-russias-wagner-mercenary-group/"
    assert client.get(old)["Location"] == seed.get_absolute_url()
    assert client.get(old.rstrip("/").upper())["Location"] == seed.get_absolute_url()
    assert client.get("/index.php?p=7&utm_source=x")["Location"] == seed.get_absolute_url()
    assert client.get("/search/", {"tag": "\x00", "page": "0"}).status_code == 404
    assert client.get("/2024/09/03/daily-briefing-september-3-2024/")["Location"] == (
        "/briefings/2024/09/03/"
    )
    assert client.get("/category/israel/")["Location"] == "/tags/israel/"
    # Drafts had no public address, and still have none.
    assert client.get("/?p=16").status_code == 200  # the home page, as WordPress showed it


def test_an_old_address_costs_one_query(imported, client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/?p=7")
    assert response.status_code == 301


def test_no_shortcode_reaches_a_reader(imported, client):
    pages = [a.get_absolute_url() for a in Article.objects.published()]
    pages += [b.get_absolute_url() for b in Briefing.objects.published()]
    shortcode = re.compile(r"\[/?(caption|gallery|embed|tweet|contact-form-7)\b")
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200
        assert not shortcode.search(page.text), url


def test_a_post_twice_in_the_export_is_imported_once_and_counted(media, tmp_path):
    doubled = tmp_path / "doubled.xml"
    text = EXPORT.read_text()
    start = text.rindex("\t<item>", 0, text.index("leaked-us-military-document"))
    end = text.index("</item>", start) + len("</item>\n")
    doubled.write_text(text[:end] + text[start:end] + text[end:])
    report, _ = run_import(tmp_path, doubled)
    assert report["items"]["skipped"]["the same post id twice in the export"] == 1
    assert report["adds_up"] is True and report["items"]["total"] == 15
    assert Article.objects.filter(title=SEED_TITLE).count() == 1


def test_imported_articles_are_due_for_the_link_checker_and_queued_for_the_archive(
    media, tmp_path, settings
):
    """The import bulk-inserts (no signal fires): the checker's next round enrolls every
    article, due at once, and queues it for the Wayback Machine when submitting is on."""
    settings.WAYBACK_SUBMIT = True
    run_import(tmp_path)
    imported = Article.objects.count()
    assert imported >= 11 and not ArticleLink.objects.exists()
    out = StringIO()
    call_command("check_links", "--dry-run", stdout=out)
    assert f"{imported} link(s) are due; none was checked (dry run)." in out.getvalue()
    links = ArticleLink.objects.all()
    assert links.count() == imported
    assert {link.archive_status for link in links} == {ArticleLink.Archive.PENDING}
