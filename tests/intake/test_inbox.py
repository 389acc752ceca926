"""The editors' inbox: every feed's new items, newest first, the same story together."""

import datetime

import pytest
from django.utils import timezone

from intake.models import Feed, FeedItem
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db
INBOX = "/admin/intake/feeditem/"


def item(feed, title, hours_ago, url=None, summary=""):
    return FeedItem.objects.create(
        feed=feed,
        guid=title,
        url=url or f"https://news.example.org/{title.lower().replace(' ', '-')}",
        title=title,
        summary=summary,
        published_at=timezone.now() - datetime.timedelta(hours=hours_ago),
    )


@pytest.fixture
def feeds(db):
    ledger = Feed.objects.create(source=SourceFactory(name="Ledger"), url="https://l.example/rss")
    herald = Feed.objects.create(source=SourceFactory(name="Herald"), url="https://h.example/rss")
    return ledger, herald


def row_titles(page: str, titles) -> list[str]:
    return sorted((t for t in titles if t in page), key=page.index)


def test_the_inbox_lists_items_newest_first_with_the_same_story_together(editor_client, feeds):
    ledger, herald = feeds
    first = "The council of Port Alder voted to rebuild the sea wall."
    later = "Port Alder's council voted on Wednesday to rebuild its flooded sea wall."
    item(ledger, "Port Alder council votes to rebuild the flooded sea wall", 5, summary=first)
    item(herald, "Ferry timetable changes for spring", 3)
    item(herald, "Sea wall in Port Alder to be rebuilt after council vote", 1, summary=later)
    response = editor_client.get(INBOX)
    assert response.status_code == 200
    page = response.text
    titles = [
        "Sea wall in Port Alder to be rebuilt after council vote",
        "Port Alder council votes to rebuild the flooded sea wall",
        "Ferry timetable changes for spring",
    ]
    assert row_titles(page, titles) == titles
    assert "2 items on this story" in page and "Same story as above" in page


def test_items_already_in_the_archive_are_marked_and_can_be_filtered(editor_client, feeds):
    ledger, _herald = feeds
    item(ledger, "Archived story", 2, url="https://news.example.org/archived")
    ArticleFactory(original_url="https://www.news.example.org/archived/?utm_source=x")
    item(ledger, "Fresh story", 1)
    page = editor_client.get(INBOX).text
    assert page.count('alt="True"') == 1
    assert "Fresh story" not in editor_client.get(INBOX, {"archived": "yes"}).text
    assert "Archived story" not in editor_client.get(INBOX, {"archived": "no"}).text


def test_the_inbox_filters_by_source(editor_client, feeds):
    ledger, herald = feeds
    item(ledger, "Ledger story", 1)
    item(herald, "Herald story", 1)
    page = editor_client.get(INBOX, {"feed__source__id__exact": ledger.source_id}).text
    assert "Ledger story" in page and "Herald story" not in page


def test_the_inbox_filters_by_date(editor_client, feeds):
    """The date filter's "Past 7 days" link, as the page offers it, and a day of the date
    hierarchy keep that period's items only."""
    import html
    import re

    ledger, _herald = feeds
    item(ledger, "This week's story", 30)
    item(ledger, "Story of last month", 24 * 30)
    page = editor_client.get(INBOX).text
    link = re.search(r'href="(\?[^"]*published_at__gte[^"]*)"[^>]*>\s*Past 7 days', page)
    assert link, "the date filter offers Past 7 days"
    week = editor_client.get(INBOX + html.unescape(link.group(1))).text
    assert "This week&#x27;s story" in week and "Story of last month" not in week
    day = timezone.localtime(timezone.now() - datetime.timedelta(hours=24 * 30))
    hierarchy = {"published_at__year": day.year, "published_at__month": day.month,
                 "published_at__day": day.day}  # fmt: skip
    that_day = editor_client.get(INBOX, hierarchy).text
    assert "Story of last month" in that_day and "This week" not in that_day


def test_excerpt_this_opens_the_import_of_the_items_address(editor_client, feeds):
    ledger, _ = feeds
    item(ledger, "Sea wall vote", 1, url="https://l.example/sea-wall?x=1")
    page = editor_client.get(INBOX).text
    assert (
        'href="/admin/articles/article/import/?url=https%3A%2F%2Fl.example%2Fsea-wall%3Fx%3D1"'
        in page
    )


def test_dismiss_hides_an_item_for_every_editor(editor_client, superuser_client, feeds):
    ledger, _ = feeds
    gone = item(ledger, "Not for us", 2)
    item(ledger, "Keep this", 1)
    response = editor_client.post(f"{INBOX}{gone.pk}/dismiss/", HTTP_REFERER=INBOX)
    assert response.status_code == 302
    for client in (editor_client, superuser_client):
        page = client.get(INBOX).text.split('id="result_list"')[1]
        assert "Not for us" not in page and "Keep this" in page
    gone.refresh_from_db()
    assert gone.dismissed_at is not None


def test_dismiss_only_answers_a_post(editor_client, feeds):
    ledger, _ = feeds
    one = item(ledger, "Still here", 1)
    assert editor_client.get(f"{INBOX}{one.pk}/dismiss/").status_code == 405


def test_the_inbox_costs_the_same_queries_for_many_items(
    editor_client, feeds, django_assert_max_num_queries
):
    ledger, herald = feeds
    for n in range(40):
        item(ledger if n % 2 else herald, f"Story number {n} about topic {n}", n)
    with django_assert_max_num_queries(12):
        assert editor_client.get(INBOX).status_code == 200


def test_the_inbox_shows_nothing_about_subscribers(editor_client, feeds):
    page = editor_client.get(INBOX).text
    assert "ubscriber" not in page.split('id="content"')[1]


def test_a_stopped_feed_shows_why(editor_client, feeds):
    ledger, _ = feeds
    ledger.status = Feed.Status.STOPPED
    ledger.status_reason = "Stopped on 2024-03-17: failing since 2024-03-14 (HTTP 500)"
    ledger.save()
    page = editor_client.get("/admin/intake/feed/").text
    assert "failing since 2024-03-14" in page


def test_items_on_one_subject_reporting_different_events_are_not_grouped(editor_client, feeds):
    """The stories app's event comparison, not word overlap: the same company, chief executive
    and wording, but a firing and the reinstatement five days later are two stories."""
    ledger, herald = feeds
    item(
        ledger,
        "Harbour Power board fires chief executive Dana Whitlock",
        100,
        summary="The board of Harbour Power fired its chief executive, Dana Whitlock, on "
        "Friday after a dispute over the company's plans for the wind farm.",
    )
    item(
        herald,
        "Harbour Power reinstates Dana Whitlock as chief executive",
        1,
        summary="Harbour Power reinstated Dana Whitlock as its chief executive on Wednesday, "
        "five days after the board fired her over the company's plans for the wind farm.",
    )
    page = editor_client.get(INBOX).text
    assert "Harbour Power reinstates" in page and "Harbour Power board fires" in page
    assert "items on this story" not in page and "Same story as above" not in page


def test_the_same_story_from_two_feeds_is_grouped_across_other_items(editor_client, feeds):
    ledger, herald = feeds
    item(
        ledger,
        "Magnitude 6.1 earthquake shakes the northern islands",
        6,
        summary="An earthquake of magnitude 6.1 shook the northern islands on Tuesday morning, "
        "damaging the harbour wall at Kettle Bay, officials said.",
    )
    item(ledger, "Library opens its new reading room", 4)
    item(
        herald,
        "Northern islands shaken by a 6.1 quake; harbour wall at Kettle Bay damaged",
        2,
        summary="A magnitude 6.1 quake hit the northern islands on Tuesday and damaged the "
        "harbour wall at Kettle Bay.",
    )
    page = editor_client.get(INBOX).text
    titles = [
        "Northern islands shaken by a 6.1 quake",
        "Magnitude 6.1 earthquake shakes the northern islands",
        "Library opens its new reading room",
    ]
    assert row_titles(page, titles) == titles
    assert "2 items on this story" in page
