import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from briefing.models import Briefing
from core.site_settings import current
from tests.factories import ArticleFactory, BriefingFactory, briefing_of

pytestmark = pytest.mark.django_db

SEED_TITLE = (
    "Leaked US Military Document Reveals Russia’s Wagner Mercenary Group Tried to Buy Weapons "
    "from NATO Member"
)
SEED_QUOTE = (
    "“Representatives from the Wagner Group appear to have met with their Turkish contacts just "
    "one month after Erdogan’s calls with Putin and Zelensky took place, according to the leaked "
    "Pentagon document.”"
)


def text_of(response) -> str:
    """The main column as a reader reads it: tags dropped, entities decoded, spaces collapsed.

    (The sidebar is left out: its "Most Recent Articles" list the same articles.)"""
    page = response.content.decode()
    body = page[page.index("<main") : page.index("</main>")]
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()
    return re.sub(r" ([,.;:!?])", r"\1", text)  # "<a>CNN</a>, ..." reads "CNN, ..."


def test_home_page_reads_like_the_seed_briefing(client, demo, settings):
    settings.DONATION_URL = "https://cijr.example.org/donate"
    settings.DONATION_TEXT = "Donate CIJR"
    settings.MEMBERSHIP_URL = "https://cijr.example.org/member"
    settings.MEMBERSHIP_TEXT = "Become a CIJR Supporting Member!"
    Briefing.objects.exclude(date=datetime.date(2024, 9, 1)).delete()

    text = text_of(client.get("/"))

    in_order = [
        "Sunday, September 1, 2024",
        "Get the Daily Briefing by Email",
        SEED_TITLE,
        "Zachary Cohen and Jennifer Hansler",
        "CNN, Apr. 12, 2023",
        SEED_QUOTE,
        "A Russian paramilitary group fighting in Ukraine on behalf of Vladimir Putin attempted",
        "continues on with no signs of abating.",
        "As a NATO member, Turkey is broadly considered a partner nation",
        "complicate Ankara’s relationship with other NATO members.",
        "… [Read the full article",
        "Donate CIJR",
        "Become a CIJR Supporting Member!",
    ]
    positions = [text.find(fragment) for fragment in in_order]
    assert -1 not in positions, [f for f, p in zip(in_order, positions, strict=True) if p < 0]
    assert positions == sorted(positions)


def test_call_to_action_and_read_more_link_point_where_readers_expect(client, demo):
    page = client.get("/briefings/2024/09/01/").content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    assert 'class="cta" href="/subscribe/"' in main
    article = Article.objects.get(pk=1)
    assert f'href="{article.original_url}"' in page


def test_home_page_without_any_briefing_is_a_friendly_empty_state(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No briefing yet" in text_of(response)
    assert "Get the Daily Briefing by Email" in text_of(response)


def test_donation_box_is_left_out_when_not_configured(client, demo, settings):
    settings.DONATION_URL = ""
    settings.MEMBERSHIP_URL = ""
    assert "support-box" not in client.get("/").content.decode()


def test_home_shows_the_latest_published_briefing(client):
    briefing_of([ArticleFactory(title="Older news")], date=datetime.date(2024, 9, 1))
    briefing_of([ArticleFactory(title="Latest news")], date=datetime.date(2024, 9, 2))
    briefing_of(
        [ArticleFactory(title="Tomorrow's draft")],
        date=datetime.date(2024, 9, 3),
        status=Briefing.Status.DRAFT,
        published_at=None,
    )
    text = text_of(client.get("/"))
    assert "Monday, September 2, 2024" in text
    assert "Latest news" in text
    assert "Older news" not in text
    assert "Tomorrow's draft" not in text


def test_entries_keep_their_order_and_section_headings(client):
    israel, gaza, kyiv = (ArticleFactory(title=t) for t in ("Israel A", "Israel B", "Kyiv C"))
    briefing = briefing_of([kyiv, israel, gaza])
    entries = {e.article.title: e for e in briefing.entries.select_related("article")}
    entries["Israel A"].position, entries["Israel A"].section = 1, "Israel"
    entries["Israel B"].position = 2
    entries["Kyiv C"].position, entries["Kyiv C"].section = 3, "Ukraine"
    for entry in entries.values():
        entry.save()

    text = text_of(client.get(briefing.get_absolute_url()))

    order = [text.find(s) for s in ("Israel", "Israel A", "Israel B", "Ukraine", "Kyiv C")]
    assert -1 not in order and order == sorted(order)


def test_draft_articles_of_a_published_briefing_stay_hidden(client):
    briefing = briefing_of(
        [ArticleFactory(title="Visible story"), ArticleFactory(title="Unfinished story")]
    )
    Article.objects.filter(title="Unfinished story").update(status=Article.Status.DRAFT)
    text = text_of(client.get(briefing.get_absolute_url()))
    assert "Visible story" in text
    assert "Unfinished story" not in text


def test_day_page_links_to_previous_and_next_published_briefings(client):
    first = briefing_of([ArticleFactory()], date=datetime.date(2024, 8, 30))
    briefing_of(
        [ArticleFactory()],
        date=datetime.date(2024, 8, 31),
        status=Briefing.Status.DRAFT,
        published_at=None,
    )
    middle = briefing_of([ArticleFactory()], date=datetime.date(2024, 9, 1))
    last = briefing_of([ArticleFactory()], date=datetime.date(2024, 9, 5))

    page = client.get(middle.get_absolute_url()).content.decode()

    assert f'rel="prev" href="{first.get_absolute_url()}"' in page
    assert f'rel="next" href="{last.get_absolute_url()}"' in page
    first_page = client.get(first.get_absolute_url()).content.decode()
    assert 'rel="prev"' not in first_page
    assert f'rel="next" href="{middle.get_absolute_url()}"' in first_page


@pytest.mark.parametrize(
    "url",
    [
        "/briefings/2024/09/02/",  # no briefing that day
        "/briefings/2024/09/03/",  # a draft
        "/briefings/2024/09/04/",  # scheduled, not yet due
        "/briefings/2024/02/30/",  # no such date
        "/briefings/2024/13/01/",
        "/briefings/1999/",
        "/briefings/2024/10/",
        "/briefings/2024/00/",
    ],
)
def test_unknown_or_unpublished_dates_are_404_in_the_site_layout(client, url):
    briefing_of([ArticleFactory()], date=datetime.date(2024, 9, 1))
    briefing_of(
        [ArticleFactory()],
        date=datetime.date(2024, 9, 3),
        status=Briefing.Status.DRAFT,
        published_at=None,
    )
    briefing_of(
        [ArticleFactory()],
        date=datetime.date(2024, 9, 4),
        status=Briefing.Status.SCHEDULED,
        publish_at=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC),
        published_at=None,
    )
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_archive_lists_years_months_and_a_calendar_of_days(client):
    briefing_of([ArticleFactory()], date=datetime.date(2023, 12, 31))
    briefing_of([ArticleFactory()], date=datetime.date(2024, 9, 1))
    briefing_of([ArticleFactory()], date=datetime.date(2024, 9, 15))
    briefing_of(
        [ArticleFactory()],
        date=datetime.date(2024, 10, 2),
        status=Briefing.Status.DRAFT,
        published_at=None,
    )

    index = client.get("/briefings/").content.decode()
    assert 'href="/briefings/2023/"' in index and 'href="/briefings/2024/"' in index

    year = client.get("/briefings/2024/").content.decode()
    assert 'href="/briefings/2024/09/"' in year
    assert "/briefings/2024/10/" not in year  # only a draft that month
    assert 'rel="prev" href="/briefings/2023/"' in year

    month = client.get("/briefings/2024/09/")
    assert month.status_code == 200
    page = month.content.decode()
    assert 'href="/briefings/2024/09/01/"' in page
    assert 'href="/briefings/2024/09/15/"' in page
    assert page.count('href="/briefings/2024/09/') == 2
    assert "Sunday, September 15, 2024" in page  # the day's accessible name


def test_archive_index_with_no_briefing_says_so(client):
    response = client.get("/briefings/")
    assert response.status_code == 200
    assert "No briefing has been published yet." in text_of(response)


def test_feeds_carry_each_whole_briefing(client):
    briefing_of([ArticleFactory(title="Feed story one"), ArticleFactory(title="Feed story two")])
    BriefingFactory(status=Briefing.Status.DRAFT, published_at=None, title="Secret draft")
    for url in ("/briefings/feed/rss/", "/briefings/feed/atom/"):
        response = client.get(url)
        assert response.status_code == 200
        feed = html.unescape(response.content.decode())
        assert "Feed story one" in feed and "Feed story two" in feed
        assert "Secret draft" not in feed


def test_published_briefings_are_in_the_sitemap(client):
    published = briefing_of([ArticleFactory()], date=datetime.date(2024, 9, 1))
    draft = BriefingFactory(
        date=datetime.date(2024, 9, 2), status=Briefing.Status.DRAFT, published_at=None
    )
    sitemap = client.get("/sitemap.xml").content.decode()
    assert published.get_absolute_url() in sitemap
    assert draft.get_absolute_url() not in sitemap


def test_demo_briefings_fill_several_days_of_the_archive(client, demo):
    published = Briefing.objects.published()
    assert published.count() >= 5
    for briefing in published:
        assert client.get(briefing.get_absolute_url()).status_code == 200
    assert Briefing.objects.filter(status=Briefing.Status.DRAFT).exists()  # for the editors
    month = client.get("/briefings/2024/08/").content.decode()
    assert month.count('href="/briefings/2024/08/') >= 3


def test_a_day_without_leading_zeros_moves_to_its_one_address(client):
    briefing = briefing_of([ArticleFactory()], date=datetime.date(2024, 9, 1))
    response = client.get("/briefings/2024/9/1/")
    assert response.status_code == 301
    assert response["Location"] == briefing.get_absolute_url() == "/briefings/2024/09/01/"


def test_links_to_a_day_are_always_written_with_two_digits():
    from django.urls import reverse

    assert reverse("briefing:briefing_day", args=[2024, 9, 1]) == "/briefings/2024/09/01/"
    assert reverse("briefing:archive_month", args=[2024, 9]) == "/briefings/2024/09/"


def _briefings(first: int, count: int) -> None:
    for n in range(first, first + count):
        day = datetime.date(2024, 1, 1) + datetime.timedelta(days=n)
        briefing_of([ArticleFactory(), ArticleFactory()], date=day)


def test_the_briefing_feed_costs_the_same_queries_for_2_or_10_briefings(client):
    def feed_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/briefings/feed/rss/").status_code == 200
        return len(queries)

    _briefings(0, 2)
    current()  # the site settings are cached, as after any first page
    few = feed_queries()
    _briefings(2, 8)
    assert feed_queries() == few
