"""What readers see at the end of an excerpt: the original while it is fine (or where it moved
to), the archived copy once it is gone or changed, our own snapshot only where it is turned on."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from playwright.sync_api import expect

from linkhealth.models import ArticleLink
from linkhealth.services import links_check
from tests.factories import ArticleFactory
from tests.linkhealth.conftest import (
    REWRITTEN,
    STATES,
    Answer,
    article_in_state,
    captured_article,
)

pytestmark = pytest.mark.django_db
ARCHIVED = "The original is no longer available — read the archived copy (captured 13 April 2023)"
DEAD = {"gone-404", "gone-410", "changed"}


def expected(server, article, state) -> tuple[str, str]:
    """The read-full line's text and address for an article in `state`."""
    if state in DEAD:
        return ARCHIVED, f"http://web.archive.org/web/20230413000000/{article.original_url}"
    if state == "moved":
        return f"[Read the full article at {article.source.name}]", server.url("/moved-here")
    return f"[Read the full article at {article.source.name}]", article.original_url


def read_more(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    line = re.search(r'<p class="read-more[^"]*">(.*?)</p>', html, re.S).group(1)
    return re.sub(r"<[^>]+>", "", line).strip(), re.search(r'href="([^"]+)"', line).group(1)


@pytest.mark.parametrize("state", STATES)
def test_the_read_full_line_follows_the_state_of_the_original(client, web, wayback, state):
    wayback.archived[web.url(f"/{state}")] = "20230413000000"
    article = article_in_state(web, state)
    text, url = read_more(client, article)
    want_text, want_url = expected(web, article, state)
    assert want_text in text.replace("\n", " ").replace("  ", " ")
    assert url == want_url


def test_a_dead_original_without_any_archived_copy_says_so(client, web, wayback):
    article = article_in_state(web, "gone-404")
    text, url = read_more(client, article)
    assert "no longer available" in text and "no archived copy has been found" in text
    assert url == article.original_url


def test_our_own_snapshot_page_is_off_by_default(client, web):
    article = article_in_state(web, "changed")
    assert client.get(f"/articles/{article.slug}/original/").status_code == 404


def test_with_our_own_snapshot_on_a_dead_link_leads_to_the_captured_text(client, web, settings):
    settings.LINKHEALTH_OWN_SNAPSHOT = True
    article = article_in_state(web, "gone-410")  # and the Wayback Machine has nothing
    text, url = read_more(client, article)
    assert url == f"/articles/{article.slug}/original/"
    assert "captured 12 April 2023" in text
    page = client.get(url)
    assert page.status_code == 200 and page["X-Robots-Tag"].startswith("noindex")
    assert "rebuild" in page.content.decode()  # the original's text, as captured
    alive = captured_article(web, "/alive")
    assert client.get(f"/articles/{alive.slug}/original/").status_code == 404


def test_the_article_page_costs_the_same_queries_whatever_the_state(client, web):
    plain = ArticleFactory()
    gone = article_in_state(web, "gone-404")
    moved = article_in_state(web, "moved")
    for article in (plain, gone, moved):
        client.get(article.get_absolute_url())  # warm the sidebar and site-settings caches
    counts = []
    for article in (plain, gone, moved):
        with CaptureQueriesContext(connection) as queries:
            client.get(article.get_absolute_url())
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2] <= 12
    assert ArticleLink.objects.get(article=gone).is_dead


@pytest.mark.browser
@pytest.mark.parametrize("state", STATES)
def test_a_reader_sees_the_right_link_in_each_state(live_server, page, web, wayback, state):
    wayback.archived[web.url(f"/{state}")] = "20230413000000"
    article = article_in_state(web, state)
    want_text, want_url = expected(web, article, state)

    page.goto(live_server.url + article.get_absolute_url())

    line = page.locator("p.read-more")
    expect(line).to_contain_text(want_text)
    expect(line.get_by_role("link")).to_have_attribute("href", want_url)


def test_a_reader_of_a_cached_page_sees_the_archived_copy_once_the_original_changes(
    client, web, wayback
):
    """The article page is served from the readers' page cache; a check that changes what the
    read-full line shows makes the cached page go, a check that changes nothing keeps it."""
    wayback.archived[web.url("/soon-rewritten")] = "20230413000000"
    article = captured_article(web, "/soon-rewritten")
    links_check(article_ids=[article.pk])  # the original is fine
    assert read_more(client, article)[1] == article.original_url  # now cached
    with CaptureQueriesContext(connection) as cached:
        client.get(article.get_absolute_url())
    links_check(article_ids=[article.pk])  # fine again: nothing readers see changed
    with CaptureQueriesContext(connection) as still_cached:
        assert read_more(client, article)[1] == article.original_url
    assert len(still_cached) == len(cached)

    web.routes["/soon-rewritten"] = Answer(200, REWRITTEN)
    links_check(article_ids=[article.pk])
    text, url = read_more(client, article)
    assert ARCHIVED in text.replace("\n", " ").replace("  ", " ")
    assert url == f"http://web.archive.org/web/20230413000000/{article.original_url}"
